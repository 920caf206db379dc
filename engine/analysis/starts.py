"""Where a run starts when the user has not said: a point in view where f is defined and not already critical.

A start at a critical point "converges at step 0" and one where f is undefined cannot move, so neither teaches
anything; the origin in particular is critical for most textbook functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from engine.optim.objective import Objective
from engine.analysis.taylor import vector_norm
from engine.expr.numbers import format_point

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
    return vector_norm(grad) > 1e-6 * (1.0 + abs(value))


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


def function_scale(objective: Objective, box) -> tuple[float, float]:
    """(spread of f over the box, the box's largest side): what "∇f ≈ 0" is measured against, so that a gentle
    slope on a flat function still counts as a slope and a tiny one on a steep function does not."""
    sides = [float(hi) - float(lo) for lo, hi in box]
    points = [p for p in _grid_points(box) if p.shape == (len(objective.variables),) and np.all(np.isfinite(p))]
    many = objective.value_and_gradient_many
    if many is not None and points:   # one evaluation at every point (the same numbers as one at a time)
        with np.errstate(all="ignore"):
            found = np.asarray(many(np.array(points))[0], dtype=np.float64)
        values = [float(v) for v in found if np.isfinite(v)]
    else:
        values = [e[0] for e in (_evaluate(objective, p, with_gradient=False) for p in points)
                  if e is not None and np.isfinite(e[0])]
    spread = float(np.ptp(values)) if len(values) > 1 else 0.0
    side = max(sides) if sides and np.isfinite(max(sides)) else 1.0
    return (spread if np.isfinite(spread) else 0.0), side


def is_critical(objective: Objective, point, scale: tuple[float, float]) -> bool:
    """∇f is (numerically) zero at ``point`` relative to the function's scale over the box (False where ∇f has no
    finite value: that is not a critical point, it is undefined)."""
    evaluated = _evaluate(objective, point, with_gradient=True)
    if evaluated is None or not np.all(np.isfinite(evaluated[1])):
        return False
    spread, side = scale
    typical_slope = (spread + 1e-12 * (1.0 + abs(evaluated[0]))) / side
    return vector_norm(evaluated[1]) <= 1e-6 * typical_slope


def _grid_points(box, n: int = 9) -> list[np.ndarray]:
    with np.errstate(all="ignore"):   # a range too wide to sample gives non-finite points, skipped by callers
        axes = [np.linspace(float(lo), float(hi), n if len(box) <= 2 else 3) for lo, hi in box]
    return [np.array(p) for p in product(*axes)]


def _nearby(point: np.ndarray, box) -> list[np.ndarray]:
    """Points around ``point`` at growing distances (fractions of each side), first along the diagonals."""
    sides = np.array([float(hi) - float(lo) for lo, hi in box])
    directions = [np.array(d, dtype=np.float64) for d in product((1, -1), repeat=len(point))]
    directions += [np.eye(len(point))[i] * s for i in range(len(point)) for s in (1, -1)]
    return [point + r * sides * d for r in (0.05, 0.1, 0.2) for d in directions]


@dataclass(frozen=True)
class StartChoice:
    point: np.ndarray
    note: str = ""   # why the preferred point was not used ("" when it was, or when there was none)


def choose_start(objective: Objective, box, preferred=None, names=None) -> StartChoice:
    """``preferred`` (the selected point) where f is defined and not critical there; a critical one is replaced by
    a nearby non-critical point in view (and the note says so); else the first good candidate in the box; else the
    first candidate (the run's status will then say why it cannot move)."""
    scale = function_scale(objective, box)

    def good(p) -> bool:
        return is_good_start(objective, p) and not is_critical(objective, p, scale)
    if preferred is not None and is_defined_at(objective, preferred):
        p = np.asarray(preferred, dtype=np.float64).reshape(-1).copy()
        if not is_critical(objective, p, scale):
            return StartChoice(p)
        near = next((q for q in _nearby(p, box) if _inside(q, box) and good(q)), None)
        if near is not None:
            return StartChoice(near, f"∇f = 0 at the selected point {format_point(names, p)} (a critical point, where "
                                     f"every method would stop at once): starting nearby at {format_point(names, near)}.")
    candidates = candidate_points(box)
    return StartChoice(next((c for c in candidates if good(c)), candidates[0]).copy())


def pick_start(objective: Objective, box, preferred=None) -> np.ndarray:
    return choose_start(objective, box, preferred).point


def _inside(p, box) -> bool:
    return all(float(lo) <= v <= float(hi) for v, (lo, hi) in zip(p, box))
