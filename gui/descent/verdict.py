"""What a run that stopped because ∇f ≈ 0 stopped at: only a minimum (by the second-derivative test at the stopping
point) is "converged"; a saddle, a maximum or a degenerate point is named as such, and so is a point far outside the
view where the gradient merely fades away (1/(x² + y²) far from the origin)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.optim.objective import Objective
from gui.descent.starts import function_scale, is_critical

ZERO_CURVATURE = 1e-4   # an eigenvalue this small, relative to f's typical curvature over the box, counts as 0


@dataclass(frozen=True)
class Verdict:
    kind: str    # 'minimum', 'saddle', 'maximum', 'degenerate', 'far', 'unknown' or 'not critical'
    text: str


def stopping_verdict(objective: Objective, point, box, names) -> Verdict:
    p = np.asarray(point, dtype=np.float64).reshape(-1)
    where = _place(names, p)
    if box is not None and not _inside(p, box):
        return Verdict("far", f"left the view: ∇f vanished far away, at {where}")
    scale = function_scale(objective, box) if box is not None else (1.0, 1.0)
    if box is not None and not is_critical(objective, p, (max(scale[0], 1e-300), scale[1])) \
            and not _tiny_gradient(objective, p):
        return Verdict("not critical", f"stopped: the step no longer moves the point ({where})")
    eig = _eigenvalues(objective, p)
    if eig is None:
        return Verdict("unknown", "stopped where ∇f ≈ 0 (no second derivatives to tell what kind of point)")
    listed = ", ".join(f"{v:.3g}" for v in eig)
    spread, side = scale
    zero = ZERO_CURVATURE * max(spread / side ** 2, float(np.max(np.abs(eig))), 1e-300)
    if np.any(np.abs(eig) <= zero):
        return Verdict("degenerate", f"stopped where ∇f ≈ 0: degenerate (eigenvalues {listed}): the "
                                     "second-derivative test cannot tell; not a proven minimum")
    if np.all(eig > 0):
        return Verdict("minimum", f"a minimum (eigenvalues {listed})")
    if np.all(eig < 0):
        return Verdict("maximum", f"stopped where ∇f ≈ 0: a maximum, not a minimum (eigenvalues {listed})")
    return Verdict("saddle", f"stopped where ∇f ≈ 0: a saddle, not a minimum (eigenvalues {listed})")


def _tiny_gradient(objective: Objective, p: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        g = np.asarray(objective.gradient(p), dtype=np.float64)
    return bool(np.all(np.isfinite(g)) and np.linalg.norm(g) < 1e-8)


def _eigenvalues(objective: Objective, p: np.ndarray) -> np.ndarray | None:
    if objective.hessian is None:
        return None
    try:
        with np.errstate(all="ignore"):
            h = np.asarray(objective.hessian(p), dtype=np.float64).reshape(len(p), len(p))
    except (ArithmeticError, ValueError):
        return None
    if not np.all(np.isfinite(h)):
        return None
    return np.linalg.eigvalsh((h + h.T) / 2)


def _inside(p: np.ndarray, box) -> bool:
    return bool(np.all(np.isfinite(p))) and all(float(lo) <= v <= float(hi) for v, (lo, hi) in zip(p, box))


def _place(names, p) -> str:
    values = ", ".join(f"{float(v):.4g}" for v in p)
    return f"({', '.join(names)}) = ({values})" if len(p) > 1 else f"{names[0]} = {values}"
