"""The readout under the views gives f under the mouse for the function drawn now, never the previous one's."""
import math

import pytest
from PySide6.QtCore import QPoint

from tests.gui.surface_helpers import label_numbers, settle, type_function


def _hover_centre(qtbot, surface):
    """Move the mouse onto the contour view's centre until the view reports the point under it. The target is
    worked out again at each try: on a busy machine the side panel's formulas can arrive meanwhile and move the
    view, and a mapping taken once before the moves then never matched."""
    view = surface.contourView
    moved = []
    view.cursor_moved.connect(lambda x, y: moved.append((x, y)))

    def on_centre() -> bool:
        centre = view.mapFromScene(view._viewbox.sceneBoundingRect().center())
        final = QPoint(int(centre.x()), int(centre.y()))
        target = view._viewbox.mapSceneToView(view.mapToScene(final))
        for dx in (-2, -1, 0):   # a few pixels of a movement, as a hand makes
            qtbot.mouseMove(view.viewport(), final + QPoint(dx, 0))
        qtbot.wait(20)
        return bool(moved) and moved[-1] == pytest.approx((target.x(), target.y()))
    qtbot.waitUntil(on_centre)
    return label_numbers(surface.cursorLabel.text())   # x, y, f


def test_typing_a_new_function_updates_the_value_under_the_mouse(qtbot, main_window, surface):
    type_function(qtbot, surface, "x^2 + y^2 + 3")
    x, y, f = _hover_centre(qtbot, surface)
    assert f == pytest.approx(x * x + y * y + 3, rel=1e-5)
    type_function(qtbot, surface, "exp(x) - y")
    x2, y2, f2 = label_numbers(surface.cursorLabel.text())
    assert (x2, y2) == (x, y) and f2 == pytest.approx(math.exp(x) - y, rel=1e-5, abs=1e-6)


def test_new_ranges_clear_the_readout_until_the_mouse_moves(qtbot, main_window, surface):
    type_function(qtbot, surface, "x + y")
    _hover_centre(qtbot, surface)
    main_window.session.set_range("x", -5, 5)
    settle(qtbot, surface)
    assert surface.cursorLabel.text() == ""
