"""Gradient descent's step-size threshold 2/λmax, its predicted contraction factor max|1 − ηλ| and momentum's bound
2(1+β)/λmax, checked by running the engine's own Descent (an independent reference: the optimizer, not the formula)."""
import numpy as np
import pytest

from engine import Descent, parse
from engine.analysis.step_size import (distance_ratios, eigen_errors, measured_factor, momentum_factor,
                                       step_size_line, step_size_model)

BOWL = "x^2+25*y^2"


def _run(text, method, start=(1.0, 1.0), steps=20000, **hyper):
    run = Descent(parse(text), start, method, max_steps=steps, **hyper)
    for _ in run.run():
        pass
    return run


def test_threshold_of_the_narrow_bowl_is_two_over_fifty():
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    assert model.threshold() == pytest.approx(0.04, rel=1e-12)
    assert np.allclose(model.minimum, [0.0, 0.0])
    assert "0.04" in step_size_line(model, "gd", {"lr": 0.05}) and "diverges" in step_size_line(model, "gd", {"lr": 0.05})


def test_just_below_the_threshold_converges_and_just_above_diverges():
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    assert model.gd_factor(0.0399) < 1 < model.gd_factor(0.0401)
    assert _run(BOWL, "gd", lr=0.0399).status == "converged"
    assert _run(BOWL, "gd", lr=0.0401).status == "diverged"


@pytest.mark.parametrize("text,lr", [(BOWL, 0.035), (BOWL, 0.01), ("3*x^2+x*y+y^2", 0.2), ("2*x^2-x*y+4*y^2+x", 0.1)])
def test_predicted_and_measured_contraction_factors_agree_on_a_quadratic(text, lr):
    model = step_size_model(parse(text), [0.7, -1.3])
    run = _run(text, "gd", start=(0.7, -1.3), steps=300, lr=lr)
    ratios = distance_ratios(run.points, model.minimum)
    assert ratios[-1] == pytest.approx(model.gd_factor(lr), abs=1e-6)
    assert measured_factor(run.points, model.minimum) == pytest.approx(ratios[-1])


def test_each_eigen_direction_shrinks_by_its_own_factor():
    model = step_size_model(parse("3*x^2+x*y+y^2"), [0.7, -1.3])
    run = _run("3*x^2+x*y+y^2", "gd", start=(0.7, -1.3), steps=10, lr=0.2)
    errors = eigen_errors(run.points, model.minimum, model.eigenvectors)
    for i, lam in enumerate(model.eigenvalues):
        assert np.allclose(errors[1:, i], (1 - 0.2 * lam) * errors[:-1, i], atol=1e-12)


def test_momentum_bound_holds_just_below_and_fails_just_above():
    beta = 0.5
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    bound = model.momentum_bound(beta)
    assert bound == pytest.approx(2 * 1.5 / 50)
    assert momentum_factor(model.eigenvalues, 0.998 * bound, beta) < 1 < momentum_factor(model.eigenvalues, 1.002 * bound, beta)
    assert _run(BOWL, "momentum", lr=0.998 * bound, momentum=beta).status == "converged"
    assert _run(BOWL, "momentum", lr=1.002 * bound, momentum=beta).status == "diverged"


def test_momentum_predicted_factor_matches_its_run():
    model = step_size_model(parse(BOWL), [1.0, 1.0])
    run = _run(BOWL, "momentum", steps=400, lr=0.01, momentum=0.3)
    # the heavy ball's distance ratio settles on the dominant root's modulus when that root is real
    assert distance_ratios(run.points, model.minimum)[-1] == pytest.approx(model.momentum_factor(0.01, 0.3), abs=1e-6)


@pytest.mark.parametrize("text", ["x^2-y^2", "-x^2-y^2", "x^2"])
def test_no_minimum_means_no_threshold(text):
    variables = ["x", "y"]
    model = step_size_model(parse(text), [1.0, 1.0], variables)
    assert model.threshold() is None and model.momentum_bound(0.5) is None and model.minimum is None
    assert model.gd_factor(1e-3) >= 1.0
    line = step_size_line(model, "gd", {"lr": 0.01})
    assert line.startswith("no η threshold") and "no minimum" in line
