"""What an optimizer run stopped at: the verdict the CLI prints and the Descent workspace shows, in the same words.

A run that stopped because ∇f ≈ 0 stopped at a critical point; only a minimum (by the engine's one
second-derivative classification, :mod:`engine.analysis.classify`) is "converged". A saddle, a maximum or a
degenerate point is named as such, and so is a point far outside the view where the gradient merely fades away
(1/(x² + y²) far from the origin).

:attr:`Verdict.stopped_at` is the short word for JSON: 'minimum' | 'maximum' | 'saddle' | 'undecided'.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis import classify as C
from engine.analysis.critical import nearby_critical_point
from engine.analysis.starts import function_scale, is_critical
from engine.analysis.taylor import vector_norm
from engine.expr.numbers import format_point
from engine.optim.objective import Objective

#: Without a box to measure the function's scale over, |∇f| at or below this (relative to 1 + |f|) is ∇f ≈ 0.
GRADIENT_TOL = 1e-8
STOPPED_AT = ("minimum", "maximum", "saddle", "undecided")


@dataclass(frozen=True)
class Verdict:
    kind: str    # 'minimum', 'saddle', 'maximum', 'degenerate', 'far', 'unknown' or 'not critical'
    text: str

    @property
    def stopped_at(self) -> str:
        """'minimum' | 'maximum' | 'saddle' | 'undecided' (every other kind: the test cannot say)."""
        return self.kind if self.kind in STOPPED_AT else "undecided"


def stopping_verdict(objective: Objective, point, box=None, names=None) -> Verdict:
    """The verdict on ``point``, where a run stopped. ``box`` (one (lo, hi) per variable), when given, is the view:
    ∇f ≈ 0 and zero curvature are measured against f's spread over it, and a point outside it is 'far'."""
    p = np.asarray(point, dtype=np.float64).reshape(-1)
    names = tuple(objective.variables if names is None else names)
    where = format_point(names, p)
    if box is not None and not _inside(p, box):
        return Verdict("far", f"left the view: ∇f vanished far away, at {where}")
    scale = function_scale(objective, box) if box is not None else None
    critical = _tiny_gradient(objective, p) or \
        (scale is not None and is_critical(objective, p, (max(scale[0], 1e-300), scale[1])))
    if not critical:
        return Verdict("not critical", f"stopped: the step no longer moves the point ({where})")
    eig = C.eigenvalues_at(objective, _polished(objective, p, box))
    if eig is None:
        return Verdict("unknown", "stopped where ∇f ≈ 0 (no second derivatives to tell what kind of point)")
    listed = ", ".join(f"{v:.3g}" for v in eig)
    kind = C.classify_eigenvalues(eig, 0.0 if scale is None else scale[0] / scale[1] ** 2)
    if kind == "minimum":
        return Verdict("minimum", f"a minimum (eigenvalues {listed})")
    if kind == "degenerate":
        return Verdict("degenerate", f"stopped where ∇f ≈ 0: degenerate (eigenvalues {listed}): the "
                                     "second-derivative test cannot tell; not a proven minimum")
    return Verdict(kind, f"stopped where ∇f ≈ 0: a {kind}, not a minimum (eigenvalues {listed})")


def run_verdict(descent, box=None) -> Verdict:
    """The verdict on where a finished run stopped ('unknown' for a diverged run: it stopped nowhere). Without a
    view ``box`` (the command line), the box around the trail stands for it (see :func:`trail_box`)."""
    if descent.status == "diverged":
        return Verdict("unknown", descent.message or "diverged")
    return stopping_verdict(descent.objective, descent.points[-1], trail_box(descent.points) if box is None else box)


def trail_box(points) -> list[tuple[float, float]]:
    """The box the trail spans, widened by half its size (at least 1) each way: what a view of the run shows."""
    p = np.asarray(points, dtype=np.float64).reshape(len(points), -1)
    p = p[np.all(np.isfinite(p), axis=1)]
    lo, hi = p.min(axis=0), p.max(axis=0)
    pad = np.maximum(0.5 * (hi - lo), 1.0)
    return [(float(a), float(b)) for a, b in zip(lo - pad, hi + pad)]


def stop_text(steps: int, verdict: Verdict) -> str:
    """The sentence for a run that stopped where the step no longer moves it or ∇f ≈ 0: 'converged' only at a
    minimum."""
    if verdict.kind == "minimum":
        return f"converged at step {steps}: {'∇f = 0 at the start, ' if steps == 0 else ''}{verdict.text}"
    return f"{'at the start' if steps == 0 else f'step {steps}'}: {verdict.text}"


def _polished(objective: Objective, p: np.ndarray, box) -> np.ndarray:
    """The critical point the stopping point stands for (see nearby_critical_point), where there is a formula and a
    box to measure it in; else the stopping point itself."""
    if objective.expression is None or box is None:
        return p
    try:
        polished = nearby_critical_point(objective.expression, p, box, objective.variables)
    except (ArithmeticError, ValueError):
        return p
    return p if polished is None else polished


def _tiny_gradient(objective: Objective, p: np.ndarray) -> bool:
    try:
        with np.errstate(all="ignore"):
            value = float(objective.value(p))
            g = np.asarray(objective.gradient(p), dtype=np.float64)
    except (ArithmeticError, ValueError):
        return False
    norm = vector_norm(g)
    return bool(np.isfinite(value) and np.isfinite(norm) and norm <= GRADIENT_TOL * (1.0 + abs(value)))


def _inside(p: np.ndarray, box) -> bool:
    return bool(np.all(np.isfinite(p))) and all(float(lo) <= v <= float(hi) for v, (lo, hi) in zip(p, box))
