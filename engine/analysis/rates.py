"""Default learning rates that suit the function: a fixed 0.1 diverges at once on Rosenbrock (curvature ~1000).

For the first-order methods whose step is lr·∇f (gradient descent, momentum, Nesterov) the step is stable on a
quadratic while lr < 2/λmax, so the default starts at 1/λmax of the Hessian at the start (capped by the method's
own default); curvature can grow along the way (3x⁴ − 4x³ − 12x² has f″ = 12 at 1 but 72 at 2), so a short trial
run checks it and halves it while it diverges (or, for gradient descent, while f goes up at some step). A run that blows up with f falling at every step found no bottom
(x² − y²): that is the function's doing, not the rate's, and does not shrink it.

The trials of every candidate rate run side by side (:mod:`engine.analysis.rate_trials`, one evaluation of f and ∇f
per step for all of them) where the objective evaluates many points at once, and the answers are kept per objective
and question; gradient descent and the heavy ball, which a race asks for one after the other at one start, are
answered together. Other objectives (a graph's own backward pass) run one trial Descent at a time; the choices are
the same either way.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np

from engine.analysis import classify as C
from engine.analysis.rate_trials import EvaluationFailed, Trial, first_stable_rates
from engine.optim.objective import Objective
from engine.optim.descent import METHODS, Descent

SCALED_METHODS = ("gd", "momentum", "nesterov")
TRIAL_STEPS = 120
HALVINGS = 8
SMALLEST = 1e-7


def curvature_at(objective: Objective, start) -> float | None:
    """λmax = the largest |eigenvalue| of the Hessian at ``start`` (None where there is none to use)."""
    eig = C.eigenvalues_at(objective, start)
    if eig is None or eig.size == 0:
        return None
    top = float(np.max(np.abs(eig)))
    return top if top > 0 else None


def default_learning_rate(objective: Objective, method: str, start, momentum: float | None = None) -> float:
    """The method's default lr, scaled to the curvature at ``start`` for the methods that need it (``momentum``:
    the momentum coefficient the run will use, when it is not the method's default)."""
    cap = float(METHODS[method].defaults["lr"]) if "lr" in METHODS[method].defaults else None
    if method not in SCALED_METHODS or cap is None:
        return cap
    return _chosen_rates(objective, [(method, start, momentum)])[0]


def default_hyperparameters(objective: Objective, method: str, start) -> dict[str, float]:
    """Every hyperparameter of ``method`` with the ones the app chooses for this function and start: the learning
    rate (:func:`default_learning_rate`) and, for the heavy ball, the momentum.

    The heavy ball x ← x − lr·∇f + β·(x − x_prev) contracts by at best √β per step whatever lr is (the roots of
    z² − (1 + β − lr·λ)z + β multiply to β): with the textbook β = 0.9 that is 0.949, some 400 steps to go from
    |∇f| = 30 to 1e-8, so it spirals to the step limit on x² + 10y² where gradient descent converges. Where the
    Hessian at the start is positive definite (curvatures μ ≤ L, κ = L/μ) β is Polyak's ((√κ − 1)/(√κ + 1))²,
    kept between MOMENTUM_RANGE (at least 0.5 so that it still behaves as a heavy ball), and lr puts every
    curvature's mode at that best rate √β.
    """
    hyper = {k: float(v) for k, v in METHODS[method].defaults.items()}
    if method == "momentum":
        beta = _heavy_ball_momentum(objective, start)
        if beta is not None:
            hyper["momentum"] = beta
    if "lr" in hyper:
        if method in ("gd", "momentum") and objective.value_and_gradient_many is not None:
            # a race asks for both one after another at one start: their trials run together, for the price of one
            _chosen_rates(objective, _race_questions(objective, start))
        hyper["lr"] = default_learning_rate(objective, method, start, hyper.get("momentum"))
    return hyper


