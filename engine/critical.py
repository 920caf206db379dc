"""Critical points of a function inside a box: where ∇f = 0, and what each one is.

Multi-start Newton on the system ∇f(x) = 0 with the exact Hessian as its Jacobian. Every start runs at once, as numpy
arrays through one evaluation of the gradient and Hessian expressions per iteration. Steps are Levenberg–Marquardt
steps, (HᵀH + μI)⁻¹Hᵀ∇f, accepted only when they reduce |∇f|: where H is invertible and μ has shrunk this is Newton's
step; where H is singular (x³, x⁴, x²y + xy² at the origin) it stays finite, so degenerate points are still reached.

Each point is classified by the second-derivative test (``kind``). Its ``verdict`` says what the point is: the test's
answer where it decides, and for a degenerate point the result of probing f along lines through the point and in a
small neighbourhood (:mod:`engine.critical_probe`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from engine import expression as E
from engine.critical_probe import probe_verdict
from engine.taylor import second_derivative_test

#: Newton iterations per start. Degenerate roots converge only linearly (x⁴: by 2/3 a step), hence the margin.
MAX_ITERATIONS = 150
#: Start-point budget: a grid of cell centres in 1–4 variables, a Halton sequence beyond.
MAX_STARTS = 600
#: Points closer than this (relative to the box's size) are one point.
MERGE_TOL = 1e-5
#: |∇f| at a root, relative to the typical |∇f| over the box.
ROOT_TOL = 1e-8


@dataclass(frozen=True, eq=False)
class CriticalPoint:
    point: np.ndarray
    value: float
    kind: str               # second-derivative test: 'minimum' | 'maximum' | 'saddle' | 'degenerate'
    verdict: str            # what the point is: 'minimum' | 'maximum' | 'neither' | 'unknown'
    eigenvalues: np.ndarray  # of the Hessian, ascending
    gradient_norm: float


class Cancelled(Exception):
    """Raised by :func:`critical_points` when its ``cancelled()`` callback returns True."""


class _Derivatives:
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
        unit = _halton(max_starts - 1, n)
    unit = np.vstack([np.full((1, n), 0.5), unit])
    return box[:, 0] + unit * (box[:, 1] - box[:, 0])


def _halton(count: int, n: int) -> np.ndarray:
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


def _lm_steps(g: np.ndarray, h: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Levenberg–Marquardt steps −(HᵀH + μI)⁻¹Hᵀg for every row, through the symmetric eigen-decomposition of H."""
    lam, vec = np.linalg.eigh(h)
    coeff = np.einsum("mji,mj->mi", vec, g)
    damping = mu * np.max(lam * lam, axis=1)   # μ is relative to the Hessian's own scale
    with np.errstate(all="ignore"):
        scaled = coeff * lam / (lam * lam + damping[:, None])
    scaled[~np.isfinite(scaled)] = 0.0          # a zero eigenvalue with no damping: no step along it
    return -np.einsum("mij,mj->mi", vec, scaled)


def _newton(derivs: _Derivatives, x: np.ndarray, box: np.ndarray, report: Callable[[float], None],
            deadline: float) -> tuple[np.ndarray, np.ndarray]:
    """Run all starts; returns the final points and their gradient norms (inf where a start failed)."""
    g, h = derivs.gradient_hessian(x)
    norm = _norms(g, h)
    mu = np.zeros(len(x))   # pure Newton until a step fails to reduce |∇f|
    active = np.isfinite(norm)
    size = float(np.max(box[:, 1] - box[:, 0]))
    centre = box.mean(axis=1)
    for iteration in range(MAX_ITERATIONS):
        report(iteration / MAX_ITERATIONS)
        if not active.any() or time.monotonic() > deadline:
            break
        idx = np.flatnonzero(active)
        step = _lm_steps(g[idx], h[idx], mu[idx])
        trial = x[idx] + step
        gt, ht = derivs.gradient_hessian(trial)
        nt = _norms(gt, ht)
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
    return x, norm


