"""What the Descent tab says, checked on the cases the second review found misleading: a function without a bottom,
a start where ∇f = 0, and variables held fixed off the plotted axes."""
import pytest
from PySide6.QtCore import Qt

from tests.gui.graph_helpers import controls_without_tooltips, hover_tooltip
from tests.gui.descent_helpers import add_run, click_contour, remove_all_runs

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def status(w, row: int) -> str:
    return w.panel.run_list.item(row).text()


def test_a_function_without_a_bottom_is_called_unbounded_not_a_bad_learning_rate(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2*y")   # → −∞ along y → −∞ for any x ≠ 0
    remove_all_runs(qtbot, w)
    gd, momentum = add_run(w, "Gradient descent"), add_run(w, "Momentum")
    click_contour(qtbot, w, 0.5, -1.0)
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.player.playing, timeout=20000)
    for row, run in enumerate((gd, momentum)):
        assert run.descent.status == "diverged"
        values = run.descent.values[: run.descent.diverged_at + 1]
        assert all(b < a for a, b in zip(values, values[1:]))   # every step went down
        text = status(w, row)
        assert "f keeps decreasing: it may be unbounded below" in text, text
        assert "learning rate too large" not in text


def test_newton_starting_where_the_gradient_vanishes_takes_no_step(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("5")   # constant, drawn over x: f' = 0 and f'' = 0 everywhere
    remove_all_runs(qtbot, w)
    newton = add_run(w, "Newton")
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    assert newton.descent.status == "converged" and newton.steps == 0
    # a constant has ∇f = 0 everywhere but no minimum to speak of: never a green "converged"
    assert "at the start: stopped where ∇f ≈ 0: degenerate" in status(w, 0)
    assert "converged" not in status(w, 0) and w.model.status_kind(newton) == "critical"
    text = w.newton_label.text()
    assert w.newton_label.isVisible() and "∇f = 0 at the start" in text and "takes no step" in text
    assert "gradient step" not in text and "took" not in text


def test_variables_held_fixed_are_shown_with_their_values(qtbot, descent_workspace):
    w = descent_workspace
    label = w.fixed_label
    assert not label.isVisible()
    w.session.set_function("x^2*y + sin(z)*t + exp(x*t)/4", axes=("x", "y"), fixed={"z": 2.0, "t": 0.0})
    assert label.isVisible() and "t = 0, z = 2 held fixed" in label.text() and "over x, y" in label.text()
    w.session.set_fixed("t", 0.25)
    assert "t = 0.25, z = 2 held fixed" in label.text()
    w.session.set_axes(("x", "z"))
    assert "over x, z" in label.text() and "t = 0.25, y = 0 held fixed" in label.text()
    w.session.set_function("x^2 + y^2")
    assert not label.isVisible()


def test_every_descent_control_explains_itself_on_hover(qtbot, descent_workspace):
    w = descent_workspace
    assert controls_without_tooltips(w) == []
    assert "steps per second" in hover_tooltip(w.panel.speed_slider)
