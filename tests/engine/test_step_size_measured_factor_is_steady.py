"""The measured contraction factor is steady and equals the predicted spectral radius, also where the iteration
matrix has complex eigenvalues (momentum, Nesterov on x² + 25y²): there one step's ratio of distances to the minimum
swings above 1 and far below the factor, while the factor fitted over the last steps along each eigen-direction
stays on the prediction at every step of the run. Predicted factors are checked by hand: the heavy ball's complex
roots have modulus √β, Nesterov's √(β(1 − ηλ)) for the slow direction (λ = 2)."""
import math

import numpy as np
import pytest

from engine import Descent, parse
from engine.analysis.step_size import (MEASURE_WINDOW, distance_ratios, measured_factor, predicted_factor,
                                       step_size_line, step_size_model)

BOWL = "x^2+25*y^2"


def _run(method, steps=400, start=(1.0, 1.0), **hyper):
    run = Descent(parse(BOWL), start, method, max_steps=steps, **hyper)
    for _ in run.run():
        pass
    return run


@pytest.mark.parametrize("method, lr, beta, by_hand", [
    ("momentum", 0.02, 0.8, math.sqrt(0.8)),                  # both directions' roots complex, modulus √β
    ("momentum", 0.05, 0.9, math.sqrt(0.9)),                  # the Descent tab's defaults
    ("nesterov", 0.02, 0.9, math.sqrt(0.9 * (1 - 0.02 * 2))),
    ("nesterov", 0.01, 0.8, math.sqrt(0.8 * (1 - 0.01 * 2))),
])
def test_the_measured_factor_stays_on_the_predicted_one_where_the_roots_are_complex(method, lr, beta, by_hand):
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    hyper = {"lr": lr, "momentum": beta}
    assert predicted_factor(model, method, hyper) == pytest.approx(by_hand, rel=1e-12)
    run = _run(method, **hyper)
    assert run.status == "converged"
    ratios = distance_ratios(run.points, model.minimum)
    assert np.nanmax(ratios) > 1.0 and np.nanmin(ratios) < by_hand - 0.1   # one step's ratio swings
    for n in range(3, len(run.points)):
        assert measured_factor(run.points[:n + 1], model.minimum, model.eigenvectors) == pytest.approx(by_hand,
                                                                                                        abs=1e-6)
    line = step_size_line(model, method, hyper, run.points[:40])
    assert line.endswith(f"· measured {by_hand:.3g}") and f"predicted factor {by_hand:.3g}" in line


@pytest.mark.parametrize("method, hyper", [("gd", {"lr": 0.035}), ("momentum", {"lr": 0.01, "momentum": 0.3}),
                                           ("gd", {"lr": 0.0401}), ("newton", {"lr": 0.5, "damping": 0.0})])
def test_real_factors_and_a_diverging_run_are_measured_as_before(method, hyper):
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    run = _run(method, steps=120, **hyper)
    predicted = predicted_factor(model, method, hyper)
    assert measured_factor(run.points, model.minimum, model.eigenvectors) == pytest.approx(predicted, abs=1e-6)
    if method == "gd":   # one term: the last ratio of distances already was the factor
        assert distance_ratios(run.points, model.minimum)[-1] == pytest.approx(predicted, abs=1e-6)


def test_without_directions_it_is_the_geometric_mean_of_the_windows_ratios():
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    run = _run("momentum", steps=60, lr=0.02, momentum=0.8)
    ratios = distance_ratios(run.points, model.minimum)[-MEASURE_WINDOW:]
    assert measured_factor(run.points, model.minimum) == pytest.approx(math.exp(np.mean(np.log(ratios))), rel=1e-12)
    assert measured_factor(run.points[:1], model.minimum, model.eigenvectors) is None
    assert measured_factor([[1.0, 1.0], [np.nan, 0.0]], model.minimum, model.eigenvectors) is None


def test_a_direction_at_rounding_level_is_not_measured():
    model = step_size_model(parse(BOWL), [1.0, 0.0])
    run = _run("nesterov", steps=80, start=(1.0, 0.0), lr=0.02, momentum=0.9)   # y stays exactly 0
    assert measured_factor(run.points, model.minimum, model.eigenvectors) == pytest.approx(
        math.sqrt(0.9 * (1 - 0.02 * 2)), abs=1e-6)
    fast = _run("nesterov", steps=80, start=(0.0, 1.0), lr=0.01, momentum=0.8)   # only the fast direction moves
    assert measured_factor(fast.points, model.minimum, model.eigenvectors) == pytest.approx(
        math.sqrt(0.8 * (1 - 0.01 * 50)), abs=1e-6)
