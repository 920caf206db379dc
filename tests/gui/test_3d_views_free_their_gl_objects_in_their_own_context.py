"""A 3D view's GL objects — its text picture's framebuffer and texture, its layer's framebuffer, an export's
framebuffer — are freed when the view goes, with the view's own context current, whether the view is left to
Python's collector or deleted by Qt with its window; and the views that stay draw the same frames as before, through
repaints, a camera move and a resize.

Framebuffers belong to one context and are numbered per context; left to the collector, Qt deleted a gone view's
framebuffer names in whichever context was current next (another view's). Mesa (the test machine's driver) happens
to share framebuffers across a share group, so that cannot draw a wrong frame here; the count of objects freed
elsewhere than in their own context (``freed_elsewhere``) is what shows it. The text picture's texture, a raw GL
name, was never deleted at all: it stayed in the process-wide share group, which the survivor's context sees.
"""
import gc

import numpy as np
import pytest
from OpenGL import GL
from PySide6.QtGui import QOpenGLContext
from PySide6.QtWidgets import QVBoxLayout, QWidget
from shiboken6 import Shiboken

from gui.descent import gl_grab
from gui.views.surface_view import SurfaceView
from tests.gui.surface_helpers import distinct_colours, gl_pixels

pytestmark = [pytest.mark.gui, pytest.mark.gl]

XS = np.linspace(-2, 2, 21)
GX, GY = np.meshgrid(XS, XS, indexing="ij")
SIZE = (320, 240)


def _drawn(qtbot, view: SurfaceView, window: QWidget, zs) -> SurfaceView:
    view.enable_layers()
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    view.set_surface(XS, XS, zs)
    gl_pixels(view)
    return view


def _exported(view: SurfaceView):
    """The view's picture as an export grabs it (in pieces, into a framebuffer of the view's layer painter)."""
    picture = []

    def pieces():
        picture.append((yield from gl_grab.grab_slices(view)))

    for _ in pieces():
        pass
    return picture[0]


def _objects_of(view: SurfaceView):
    """The view's registries, and the GL names of what they hold (framebuffers, the text texture)."""
    registries = (view.text.gl_objects, view.layers.gl_objects)
    framebuffers = [r.get(name).handle() for r in registries for name in r.names() if name != "text copy"]
    return registries, framebuffers, view.text.gl_objects.get("text copy")


def _still_drawn_alike(qtbot, survivor: SurfaceView, before: np.ndarray) -> None:
    assert np.array_equal(gl_pixels(survivor), before)
    azimuth = survivor.opts["azimuth"]
    survivor.setCameraPosition(azimuth=azimuth + 25)   # a new camera: the text picture and the layer are repainted
    moved = gl_pixels(survivor)
    assert not np.array_equal(moved, before)
    survivor.setCameraPosition(azimuth=azimuth)
    assert np.array_equal(gl_pixels(survivor), before)
    registries, _, texture = _objects_of(survivor)
    freed = sum(r.freed for r in registries)
    survivor.resize(SIZE[0] + 40, SIZE[1] + 30)   # new framebuffers and texture of another size
    qtbot.waitUntil(lambda: survivor.width() == SIZE[0] + 40)
    assert distinct_colours(gl_pixels(survivor)) > 3000
    assert sum(r.freed for r in registries) == freed + 3   # the ones they replace, at once, in their context
    assert [r.freed_elsewhere for r in registries] == [0, 0]
    survivor.makeCurrent()
    assert not GL.glIsTexture(texture)
    survivor.resize(*SIZE)
    qtbot.waitUntil(lambda: survivor.width() == SIZE[0])
    assert np.array_equal(gl_pixels(survivor), before)


def _assert_freed_in_their_context(survivor: SurfaceView, registries, framebuffers, texture) -> None:
    assert [r.names() for r in registries] == [[], []]
    assert sum(r.freed for r in registries) >= 4   # text framebuffer and texture, layer and export framebuffers
    assert [r.freed_elsewhere for r in registries] == [0, 0]
    survivor.makeCurrent()
    assert not GL.glIsTexture(texture)   # it leaked: the share group kept it for good
    assert not any(GL.glIsFramebuffer(f) for f in framebuffers)


def test_a_view_left_to_the_collector_frees_its_gl_objects_in_its_own_context(qtbot):
    survivor = SurfaceView()
    qtbot.addWidget(survivor)
    _drawn(qtbot, survivor, survivor, np.cos(GX) * GY)
    gone = SurfaceView()
    _drawn(qtbot, gone, gone, np.sin(2 * GX) * np.cos(GY))
    assert _exported(gone).width() == SIZE[0]
    registries, framebuffers, texture = _objects_of(gone)
    assert len(framebuffers) == 3 and texture
    before = gl_pixels(survivor)
    gone.close()
    del gone
    survivor.makeCurrent()   # another view's context current while the view goes
    gc.collect()
    qtbot.wait(1)
    _assert_freed_in_their_context(survivor, registries, framebuffers, texture)
    _still_drawn_alike(qtbot, survivor, before)


def test_a_view_deleted_with_its_window_frees_its_gl_objects_in_its_own_context(qtbot):
    survivor = SurfaceView()
    qtbot.addWidget(survivor)
    _drawn(qtbot, survivor, survivor, np.cos(GX) * GY)
    window = QWidget()
    view = SurfaceView(window)
    QVBoxLayout(window).addWidget(view)
    _drawn(qtbot, view, window, np.sin(2 * GX) * np.cos(GY))
    assert _exported(view).width() == view.width()
    registries, framebuffers, texture = _objects_of(view)
    before = gl_pixels(survivor)
    with qtbot.waitSignal(window.destroyed):
        window.deleteLater()   # Qt deletes the view with its window
    _assert_freed_in_their_context(survivor, registries, framebuffers, texture)
    _still_drawn_alike(qtbot, survivor, before)


def test_the_views_context_is_no_child_of_the_views_wrapper(qtbot):
    """pyqtgraph's initializeGL asked ``self.context()``, which made the context's wrapper a child of the view's:
    a collection clearing it first would hand the widget's context to Python to delete (see
    gui/views/context_objects.py). The view's own initializeGL takes it from the static getter."""
    view = SurfaceView()
    qtbot.addWidget(view)
    _drawn(qtbot, view, view, np.cos(GX) * GY)
    view.makeCurrent()
    context = QOpenGLContext.currentContext()
    dump = Shiboken.dump(context)
    assert "validCppObject.... 1" in dump and "parent" not in dump
    assert "QOpenGLContext" not in Shiboken.dump(view)
