"""A function of three or more variables brings a line of sliders for the variables held fixed. That line is
always there (a muted hint when nothing is held), so a 3-variable preset arriving or leaving never resizes the
views: a resized 3D view repaints in full, at once, in the same event-loop turn as everything the new function
brings (181–248 ms measured for the chain preset)."""
import numpy as np
from PySide6.QtCore import QEvent, QObject

from tests.gui.surface_helpers import choose_preset, distinct_colours, gl_pixels, settle, type_function, widget_pixels


class ResizeProbe(QObject):
    """Records every resize of the widgets it filters."""

    def __init__(self):
        super().__init__()
        self.sizes = []

    def eventFilter(self, _watched, event):   # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.sizes.append(event.size().toTuple())
        return False


def _view_sizes(surface):
    return surface.surfaceView.size().toTuple(), surface.contourView.size().toTuple()


def test_the_chain_preset_and_back_leave_the_views_their_size(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "himmelblau")
    before = _view_sizes(surface)
    hint = surface.controls.fixedHint
    assert hint.isVisible() and "Held fixed: none" in hint.text()
    probe = ResizeProbe()
    for view in (surface.surfaceView, surface.contourView):
        view.installEventFilter(probe)

    choose_preset(qtbot, surface, "chain")
    assert main_window.session.fixed == {"y": 0.2, "z": -0.1}
    sliders = surface.controls.sliders
    assert set(sliders) == {"y", "z"} and all(s.isVisible() and e.isVisible() for s, e, _ in sliders.values())
    assert not hint.isVisible()
    assert _view_sizes(surface) == before and probe.sizes == []
    assert distinct_colours(gl_pixels(surface.surfaceView)) > 200   # the chain's surface is drawn

    type_function(qtbot, surface, "x^2 - y^2")
    assert surface.controls.sliders == {} and hint.isVisible()
    assert _view_sizes(surface) == before and probe.sizes == []


def test_the_hint_is_painted_on_the_line_the_sliders_then_take(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "himmelblau")
    row = surface.controls.fixedRow
    height = row.height()
    assert np.ptp(widget_pixels(row).reshape(-1, 3).astype(int), axis=0).max() > 40   # the hint's text shows
    choose_preset(qtbot, surface, "chain")
    settle(qtbot, surface)
    slider, edit, _ = surface.controls.sliders["y"]
    assert row.height() == height
    for widget in (slider, edit):
        top_left = widget.mapTo(row, widget.rect().topLeft())
        assert row.rect().contains(top_left) and top_left.y() + widget.height() <= height
