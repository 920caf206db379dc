"""The 3D view's tick labels, axis names and colour legend are painted into a cached picture when the camera, the
size or the text change, and not in frames that change nothing of it; the picture is the one pyqtgraph's own text
items paint over the frame (the way main drew it before), at the projected tick positions, after a camera rotation
and for a new function; and the exported window shows the view exactly as its framebuffer holds it, with one paint."""
import numpy as np
import pyqtgraph.opengl as gl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from gui.views.surface_view import SurfaceView
from tests.gui.surface_helpers import gl_pixels, gl_project, image_array, shown

pytestmark = [pytest.mark.gui, pytest.mark.gl]

XS = np.linspace(-2, 2, 41)
GX, GY = np.meshgrid(XS, XS, indexing="ij")
SIZE = (560, 420)


def _pyqtgraph_text(qtbot, view: SurfaceView, zs) -> np.ndarray:
    """The same frame with the text painted by pyqtgraph's GLTextItem and GLGradientLegendItem over the GL frame
    (as every frame did before): a second view, same surface and camera, its own text layer emptied."""
    other = shown(qtbot, SurfaceView(), (view.width(), view.height()))
    other.set_surface(XS, XS, zs, labels=view.labels)
    other._camera_touched = True
    other.opts.update({key: view.opts[key] for key in ("center", "distance", "elevation", "azimuth", "fov")})
    for label in view.text.labels:
        other.addItem(gl.GLTextItem(pos=np.array(label.anchor), text=label.text, font=label.font,
                                    color=label.color, alignment=label.alignment))
    legend = view.text.legend
    other.addItem(gl.GLGradientLegendItem(pos=legend.pos, size=legend.size, gradient=view.colormap,
                                          labels=legend.labels, fontColor=legend.font_color))
    other.text.set_labels([])
    other.text.legend.set_visible(False)
    return gl_pixels(other)


def _view(qtbot, zs) -> SurfaceView:
    view = shown(qtbot, SurfaceView(), SIZE)
    view.set_surface(XS, XS, zs, labels=("u", "v", "loss"))
    return view


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return int(np.abs(a.astype(int) - b.astype(int)).max()) <= 1


def _text_pixels(view: SurfaceView) -> np.ndarray:
    """Where the frame differs from the same frame without its text: (h, w) booleans."""
    labels = view.text.labels
    with_text = gl_pixels(view)
    view.text.set_labels([])
    view.text.legend.set_visible(False)
    without = gl_pixels(view)
    view.text.set_labels(labels)
    view.text.legend.set_visible(True)
    return np.any(with_text != without, axis=-1)


def _in_view(view: SurfaceView) -> list:
    """The labels whose anchors project well inside the view (a turned camera leaves some out)."""
    points = gl_project(view, [label.anchor for label in view.text.labels])
    inside = (points[:, 0] > 45) & (points[:, 0] < view.width() - 45) & (points[:, 1] > 20) & \
        (points[:, 1] < view.height() - 10)
    return [label for label, keep in zip(view.text.labels, inside) if keep]


def _at_anchor(text: np.ndarray, view: SurfaceView, label) -> bool:
    """Text pixels where the label's anchor projects (pyqtgraph's projection): its baseline starts there, or a
    right-aligned label ends there, vertically centred."""
    (x, y), = gl_project(view, [label.anchor])
    x0, y0 = int(round(x)), int(round(y))
    left, right = (x0 - 40, x0 + 3) if label.alignment & Qt.AlignmentFlag.AlignRight else (x0 - 3, x0 + 40)
    return int(text[max(y0 - 16, 0):y0 + 8, max(left, 0):right].sum()) >= 6


def test_the_text_is_pyqtgraphs_and_sits_at_the_projected_ticks_after_a_rotation_and_a_new_function(qtbot):
    wave = np.sin(GX) * np.cos(GY)
    view = _view(qtbot, wave)
    first = gl_pixels(view)
    assert _same(first, _pyqtgraph_text(qtbot, view, wave))
    text = _text_pixels(view)
    assert len(_in_view(view)) >= 13 and all(_at_anchor(text, view, label) for label in _in_view(view))
    legend = view.text.legend
    assert text[legend.pos[1]:legend.pos[1] + legend.size[1], legend.pos[0]:legend.pos[0] + legend.size[0]].all()

    view.setCameraPosition(azimuth=25.0, elevation=48.0)
    turned = gl_pixels(view)
    assert _same(turned, _pyqtgraph_text(qtbot, view, wave))
    text = _text_pixels(view)
    assert len(_in_view(view)) >= 10 and all(_at_anchor(text, view, label) for label in _in_view(view))
    assert np.mean(np.any(turned != first, axis=-1)) > 0.05

    legend_before = dict(legend.labels)
    bowl = 40 * GX ** 2 + 3 * GY ** 2 - 700
    view.set_surface(XS, XS, bowl, labels=("p", "q", "cost"))
    assert _same(gl_pixels(view), _pyqtgraph_text(qtbot, view, bowl))
    assert {"p", "q", "cost"} <= {label.text for label in view.text.labels} and legend.labels != legend_before
    text = _text_pixels(view)
    assert len(_in_view(view)) >= 10 and all(_at_anchor(text, view, label) for label in _in_view(view))


