"""Critical points of a function inside a box: where ∇f = 0, and what each one is.

Multi-start Newton on the system ∇f(x) = 0 with the exact Hessian as its Jacobian. Every start runs at once, as numpy
arrays through one evaluation of the gradient and Hessian expressions per iteration. Steps are Levenberg–Marquardt
steps, (HᵀH + μI)⁻¹Hᵀ∇f, accepted only when they reduce |∇f|: where H is invertible and μ has shrunk this is Newton's
step; where H is singular (x³, x⁴, x²y + xy² at the origin) it stays finite, so degenerate points are still reached.

Each point is classified by the second-derivative test (``kind``). Its ``verdict`` says what the point is: the test's
answer where it decides, and for a degenerate point the result of probing f along lines through the point and in a
small neighbourhood (:mod:`engine.critical_probe`).

Critical points need not be isolated: (x − y)² is critical along the whole line y = x, relu(x) on all of x ≤ 0.
Points whose Hessian has a zero eigenvalue are continued along its null directions (:mod:`engine.critical_sets`);
those that lie on a curve or region of critical points come back as ONE entry for the whole set, with its
``dimension``, ``samples`` and ``extent``, instead of one entry per Newton start that happened to land on it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from engine.expr import build as E
from engine.analysis.probe import probe_verdict, set_verdict
from engine.analysis import classify as C
from engine.analysis.sets import STEP, SampledSets, SetTracer, set_dimension

#: Newton iterations per start. Degenerate roots converge only linearly (x⁴: by 2/3 a step), hence the margin.
MAX_ITERATIONS = 150
#: Start-point budget: a grid of cell centres in 1–4 variables, a Halton sequence beyond.
MAX_STARTS = 600
#: Points closer than this (relative to the box's size) are one point.
MERGE_TOL = 1e-5
#: |∇f| at a root, relative to the typical |∇f| over the box.
ROOT_TOL = 1e-8
NO_EDGES = np.empty((0, 2), dtype=np.int64)
NO_EDGES.setflags(write=False)


@dataclass(frozen=True, eq=False)
class CriticalPoint:
    """An isolated critical point (``dimension`` 0), or one representative of a set of critical points (a line,
    curve or flat region: ``dimension`` ≥ 1) together with the samples that trace the whole set.

    For a set, ``point`` is the middle of its extent where that lies on the set (else the sample nearest it), and
    ``value``, ``kind``, ``eigenvalues`` are that representative's (f is constant along a connected set of critical points). ``verdict`` is about every point of
    the set: 'minimum' means each is a local minimum in the non-strict sense (f ≥ its value nearby, with equality
    along the set), 'maximum' likewise, 'neither' when some point of the set is no extremum (a ridge of saddles, or a
    set that is minima in part and maxima in part). Where f is constant around every probed sample (a plateau:
    each point is at once a non-strict minimum and maximum), ``flat`` is True and the verdict is 'minimum'.
    """
    point: np.ndarray
    value: float
    kind: str               # second-derivative test: 'minimum' | 'maximum' | 'saddle' | 'degenerate'
    verdict: str            # what the point is: 'minimum' | 'maximum' | 'neither' | 'unknown'
    eigenvalues: np.ndarray  # of the Hessian, ascending
    gradient_norm: float
    dimension: int = 0      # 0 isolated point, 1 line or curve, 2 region of the plane, …
    samples: np.ndarray | None = None   # (m, n) points of the set, about STEP of the box apart; [point] if isolated
    edges: np.ndarray | None = None     # (k, 2) indices into samples: neighbours along the set (for drawing it)
    extent: np.ndarray | None = None    # (n, 2) the samples' (low, high) per variable
    flat: bool = False                   # f constant around the set (a plateau)

    @property
    def is_set(self) -> bool:
        return self.dimension > 0

    def describe(self, names: Sequence[str] | None = None) -> str:
        """'isolated point', or e.g. 'curve of critical points, x in [-2, 2], y in [-2, 2] (129 samples)'."""
        if not self.is_set:
            return "isolated point"
        shape = {1: "curve", 2: "surface" if len(self.point) > 2 else "region"}.get(self.dimension,
                                                                                     f"{self.dimension}-D set")
        if len(self.point) == 1:
            shape = "interval"
        names = names or [f"x{i + 1}" for i in range(len(self.point))]
        ranges = ", ".join(f"{v} in [{lo:.4g}, {hi:.4g}]" for v, (lo, hi) in zip(names, self.extent))
        plateau = " where f is constant" if self.flat else ""
        return f"{shape} of critical points{plateau}, {ranges} ({len(self.samples)} samples)"


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
    started = time.monotonic()
    deadline = started + max_seconds

    def report(fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("critical-point search cancelled")
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))

    # Huge or undefined derivatives are expected somewhere in many boxes; they are handled as non-finite values.
    with np.errstate(all="ignore"):
        return _search(expr, names, bounds, started, deadline, max_seconds, report)


def _search(expr, names, bounds, started, deadline, max_seconds, report) -> list[CriticalPoint]:
    derivs = _Derivatives(expr, names)
    starts = start_points(bounds)
    g0, h0 = derivs.gradient_hessian(starts)
    typical = _typical(np.linalg.norm(g0, axis=1))
    root_tol = ROOT_TOL * typical   # scale-free: 1e-9·f has the same critical points as f
    curvature = _typical(np.max(np.abs(h0.reshape(len(h0), -1)), axis=1))
    # Shares of the time: Newton usually ends long before its share; the rest tracing sets, then probing verdicts.
    x, norms = _newton(derivs, starts.copy(), bounds, lambda t: report(0.7 * t), started + 0.6 * max_seconds)
    scale = np.maximum(bounds[:, 1] - bounds[:, 0], 1e-300)
    slack = 1e-9 * scale
    inside = np.all((x >= bounds[:, 0] - slack) & (x <= bounds[:, 1] + slack), axis=1) & (norms <= root_tol)
    candidates, cand_norms = x[inside], norms[inside]
    distinct = []
    for i in sorted(_distinct(candidates, cand_norms, scale)):
        p = _snap(derivs, candidates[i], float(cand_norms[i]), scale, 1e-3 * root_tol)
        distinct.append(np.clip(p, bounds[:, 0], bounds[:, 1]))
    search = _Search(derivs, bounds, curvature, root_tol, (started + 0.85 * max_seconds, deadline), report)
    found = search.isolated_and_sets(distinct)
    report(1.0)
    return sorted(found, key=lambda c: tuple(c.point))


def nearby_critical_point(f, point: Sequence[float], box: Sequence[Sequence[float]],
                          variables: Sequence[str] | None = None, max_seconds: float = 0.5) -> np.ndarray | None:
    """The critical point that an approximate one (where an optimizer stopped) stands for: ``point`` polished by the
    search's own Newton steps, if they reach |∇f| ≤ ROOT_TOL (relative to f over ``box``) within 1% of the box's
    size from ``point``; None otherwise. Near a degenerate point an optimizer stops while the Hessian is still
    visibly non-zero (x²y + xy² at 1e-4 from the origin); the polished point is what the classification sees."""
    expr, names = _expression_and_names(f, variables)
    bounds = _check_box(box, len(names))
    derivs = _Derivatives(expr, names)
    start = np.array(point, dtype=np.float64).reshape(1, -1)
    with np.errstate(all="ignore"):
        g0, _ = derivs.gradient_hessian(start_points(bounds, 64))
        root_tol = ROOT_TOL * _typical(np.linalg.norm(g0, axis=1))
        x, norms = _newton(derivs, start.copy(), bounds, lambda t: None, time.monotonic() + max_seconds)
    size = float(np.max(bounds[:, 1] - bounds[:, 0]))
    if not (norms[0] <= root_tol and np.linalg.norm(x[0] - start[0]) <= 0.01 * size):
        return None
    return x[0]


class _Search:
    """Classifies the distinct points Newton found: isolated points as they are, and points with a zero Hessian
    eigenvalue continued into the sets of critical points they may lie on (:mod:`engine.critical_sets`)."""

    def __init__(self, derivs, bounds, curvature, root_tol, deadlines: tuple[float, float], report):
        self.derivs, self.bounds, self.curvature = derivs, bounds, curvature
        self.root_tol, self.report = root_tol, report
        self.trace_deadline, self.deadline = deadlines

    def _has_zero_eigenvalue(self, p: np.ndarray) -> bool:
        _, h = self.derivs.gradient_hessian(p[None, :])
        lam = C.eigenvalues(h[0])
        return lam is not None and bool(np.any(C.is_zero(lam, self.curvature)))

    def isolated_and_sets(self, distinct: list[np.ndarray]) -> list[CriticalPoint]:
        seeds = [k for k, p in enumerate(distinct) if self._has_zero_eigenvalue(p)]
        traced = None
        if seeds and time.monotonic() <= self.trace_deadline:
            tracer = SetTracer(self.derivs, self.bounds, self.root_tol, self.curvature, self.trace_deadline)
            traced = tracer.trace(np.array([distinct[k] for k in seeds]), lambda t: self.report(0.7 + 0.15 * t))
        on_set = {}   # index in distinct -> label of the set (of two or more samples) it lies on
        if traced is not None:
            sizes = np.bincount(traced.labels)
            on_set = {k: int(traced.labels[s]) for k, s in zip(seeds, traced.seed_of) if sizes[traced.labels[s]] >= 2}
        found = []
        for k, p in enumerate(distinct):
            self.report(0.85 + 0.1 * k / max(1, len(distinct)))
            if k not in on_set:
                found.append(_classify(self.derivs, p, self.bounds, self.curvature,
                                       probe=time.monotonic() <= self.deadline))
        for label in sorted(set(on_set.values())):
            found.append(self._critical_set(traced, label))
        return found

    def _critical_set(self, traced: SampledSets, label: int) -> CriticalPoint:
        """One set: its samples in coordinate order, represented by the middle of its extent where that is on the
        set, else by the sample nearest it."""
        members = np.flatnonzero(traced.labels == label)
        members = members[np.lexsort(traced.samples[members].T[::-1])]
        index = {int(m): k for k, m in enumerate(members)}
        samples = traced.samples[members]
        edges = np.array(sorted((min(index[int(a)], index[int(b)]), max(index[int(a)], index[int(b)]))
                                for a, b in traced.edges if int(a) in index), dtype=np.int64).reshape(-1, 2)
        extent = np.stack([samples.min(axis=0), samples.max(axis=0)], axis=1)
        width = self.bounds[:, 1] - self.bounds[:, 0]
        centre = extent.mean(axis=1)
        offsets = np.linalg.norm((samples - centre) / width, axis=1)
        middle = int(np.argmin(offsets))
        g, _ = self.derivs.gradient_hessian(centre[None, :])
        # the centre itself where it is on the set (a line's midpoint; samples are at most 1.5 steps apart), not
        # merely critical somewhere else (a circle's centre)
        on_set = offsets[middle] <= 0.75 * STEP and float(np.linalg.norm(g[0])) <= self.root_tol
        rep = _classify(self.derivs, centre if on_set else samples[middle], self.bounds, self.curvature, probe=False)
        verdict, flat = set_verdict(self.derivs.values, samples, middle, self.bounds) \
            if time.monotonic() <= self.deadline else ("unknown", False)
        for array in (samples, edges, extent):
            array.setflags(write=False)
        return replace(rep, verdict=verdict, dimension=max(1, set_dimension(samples, edges)), samples=samples,
                       edges=edges, extent=extent, flat=flat)


def _typical(magnitudes: np.ndarray) -> float:
    """Median of the finite, non-zero magnitudes (1 if there are none): the function's own scale over the box."""
    usable = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    return float(np.median(usable)) if usable.size else 1.0


