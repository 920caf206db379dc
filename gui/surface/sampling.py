"""Sampling the plotted function on grids for the views (numpy only)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import Expression, evaluate_many

GRADIENT_GRID = 17   # arrows per side of the gradient field


@dataclass(frozen=True)
class Field:
    xs: np.ndarray
    ys: np.ndarray
    zs: np.ndarray   # shape (len(xs), len(ys)); NaN where f is undefined

    @property
    def nonfinite_count(self) -> int:
        return int(self.zs.size - np.isfinite(self.zs).sum())


def _evaluate(exprs, axes, grids, shape) -> list[np.ndarray]:
    with np.errstate(all="ignore"):
        values = evaluate_many(list(exprs), dict(zip(axes, grids)))
    return [np.where(np.isfinite(v), v, np.nan) for v in (np.broadcast_to(np.asarray(v, float), shape)
                                                          for v in values)]


def _span(lo: float, hi: float, count: int) -> np.ndarray:
    """np.linspace, except that a span too wide for a float (1e308 to -1e308) is blended end to end, not overflowed
    (the Session refuses such ranges; this keeps any other caller's grid finite)."""
    if np.isfinite(float(hi) - float(lo)):
        return np.linspace(lo, hi, count)
    t = np.linspace(0.0, 1.0, count)
    return lo * (1.0 - t) + hi * t


def sample_surface(f: Expression, axes, box, resolution: int) -> Field:
    """f (a function of the two ``axes`` only) on a resolution × resolution grid over ``box``."""
    xs = _span(box[0][0], box[0][1], resolution)
    ys = _span(box[1][0], box[1][1], resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    (zs,) = _evaluate([f], axes, [gx, gy], gx.shape)
    return Field(xs, ys, zs)


def sample_gradient(f: Expression, axes, box, count: int = GRADIENT_GRID):
    """(xs, ys, ∂f/∂x, ∂f/∂y) on a coarse grid, inset half a cell so arrows stay inside the box."""
    def inset(lo, hi):
        half = hi / (2 * count) - lo / (2 * count)
        return _span(lo + half, hi - half, count)
    xs, ys = inset(*box[0]), inset(*box[1])
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    dfx, dfy = _evaluate(f.grad(tuple(axes)), axes, [gx, gy], gx.shape)
    return xs, ys, dfx, dfy


def sample_curve(f: Expression, axis: str, box, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    xs = _span(box[0][0], box[0][1], max(resolution * 4, 200))
    (ys,) = _evaluate([f], (axis,), [xs], xs.shape)
    return xs, ys
