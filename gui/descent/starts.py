"""Where a run starts when the user has not said: a point in view where f is defined and not already critical.

A start at a critical point "converges at step 0" and one where f is undefined cannot move, so neither teaches
anything; the origin in particular is critical for most textbook functions.
"""
from __future__ import annotations

from itertools import product

import numpy as np

from engine.objective import Objective

# fractions of each range, tried in order (the first one is the start users have seen so far)
FRACTIONS_1D = (0.3, 0.8, 0.7, 0.2, 0.45, 0.6, 0.9, 0.1, 0.55, 0.35)
FRACTIONS_2D = ((0.3, 0.8), (0.8, 0.3), (0.25, 0.25), (0.7, 0.7), (0.35, 0.6), (0.6, 0.35), (0.15, 0.55),
                (0.55, 0.15), (0.85, 0.6), (0.4, 0.9))


def candidate_points(box) -> list[np.ndarray]:
    """Points in the box to try as starts, the preferred ones first."""
    box = [(float(lo), float(hi)) for lo, hi in box]
    if len(box) == 1:
        fractions = [(t,) for t in FRACTIONS_1D]
    elif len(box) == 2:
        fractions = list(FRACTIONS_2D)
    else:
        fractions = list(product((0.3, 0.7), repeat=len(box)))
    return [np.array([lo + t * (hi - lo) for t, (lo, hi) in zip(ts, box)]) for ts in fractions]


def is_good_start(objective: Objective, point) -> bool:
    """f and ∇f are finite at ``point`` and the gradient is not (numerically) zero."""
    evaluated = _evaluate(objective, point, with_gradient=True)
    if evaluated is None:
        return False
    value, grad = evaluated
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        return False
    return float(np.linalg.norm(grad)) > 1e-6 * (1.0 + abs(value))


def is_defined_at(objective: Objective, point) -> bool:
    evaluated = _evaluate(objective, point, with_gradient=False)
    return evaluated is not None and bool(np.isfinite(evaluated[0]))


def _evaluate(objective: Objective, point, with_gradient: bool) -> tuple[float, np.ndarray | None] | None:
    """(f, ∇f or None) at ``point``; None when it is not a finite point of the objective's size or evaluating
    there fails (a domain error is an answer here, not a crash)."""
    p = np.asarray(point, dtype=np.float64)
    if p.shape != (len(objective.variables),) or not np.all(np.isfinite(p)):
        return None
    try:
        with np.errstate(all="ignore"):
            value = float(objective.value(p))
            grad = np.asarray(objective.gradient(p), dtype=np.float64) if with_gradient else None
    except (ArithmeticError, ValueError):
        return None
    return value, grad


def pick_start(objective: Objective, box, preferred=None) -> np.ndarray:
    """``preferred`` (the selected point) where f is defined there; else the first good candidate in the box; else
    the first candidate (the run's status will then say why it cannot move)."""
    if preferred is not None and is_defined_at(objective, preferred):
        return np.asarray(preferred, dtype=np.float64).copy()
    candidates = candidate_points(box)
    return next((c for c in candidates if is_good_start(objective, c)), candidates[0]).copy()
