"""A typed function of one variable whose view [−2, 2] would cut its critical points gets a view fitted to them
(within the same undo step), and "Fit view" in the critical-points panel does the same on request."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.views.curve_view import CURVE_PEN
from tests.gui.surface_helpers import find_critical_points, settle, show_side_tab, type_function, widget_pixels


def _wait_for_search(qtbot, surface):
    qtbot.waitUntil(lambda: not surface.critical.is_running(), timeout=20000)
    settle(qtbot, surface)


def _curve_drawn_at(view, x, y) -> bool:
    pixels = widget_pixels(view)
    p = view.map_to_widget(x, y)
    cx, cy = int(round(p.x())), int(round(p.y()))
    if not (0 <= cx < pixels.shape[1] and 0 <= cy < pixels.shape[0]):
        return False
    colour = np.array(CURVE_PEN.color().getRgb()[:3])
    patch = pixels[max(cy - 3, 0):cy + 4, max(cx - 3, 0):cx + 4].astype(int)
    return bool(np.any(np.abs(patch - colour).max(axis=-1) < 40))


def test_a_typed_curve_gets_a_view_that_holds_its_critical_points(qtbot, main_window, surface):
    session = main_window.session
    type_function(qtbot, surface, "(x - 3)^2*(x + 1)")        # critical points at x = 1/3 and x = 3
    _wait_for_search(qtbot, surface)
    lo, hi = session.domain["x"]
    assert lo < 1 / 3 and hi > 3.2
    assert sorted(round(float(c.point[0]), 6) for c in surface.critical.results) == [round(1 / 3, 6), 3.0]
    assert _curve_drawn_at(surface.curveView, 3.2, 0.2 ** 2 * 4.2)   # beyond the minimum at x = 3: on screen
    main_window.undo_action.trigger()                          # one step: the function and its view go
    settle(qtbot, surface)
    assert session.text == "x*exp(-x^2 - y^2)" and session.domain["x"] == (-2, 2)
    main_window.redo_action.trigger()
    settle(qtbot, surface)
    assert session.domain["x"] == (lo, hi)


def test_a_curve_whose_critical_points_are_well_inside_keeps_its_view(qtbot, main_window, surface):
    type_function(qtbot, surface, "x^3 - 3*x")                  # critical points at ±1
    _wait_for_search(qtbot, surface)
    assert main_window.session.domain["x"] == (-2, 2)
    assert sorted(round(float(c.point[0]), 6) for c in surface.critical.results) == [-1, 1]


def test_fit_view_button_holds_the_critical_points_found(qtbot, main_window, surface):
    type_function(qtbot, surface, "x^2 + y^2 - 2*x")
    main_window.session.set_range("x", -10, 10)
    main_window.session.set_range("y", -10, 10)
    settle(qtbot, surface)
    results = find_critical_points(qtbot, surface)
    assert [c.point.tolist() for c in results] == [pytest.approx([1.0, 0.0])]
    show_side_tab(qtbot, surface, "Critical points")
    qtbot.mouseClick(surface.critical.fitButton, Qt.MouseButton.LeftButton)
    settle(qtbot, surface)
    (xlo, xhi), (ylo, yhi) = main_window.session.box()
    assert xlo < 1 < xhi and xhi - xlo < 20 and ylo < 0 < yhi
    assert len(surface.critical.results) == 1
