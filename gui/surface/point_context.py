"""What the inspector needs besides the engine's analysis of the selected point: the variables held fixed (and the
full gradient over every variable there), and the function's own scales over the plotted box, so that "∇f = 0" and
"zero eigenvalue" are judged relative to the function (x² + y² on ±1e-9 has |∇f| ≈ 1e-9 everywhere: 2e-10 is far
from zero there).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from engine import evaluate_many
from engine.analysis.taylor import GRADIENT_TOL, second_derivative_test, vector_norm
from gui.views.quantiles import median

SCALE_SAMPLES = 9   # per plotted axis: where the typical |∇f| and curvature are measured


@dataclass(frozen=True)
class PointContext:
    fixed: dict[str, float] = field(default_factory=dict)   # non-plotted variables and their values
    full_gradient: dict[str, float] | None = None   # ∂f/∂v for every variable, when some are fixed
    gradient_scale: float = 1.0     # typical |∇f| over the plotted box
    curvature_scale: float = 1.0    # typical largest |second derivative| over the plotted box
    expression: object = None       # the whole function (fixed variables still symbols): the formulas' source

    def kind(self, analysis) -> str:
        """'regular' when |∇f| is clearly not zero for this function, else the second-derivative test's verdict,
        both relative to the function's scales (as engine.critical judges the points it finds)."""
        norm = analysis.gradient_norm
        if not norm <= GRADIENT_TOL * self.gradient_scale:
            return "regular"
        return second_derivative_test(analysis.hessian, scale=self.curvature_scale)

    def is_critical(self, analysis) -> bool:
        return analysis.gradient_norm <= GRADIENT_TOL * self.gradient_scale


def point_context(session, plotted) -> PointContext:
    """The context of the session's selected point; ``plotted`` is the session's plotted expression."""
    gradient_scale, curvature_scale = typical_scales(plotted, tuple(session.axes), tuple(map(tuple, session.box())))
    full = None
    if session.fixed and session.point is not None:
        names = session.expression.variables
        values = session.full_point()
        with np.errstate(all="ignore"):
            grads = evaluate_many(list(session.expression.grad(names)), {n: values[n] for n in names})
        full = {n: float(g) for n, g in zip(names, grads)}
    return PointContext(dict(session.fixed), full, gradient_scale, curvature_scale, session.expression)


@lru_cache(maxsize=16)
def typical_scales(f, axes: tuple[str, ...], box: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """Median |∇f| and median largest |∂²f| over a grid of cell centres of ``box`` (1 where there are none)."""
    n = len(axes)
    centres = [lo + (np.arange(SCALE_SAMPLES) + 0.5) * (hi - lo) / SCALE_SAMPLES for lo, hi in box]
    grids = [g.ravel() for g in np.meshgrid(*centres, indexing="ij")]
    grads = list(f.grad(axes))
    second = [h for row in f.hessian(axes) for h in row]
    with np.errstate(all="ignore"):
        values = evaluate_many(grads + second, dict(zip(axes, grids)))
    count = len(grids[0])
    columns = np.stack([np.broadcast_to(np.asarray(v, dtype=np.float64), (count,)) for v in values], axis=1)
    gradient_norms = np.array([vector_norm(row) for row in columns[:, :n]])
    curvatures = np.max(np.abs(columns[:, n:]), axis=1)
    return _typical(gradient_norms), _typical(curvatures)


def _typical(magnitudes: np.ndarray) -> float:
    usable = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    return median(usable) if usable.size else 1.0