#: The heavy ball's momentum, when the app chooses it, stays in this range.
MOMENTUM_RANGE = (0.5, 0.9)


def _curvature_range(objective: Objective, start) -> tuple[float, float] | None:
    """(μ, L): the smallest and largest eigenvalue of the Hessian at ``start`` when it is positive definite."""
    eig = C.eigenvalues_at(objective, start)
    if eig is None or eig.size == 0 or C.definiteness(eig) != "positive definite":
        return None
    return float(eig[0]), float(eig[-1])


def _heavy_ball_momentum(objective: Objective, start) -> float | None:
    curvatures = _curvature_range(objective, start)
    if curvatures is None:
        return None
    root = np.sqrt(curvatures[1] / curvatures[0])
    return float(np.clip(((root - 1) / (root + 1)) ** 2, *MOMENTUM_RANGE))


def _heavy_ball_lr(objective: Objective, start, beta: float) -> float | None:
    """The lr that puts the modes of both the smallest and the largest curvature at the heavy ball's best rate √β:
    the geometric middle of [(1 − √β)²/μ, (1 + √β)²/L] (None when that range is empty or there is no Hessian)."""
    curvatures = _curvature_range(objective, start)
    if curvatures is None:
        return None
    low, high = (1 - np.sqrt(beta)) ** 2 / curvatures[0], (1 + np.sqrt(beta)) ** 2 / curvatures[1]
    return float(np.sqrt(low * high)) if low <= high else None


def _shown(lr: float) -> float:
    return float(f"{lr:.3g}")


def _race_questions(objective: Objective, start) -> list[tuple[str, np.ndarray, float | None]]:
    """The (method, start, momentum) questions default_hyperparameters asks default_learning_rate for gradient
    descent and the heavy ball, the scaled methods of the Descent workspace's first race (Nesterov, asked alone,
    would make the others wait for its trials)."""
    beta = _heavy_ball_momentum(objective, start)
    return [("gd", start, None), ("momentum", start, float(METHODS["momentum"].defaults["momentum"])
                                  if beta is None else beta)]


def _chosen_rates(objective: Objective, questions) -> list[float]:
    """default_learning_rate's answer to each (method, start, momentum) question. Objectives that evaluate many
    points at once run every trial of every question side by side (rate_trials) and keep the answers."""
    keys = [(method, None if momentum is None else float(momentum), np.asarray(start, dtype=np.float64).reshape(-1))
            for method, start, momentum in questions]
    many = objective.value_and_gradient_many
    if many is None or any(start.size != len(objective.variables) for _m, _b, start in keys):
        return [_first_stable(objective, _trial(objective, *key)) for key in keys]
    known = [_ANSWERS.get(objective, key) for key in keys]
    missing = [key for key, answer in zip(keys, known) if answer is None]
    if missing:
        trials = [_trial(objective, *key) for key in missing]
        try:
            answers = first_stable_rates(many, trials, TRIAL_STEPS, _too_fast)
        except EvaluationFailed:   # each Descent tells which of its points failed
            answers = [_first_stable(objective, trial) for trial in trials]
        for key, answer in zip(missing, answers):
            _ANSWERS.put(objective, key, answer)
        known = [_ANSWERS.get(objective, key) for key in keys]
    return known


def _trial(objective: Objective, method: str, momentum: float | None, start: np.ndarray) -> Trial:
    """The rates to try in order: 1/λmax (capped; the heavy ball's own rate where it has one), halved up to
    HALVINGS times while above SMALLEST, each as the lr box will show it (the trial runs with that value)."""
    cap = float(METHODS[method].defaults["lr"])
    lam = curvature_at(objective, start)
    first = cap if lam is None else min(cap, 1.0 / lam)
    if method == "momentum" and momentum is not None:
        first = _heavy_ball_lr(objective, start, momentum) or first
    candidates, lr = [], _shown(first)
    while len(candidates) < HALVINGS and lr > SMALLEST:
        candidates.append(lr)
        lr = _shown(lr / 2)
    beta = float(METHODS[method].defaults.get("momentum", 0.0)) if momentum is None else float(momentum)
    return Trial(method, start, beta, tuple(candidates), lr)


