"""The numbers a tour step shows are the engine's, computed from the live scene when the step is shown — and for the
chapter's worked examples they equal independent references (hand derivations, math.log/exp)."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import analyze_point, parse
from engine.graph.fileformat import find_preset, load_graph
from gui.tour.facts import facts_for, matrix, number, vector
from gui.tour.format import placeholders
from tests.gui.surface_helpers import label_numbers
from tests.gui.tour_helpers import go_to, open_tour_window

E1 = math.exp(-1.0)


@pytest.fixture
def tour(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    yield window, panel
    window.workspace("surface").shutdown()


def shown(panel, key, arg=""):
    """The text the step shows for {key:arg}, which must appear in the step's text or erratum."""
    text = facts_for(panel.window_, panel.current_step().scene).get(key, arg)
    assert text in panel.textLabel.text() + panel.erratumLabel.text()
    return text


def value(text: str) -> float:
    return float(text.replace("−", "-"))


def engine_analysis(step):
    scene = step.scene
    f = parse(scene["function"])
    if scene.get("fixed"):
        from engine.expr.build import const
        f = f.substitute({k: const(v) for k, v in scene["fixed"].items()})
    return analyze_point(f, scene["point"], scene.get("axes") or f.variables)


def test_every_surface_step_shows_the_engines_numbers_for_its_scene(tour, qtbot):
    window, panel = tour
    for index, (_section, step) in enumerate(panel.steps):
        if step.workspace != "surface" or "point" not in step.scene:
            continue
        go_to(qtbot, panel, step.id)
        a = engine_analysis(step)
        keys = {k for k, _arg in placeholders(step.text + (step.erratum or {}).get("text", ""))}
        expected = {"value": number(a.value), "hessian": matrix(a.hessian) if a.hessian.size > 1 else
                    number(a.hessian[0, 0]), "gradient": vector(a.gradient) if len(a.gradient) > 1 else
                    number(a.gradient[0]), "eigenvalues": vector(a.eigenvalues)}
        for key in keys & set(expected):
            assert shown(panel, key) == expected[key], (step.id, key)


def test_the_inspector_and_the_tour_show_the_same_gradient(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "partials")
    inspector = window.workspace("surface").inspector.fields["gradient"].text()
    assert label_numbers(inspector) == pytest.approx(label_numbers(shown(panel, "gradient")), rel=1e-5)


def test_log_sum_exp_at_0_log2_matches_the_hand_derivation(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "partials")
    assert value(shown(panel, "value")) == pytest.approx(math.log(3), rel=1e-5)
    assert label_numbers(shown(panel, "gradient")) == pytest.approx([1 / 3, 2 / 3], rel=1e-5)
    go_to(qtbot, panel, "linear-approximation")
    estimate = math.log(3) + 0.01 / 3 + (2 / 3) * (-0.03)
    true = math.log(math.exp(0.01) + 2 * math.exp(-0.03))
    assert value(shown(panel, "linear_estimate")) == pytest.approx(estimate, rel=1e-5)
    assert value(shown(panel, "true_value")) == pytest.approx(true, rel=1e-5)
    assert value(shown(panel, "linear_error")) == pytest.approx(abs(estimate - true), rel=1e-2)


def test_the_quartics_critical_points_and_global_minimum_match_the_hand_derivation(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "critical-points")
    critical = shown(panel, "critical").replace("−", "-")
    for where, value, verdict in (("x = -1", "f = -5", "minimum"), ("x = 0", "f = 0", "maximum"),
                                  ("x = 2", "f = -32", "minimum")):
        assert f"{where} ({verdict}, {value})" in critical
    assert shown(panel, "lowest").replace("−", "-") == "x = 2 with f = -32"


def test_the_chain_example_matches_the_hand_computation(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "backward-pass")
    assert shown(panel, "value", "f") == "1024"
    for name in "wxyz":
        assert shown(panel, "adjoint", name) == "−4096"
    go_to(qtbot, panel, "forward-mode")
    assert shown(panel, "forward_tangent", "w") == "−4096"   # one forward pass agrees with the backward sweep
    forward = panel.window_.workspace("graph").forward_mode
    assert forward.isVisible() and forward.source.currentText() == "w"
    assert forward.tangents["f"] == -4096 and "✓ they agree" in forward.summary.text()
    go_to(qtbot, panel, "sum-over-paths")
    assert shown(panel, "path_count", "w") == "4"
    assert shown(panel, "path_sum", "w") == "−4096"


def test_graph_numbers_equal_the_engines_passes_on_the_preset_file(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "pytorch-listing")
    g = load_graph(find_preset("four-inputs"))
    g.set_value("w", 0.5)
    adjoints = g.backward()
    for name in "wxyz":
        assert shown(panel, "adjoint", name) == number(adjoints[name])
    assert shown(panel, "adjoint", "w") != shown(panel, "adjoint", "y")   # what the listing gets wrong


