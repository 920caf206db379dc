"""Roots of ∇f = 0 from many starts at once: the critical-point search's Newton phase and its clean-up.

Multi-start Newton on the system ∇f(x) = 0 with the exact Hessian as its Jacobian. Every start runs at once, as numpy
arrays through one evaluation of the gradient and Hessian expressions per iteration. Steps are Levenberg–Marquardt
steps, (HᵀH + μI)⁻¹Hᵀ∇f, accepted only when they reduce |∇f|: where H is invertible and μ has shrunk this is Newton's
step; where H is singular (x³, x⁴, x²y + xy² at the origin) it stays finite, so degenerate points are still reached.
Every loop here watches a deadline and says whether it finished.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from engine.expr import build as E

#: Newton iterations per start. Degenerate roots converge only linearly (x⁴: by 2/3 a step), hence the margin.
MAX_ITERATIONS = 150
#: Start-point budget: a grid of cell centres in 1–4 variables, a Halton sequence beyond.
MAX_STARTS = 600
#: Points closer than this (relative to the box's size) are one point.
MERGE_TOL = 1e-5


class Derivatives:
    """f, ∇f and H of an expression, evaluated for many points (rows of an (m, n) array) in one sweep."""

    def __init__(self, f: E.Expression, names: tuple[str, ...]):
        self.f, self.names, self.n = f, names, len(names)
        self.grads = list(f.grad(names))
        self.flat_hessian = [h for row in f.hessian(names) for h in row]

    def _env(self, points: np.ndarray) -> dict:
        return {name: points[:, i] for i, name in enumerate(self.names)}

    def gradient_hessian(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        results = E.evaluate_many(self.grads + self.flat_hessian, self._env(points))
        m, n = len(points), self.n
        g = np.stack(results[:n], axis=1) if n else np.zeros((m, 0))
        h = np.stack(results[n:], axis=1).reshape(m, n, n)
        return g, h

    def values(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(E.evaluate_many([self.f], self._env(points))[0], dtype=np.float64).reshape(-1)


def start_points(box: np.ndarray, max_starts: int = MAX_STARTS) -> np.ndarray:
    """Deterministic starts: cell centres of a regular grid (n ≤ 4) or a Halton sequence, plus the box's centre."""
    n = len(box)
    per_axis = int(np.floor(max_starts ** (1.0 / n))) if n <= 4 else 0
    if per_axis >= 3:
        axes = [(np.arange(per_axis) + 0.5) / per_axis] * n
        unit = np.stack([a.reshape(-1) for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    else:
        unit = halton(max_starts - 1, n)
    unit = np.vstack([np.full((1, n), 0.5), unit])
    return box[:, 0] + unit * (box[:, 1] - box[:, 0])


def halton(count: int, n: int) -> np.ndarray:
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71]
    out = np.empty((count, n))
    for d in range(n):
        base = primes[d % len(primes)] + (d // len(primes)) * 2   # beyond 20 dimensions: reuse, rarely needed
        for k in range(count):
            i, f, r = k + 1, 1.0, 0.0
            while i > 0:
                f /= base
                r += f * (i % base)
                i //= base
            out[k, d] = r
    return out


def lm_steps(g: np.ndarray, h: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Levenberg–Marquardt steps −(HᵀH + μI)⁻¹Hᵀg for every row, through the symmetric eigen-decomposition of H."""
    lam, vec = np.linalg.eigh(h)
    coeff = np.einsum("mji,mj->mi", vec, g)
    damping = mu * np.max(lam * lam, axis=1)   # μ is relative to the Hessian's own scale
    with np.errstate(all="ignore"):
        scaled = coeff * lam / (lam * lam + damping[:, None])
    scaled[~np.isfinite(scaled)] = 0.0          # a zero eigenvalue with no damping: no step along it
    return -np.einsum("mij,mj->mi", vec, scaled)


def newton(derivs: Derivatives, x: np.ndarray, box: np.ndarray, report: Callable[[float], None],
           deadline: float) -> tuple[np.ndarray, np.ndarray, bool]:
    """Run all starts; returns the final points, their gradient norms (inf where a start failed) and whether every
    start finished before the deadline."""
    g, h = derivs.gradient_hessian(x)
    norm = norms_of(g, h)
    mu = np.zeros(len(x))   # pure Newton until a step fails to reduce |∇f|
    active = np.isfinite(norm)
    size = float(np.max(box[:, 1] - box[:, 0]))
    centre = box.mean(axis=1)
    for iteration in range(MAX_ITERATIONS):
        report(iteration / MAX_ITERATIONS)
        if not active.any() or time.monotonic() > deadline:
            return x, norm, not active.any()
        idx = np.flatnonzero(active)
        step = lm_steps(g[idx], h[idx], mu[idx])
        trial = x[idx] + step
        gt, ht = derivs.gradient_hessian(trial)
        nt = norms_of(gt, ht)
        better = nt < norm[idx]
        take = idx[better]
        x[take], g[take], h[take], norm[take] = trial[better], gt[better], ht[better], nt[better]
        mu[take] = np.where(mu[take] > 1e-20, mu[take] * 0.1, 0.0)   # 0: pure Newton, for nearly flat directions
        mu[idx[~better]] = np.maximum(mu[idx[~better]], 1e-12)
        mu[idx[~better]] *= 100.0
        tiny = np.linalg.norm(step, axis=1) <= 1e-14 * (1.0 + np.linalg.norm(x[idx], axis=1))
        far = np.linalg.norm(x[idx] - centre, axis=1) > 10.0 * size
        stuck = mu[idx] > 1e12
        done = (norm[idx] == 0) | (tiny & better) | far | stuck
        active[idx[done]] = False
    return x, norm, True


def norms_of(g: np.ndarray, h: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(g, axis=1)
    bad = ~np.all(np.isfinite(h.reshape(len(h), -1)), axis=1) | ~np.isfinite(norm)
    norm[bad] = np.inf
    return norm


def distinct(points: np.ndarray, norms: np.ndarray, scale: np.ndarray, deadline: float) -> tuple[list[int], bool]:
    """Indices of one representative (the smallest |∇f|) per cluster of nearby points, and whether every point was
    looked at before the deadline."""
    chosen: list[int] = []
    kept = np.empty((0, points.shape[1]))
    for count, i in enumerate(np.argsort(norms, kind="stable")):
        if count and count % 64 == 0 and time.monotonic() > deadline:   # the best 64 are always looked at
            return chosen, False
        if not len(kept) or np.min(np.max(np.abs(kept - points[i]) / scale, axis=1)) > MERGE_TOL:
            chosen.append(int(i))
            kept = np.vstack([kept, points[i]])
    return chosen, True


def snap(derivs: Derivatives, points: np.ndarray, norms: np.ndarray, scale: np.ndarray, floor: float,
         deadline: float) -> np.ndarray:
    """Round each coordinate (relative to the box) where the rounded point is at least as critical: 1 rather than
    0.9999999999997, 0 rather than 3e-12. One evaluation per coordinate for all points; past the deadline the
    remaining coordinates stay as they are."""
    best, norm = points.copy(), norms.copy()
    for i in range(points.shape[1]):
        if time.monotonic() > deadline:
            break
        trial = best.copy()
        trial[:, i] = np.round(points[:, i] / scale[i], 9) * scale[i] + 0.0
        changed = np.flatnonzero(trial[:, i] != best[:, i])
        if not changed.size:
            continue
        g, _ = derivs.gradient_hessian(trial[changed])
        candidate = np.linalg.norm(g, axis=1)
        take = candidate <= np.maximum(norm[changed], floor)
        best[changed[take]] = trial[changed[take]]
        norm[changed[take]] = np.maximum(candidate[take], 0.0)
    return best


def typical(magnitudes: np.ndarray) -> float:
    """Median of the finite, non-zero magnitudes (1 if there are none): the function's own scale over the box."""
    usable = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    return float(np.median(usable)) if usable.size else 1.0
