"""What an optimizer run stopped at: the verdict the CLI prints and the Descent workspace shows, in the same words.

A run that stopped because ∇f ≈ 0 stopped at a critical point; only a minimum (by the engine's one
second-derivative classification, :mod:`engine.analysis.classify`) is "converged". A saddle, a maximum or a
degenerate point is named as such, and so is a point far outside the view where the gradient merely fades away
(1/(x² + y²) far from the origin).

:attr:`Verdict.stopped_at` is the short word for JSON: 'minimum' | 'maximum' | 'saddle' | 'undecided'. Why a run
diverged (:func:`diverged_text`: f or ∇f has no value where it landed, see :func:`undefined_where`; a step that was
not finite; f falling without a bottom; or a blow-up) is told in words both say too, and so is a run that reached
its step limit (:func:`step_limit_text`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis import classify as C
from engine.analysis.critical import nearby_critical_point
from engine.analysis.rates import falls_without_slowing, keeps_decreasing
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


@dataclass(frozen=True)
class Undefined:
    """Where a run stopped because f or its gradient has no finite value at a finite point."""
    what: str            # 'f is undefined' | 'f is infinite' | '∇f is undefined'
    step: int            # 0: at the start
    point: np.ndarray

    def text(self, names) -> str:
        """The sentence the command line and the Descent workspace both say."""
        place = format_point(tuple(names), self.point)
        if self.step == 0:
            return f"{self.what} at the start {place}"
        return f"{self.what} at step {self.step}, {place}: the step left f's domain"


def undefined_where(descent) -> Undefined | None:
    """Where a diverged run stopped because f or ∇f has no finite value at a finite point; None when it diverged
    for another reason (a step that was not finite, a blow-up) or did not diverge."""
    if descent.status != "diverged" or descent.diverged_at is None:
        return None
    at = descent.diverged_at
    point, value = np.asarray(descent.points[at], dtype=np.float64), descent.values[at]
    if not np.all(np.isfinite(point)):
        return None
    if np.isnan(value):
        return Undefined("f is undefined", at, point)
    if np.isinf(value):   # at the start f is infinite there; later, an overflow is a blow-up, not the domain
        return Undefined("f is infinite", at, point) if at == 0 else None
    if not np.all(np.isfinite(descent.gradients[at])):
        return Undefined("∇f is undefined", at, point)
    return None


def diverged_text(descent, names) -> tuple[str, str]:
    """Why a diverged run stopped — ('undefined' | 'not finite' | 'unbounded' | 'blew up', the sentence) — in the
    words the command line and the Descent workspace share."""
    at = descent.diverged_at if descent.diverged_at is not None else len(descent.points) - 1
    undefined = undefined_where(descent)
    if undefined is not None:
        return "undefined", undefined.text(names)
    if not np.all(np.isfinite(descent.points[at])):
        return "not finite", f"diverged at step {at}: the step was not finite"
    if keeps_decreasing(descent.values[: at + 1]):
        # every step went further down: the method did its job, the function has no bottom there
        return "unbounded", f"diverged at step {at}: f keeps decreasing: it may be unbounded below"
    return "blew up", descent.message or f"diverged at step {at}"


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


def step_limit_text(steps: int, values) -> str:
    """The sentence for a run stopped by its step limit, saying so when f was still falling without slowing down
    (see :func:`engine.analysis.rates.falls_without_slowing`): it may be unbounded below."""
    falling = "; f keeps decreasing: it may be unbounded below" if falls_without_slowing(values) else ""
    return f"stopped at the step limit ({steps} step{'' if steps == 1 else 's'}){falling}"


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