def _norms(g: np.ndarray, h: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(g, axis=1)
    bad = ~np.all(np.isfinite(h.reshape(len(h), -1)), axis=1) | ~np.isfinite(norm)
    norm[bad] = np.inf
    return norm


def _distinct(points: np.ndarray, norms: np.ndarray, scale: np.ndarray) -> list[int]:
    """Indices of one representative (the smallest |∇f|) per cluster of nearby points."""
    chosen: list[int] = []
    for i in np.argsort(norms, kind="stable"):
        if all(np.max(np.abs(points[i] - points[j]) / scale) > MERGE_TOL for j in chosen):
            chosen.append(int(i))
    return chosen


def _snap(derivs: _Derivatives, p: np.ndarray, norm: float, scale: np.ndarray, floor: float) -> np.ndarray:
    """Round each coordinate (relative to the box) where the rounded point is at least as critical: 1 rather than
    0.9999999999997, 0 rather than 3e-12."""
    best = p.copy()
    for i in range(len(p)):
        q = best.copy()
        q[i] = np.round(p[i] / scale[i], 9) * scale[i] + 0.0
        if q[i] == best[i]:
            continue
        g, _ = derivs.gradient_hessian(q[None, :])
        candidate = float(np.linalg.norm(g[0]))
        if candidate <= max(norm, floor):
            best, norm = q, max(candidate, 0.0)
    return best


def critical_points(f, box: Sequence[Sequence[float]], variables: Sequence[str] | None = None, *,
                    progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
                    max_seconds: float = 10.0) -> list[CriticalPoint]:
    """Every critical point of ``f`` found inside ``box`` (one (lo, hi) per variable, in ``variables`` order).

    ``f`` is an Expression, or an Objective that carries one. Deterministic: the same starts every time. Work stops
    after ``max_seconds`` (the points found by then are returned). ``progress(fraction)`` is called as work proceeds;
    ``cancelled()`` is polled and, when it returns True, :class:`Cancelled` is raised. Sorted by coordinates.
    """
    expr, names = _expression_and_names(f, variables)
    bounds = _check_box(box, len(names))
    deadline = time.monotonic() + max_seconds

    def report(fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("critical-point search cancelled")
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))

    derivs = _Derivatives(expr, names)
    starts = start_points(bounds)
    g0, h0 = derivs.gradient_hessian(starts)
    typical = _typical(np.linalg.norm(g0, axis=1))
    root_tol = ROOT_TOL * typical   # scale-free: 1e-9·f has the same critical points as f
    curvature = _typical(np.max(np.abs(h0.reshape(len(h0), -1)), axis=1))
    x, norms = _newton(derivs, starts.copy(), bounds, lambda t: report(0.8 * t), deadline)
    scale = np.maximum(bounds[:, 1] - bounds[:, 0], 1e-300)
    slack = 1e-9 * scale
    inside = np.all((x >= bounds[:, 0] - slack) & (x <= bounds[:, 1] + slack), axis=1) & (norms <= root_tol)
    candidates, cand_norms = x[inside], norms[inside]
    found = []
    chosen = _distinct(candidates, cand_norms, scale)
    for k, i in enumerate(chosen):
        report(0.8 + 0.2 * k / max(1, len(chosen)))
        p = _snap(derivs, candidates[i], float(cand_norms[i]), scale, 1e-3 * root_tol)
        p = np.clip(p, bounds[:, 0], bounds[:, 1])
        found.append(_classify(derivs, p, bounds, curvature, probe=time.monotonic() <= deadline))
    report(1.0)
    return sorted(found, key=lambda c: tuple(c.point))


def _typical(magnitudes: np.ndarray) -> float:
    """Median of the finite, non-zero magnitudes (1 if there are none): the function's own scale over the box."""
    usable = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    return float(np.median(usable)) if usable.size else 1.0


def _classify(derivs: _Derivatives, p: np.ndarray, bounds: np.ndarray, curvature: float,
              probe: bool = True) -> CriticalPoint:
    """The point's kind (second-derivative test) and verdict (the probe's, for a degenerate point, when there is
    time left for it; 'unknown' otherwise)."""
    g, h = derivs.gradient_hessian(p[None, :])
    hessian = 0.5 * (h[0] + h[0].T)
    kind = second_derivative_test(hessian, scale=curvature)
    finite = np.all(np.isfinite(hessian))
    eigenvalues = np.linalg.eigvalsh(hessian) + 0.0 if finite else np.full(len(p), np.nan)   # + 0.0: no -0.0
    if kind == "degenerate":
        verdict = probe_verdict(derivs.values, p, bounds) if probe else "unknown"
    else:
        verdict = {"minimum": "minimum", "maximum": "maximum", "saddle": "neither"}[kind]
    point = p.copy()
    point.setflags(write=False)
    eigenvalues.setflags(write=False)
    return CriticalPoint(point, float(derivs.values(p[None, :])[0]) + 0.0, kind, verdict, eigenvalues,
                         float(np.linalg.norm(g[0])))


def _expression_and_names(f, variables) -> tuple[E.Expression, tuple[str, ...]]:
    if not isinstance(f, E.Expression):   # an Objective
        if getattr(f, "expression", None) is None:
            raise ValueError("critical points need a formula: this objective has none")
        return f.expression, tuple(f.variables)
    names = tuple(f.variables if variables is None else variables)
    missing = [v for v in f.variables if v not in names]
    if missing:
        raise ValueError(f"no range given for variable(s) {', '.join(missing)}")
    if not names:
        raise ValueError("the function has no variables, so no critical points to find")
    return f, names


def _check_box(box, n: int) -> np.ndarray:
    bounds = np.array(box, dtype=np.float64)
    if bounds.shape != (n, 2):
        raise ValueError(f"the box needs one (low, high) pair per variable: {n} pair(s)")
    if not np.all(np.isfinite(bounds)):
        raise ValueError("the box's bounds must be finite numbers")
    if np.any(bounds[:, 1] <= bounds[:, 0]):
        raise ValueError("each range of the box needs low < high")
    return bounds
