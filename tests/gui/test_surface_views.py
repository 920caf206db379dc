"""The reusable views on their own: SurfaceView pixels and mapping, contour lines, picking on the contour view."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QVector3D

from gui.views.contour_lines import contour_segments
from gui.views.contour_view import ContourView
from gui.views.surface_view import VIEW_FILL, SCENE_BOX, SurfaceView, frame_points, grid_faces, value_range
from tests.gui.surface_helpers import distinct_colours, gl_pixels, shown

pytestmark = [pytest.mark.gui]

XS = np.linspace(-2, 2, 61)
GX, GY = np.meshgrid(XS, XS, indexing="ij")


@pytest.mark.gl
def test_surface_view_draws_a_coloured_surface_and_redraws_on_new_data(qtbot):
    view = shown(qtbot, SurfaceView(), (500, 400))
    empty = gl_pixels(view)
    view.set_surface(XS, XS, GX * np.exp(-GX**2 - GY**2))
    bump = gl_pixels(view)
    view.set_surface(XS, XS, GX**2 - GY**2)
    saddle = gl_pixels(view)
    centre = (slice(120, 300), slice(120, 400))   # clear of the colour legend in the corner
    assert distinct_colours(empty[centre]) < 5    # background only
    assert distinct_colours(bump[centre]) > 300   # a lit, colour-mapped surface
    assert np.mean(np.any(bump != saddle, axis=-1)) > 0.05


def test_surface_mapping_fills_the_scene_box_and_round_trips(qtbot):
    view = SurfaceView()
    qtbot.addWidget(view)
    zs = 100.0 + 3.0 * GX + GY
    view.set_surface(XS, XS, zs)
    corners = view.to_scene([[-2, -2, zs.min()], [2, 2, zs.max()]])
    np.testing.assert_allclose(corners, [-SCENE_BOX / 2, SCENE_BOX / 2])
    p = np.array([[0.3, -1.1, 101.7]])
    np.testing.assert_allclose(view.from_scene(view.to_scene(p)), p)
    np.testing.assert_allclose(view.map_point(0.3, -1.1, 101.7), view.to_scene(p)[0])


def test_non_finite_samples_become_holes_and_spikes_are_clipped():
    finite = np.ones((4, 5), dtype=bool)
    assert len(grid_faces(4, 5, finite)) == 2 * 3 * 4
    finite[1, 2] = False                          # touches 4 cells
    assert len(grid_faces(4, 5, finite)) == 2 * (12 - 4)
    values = np.concatenate([np.linspace(0, 1, 500), [1e9]])
    lo, hi, clipped = value_range(values)
    assert clipped and hi < 10
    assert value_range(np.linspace(0, 1, 500))[:2] == (0.0, 1.0)


@pytest.mark.parametrize("radius", [0.5, 1.03, 1.7])
def test_contour_segments_lie_on_the_level_set(radius):
    zs = GX**2 + GY**2
    segments = contour_segments(XS, XS, zs, radius**2)
    r = np.hypot(segments[:, 0], segments[:, 1])
    assert len(segments) > 20
    np.testing.assert_allclose(r, radius, atol=(XS[1] - XS[0]) ** 2)   # linear interpolation error
    # the pieces close up: every endpoint is shared by two segments
    keys, counts = np.unique(np.round(segments, 9), axis=0, return_counts=True)
    assert np.all(counts == 2)


def test_contour_segments_skip_cells_with_holes():
    zs = GX**2 + GY**2
    zs[GX < 0] = np.nan
    segments = contour_segments(XS, XS, zs, 1.0)
    assert np.all(segments[:, 0] >= -1e-12)


def test_clicking_the_contour_view_reports_data_coordinates(qtbot):
    view = shown(qtbot, ContourView(), (400, 400))
    view.set_field(XS, XS, GX**2 + GY**2)
    with qtbot.waitSignal(view.point_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.map_to_widget(0.75, -1.25))
    x, y = blocker.args
    pixel = (XS[-1] - XS[0]) / 300             # about one pixel in data units
    assert abs(x - 0.75) < 2 * pixel and abs(y + 1.25) < 2 * pixel


@pytest.mark.parametrize("size", [(550, 690), (900, 420), (500, 400)])
def test_the_default_camera_frames_the_box_tightly_and_centred(qtbot, size):
    view = shown(qtbot, SurfaceView(), size)
    view.reset_camera()
    w, h = size
    mvp = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()   # pyqtgraph's own projection
    ndc = np.array([(q.x(), q.y()) for q in (mvp.map(QVector3D(*p)) for p in frame_points())])
    low, high = ndc.min(axis=0), ndc.max(axis=0)
    np.testing.assert_allclose(low, -high, atol=1e-6)               # equal margins on both sides
    assert np.all(high <= VIEW_FILL + 1e-6)                         # everything in view
    assert np.max(high) == pytest.approx(VIEW_FILL, abs=1e-6)       # and no further away than that needs
    # a resize refits an untouched camera; once the user has moved it, it is left alone
    fitted = view.opts["distance"]
    view.resize(1000, 250)                  # wide and short: the height now binds, further back
    assert view.opts["distance"] > fitted
    qtbot.mousePress(view, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton)
    moved = view.opts["distance"]
    view.resize(w, h)
    assert view.opts["distance"] == moved


def _pixels_per_unit(view, x0, x1, y0, y1):
    a, b = view.map_to_widget(x0, y0), view.map_to_widget(x1, y1)
    return abs(b.x() - a.x()) / (x1 - x0), abs(b.y() - a.y()) / (y1 - y0)


@pytest.mark.parametrize("size", [(380, 650), (700, 300)])
def test_the_contour_view_keeps_x_and_y_at_one_scale_for_comparable_ranges(qtbot, size):
    view = shown(qtbot, ContourView(), size)
    view.set_field(XS, XS, (GX**2 + GY**2 - 1) ** 2)   # a 4 × 4 box in a tall (or wide) widget
    px, py = _pixels_per_unit(view, -2, 2, -2, 2)
    assert px == pytest.approx(py, rel=0.02)            # the unit circle is drawn round
    # the whole box is in view, and clicks still land where they are aimed
    box = view.plotItem.vb.viewRect()
    assert box.left() <= -2 + 1e-9 and box.right() >= 2 - 1e-9 and box.top() <= -2 + 1e-9 and box.bottom() >= 2 - 1e-9
    with qtbot.waitSignal(view.point_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.map_to_widget(0.6, -0.8))
    assert blocker.args == pytest.approx([0.6, -0.8], abs=4 / min(size) * 2)
    # a box 1.5 : 1 stays at one scale too; one 50 : 1 fills the view instead of becoming a line
    xs, ys = np.linspace(0, 3, 31), np.linspace(0, 2, 21)
    view.set_field(xs, ys, xs[:, None] + ys[None, :])
    px, py = _pixels_per_unit(view, 0, 3, 0, 2)
    assert view.equal_scale() and px == pytest.approx(py, rel=0.02)
    xs, ys = np.linspace(0, 100, 51), np.linspace(-1, 1, 21)
    view.set_field(xs, ys, xs[:, None] * ys[None, :])
    assert not view.equal_scale()
    area = view.plotItem.vb.viewRect()
    assert (area.left(), area.right(), area.top(), area.bottom()) == pytest.approx((0, 100, -1, 1))
