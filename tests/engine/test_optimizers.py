"""Optimizers: first steps computed by hand, Newton's behaviour, divergence, the runner's bookkeeping."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine import parse
from engine.optim.objective import Objective
from engine.optim.descent import METHODS, Descent, descend, newton_explain
from engine.analysis.taylor import taylor_model

# f = x^2 + 3y^2 from (1, 1): the gradient (2x, 6y) is (2, 6) there.
BOWL = "x^2 + 3*y^2"


def two_steps(method, **hyper):
    run = Descent(parse(BOWL), [1.0, 1.0], method, **hyper)
    run.step()
    run.step()
    return run.points[1], run.points[2]


def test_methods_listed_with_defaults_and_descriptions():
    assert list(METHODS) == ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton"]
    for m in METHODS.values():
        assert m.label and m.description and "lr" in m.defaults and callable(m.step)


def test_gd_steps():
    p1, p2 = two_steps("gd", lr=0.1)
    np.testing.assert_allclose(p1, [1 - 0.1 * 2, 1 - 0.1 * 6])           # (0.8, 0.4)
    np.testing.assert_allclose(p2, [0.8 - 0.1 * 1.6, 0.4 - 0.1 * 2.4])   # (0.64, 0.16)


def test_momentum_steps_and_velocity():
    run = Descent(parse(BOWL), [1.0, 1.0], "momentum", lr=0.1, momentum=0.9)
    first, second = run.step(), run.step()
    np.testing.assert_allclose(first.point, [0.8, 0.4])
    np.testing.assert_allclose(first.info["velocity"], [-0.2, -0.6])
    # v2 = 0.9*(-0.2, -0.6) - 0.1*(1.6, 2.4) = (-0.34, -0.78)
    np.testing.assert_allclose(second.info["velocity"], [-0.34, -0.78])
    np.testing.assert_allclose(second.point, [0.46, -0.38])


def test_nesterov_uses_the_look_ahead_gradient():
    run = Descent(parse(BOWL), [1.0, 1.0], "nesterov", lr=0.1, momentum=0.9)
    run.step()
    second = run.step()
    # look-ahead (0.8, 0.4) + 0.9*(-0.2, -0.6) = (0.62, -0.14); gradient there (1.24, -0.84)
    np.testing.assert_allclose(second.info["lookahead"], [0.62, -0.14])
    np.testing.assert_allclose(second.info["velocity"], [-0.18 - 0.124, -0.54 + 0.084])
    np.testing.assert_allclose(second.point, [0.8 - 0.304, 0.4 - 0.456])


def test_adagrad_steps():
    p1, p2 = two_steps("adagrad", lr=0.5, eps=1e-8)
    np.testing.assert_allclose(p1, [1 - 0.5 * 2 / (2 + 1e-8), 1 - 0.5 * 6 / (6 + 1e-8)])
    # s = (4 + 1, 36 + 9) after the gradient (1, 3) at (0.5, 0.5)
    np.testing.assert_allclose(p2, [0.5 - 0.5 * 1 / math.sqrt(5), 0.5 - 0.5 * 3 / math.sqrt(45)], rtol=1e-7)


def test_rmsprop_steps():
    p1, _ = two_steps("rmsprop", lr=0.1, beta2=0.9, eps=1e-8)
    # s = 0.1*g^2, so g/sqrt(s) = sqrt(10) in each coordinate
    np.testing.assert_allclose(p1, [1 - 0.1 * math.sqrt(10)] * 2, rtol=1e-7)


def test_adam_steps():
    p1, p2 = two_steps("adam", lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    np.testing.assert_allclose(p1, [0.9, 0.9], rtol=1e-7)    # bias-corrected first step: lr * sign(g)
    g1, g2 = np.array([2.0, 6.0]), np.array([2.0, 6.0]) * p1   # gradient (2x, 6y) at p1
    m = 0.9 * 0.1 * g1 + 0.1 * g2
    s = 0.999 * 0.001 * g1 ** 2 + 0.001 * g2 ** 2
    expected = p1 - 0.1 * (m / (1 - 0.81)) / (np.sqrt(s / (1 - 0.999 ** 2)) + 1e-8)
    np.testing.assert_allclose(p2, expected, rtol=1e-12)


def test_newton_lands_on_the_minimum_of_a_quadratic_in_one_step():
    # f = x^2 + xy + y^2 - 3x: gradient (2x + y - 3, x + 2y) vanishes at (2, -1)
    run = descend(parse("x^2 + x*y + y^2 - 3*x"), [5.0, 7.0], "newton")
    np.testing.assert_allclose(run.points[1], [2.0, -1.0], atol=1e-12)
    assert run.status == "converged" and run.steps_taken == 1
    assert run.infos[0]["newton_step"] == "full"


def test_newton_damps_where_the_hessian_is_indefinite_and_says_why():
    run = Descent(parse("x^2 - y^2"), [1.0, 1.0], "newton")
    record = run.step()
    assert record.info["newton_step"] == "damped"
    assert "indefinite" in record.info["message"] and "no minimum" in record.info["message"]
    assert record.value < 0.0    # it went downhill, unlike the pure Newton jump to the saddle at (0, 0)
    assert np.all(np.isfinite(record.point))


def test_newton_falls_back_to_the_gradient_on_a_flat_model():
    record = Descent(parse("2*x + y"), [0.5, 1.0], "newton", lr=0.1).step()
    assert record.info["newton_step"] == "gradient_fallback"
    np.testing.assert_allclose(record.point, [0.5 - 0.2, 1.0 - 0.1])


def test_newton_with_damping_takes_a_shorter_step():
    record = Descent(parse("x^2 + y^2"), [1.0, 1.0], "newton", damping=2.0).step()
    assert record.info["newton_step"] == "damped"
    np.testing.assert_allclose(record.point, [0.5, 0.5])   # (2I + 2I)^-1 (2, 2) = (0.5, 0.5)


def test_newton_explain_matches_the_quadratic_model():
    obj = Objective.from_expression(parse("x^2 - y^2 + x*y^3"))
    ex = newton_explain(obj, [0.5, 0.5])
    reference = taylor_model(parse("x^2 - y^2 + x*y^3"), [0.5, 0.5])
    np.testing.assert_allclose(ex.model.hessian, reference.hessian)
    assert ex.model.formula == reference.formula
    assert not ex.has_minimum and ex.step_kind == "damped"
    g = reference.gradient
    np.testing.assert_allclose(ex.stationary_point, [0.5, 0.5] - np.linalg.solve(reference.hessian, g))
    bowl = newton_explain(Objective.from_expression(parse("(x-1)^2 + 2*(y+3)^2")), [0.0, 0.0])
    assert bowl.has_minimum and bowl.step_kind == "full"
    np.testing.assert_allclose(bowl.target, [1.0, -3.0])
    np.testing.assert_allclose(bowl.stationary_point, bowl.target)


def test_too_large_a_learning_rate_diverges_without_an_exception():
    run = descend(parse("x^2"), [1.0], "gd", lr=1.5, steps=100)
    assert run.status == "diverged" and 0 < run.diverged_at < 30
    # x_k = (1 - 2*1.5)^k = (-2)^k, computed independently
    np.testing.assert_allclose([p[0] for p in run.points], [(-2.0) ** k for k in range(len(run.points))])
    assert "diverged" in run.message
    assert run.step() is None


def test_non_finite_values_end_the_run_as_diverged():
    run = descend(parse("log(x)"), [0.5], "gd", lr=0.5)
    assert run.status == "diverged" and run.diverged_at == 1
    assert math.isnan(run.values[-1])


def test_rosenbrock_progress():
    f = parse("(1-x)^2 + 100*(y-x^2)^2")
    start = (-1.2, 1.0)
    f0 = f.evaluate_at(start)
    gd = descend(f, start, "gd", lr=0.001, steps=1000)
    assert gd.values[-1] < 0.1 * f0 and gd.status == "max_steps"
    adam = descend(f, start, "adam", lr=0.02, steps=2000)
    assert np.linalg.norm(adam.points[-1] - 1.0) < 0.1
    newton = descend(f, start, "newton", steps=50)
    assert newton.status == "converged" and newton.steps_taken < 15
    np.testing.assert_allclose(newton.points[-1], [1.0, 1.0], atol=1e-8)


def test_set_hyperparameters_mid_run_keeps_the_trail():
    run = Descent(parse("x^2"), [1.0], "gd", lr=0.1)
    list(run.run(max_steps=3))
    assert len(run.points) == 4 and run.points[3][0] == pytest.approx(0.8 ** 3)
    run.set_hyperparameters(lr=0.25)
    run.step()
    assert run.points[4][0] == pytest.approx(0.8 ** 3 * 0.5)
    with pytest.raises(ValueError, match="lr"):
        run.set_hyperparameters(lr=-1.0)
    with pytest.raises(ValueError, match="momentum"):
        run.set_hyperparameters(momentum=0.5)
    assert run.hyper == {"lr": 0.25} and len(run.points) == 5


def test_momentum_state_survives_a_change_of_lr():
    run = Descent(parse("x^2"), [1.0], "momentum", lr=0.1, momentum=0.5)
    run.step()                                  # v = -0.2, x = 0.8
    run.set_hyperparameters(lr=0.2)
    record = run.step()                         # v = 0.5*(-0.2) - 0.2*1.6 = -0.42
    assert record.info["velocity"][0] == pytest.approx(-0.42)
    assert record.point[0] == pytest.approx(0.38)


def test_reset_statuses_and_records():
    run = Descent(parse("x^2 + y^2"), [1.0, -1.0], "gd", lr=0.5, max_steps=10)
    records = list(run.run())
    assert run.status == "converged" and len(records) == 1 and records[0].index == 1
    np.testing.assert_allclose(records[0].point, [0.0, 0.0])
    np.testing.assert_allclose(records[0].gradient, [0.0, 0.0])
    run.reset()
    assert run.status == "running" and len(run.points) == 1 and run.infos == []
    capped = descend(parse("x^2"), [1.0], "gd", lr=0.01, steps=5)
    assert capped.status == "max_steps" and capped.steps_taken == 5 and len(capped.values) == 6
    assert Descent(parse("x^2"), [0.0], "adam").status == "converged"   # already at the minimum


def test_objective_with_fixed_values_and_bad_arguments():
    obj = Objective.from_expression(parse("(x - a)^2"), variables=("x",), fixed={"a": 3.0})
    run = descend(obj, [0.0], "gd", lr=0.5)
    np.testing.assert_allclose(run.points[-1], [3.0])
    with pytest.raises(ValueError, match="unknown method"):
        Descent(obj, [0.0], "sgd")
    with pytest.raises(ValueError, match="1 value"):
        Descent(obj, [0.0, 1.0], "gd")
    with pytest.raises(ValueError, match="beta2"):
        Descent(obj, [0.0], "adam", beta2=1.0)


@settings(max_examples=20, deadline=None)
@given(a=st.floats(0.2, 5), b=st.floats(-1, 1), c=st.floats(0.2, 5), px=st.floats(-3, 3), py=st.floats(-3, 3))
def test_newton_solves_any_convex_quadratic_in_one_step_and_gd_converges(a, b, c, px, py):
    hessian = 2 * np.array([[a, b], [b, c]])
    if np.linalg.eigvalsh(hessian)[0] < 0.2:
        return   # not safely positive definite (and gd would need too many steps)
    f = parse(f"{a!r}*x^2 + {2 * b!r}*x*y + {c!r}*y^2 - x + 2*y")
    minimum = np.linalg.solve(hessian, [1.0, -2.0])      # gradient H·p + (-1, 2) = 0
    newton = descend(f, [px, py], "newton", steps=3)
    np.testing.assert_allclose(newton.points[1], minimum, atol=1e-9)
    lr = 1.0 / np.max(np.linalg.eigvalsh(hessian))        # safely below the 2/L stability limit
    gd = descend(f, [px, py], "gd", lr=lr, steps=5000)
    assert gd.status == "converged"
    np.testing.assert_allclose(gd.points[-1], minimum, atol=1e-6)


@pytest.mark.parametrize("formula, shape", [
    ("x^2 + y^3", "positive semidefinite"),     # at (1, 0): H = diag(2, 0)
    ("-x^2 - y^2", "negative definite"),
    ("-x^2 + y^3", "negative semidefinite"),   # at (1, 0): H = diag(-2, 0)
    ("x^2 - y^2", "indefinite"),
])
def test_newton_names_the_hessian_it_could_not_use_correctly(formula, shape):
    record = Descent(parse(formula), [1.0, 0.0], "newton").step()
    message = record.info["message"]
    assert record.info["newton_step"] == "damped"
    assert f"Hessian {shape}" in message
    # every other name is absent, e.g. a PSD Hessian is never called indefinite
    others = {"positive semidefinite", "negative definite", "negative semidefinite", "indefinite"} - {shape}
    assert not any(f"Hessian {o}" in message for o in others)


def test_a_huge_gradient_is_judged_without_overflow_warnings():
    # |∇f| of exp(100x)*y at (5, 0) is about 1.4e217: squaring it overflows, the judgement must not
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = Descent(parse("exp(100*x)*y"), [5.0, 0.0], "gd", lr=1e-3)
        record = run.step()
    assert run.status == "diverged" and record is not None
