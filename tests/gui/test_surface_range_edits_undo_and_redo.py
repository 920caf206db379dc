"""The Surface tab's range boxes are undoable: typing a new range for x and then for y, Edit → Undo takes back one
range at a time and Redo puts it back, each time in the session, in the boxes and on the screen (the contour view's
extent, and the colour map read at the same points of the plane)."""
import numpy as np
import pytest

from tests.gui.surface_helpers import settle, type_function, type_into_spin, widget_pixels

pytestmark = [pytest.mark.gui, pytest.mark.gl]

PROBES = [(x, y) for x in np.linspace(0.2, 1.8, 5) for y in np.linspace(-1.8, 1.8, 5)]   # in every box below


def shows(qtbot, surface, box):
    """The session, the range boxes and the contour view all hold ``box``; returns the colours the contour view
    shows at PROBES (points of the plane, wherever the layout puts them on the widget)."""
    settle(qtbot, surface)
    assert surface.session.box() == box
    for axis, (lo, hi) in zip(("x", "y"), box):
        lo_spin, hi_spin = surface.controls.range_spins[axis]
        assert (lo_spin.value(), hi_spin.value()) == (lo, hi)
    view = surface.contourView
    assert view.extent == (box[0][0], box[0][1], box[1][0], box[1][1])
    pixels = widget_pixels(view)
    # the median of a 5 × 5 patch: a one-pixel contour line through a probe does not decide its colour
    return np.array([np.median(pixels[p.y() - 2: p.y() + 3, p.x() - 2: p.x() + 3].reshape(-1, 3), axis=0)
                     for p in (view.map_to_widget(x, y) for x, y in PROBES)], dtype=int)


def same(a, b):
    return np.max(np.abs(a - b)) <= 8


def test_range_edits_undo_and_redo_one_at_a_time(qtbot, main_window, surface):
    type_function(qtbot, surface, "x + 2*y")
    start = [(-2.0, 2.0), (-2.0, 2.0)]
    first = shows(qtbot, surface, start)
    lo, hi = surface.controls.range_spins["x"]
    type_into_spin(qtbot, lo, "0")
    type_into_spin(qtbot, hi, "3")
    x_done = shows(qtbot, surface, [(0.0, 3.0), (-2.0, 2.0)])
    lo, hi = surface.controls.range_spins["y"]
    type_into_spin(qtbot, hi, "5")
    both = shows(qtbot, surface, [(0.0, 3.0), (-2.0, 5.0)])
    # the colour scale spans f over the box shown, so the same point of the plane changes colour with the box
    assert not same(first, x_done) and not same(x_done, both)

    main_window.undo_action.trigger()                     # y's range goes back
    assert same(shows(qtbot, surface, [(0.0, 3.0), (-2.0, 2.0)]), x_done)
    main_window.undo_action.trigger()                     # x's high end
    shows(qtbot, surface, [(0.0, 2.0), (-2.0, 2.0)])
    main_window.undo_action.trigger()                     # x's low end: the first picture again
    assert same(shows(qtbot, surface, start), first)
    for _ in range(3):
        main_window.redo_action.trigger()
    assert same(shows(qtbot, surface, [(0.0, 3.0), (-2.0, 5.0)]), both)
    # the colour map reads f = x + 2y: brighter (viridis) where f is larger
    brightness = both.sum(axis=1)
    assert brightness[PROBES.index((1.8, 1.8))] > brightness[PROBES.index((0.2, -1.8))]