def _classify(derivs: _Derivatives, p: np.ndarray, bounds: np.ndarray, curvature: float,
              probe: bool = True) -> CriticalPoint:
    """The point's kind (second-derivative test) and verdict (the probe's, for a degenerate point, when there is
    time left for it; 'unknown' otherwise)."""
    g, h = derivs.gradient_hessian(p[None, :])
    eigenvalues = C.eigenvalues(h[0])
    kind = C.classify_eigenvalues(eigenvalues, curvature)
    if eigenvalues is None:
        eigenvalues, kind = np.full(len(p), np.nan), "degenerate"   # no second derivatives: the test cannot tell
    if kind == "degenerate":
        verdict = probe_verdict(derivs.values, p, bounds) if probe else "unknown"
    else:
        verdict = {"minimum": "minimum", "maximum": "maximum", "saddle": "neither"}[kind]
    point = p.copy()
    point.setflags(write=False)
    eigenvalues.setflags(write=False)
    samples = point[None, :]
    extent = np.stack([point, point], axis=1)
    extent.setflags(write=False)
    return CriticalPoint(point, float(derivs.values(p[None, :])[0]) + 0.0, kind, verdict, eigenvalues,
                         float(np.linalg.norm(g[0])), samples=samples, edges=NO_EDGES, extent=extent)


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
