"""An animation frame repaints the window once (the contour map and the loss plot both change, yet the window is
composed once), and an export grabs the 3D view in pieces — each one a turn of the event loop — with the same
pixels as the view's own grabFramebuffer(), and the contour map in strips with the pixels of grab() (but for an antialiased pixel at a strip's edge)."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from gui.descent.export import qimage_to_pil
from gui.descent import gl_grab
from tests.gui.descent_helpers import open_descent

pytestmark = [pytest.mark.gui, pytest.mark.gl]


class Repaints(QObject):
    """Which of the window's repaints (UpdateRequests it handles) painted the 3D view, the contour map and the loss
    plot: each repaint of a window holding a GL view is one composition of the whole window in OpenGL."""

    def __init__(self, w):
        super().__init__()
        self.current, self.painted = 0, []
        original = w.event

        def event(e):
            if e.type() != QEvent.Type.UpdateRequest:
                return original(e)
            self.current += 1
            return original(e)
        w.event = event
        for view in (w.contour_view, w.loss_plot.plot):
            view.viewport().installEventFilter(self)
        paint_gl = w.surface_view.paintGL

        def counted_paint_gl():
            self.painted.append(("3d", self.current))
            paint_gl()
        w.surface_view.paintGL = counted_paint_gl

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.painted.append((watched.parent().objectName(), self.current))
        return False

    def take(self) -> tuple[set, set]:
        """(the views painted, the repaints that painted them) since the last call."""
        painted, self.painted = self.painted, []
        return {view for view, _ in painted}, {repaint for _, repaint in painted}


def settle():
    for _ in range(5):
        QApplication.processEvents()


def test_a_frame_that_moves_the_map_and_the_loss_plot_repaints_the_window_once(qtbot):
    w = open_descent(qtbot)
    w.model.step(3)
    settle()
    assert w.window() is w
    repaints = Repaints(w)
    w.model.step(1)
    settle()
    repaints.take()   # what the window had still to paint when the counting began
    for _ in range(5):
        w.model.step(1)   # every run moves: trails on the map, curves on the loss plot, the 3D view
        settle()
        views, during = repaints.take()
        assert views == {"descentContourView", "lossPlotView", "3d"}
        assert len(during) == 1                       # all three in one repaint of the window
    assert all(r.steps == 9 for r in w.model.runs if w.model.status_kind(r) == "running")


def test_the_3d_view_is_grabbed_in_pieces_with_the_pixels_of_grab_framebuffer(qtbot, monkeypatch):
    w = open_descent(qtbot)
    w.model.step(40)
    settle()
    reference = np.asarray(qimage_to_pil(w.surface_view.grabFramebuffer()))
    polls = []
    real_wait = gl_grab.GL.glClientWaitSync

    def busy_renderer(fence, flags, timeout):
        """A renderer that has not passed a fence the first two times it is asked (a busy machine)."""
        polls.append(1)
        return gl_grab.GL.GL_TIMEOUT_EXPIRED if len(polls) % 3 else real_wait(fence, flags, timeout)
    monkeypatch.setattr(gl_grab.GL, "glClientWaitSync", busy_renderer)
    pieces = gl_grab.grab_slices(w.surface_view)
    turns = 0
    while True:
        try:
            next(pieces)
            turns += 1
            QApplication.processEvents()   # the event loop runs between pieces
        except StopIteration as done:
            image = done.value
            break
    assert turns >= 6                                  # three fences, each waited for over two turns at least
    pixels = np.asarray(qimage_to_pil(image))
    assert pixels.shape == reference.shape
    assert np.array_equal(pixels, reference)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 500   # a real, shaded surface with its trails


def test_the_contour_map_is_grabbed_in_strips_with_the_pixels_of_grab(qtbot):
    w = open_descent(qtbot)
    w.model.step(40)
    settle()
    reference = np.asarray(qimage_to_pil(w.contour_view.grab().toImage()))
    strips = gl_grab.widget_in_strips(w.contour_view, 3)
    turns = 0
    while True:
        try:
            next(strips)
            turns += 1
        except StopIteration as done:
            image = done.value
            break
    assert turns == 2
    pixels = np.asarray(qimage_to_pil(image))
    assert pixels.shape == reference.shape
    rows = np.flatnonzero(np.any(pixels != reference, axis=(1, 2)))
    edges = [round(pixels.shape[0] * k / 3) for k in (1, 2)]
    # the same picture; at most an antialiased pixel where a line crosses the edge between two strips
    assert all(min(abs(r - e) for e in edges) <= 1 for r in rows)
    assert np.sum(np.any(pixels != reference, axis=-1)) <= 10
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 500   # the colour map, its lines and the trails