def test_frames_that_change_no_text_do_not_paint_it_again(qtbot):
    view = _view(qtbot, np.sin(GX) * np.cos(GY))
    gl_pixels(view)
    painted = view.text.repaints
    assert painted >= 1
    line = gl.GLLinePlotItem(pos=np.array([[0, 0, 0], [3, 3, 2]], np.float32), color=(1, 0.4, 0.3, 1), width=3)
    view.add_item(line)
    before = gl_pixels(view)
    line.setData(pos=np.array([[0, 0, 0], [-3, 2, 2]], np.float32))   # an overlay moved: a new frame
    after = gl_pixels(view)
    view.update()
    qtbot.wait(50)
    assert view.text.repaints == painted and np.any(before != after)
    view.set_surface(XS, XS, -np.sin(GX) * np.cos(GY))   # another surface in the same box: the same text
    assert np.mean(np.any(gl_pixels(view) != after, axis=-1)) > 0.05
    assert view.text.repaints == painted

    view.setCameraPosition(azimuth=10.0)
    gl_pixels(view)
    assert view.text.repaints == painted + 1
    view.resize(500, 400)
    gl_pixels(view)
    assert view.text.repaints == painted + 2


def test_the_exported_window_shows_the_frame_on_screen_with_one_paint_of_the_view(qtbot, main_window, tmp_path):
    view = main_window.workspaces["surface"].surfaceView
    view.setCameraPosition(azimuth=35.0)
    window_format = main_window.grab().toImage().format()   # the screen's depth (16 bits under the tests' Xvfb)
    on_screen = image_array(view.grabFramebuffer().convertToFormat(window_format))
    paints = []
    paint_gl = view.paintGL
    view.paintGL = lambda: (paints.append(1), paint_gl())
    path = tmp_path / "window.png"
    assert main_window.export_window(str(path))
    view.paintGL = paint_gl
    assert len(paints) == 1
    qtbot.waitUntil(lambda: main_window.statusBar().currentMessage() == f"Image saved to {path}")
    exported = image_array(QImage(str(path)))
    corner = view.mapTo(main_window, view.rect().topLeft())
    region = exported[corner.y():corner.y() + view.height(), corner.x():corner.x() + view.width()]
    assert region.shape == on_screen.shape and np.array_equal(region, on_screen)
    assert len(view.text.labels) > 10 and view.text.legend.visible()


def test_a_layered_view_keeps_its_text_in_the_cached_layer(qtbot):
    """The Descent's view paints in layers (gui.views.gl_layers): its text is drawn into the still layer, the same
    pixels as the plain view's, and a frame that moves only a live item repaints neither the layer nor the text."""
    wave = np.sin(GX) * np.cos(GY)
    plain = _view(qtbot, wave)
    layered = SurfaceView()
    layered.enable_layers()
    layered = shown(qtbot, layered, SIZE)
    layered.set_surface(XS, XS, wave, labels=("u", "v", "loss"))
    assert np.array_equal(gl_pixels(layered), gl_pixels(plain))
    marker = gl.GLScatterPlotItem(pos=np.zeros((1, 3), np.float32), size=12.0, color=(1, 1, 1, 1))
    layered.add_item(marker, live=True)
    gl_pixels(layered)
    rebuilds, painted = layered.layers.rebuilds, layered.text.repaints
    marker.setData(pos=np.array([[2.0, 1.0, 1.0]], np.float32))
    gl_pixels(layered)
    assert (layered.layers.rebuilds, layered.text.repaints) == (rebuilds, painted)
    layered.setCameraPosition(azimuth=0.0)
    turned = gl_pixels(layered)
    assert (layered.layers.rebuilds, layered.text.repaints) == (rebuilds + 1, painted + 1)
    text = _text_pixels(layered)
    assert len(_in_view(layered)) >= 10 and all(_at_anchor(text, layered, label) for label in _in_view(layered))
    assert np.any(turned != gl_pixels(plain))
