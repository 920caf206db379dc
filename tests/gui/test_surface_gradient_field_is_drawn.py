"""The Surface tab's gradient field: ticking "Gradient field" draws an arrow at every point of a 17 × 17 grid inset
half a cell in the box, each pointing along ∇f; unticking takes every arrow away. Checked on the contour view's
pixels against the gradient by hand: f = x + 0.001·y has ∇f = (1, 0.001) everywhere (a function of x and y, so
the contour view shows it), so every arrow is horizontal to within 0.06° with its head (two strokes back from the
tip) on the right."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.surface_helpers import settle, type_function, widget_pixels

pytestmark = [pytest.mark.gui, pytest.mark.gl]

GRID = 17


def changed(a, b):
    return np.any(np.abs(a.astype(int) - b.astype(int)) > 30, axis=-1)


def count(mask, view, x0, x1, y0, y1):
    """Changed pixels in the data box [x0, x1] × [y0, y1], mapped to the widget."""
    p, q = view.map_to_widget(x0, y1), view.map_to_widget(x1, y0)
    return int(mask[p.y(): q.y() + 1, p.x(): q.x() + 1].sum())


def test_the_gradient_field_draws_arrows_along_the_gradient_and_goes_when_unticked(qtbot, main_window, surface):
    type_function(qtbot, surface, "x + 0.001*y")
    box = surface.session.box()
    assert box == [(-2.0, 2.0), (-2.0, 2.0)]
    view, tick = surface.contourView, surface.controls.gradientFieldBox
    before = widget_pixels(view)
    qtbot.mouseClick(tick, Qt.MouseButton.LeftButton)
    settle(qtbot, surface)
    assert tick.isChecked() and view.gradient_field_shown()
    on = widget_pixels(view)
    drawn = changed(before, on)
    spacing = 4.0 / GRID
    centres = -2.0 + spacing * (np.arange(GRID) + 0.5)          # the inset grid, by hand
    length = 0.85 * spacing                                       # every arrow as long as the longest: ∇f is constant
    tips = tails = across = 0
    for x in centres:
        for y in centres:
            shaft = view.map_to_widget(x + 0.5 * length, y)
            assert drawn[shaft.y() - 1: shaft.y() + 2, shaft.x() - 1: shaft.x() + 2].any(), (x, y)
            h = 0.25 * length
            tips += count(drawn, view, x + 0.7 * length, x + length, y - h, y + h)
            tails += count(drawn, view, x, x + 0.3 * length, y - h, y + h)
            across += count(drawn, view, x - 0.1 * length, x + 0.1 * length, y + 0.3 * spacing, y + 0.45 * spacing)
    assert tips > 1.8 * tails > 0          # heads at the +x end: the arrows point along ∇f = (1, 0)
    assert across == 0                     # nothing drawn across the grid rows: the arrows are horizontal
    inside = count(drawn, view, -2.0, 2.0, -2.0, 2.0)
    assert inside == int(drawn.sum()) > 0  # every changed pixel is in the box

    qtbot.mouseClick(tick, Qt.MouseButton.LeftButton)
    settle(qtbot, surface)
    assert not tick.isChecked() and not view.gradient_field_shown()
    assert changed(before, widget_pixels(view)).mean() < 1e-4
