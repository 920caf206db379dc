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


def sample_surface(f: Expression, axes, box, resolution: int) -> Field:
    """f (a function of the two ``axes`` only) on a resolution × resolution grid over ``box``."""
    xs = np.linspace(box[0][0], box[0][1], resolution)
    ys = np.linspace(box[1][0], box[1][1], resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    (zs,) = _evaluate([f], axes, [gx, gy], gx.shape)
    return Field(xs, ys, zs)


def sample_gradient(f: Expression, axes, box, count: int = GRADIENT_GRID):
    """(xs, ys, ∂f/∂x, ∂f/∂y) on a coarse grid, inset half a cell so arrows stay inside the box."""
    def inset(lo, hi):
        half = (hi - lo) / (2 * count)
        return np.linspace(lo + half, hi - half, count)
    xs, ys = inset(*box[0]), inset(*box[1])
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    dfx, dfy = _evaluate(f.grad(tuple(axes)), axes, [gx, gy], gx.shape)
    return xs, ys, dfx, dfy


def sample_curve(f: Expression, axis: str, box, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    xs = np.linspace(box[0][0], box[0][1], max(resolution * 4, 200))
    (ys,) = _evaluate([f], (axis,), [xs], xs.shape)
    return xs, ys