def _first_stable(objective: Objective, trial: Trial) -> float:
    """One trial Descent per candidate, in turn (for objectives that evaluate one point at a time)."""
    extra = {"momentum": trial.momentum} if trial.method != "gd" else {}
    return next((lr for lr in trial.candidates if not _diverges(objective, trial.method, trial.start, lr, extra)),
                trial.last)


def _diverges(objective: Objective, method: str, start, lr: float, extra: dict | None = None) -> bool:
    hyper = {**{k: float(v) for k, v in METHODS[method].defaults.items()}, **(extra or {}), "lr": lr}
    try:
        descent = Descent(objective, np.asarray(start, dtype=np.float64), method, max_steps=TRIAL_STEPS, **hyper)
        with np.errstate(all="ignore"):
            while descent.status == "running":
                descent.step()
    except Exception:  # the real run will show the failure in its status
        return False
    return _too_fast(method, descent.status == "diverged", np.asarray(descent.values, dtype=np.float64))


def _too_fast(method: str, diverged: bool, values: np.ndarray) -> bool:
    """Does a trial run that ended with these values (diverged or not) say the rate is too large?"""
    if method == "gd" and not diverged:
        # below 2/L gradient descent lowers f at every step; f going up means the rate overshoots (it may settle
        # into a bounded zig-zag that never diverges and never converges either)
        with np.errstate(all="ignore"):
            return bool(np.any(np.diff(values) > 1e-9 * (1.0 + np.abs(values[:-1]))))
    return diverged and not keeps_decreasing(values)


class _Answers:
    """Answers already found, per objective (held weakly: a new function is a new Objective) and question."""

    def __init__(self, size: int = 512):
        self._size, self._lock, self._entries = size, threading.Lock(), OrderedDict()

    def get(self, objective: Objective, key) -> float | None:
        with self._lock:
            entry = self._entries.get(self._key(objective, key))
        return entry[1] if entry is not None and entry[0]() is objective else None

    def put(self, objective: Objective, key, answer: float) -> None:
        with self._lock:
            self._entries[self._key(objective, key)] = (weakref.ref(objective), answer)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    @staticmethod
    def _key(objective: Objective, key) -> tuple:
        method, momentum, start = key
        return id(objective), method, momentum, start.tobytes()


_ANSWERS = _Answers()


def keeps_decreasing(values) -> bool:
    """f went down at every step of (at least) the second half of the trail and ended below where it started: a
    run that blew up that way found no bottom, rather than overshooting one (which makes f grow)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size < 3 or np.isnan(v).any() or not v[-1] < v[0]:
        return False
    tail = v[-max(3, (v.size + 1) // 2):]
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.diff(tail) < 0))


def falls_without_slowing(values) -> bool:
    """f went down at every step of the second half (keeps_decreasing) and is not slowing down: per step it fell at
    least as fast over the second half as over the first, and over the last quarter as over the third. A run still
    heading for a bottom also falls at every step, but slower and slower (it may speed up for a while, leaving a
    hilltop); one on a function without a bottom (x²y, a plane) keeps falling as fast or faster."""
    v = np.asarray(values, dtype=np.float64)
    return keeps_decreasing(v) and _not_slowing(v) and _not_slowing(v[(v.size - 1) // 2:])


def _not_slowing(v: np.ndarray) -> bool:
    steps = v.size - 1
    half = steps // 2
    if half < 1:
        return False
    first_rate, second_rate = (v[0] - v[half]) / half, (v[half] - v[-1]) / (steps - half)
    return bool(second_rate >= first_rate * (1 - 1e-6))   # a plane falls at one rate, up to rounding
