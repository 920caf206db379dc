"""The optimizer panel says where a learning rate stops converging: on x² + 25y² gradient descent's threshold
2/λmax = 0.04 is shown with the predicted and measured contraction factors, and the lr box is outlined in red while
η is above it — driven by typing into the lr box, checked on the model, the label's text and the box's pixels."""
import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.descent_helpers import add_run, click_contour, colour_pixels, remove_all_runs, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]
OUTLINE = (0xFF, 0x3B, 0x30)


def red_outline_pixels(w) -> int:
    return colour_pixels(w.panel.hyper_rows["lr"].box.grab().toImage(), OUTLINE, tolerance=30)


def measured(line) -> float:
    """The measured factor of the line's first row (at the start's model)."""
    return float(line.text().split("measured ")[1].split()[0])


def test_typing_a_rate_above_the_threshold_says_it_diverges(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    click_contour(qtbot, w, 1.0, 0.5)                               # a start off both axes: both modes move
    assert gd.start == pytest.approx([1.0, 0.5], abs=0.05)
    line = w.panel.step_size
    assert line.isVisible() and line.bound == pytest.approx(0.04)

    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.05")
    assert gd.hyper["lr"] == 0.05
    assert line.diverges and "η threshold 2/λmax = 0.04" in line.text() and "diverges" in line.text()
    assert "predicted factor 1.5 " in line.text()                  # |1 − 0.05·50| = 1.5
    assert red_outline_pixels(w) > 20
    assert "0.04" in w.panel.hyper_rows["lr"].box.toolTip()
    step(qtbot, w, 20)                  # the y-error (×1.5 a step) soon outgrows the x-error (×0.9 a step)
    assert "Here (step 20)" in line.text()
    assert measured(line) == pytest.approx(1.5, abs=0.01)
    QApplication.processEvents()       # let the panel lay out the new text before looking
    w.grab().save("/tmp/ss/step_size_diverges.png")

    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.03")
    assert gd.hyper["lr"] == 0.03 and not line.diverges
    assert "0.04" in line.text() and "converges" in line.text() and "predicted factor 0.94 " in line.text()
    assert red_outline_pixels(w) == 0
    step(qtbot, w, 3)          # the big y-error (grown at η = 0.05) now halves, but the x-error (×0.94 a step) is
    assert measured(line) == pytest.approx(0.94, abs=1e-3)   # the slowest: measured along each eigen-direction
    step(qtbot, w, 40)         # and it stays the predicted worst factor
    assert measured(line) == pytest.approx(0.94, abs=1e-3)
    QApplication.processEvents()       # let the panel lay out the new text before looking
    w.grab().save("/tmp/ss/step_size_converges.png")


def test_no_threshold_without_a_minimum_and_none_for_adam(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2-y^2")
    remove_all_runs(qtbot, w)
    add_run(w, "Gradient descent")
    assert w.panel.step_size.bound is None and "no η threshold" in w.panel.step_size.text()
    remove_all_runs(qtbot, w)
    add_run(w, "Adam")
    assert "does not apply" in w.panel.step_size.text() and w.panel.step_size.bound is None


def test_momentum_runs_show_their_own_bound(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    heavy = add_run(w, "Momentum")
    line = w.panel.step_size
    assert line.bound == pytest.approx(2 * (1 + heavy.hyper["momentum"]) / 50)
    assert "2(1+β)/λmax" in line.text() and "2(1+β)/λmax" in w.panel.hyper_rows["lr"].box.toolTip()