def test_the_hessians_step_shows_the_half_the_chapter_drops(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "best-quadratic")
    assert label_numbers(shown(panel, "hessian")) == pytest.approx([2 * E1, 0, 0, 2 * E1], abs=1e-6)
    model = parse(shown(panel, "quadratic_formula"))
    for px, py in ((-1.0, 0.0), (-0.5, 0.4), (0.3, -1.0)):   # the right model, e^-1(-1 - (x+1) + (x+1)² + y²)
        assert float(model.evaluate(x=px, y=py)) == pytest.approx(
            E1 * (-1 - (px + 1) + (px + 1) ** 2 + py ** 2), abs=1e-5)
    printed = E1 * (-1 - 0.3 + 2 * 0.3 ** 2 + 2 * 0.3 ** 2)
    assert value(shown(panel, "printed_value")) == pytest.approx(printed, rel=1e-5)


def test_the_factorization_step_shows_the_sign_the_chapter_drops(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "factorization-one-by-one")
    # (x - uv)^2 with x = 3 at u = v = 1: d/dv = -2(x - uv)u = -4; the printed 2(x - uv)u gives +4
    assert value(shown(panel, "partial", "v")) == pytest.approx(-4.0)
    assert value(shown(panel, "printed_value")) == pytest.approx(4.0)


def test_the_descent_step_reports_the_run_it_shows(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "descent")
    run = window.workspace("descent").model.runs[0]
    assert run.steps == 40 and run.method == "gd"
    # gradient descent on x² + 3y² with rate 0.1 scales x by 0.8 and y by 0.4 per step
    expected = np.array([1.8 * 0.8 ** 40, 1.5 * 0.4 ** 40])
    assert label_numbers(shown(panel, "run_end", "0")) == pytest.approx(expected, rel=1e-5)


def test_exercise_five_shows_opposite_gradients_at_the_minimum(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "ex5-sum")
    g, h = label_numbers(shown(panel, "part_gradient", "g")), label_numbers(shown(panel, "part_gradient", "h"))
    assert np.add(g, h) == pytest.approx([0, 0], abs=1e-6)
    assert g == pytest.approx([-2, 2 / 3], rel=1e-5)   # ∇g = (2(x − 1), 2y) at (0, 1/3)


def matrix_values(window):
    return {k: np.asarray(v) for k, v in window.workspace("matrix").model.state.values.items()}


def test_the_matrix_steps_show_gradients_equal_to_numpy_on_the_shown_numbers(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "beta-x")
    assert window.current_workspace() is window.workspace("matrix")
    beta = matrix_values(window)["beta"]
    assert label_numbers(shown(panel, "gradient")) == pytest.approx(beta.T.ravel(), rel=1e-5)
    go_to(qtbot, panel, "quadratic-form")
    m = matrix_values(window)
    expected = (m["A"] + m["A"].T) @ m["x"]
    assert label_numbers(shown(panel, "gradient")) == pytest.approx(expected.ravel(), rel=1e-5)
    assert shown(panel, "compare", "0") == shown(panel, "gradient")


def test_the_chapters_factorization_answer_is_judged_off_by_a_sign(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "factorization-sign")
    assert shown(panel, "verdict") == "Off by a sign: your answer is minus the gradient."
    m = matrix_values(window)
    right = -2 * m["U"].T @ (m["X"] - m["U"] @ m["V"])
    assert label_numbers(facts_for(window, panel.current_step().scene).get("gradient", "")) == pytest.approx(
        right.ravel(), rel=1e-5, abs=1e-9)
    assert window.workspace("matrix").gradient.verdict.isVisible()


def agree(text, reference, points=((0.3, -0.7), (-1.2, 0.4), (0.9, 1.1))):
    """A formula the tour shows equals a reference function of (x, y) at a few points."""
    f = parse(text)
    return all(float(f.evaluate(x=a, y=b)) == pytest.approx(reference(a, b), rel=1e-9) for a, b in points)


def test_the_formulas_shown_are_the_chapters_printed_derivatives(tour, qtbot):
    _window, panel = tour
    go_to(qtbot, panel, "partials")
    dx, dy = [part.split(" = ", 1)[1] for part in shown(panel, "gradient_formula").split("; ")]
    assert agree(dx, lambda x, y: math.exp(x) / (math.exp(x) + math.exp(y)))
    assert agree(dy, lambda x, y: math.exp(y) / (math.exp(x) + math.exp(y)))
    go_to(qtbot, panel, "symmetric")
    e = lambda x, y: math.exp(-x * x - y * y)  # noqa: E731
    assert agree(shown(panel, "second_formula", "xx"), lambda x, y: e(x, y) * (4 * x ** 3 - 6 * x))
    assert agree(shown(panel, "second_formula", "xy"), lambda x, y: e(x, y) * (4 * x * x * y - 2 * y))
    assert agree(shown(panel, "second_formula", "yy"), lambda x, y: e(x, y) * (4 * x * y * y - 2 * x))


