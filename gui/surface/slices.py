"""The one-variable slices of a function of two plotted variables through the selected point p = (x₀, y₀):
f(x, y₀) and f(x₀, y), whose slopes at p are the partial derivatives, and f(p + t·u) along a unit direction u, whose
slope is D_u f = ∇f·u; and D_u f for every direction angle θ (the chapter's cos θ argument: it is least, −‖∇f‖,
along −∇f, and zero along the level curve).

Plain numpy over the engine's Expression and its gradient at p (from the engine's analysis of the point): the
curves are evaluations of f, the slopes are the engine's derivatives.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLES = 201
POLAR_SAMPLES = 1441   # every quarter of a degree


@dataclass(frozen=True)
class Slice:
    """f along a line through the point: parameter values, f there, and the tangent line's slope at t = 0."""
    name: str
    t: np.ndarray
    values: np.ndarray
    slope: float
    value: float        # f at the point (t = 0)
    origin: float       # the parameter's value at the point (x₀ for the x slice, y₀ for the y slice, 0 along u)
    points: np.ndarray  # (n, 2) the slice's points in the plotted plane, to draw it on the views

    def tangent(self, half_width: float) -> tuple[np.ndarray, np.ndarray]:
        """The tangent line's two ends, ``half_width`` either side of the point."""
        t = np.array([self.origin - half_width, self.origin + half_width])
        return t, self.value + self.slope * (t - self.origin)


def slices(f, axes, point, gradient, box, direction) -> list[Slice]:
    """The x slice, the y slice and the slice along ``direction`` (unit) through ``point`` (plotted axes order)."""
    (x0, y0), (gx, gy) = map(float, point[:2]), map(float, gradient[:2])
    (xlo, xhi), (ylo, yhi) = box
    value = _evaluate(f, axes, np.array([[x0, y0]]))[0]
    xs, ys = np.linspace(xlo, xhi, SAMPLES), np.linspace(ylo, yhi, SAMPLES)
    along_x = np.column_stack([xs, np.full_like(xs, y0)])
    along_y = np.column_stack([np.full_like(ys, x0), ys])
    u = np.asarray(direction, dtype=np.float64)
    reach = 0.5 * float(np.hypot(xhi - xlo, yhi - ylo))
    ts = np.linspace(-reach, reach, SAMPLES)
    along_u = np.array([x0, y0])[None, :] + ts[:, None] * u[None, :]
    return [Slice(f"{axes[0]}", xs, _evaluate(f, axes, along_x), gx, value, x0, along_x),
            Slice(f"{axes[1]}", ys, _evaluate(f, axes, along_y), gy, value, y0, along_y),
            Slice("u", ts, _evaluate(f, axes, along_u), gx * u[0] + gy * u[1], value, 0.0, along_u)]


def directional_by_angle(gradient, samples: int = POLAR_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """Angles θ (radians, 0 … 2π) and D_u f = ∇f·(cos θ, sin θ) for each."""
    theta = np.linspace(0.0, 2.0 * np.pi, samples)
    gx, gy = float(gradient[0]), float(gradient[1])
    return theta, gx * np.cos(theta) + gy * np.sin(theta)


def _evaluate(f, axes, points: np.ndarray) -> np.ndarray:
    env = {axes[0]: points[:, 0], axes[1]: points[:, 1]}
    with np.errstate(all="ignore"):
        return np.broadcast_to(np.asarray(f.evaluate(env), dtype=np.float64), (len(points),)).copy()
