"""The selected run's method and colour are changed from the optimizer panel, as a user does, and undone with
Edit → Undo: the model changes, the run list says so, and the trail on the 2-D view is drawn in the new colour (and
only in it), or restarts along the new method's path."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog

from tests.gui.descent_helpers import colour_pixels, hex_rgb, one_run_in_window, step

pytestmark = [pytest.mark.gui, pytest.mark.gl]

MAGENTA = "#ff2dcc"


def trail_pixels(w, run, colour):
    """Pixels of ``colour`` around the run's iterates after the first, on the contour view."""
    image = w.contour_view.grab().toImage()
    total = 0
    for point in run.descent.points[1:]:
        p = w.contour_view.map_to_widget(*point)
        total += colour_pixels(image.copy(p.x() - 3, p.y() - 3, 7, 7), hex_rgb(colour), tolerance=45)
    return total


def icon_is(w, row, colour):
    """The run list's swatch for the row is ``colour`` (to the few levels a pixmap may round)."""
    shown = w.panel.run_list.item(row).icon().pixmap(14, 14).toImage().pixelColor(7, 7)
    return max(abs(a - b) for a, b in zip((shown.red(), shown.green(), shown.blue()), hex_rgb(colour))) <= 3


def race_of_one(qtbot, main_window):
    w, run = one_run_in_window(qtbot, main_window, "x^2 + 4*y^2")
    w.model.set_start(run.run_id, [1.6, 0.9])
    step(qtbot, w, 6)
    return w, run


def test_changing_a_runs_colour_redraws_its_trail_in_that_colour(qtbot, main_window, monkeypatch):
    w, run = race_of_one(qtbot, main_window)
    red = run.colour
    assert trail_pixels(w, run, red) > 20 and trail_pixels(w, run, MAGENTA) == 0
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor(MAGENTA))
    qtbot.mouseClick(w.panel.colour_button, Qt.MouseButton.LeftButton)
    assert run.colour == MAGENTA and icon_is(w, 0, MAGENTA) and run.steps == 6   # the trail is kept
    assert MAGENTA in w.panel.colour_button.styleSheet()
    assert trail_pixels(w, run, MAGENTA) > 20 and trail_pixels(w, run, red) == 0
    main_window.undo_action.trigger()
    assert run.colour == red and icon_is(w, 0, red)
    assert trail_pixels(w, run, red) > 20 and trail_pixels(w, run, MAGENTA) == 0
    main_window.redo_action.trigger()
    assert run.colour == MAGENTA and trail_pixels(w, run, MAGENTA) > 20


def test_changing_a_runs_method_restarts_it_along_the_new_path(qtbot, main_window):
    w, run = race_of_one(qtbot, main_window)
    gd_trail = [p.copy() for p in run.descent.points]
    lr = run.hyper["lr"]
    combo = w.panel.method_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)                  # Gradient descent → Momentum, the next item
    assert run.method == "momentum" and run.steps == 0 and combo.currentData() == "momentum"
    assert w.panel.run_list.item(0).text().startswith("Momentum")
    assert w.panel.hyper_rows["momentum"].isVisible() and "heavy ball" in w.panel.description.text()
    step(qtbot, w, 6)
    beta, eta = run.hyper["momentum"], run.hyper["lr"]
    x0, x1 = run.descent.points[0], run.descent.points[1]
    grad = lambda p: np.array([2 * p[0], 8 * p[1]])           # ∇(x² + 4y²) by hand
    np.testing.assert_allclose(x1, x0 - eta * grad(x0), rtol=1e-12)
    np.testing.assert_allclose(run.descent.points[2], x1 - eta * grad(x1) + beta * (x1 - x0), rtol=1e-12)
    assert trail_pixels(w, run, run.colour) > 20
    main_window.undo_action.trigger()                       # gradient descent again, with its rate, from the start
    assert run.method == "gd" and run.hyper["lr"] == lr and run.steps == 0 and combo.currentData() == "gd"
    assert not w.panel.hyper_rows["momentum"].isVisible()
    step(qtbot, w, 6)
    np.testing.assert_allclose(np.array(run.descent.points), np.array(gd_trail), rtol=1e-12)
