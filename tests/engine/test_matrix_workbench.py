"""The Matrix workspace's engine side: states keep and draw numbers, a study holds what is shown, a descent over
chosen variables lowers the loss (and a diverging one ends at finite numbers)."""
import numpy as np
import pytest

from engine.matrix.descent import MatrixDescent, matrix_objective
from engine.matrix.presets import find_preset, load_presets
from engine.matrix.workbench import MatrixState, completed, default_wrt, randomized, study, with_cell

FACTORIZATION = find_preset(load_presets(), "factorization")


def test_completed_keeps_fitting_numbers_and_draws_the_rest():
    state = completed(MatrixState(expression="x'*A*x", values={"x": np.ones((3, 1)), "A": np.ones((2, 2))}))
    assert np.array_equal(state.values["x"], np.ones((3, 1)))
    assert state.values["A"].shape == (3, 3) and not np.array_equal(state.values["A"], np.ones((3, 3)))
    assert completed(state) is state


def test_numbers_are_drawn_where_the_expression_is_defined():
    state = completed(MatrixState(expression="sum(log(x)) + logdet(X)"))
    assert np.isfinite(study(state).value[0, 0])


def test_randomize_moves_the_seed_and_undo_needs_only_the_old_state():
    state = FACTORIZATION.state()
    again = randomized(state)
    assert again.seed == state.seed + 1 and not np.array_equal(again.values["U"], state.values["U"])
    assert np.array_equal(randomized(state).values["U"], again.values["U"])      # seeded


def test_a_cell_must_be_finite():
    state = FACTORIZATION.state()
    assert with_cell(state, "X", 0, 0, 2.5).values["X"][0, 0] == 2.5
    with pytest.raises(ValueError):
        with_cell(state, "X", 0, 0, float("nan"))


def test_default_gradient_variable():
    assert default_wrt("x'*A*x", {"A": (3, 3), "x": (3, 1)}) == "x"
    assert default_wrt("norm2(A*x - b)^2", {"A": (3, 3), "b": (3, 1), "x": (3, 1)}) == "x"
    assert default_wrt("tr(A*X*B)", {"A": (3, 3), "B": (3, 3), "X": (3, 3)}) == "A"


def test_study_of_a_state_with_an_answer():
    s = study(FACTORIZATION.state().replace(answer="2*U'*(X - U*V)"))
    assert str(s.gradient) == "-2*U'*(X - U*V)" and s.max_error < 1e-6
    assert s.check.verdict == "sign" and s.disagreement.all()
    assert [text for text, _, _ in s.compare] == ["U*V", "X"]


def test_study_of_a_shape_error():
    s = study(MatrixState(expression="X - U*V", shapes={"X": (5, 4), "U": (5, 2), "V": (2, 3)}))
    assert s.expression is None and s.error.position == 2


@pytest.mark.parametrize("method, lr", [("gd", 0.01), ("adam", 0.05)])
def test_descent_over_u_and_v_lowers_the_loss(method, lr):
    state = FACTORIZATION.state()
    expr = FACTORIZATION.parse()
    run = MatrixDescent(expr, ["U", "V"], state.values, method, lr=lr)
    run.steps(300)
    assert run.losses[-1] < 0.3 * run.losses[0]
    assert np.array_equal(run.current["X"], state.values["X"])
    objective, start, unpack = matrix_objective(expr, ["U", "V"], state.values)
    grad = objective.gradient(start)
    np.testing.assert_allclose(unpack(grad)["V"], expr.grad("V").evaluate(state.values))


def test_a_diverging_descent_ends_at_finite_numbers():
    state = FACTORIZATION.state()
    run = MatrixDescent(FACTORIZATION.parse(), ["U", "V"], state.values, "gd", lr=10.0)
    run.steps(100)
    assert run.status == "diverged"
    assert all(np.all(np.isfinite(v)) for v in run.current.values())


def test_descent_needs_a_scalar_and_variables():
    state = FACTORIZATION.state()
    with pytest.raises(ValueError, match="at least one"):
        matrix_objective(FACTORIZATION.parse(), [], state.values)
    with pytest.raises(ValueError, match="not a variable"):
        matrix_objective(FACTORIZATION.parse(), ["q"], state.values)


def test_the_answer_check_holds_a_presets_labels_at_their_values():
    # y³ = y only for labels in {−1, 0, 1}: right for the preset's ±1 labels, wrong for labels drawn at random
    candidate = "-X'*(y.^3 ./ (1 + exp(y.*(X*w))))"
    state = find_preset(load_presets(), "logistic").state().replace(answer=candidate)
    assert state.held == ("y",)
    assert study(state, differences=False).check.verdict == "equal"
    assert study(state.replace(held=()), differences=False).check.verdict != "equal"


def test_held_values_survive_a_file_round_trip(tmp_path):
    from engine.matrix.fileformat import load_state, save_state
    state = find_preset(load_presets(), "logistic").state()
    save_state(state, tmp_path / "l.gsmatrix.json")
    assert load_state(tmp_path / "l.gsmatrix.json").held == ("y",)
