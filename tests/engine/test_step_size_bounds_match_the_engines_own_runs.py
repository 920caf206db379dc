"""Every fixed-step method's stability bound and predicted factor on a quadratic, checked against the engine's own
optimizer rather than the formula: the η where the engine's Nesterov (and heavy-ball, and gradient-descent) run on a
1-D quadratic stops converging is found by bisection and equals the bound derived from the iteration matrix; the
iteration matrix itself is read off the engine's step functions (one step from each basis state) and its spectral
radius is the predicted factor; adaptive methods get no bound and a plain note."""
import numpy as np
import pytest

from engine import Descent, Objective, parse
from engine.analysis.step_size import (BOUND_NAMES, iteration_matrix, method_note, mode_factors, nesterov_factor,
                                       predicted_factor, stability_bound, step_size_line, step_size_model)
from engine.optim.descent import METHODS

LAMBDA = 50.0                 # f = 25x² has f'' = 50
LINE = "25*x^2"


def grows(method: str, lr: float, beta: float, steps: int = 400) -> bool:
    """Does the engine's own run on 25x² from x = 1 fail to shrink? Past the transients the two-step ratio
    |x_N / x_(N−2)| is the dominant root's modulus squared: above 1 exactly when the run diverges."""
    hyper = {"lr": lr} if method == "gd" else {"lr": lr, "momentum": beta}
    run = Descent(parse(LINE), [1.0], method, max_steps=steps, tol=1e-300, **hyper)
    for _ in run.run():
        pass
    if run.status != "max_steps":
        return run.status == "diverged"
    x = np.array(run.points)[:, 0]
    return abs(x[-1]) >= abs(x[-3])


def bisect_edge(method: str, beta: float, lo: float, hi: float) -> float:
    assert not grows(method, lo, beta) and grows(method, hi, beta)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if grows(method, mid, beta) else (mid, hi)
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("method,beta", [("nesterov", 0.9), ("nesterov", 0.5), ("nesterov", 0.0),
                                         ("momentum", 0.5), ("gd", 0.0)])
def test_the_engines_run_stops_converging_at_the_derived_bound(method, beta):
    model = step_size_model(parse(LINE), [1.0])
    bound = stability_bound(model, method, {"lr": 0.0, "momentum": beta})
    edge = bisect_edge(method, beta, 0.5 * bound, 1.5 * bound)
    assert edge == pytest.approx(bound, rel=1e-9)     # seen: 5e-13


def test_nesterovs_bound_is_two_one_plus_beta_over_one_plus_two_beta():
    model = step_size_model(parse("x^2+25*y^2"), [1.0, 0.5])
    assert stability_bound(model, "nesterov", {"lr": 0.01, "momentum": 0.9}) == pytest.approx(2 * 1.9 / (2.8 * 50))
    # smaller than the heavy ball's: the look-ahead damps the oscillation that lets the heavy ball take big steps
    assert stability_bound(model, "nesterov", {"momentum": 0.9}) < stability_bound(model, "momentum", {"momentum": 0.9})
    assert stability_bound(model, "nesterov", {"momentum": 1.0}) is None


def engine_iteration_matrix(method: str, lr: float, beta: float) -> np.ndarray:
    """The map (error, velocity) → (error, velocity) of one engine step on 25x², probed from the basis states."""
    objective = Objective.from_expression(parse(LINE))
    step = METHODS[method].step
    columns = []
    for x, v in ((1.0, 0.0), (0.0, 1.0)):
        new, state, _info = step(objective, np.array([x]), {"velocity": np.array([v])}, lr=lr, momentum=beta)
        columns.append([new[0], state["velocity"][0]])
    return np.array(columns).T


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
@pytest.mark.parametrize("lr,beta", [(0.01, 0.3), (0.02, 0.9), (0.03, 0.5), (0.05, 0.2)])
def test_the_predicted_factor_is_the_spectral_radius_of_the_engines_step(method, lr, beta):
    probed = engine_iteration_matrix(method, lr, beta)
    assert np.allclose(probed, iteration_matrix(method, lr * LAMBDA, beta), atol=1e-12)
    radius = float(np.max(np.abs(np.linalg.eigvals(probed))))
    assert mode_factors([LAMBDA], method, {"lr": lr, "momentum": beta})[0] == pytest.approx(radius, rel=1e-9)


def test_nesterov_measured_ratio_settles_on_the_predicted_factor():
    model = step_size_model(parse("x^2+25*y^2"), [1.0, 1.0])
    lr, beta = 0.02, 0.3            # both roots of the y-mode real: the distance ratio settles on the dominant one
    run = Descent(parse("x^2+25*y^2"), [1.0, 1.0], "nesterov", max_steps=300, tol=1e-300, lr=lr, momentum=beta)
    for _ in run.run():
        pass
    d = np.linalg.norm(np.array(run.points), axis=1)
    assert d[-1] / d[-2] == pytest.approx(nesterov_factor(model.eigenvalues, lr, beta), abs=1e-6)
    assert "2(1+β)/((1+2β)λmax)" in step_size_line(model, "nesterov", {"lr": lr, "momentum": beta}, run.points)


def test_newton_without_damping_converges_below_two_and_lands_at_once_with_one():
    model = step_size_model(parse("x^2+25*y^2"), [1.0, 1.0])
    assert stability_bound(model, "newton", {"lr": 1.0, "damping": 0.0}) == pytest.approx(2.0)
    assert predicted_factor(model, "newton", {"lr": 1.0, "damping": 0.0}) == pytest.approx(0.0, abs=1e-12)
    assert stability_bound(model, "newton", {"lr": 1.0, "damping": 10.0}) == pytest.approx(2 * (1 + 10 / 50))
    run = Descent(parse("x^2+25*y^2"), [1.0, 1.0], "newton", max_steps=3, lr=0.5, damping=10.0)
    run.step()
    expected = [1 - 0.5 * 2 / 12, 1 - 0.5 * 50 / 60]           # each direction scaled by 1 − ηλ/(λ + d)
    assert np.allclose(run.points[1], expected, atol=1e-12)
    assert predicted_factor(model, "newton", {"lr": 0.5, "damping": 10.0}) == pytest.approx(max(expected))


@pytest.mark.parametrize("method", ["adagrad", "rmsprop", "adam"])
def test_adaptive_methods_have_no_quadratic_threshold_and_say_so(method):
    model = step_size_model(parse("x^2+25*y^2"), [1.0, 1.0])
    hyper = dict(METHODS[method].defaults)
    assert method not in BOUND_NAMES
    assert stability_bound(model, method, hyper) is None and predicted_factor(model, method, hyper) is None
    assert "does not apply" in method_note(method) and METHODS[method].label in method_note(method)