def test_the_numbers_follow_when_the_user_moves_the_point(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "uphill")
    surface = window.workspace("surface")
    surface.inspector.pointEdit.setText("-0.5, 1")
    qtbot.keyClick(surface.inspector.pointEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "(−1, 6)" in panel.textLabel.text(), timeout=3000)   # ∇(x² + 3y²) at (−0.5, 1)
    assert "(−0.5, 1)" in panel.textLabel.text()


def test_an_answer_stays_while_the_numbers_follow(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "ex3-gradient")
    panel.exercise.answerEdit.setText("exp(x), exp(y)")
    panel.exercise.check()
    window.session.set_point([1.0, 1.0])
    qtbot.waitUntil(lambda: "(0.5, 0.5)" in panel.textLabel.text(), timeout=3000)
    assert panel.exercise.answerEdit.text() == "exp(x), exp(y)" and panel.exercise.verdict is not None


def test_the_overshooting_run_grows_by_the_predicted_factor(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "step-too-large")
    # on x² + 3y² gradient descent multiplies x by 1 − 2ε and y by 1 − 6ε per step: 0.3 and −1.1 at ε = 0.35
    x, y = 1.8 * 0.3 ** 25, 1.5 * (-1.1) ** 25
    assert value(shown(panel, "run_value", "1")) == pytest.approx(x * x + 3 * y * y, rel=1e-5)
    assert value(shown(panel, "run_value", "0")) < 1e-3


def _slope(item) -> float:
    xs, ys = item.getData()
    return float((ys[-1] - ys[0]) / (xs[-1] - xs[0]))


def test_the_partials_step_shows_the_slices_whose_slopes_it_names(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "partials")
    slices = window.workspace("surface").slices
    qtbot.waitUntil(lambda: slices.isVisible(), timeout=3000)
    plots = slices.slice_plots
    assert [_slope(plots["x"].tangent), _slope(plots["y"].tangent)] == pytest.approx([1 / 3, 2 / 3], rel=1e-5)


def test_the_directional_step_shows_the_polar_plot_least_along_minus_the_gradient(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "directional")
    slices = window.workspace("surface").slices
    qtbot.waitUntil(lambda: slices.polar.isVisible(), timeout=3000)
    g = np.array([2 * 1.2, 6 * 0.8])   # ∇(x² + 3y²) at (1.2, 0.8)
    expected = math.atan2(-g[1], -g[0]) % (2 * math.pi)
    assert slices.minimum_angle() == pytest.approx(expected, abs=math.radians(1))
    assert value(shown(panel, "gradient_norm")) == pytest.approx(float(np.linalg.norm(g)), rel=1e-5)


def test_the_descent_steps_name_the_threshold_marked_on_the_slider(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "descent")
    # x² + 3y² has λmax = 6: gradient descent's threshold is 2/6; at ε = 0.1 the worst factor is |1 − 0.1·2| = 0.8
    assert shown(panel, "run_threshold", "0") == "2/λmax = 0.333333"
    assert value(shown(panel, "run_factor", "0")) == pytest.approx(0.8)
    descent = window.workspace("descent")
    assert descent.panel.step_size.mark.threshold == pytest.approx(1 / 3)
    go_to(qtbot, panel, "step-too-large")
    assert "2/λmax = 0.333333" in shown(panel, "run_threshold", "1")
    assert value(shown(panel, "run_factor", "1")) == pytest.approx(abs(1 - 0.35 * 6))   # 1.1 > 1: it diverges


def test_the_eigen_direction_step_shows_each_error_shrinking_at_its_own_rate(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "eigen-directions")
    # x² + 3y², ε = 0.3: the error along x shrinks by |1 − 0.3·2| = 0.4, along y by |1 − 0.3·6| = 0.8 per step
    assert value(shown(panel, "run_factor", "0")) == pytest.approx(0.8)
    plot = window.workspace("descent").eigen_plot
    qtbot.waitUntil(lambda: plot.isVisible(), timeout=3000)
    for curve, factor in zip(plot.curves, (0.4, 0.8)):
        y = 10.0 ** np.asarray(curve.yData, dtype=float)
        assert len(y) == 31 and np.allclose(y[1:] / y[:-1], factor, atol=1e-6)
