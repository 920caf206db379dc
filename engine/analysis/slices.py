"""Slices and directional derivatives of a function of two variables through a point p = (x₀, y₀).

f(x, y₀) and f(x₀, y) are the one-variable slices whose slopes at p are the partial derivatives; f(p + t·u) along a
unit direction u has slope D_u f = ∇f·u. Over every direction angle θ, D_u f = ‖∇f‖ cos(θ − θ_∇f) (the chapter's
cos θ argument): it is least, −‖∇f‖, along −∇f, and zero along the level curve, a quarter turn either side.

The curves are evaluations of f; the slopes come from the gradient the caller passes (the engine's autodiff at p,
e.g. ``analyze_point(...).gradient``), so nothing here differentiates numerically.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

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
    points: np.ndarray  # (n, 2) the slice's points in the (x, y) plane

    def tangent(self, half_width: float) -> tuple[np.ndarray, np.ndarray]:
        """The tangent line's two ends, ``half_width`` either side of the point."""
        t = np.array([self.origin - half_width, self.origin + half_width])
        return t, self.value + self.slope * (t - self.origin)


@dataclass(frozen=True)
class SteepestDirections:
    """Where D_u f is least and where it is zero, as angles (radians, 0 … 2π) of u."""
    gradient_norm: float
    least_angle: float              # the angle of −∇f; D_u f = −‖∇f‖ there
    level_angles: tuple[float, float]   # D_u f = 0: along the level curve

    @property
    def least_value(self) -> float:
        return -self.gradient_norm


def slices(f, axes: Sequence[str], point, gradient, box, direction) -> list[Slice]:
    """The slice along the first axis, along the second and along the unit ``direction`` through ``point``.

    ``f`` is an Expression in the two names ``axes``; ``point`` and ``gradient`` are in that order; ``box`` is
    ((xlo, xhi), (ylo, yhi)): the axis slices span it, the u slice reaches half its diagonal either side of p.
    """
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
            Slice("u", ts, _evaluate(f, axes, along_u), directional_slope(gradient, u), value, 0.0, along_u)]


def directional_slope(gradient, direction) -> float:
    """D_u f = ∇f·u for a unit ``direction`` u (two components)."""
    return float(gradient[0]) * float(direction[0]) + float(gradient[1]) * float(direction[1])


def directional_by_angle(gradient, samples: int = POLAR_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """Angles θ (radians, 0 … 2π) and D_u f = ∇f·(cos θ, sin θ) for each."""
    theta = np.linspace(0.0, 2.0 * np.pi, samples)
    gx, gy = float(gradient[0]), float(gradient[1])
    return theta, gx * np.cos(theta) + gy * np.sin(theta)


def steepest_directions(gradient) -> SteepestDirections:
    """The angle of −∇f (where D_u f is least) and the two level-curve angles (where it is zero)."""
    gx, gy = float(gradient[0]), float(gradient[1])
    least = math.atan2(-gy, -gx) % (2.0 * math.pi)
    level = (least + 0.5 * math.pi) % (2.0 * math.pi)
    return SteepestDirections(math.hypot(gx, gy), least, (level, (level + math.pi) % (2.0 * math.pi)))


def _evaluate(f, axes, points: np.ndarray) -> np.ndarray:
    env = {axes[0]: points[:, 0], axes[1]: points[:, 1]}
    with np.errstate(all="ignore"):
        return np.broadcast_to(np.asarray(f.evaluate(env), dtype=np.float64), (len(points),)).copy()
