"""The default learning rates are what one trial Descent per candidate rate chose before the trials ran side by side.

The reference below is the previous implementation, kept here as the oracle: try a rate, run a 120-step Descent, halve
while it diverges (or, for gradient descent, while f goes up). The engine now runs every candidate of gradient descent
and the heavy ball in lockstep with one evaluation per step; its choices must be the same numbers, on the presets,
the chapter's functions, functions without a bottom, with undefined regions and kinks, and a 1,900-character formula.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from engine import Objective, parse
from engine.analysis.rate_trials import Trial, first_stable_rates
from engine.analysis.rates import (HALVINGS, SMALLEST, TRIAL_STEPS, _heavy_ball_lr, _shown, _too_fast, curvature_at,
                                   default_hyperparameters, default_learning_rate, keeps_decreasing)
from engine.optim.descent import METHODS, Descent
from tests.engine.huge_formulas import huge_formula

PRESETS = [p for g in json.loads((Path(__file__).parents[2] / "resources" / "functions.json").read_text())["groups"]
           for p in g["presets"]]
CHAPTER = ["x*exp(-x^2 - y^2)", "log(exp(x) + exp(y))", "3*x^4 - 4*x^3 - 12*x^2", "x^2*y + x*y^2",
           "(((w+x+y+z)^2 + (w+x-y-z)^2)^2 + ((w+x+y+z)^2 - (w+x-y-z)^2)^2)^2"]
ODD = ["x^2 - y^2", "x^2*y", "x + y", "sqrt(x^2 + y^2)", "abs(x) + 3*abs(y)", "log(x) + y^2", "1/x + y^2",
       "exp(x) + y^4", "relu(x) + sigmoid(y)", "sign(x)*y + x^2", "tanh(3*x)*y^2 + x^2", "x^4 + 1e-6*y^2",
       "1e6*x^2 + y^2", "softplus(x - y) + sin(3*y)", "1e305*(x^2 + y^2)", "exp(700*x) + y^2"]
STARTS = [(-1.5, 0.7), (2.0, -1.0)]


def reference_learning_rate(objective, method, start, momentum=None):
    """The previous default_learning_rate, verbatim in what it decides."""
    cap = float(METHODS[method].defaults["lr"]) if "lr" in METHODS[method].defaults else None
    if method not in ("gd", "momentum", "nesterov") or cap is None:
        return cap
    lam = curvature_at(objective, start)
    first = cap if lam is None else min(cap, 1.0 / lam)
    if method == "momentum" and momentum is not None:
        first = _heavy_ball_lr(objective, start, momentum) or first
    lr = _shown(first)
    extra = {} if momentum is None else {"momentum": float(momentum)}
    for _ in range(HALVINGS):
        if lr <= SMALLEST or not reference_diverges(objective, method, start, lr, extra):
            break
        lr = _shown(lr / 2)
    return lr


def reference_diverges(objective, method, start, lr, extra=None):
    hyper = {**{k: float(v) for k, v in METHODS[method].defaults.items()}, **(extra or {}), "lr": lr}
    try:
        descent = Descent(objective, np.asarray(start, dtype=np.float64), method, max_steps=TRIAL_STEPS, **hyper)
        with np.errstate(all="ignore"):
            while descent.status == "running":
                descent.step()
    except Exception:
        return False
    values = np.asarray(descent.values, dtype=np.float64)
    if method == "gd" and descent.status != "diverged":
        with np.errstate(all="ignore"):
            return bool(np.any(np.diff(values) > 1e-9 * (1.0 + np.abs(values[:-1]))))
    if descent.status != "diverged":
        return False
    return not keeps_decreasing(descent.values[: (descent.diverged_at or len(descent.values) - 1) + 1])


def reference_hyperparameters(objective, method, start):
    hyper = default_hyperparameters(objective, method, start)   # momentum β: not what this test is about
    if "lr" in hyper:
        hyper["lr"] = reference_learning_rate(objective, method, start, hyper.get("momentum"))
    return hyper


def cases():
    for p in PRESETS:
        yield p["formula"], p.get("fixed") or {}, [tuple(p["point"])] if p.get("point") else []
    for text in CHAPTER + ODD:
        yield text, {}, []


def objective_for(text, fixed):
    f = parse(text)
    names = [v for v in f.variables if v not in fixed]
    return Objective.from_expression(f, names, fixed)


@pytest.mark.parametrize("text, fixed, points", list(cases()), ids=lambda v: str(v)[:30])
def test_default_rates_are_the_one_at_a_time_choices(text, fixed, points):
    n = len(objective_for(text, fixed).variables)
    starts = [p[:n] for p in points] + [tuple(s[:n]) + (0.3,) * (n - len(s[:n])) for s in STARTS]
    for start in starts:
        start = np.array(start, dtype=np.float64)
        for method in ("gd", "momentum", "nesterov"):
            chosen = default_hyperparameters(objective_for(text, fixed), method, start)
            assert chosen == reference_hyperparameters(objective_for(text, fixed), method, start), (method, start)


def test_a_huge_formula_gets_the_one_at_a_time_choices():
    objective = objective_for(huge_formula(), {})
    start = np.array([-1.5, 1.0])
    for method in ("gd", "momentum"):
        assert default_hyperparameters(objective, method, start) == reference_hyperparameters(objective, method,
                                                                                              start)


@pytest.mark.parametrize("text, start", [("x^2 + 10*y^2", (1.0, 1.0)), ("(1-x)^2 + 100*(y-x^2)^2", (-1.0, 1.0)),
                                         ("x^2 - y^2", (1.0, 0.5)), ("3*x^4 - 4*x^3 - 12*x^2 + y^2", (1.0, 0.2)),
                                         ("log(x) + y^2", (0.3, 1.0)), ("abs(x) + y^2", (0.7, -0.4))])
def test_every_candidate_diverges_or_not_as_its_own_descent_does(text, start):
    # one trial per rate, each with that single candidate: the answer says what its trial run decided
    objective = objective_for(text, {})
    start = np.array(start)
    for method, momentum in (("gd", 0.0), ("momentum", 0.9), ("momentum", 0.5), ("nesterov", 0.9)):
        rates = [float(r) for r in np.geomspace(1e-4, 3.0, 17)]
        trials = [Trial(method, start, momentum, (lr,), -1.0) for lr in rates]
        answers = first_stable_rates(objective.value_and_gradient_many, trials, TRIAL_STEPS, _too_fast)
        extra = {} if method == "gd" else {"momentum": momentum}
        expected = [-1.0 if reference_diverges(objective, method, start, lr, extra) else lr for lr in rates]
        assert answers == expected, method


def test_asking_again_gives_the_same_rate_without_new_trials(monkeypatch):
    objective = objective_for("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", {})
    start = np.array([0.5, -0.5])
    first = [default_hyperparameters(objective, m, start) for m in ("gd", "momentum")]
    monkeypatch.setattr("engine.analysis.rates.first_stable_rates", _no_trials)
    assert [default_hyperparameters(objective, m, start) for m in ("gd", "momentum")] == first
    assert default_learning_rate(objective, "gd", start) == first[0]["lr"]


def _no_trials(*_args, **_kwargs):
    raise AssertionError("the answer was known")
