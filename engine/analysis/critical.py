"""Critical points of a function inside a box: where ∇f = 0, and what each one is.

Multi-start Newton (Levenberg–Marquardt steps on ∇f = 0, :mod:`engine.analysis.roots`) finds the roots; each is
classified by the engine's one second-derivative test (``kind``, :mod:`engine.analysis.classify`). Its ``verdict``
says what the point is: the test's answer where it decides, and for a degenerate point the result of probing f along
lines through the point and in a small neighbourhood (:mod:`engine.analysis.probe`).

Critical points need not be isolated: (x − y)² is critical along the whole line y = x, relu(x) on all of x ≤ 0.
Points whose Hessian has a zero eigenvalue are continued along its null directions (:mod:`engine.analysis.sets`);
those that lie on a curve or region of critical points come back as ONE entry for the whole set, with its
``dimension``, ``samples`` and ``extent``, instead of one entry per Newton start that happened to land on it.

The work is bounded: every phase watches the deadline (``max_seconds``) and the result says when one was cut short
(:class:`CriticalPoints`); a zero of ∇f where f itself has no value is listed apart, not classified.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from engine.expr import build as E
from engine.expr.limits import check_variable_count
from engine.analysis.probe import probe_verdict, set_verdict
from engine.analysis import classify as C
from engine.analysis.roots import Derivatives, distinct, newton, snap, start_points, typical
from engine.analysis.sets import STEP, SampledSets, SetTracer, set_dimension

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


class CriticalPoints(list):
    """The critical points found, sorted by coordinates, and how the search went.

    ``complete`` is False when the search stopped at its time limit before finishing a phase; ``message`` then says
    which (the points listed are right, but there may be more, or verdicts left 'unknown'). ``undefined`` holds the
    points where ∇f vanishes but f itself has no value (log(x² − 1) at 0): they are not critical points of f, and
    are listed apart rather than classified.
    """

    def __init__(self, points=(), complete: bool = True, message: str = "", undefined=()):
        super().__init__(points)
        self.complete, self.message = complete, message
        self.undefined = [np.asarray(p) for p in undefined]


class _Budget:
    """The search's deadline, and the phases it cut short."""

    def __init__(self, started: float, max_seconds: float):
        self.started, self.max_seconds = started, max_seconds
        self.deadline = started + max_seconds
        self.cut: list[str] = []

    def share(self, fraction: float) -> float:
        return self.started + fraction * self.max_seconds

    def over(self, at: float | None = None) -> bool:
        return time.monotonic() > (self.deadline if at is None else at)

    def note(self, phase: str) -> None:
        if phase not in self.cut:
            self.cut.append(phase)

    def message(self) -> str:
        if not self.cut:
            return ""
        return (f"stopped early at the time limit ({self.max_seconds:g} s): {'; '.join(self.cut)}; "
                "the points listed are critical, but there may be others")


class Cancelled(Exception):
    """Raised by :func:`critical_points` when its ``cancelled()`` callback returns True."""


def critical_points(f, box: Sequence[Sequence[float]], variables: Sequence[str] | None = None, *,
                    progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
                    max_seconds: float = 10.0) -> CriticalPoints:
    """Every critical point of ``f`` found inside ``box`` (one (lo, hi) per variable, in ``variables`` order).

    ``f`` is an Expression, or an Objective that carries one. Deterministic: the same starts every time. Every phase
    (Newton, merging, classification, tracing sets, probing) watches ``max_seconds``; past it the search returns
    the points found so far with ``complete`` False and a ``message`` (see :class:`CriticalPoints`). Past
    MAX_VARIABLES variables it is refused. ``progress(fraction)`` is called as work proceeds; ``cancelled()`` is
    polled and, when it returns True, :class:`Cancelled` is raised.
    """
    expr, names = _expression_and_names(f, variables)
    check_variable_count(len(names), "the critical-point search")
    bounds = _check_box(box, len(names))
    budget = _Budget(time.monotonic(), max_seconds)

    def report(fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("critical-point search cancelled")
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))

    # Huge or undefined derivatives are expected somewhere in many boxes; they are handled as non-finite values.
    with np.errstate(all="ignore"):
        return _search(expr, names, bounds, budget, report)


def _search(expr, names, bounds, budget: _Budget, report) -> CriticalPoints:
    derivs = Derivatives(expr, names)
    starts = start_points(bounds)
    g0, h0 = derivs.gradient_hessian(starts)
    root_tol = ROOT_TOL * typical(np.linalg.norm(g0, axis=1))   # scale-free: 1e-9·f has the same critical points
    curvature = typical(np.max(np.abs(h0.reshape(len(h0), -1)), axis=1))
    # Shares of the time: Newton usually ends long before its share; the rest tracing sets, then probing verdicts.
    x, norms, finished = newton(derivs, starts.copy(), bounds, lambda t: report(0.7 * t), budget.share(0.6))
    if not finished:
        budget.note("Newton's method did not finish every start")
    scale = np.maximum(bounds[:, 1] - bounds[:, 0], 1e-300)
    slack = 1e-9 * scale
    inside = np.all((x >= bounds[:, 0] - slack) & (x <= bounds[:, 1] + slack), axis=1) & (norms <= root_tol)
    candidates, cand_norms = x[inside], norms[inside]
    chosen, finished = distinct(candidates, cand_norms, scale, budget.deadline)
    if not finished:
        budget.note("nearby points were not all merged")
    chosen = sorted(chosen)
    points = snap(derivs, candidates[chosen], cand_norms[chosen], scale, 1e-3 * root_tol, budget.share(0.7))
    points = np.clip(points, bounds[:, 0], bounds[:, 1]).reshape(len(chosen), len(names))
    defined = np.isfinite(derivs.values(points)) if len(points) else np.zeros(0, dtype=bool)
    search = _Search(derivs, bounds, curvature, root_tol, budget, report)
    found = search.isolated_and_sets(list(points[defined]))
    report(1.0)
    return CriticalPoints(sorted(found, key=lambda c: tuple(c.point)), not budget.cut, budget.message(),
                          points[~defined])


def nearby_critical_point(f, point: Sequence[float], box: Sequence[Sequence[float]],
                          variables: Sequence[str] | None = None, max_seconds: float = 0.5) -> np.ndarray | None:
    """The critical point that an approximate one (where an optimizer stopped) stands for: ``point`` polished by the
    search's own Newton steps, if they reach |∇f| ≤ ROOT_TOL (relative to f over ``box``) within 1% of the box's
    size from ``point``; None otherwise. Near a degenerate point an optimizer stops while the Hessian is still
    visibly non-zero (x²y + xy² at 1e-4 from the origin); the polished point is what the classification sees."""
    expr, names = _expression_and_names(f, variables)
    bounds = _check_box(box, len(names))
    derivs = Derivatives(expr, names)
    start = np.array(point, dtype=np.float64).reshape(1, -1)
    with np.errstate(all="ignore"):
        g0, _ = derivs.gradient_hessian(start_points(bounds, 64))
        root_tol = ROOT_TOL * typical(np.linalg.norm(g0, axis=1))
        x, norms, _ = newton(derivs, start.copy(), bounds, lambda t: None, time.monotonic() + max_seconds)
    size = float(np.max(bounds[:, 1] - bounds[:, 0]))
    if not (norms[0] <= root_tol and np.linalg.norm(x[0] - start[0]) <= 0.01 * size):
        return None
    return x[0]


class _Search:
    """Classifies the distinct points Newton found: isolated points as they are, and points with a zero Hessian
    eigenvalue continued into the sets of critical points they may lie on (:mod:`engine.analysis.sets`). Points are
    evaluated in batches; tracing, probing and set verdicts each stop at the budget's deadline."""

    def __init__(self, derivs, bounds, curvature, root_tol, budget: _Budget, report):
        self.derivs, self.bounds, self.curvature = derivs, bounds, curvature
        self.root_tol, self.report, self.budget = root_tol, report, budget

    def isolated_and_sets(self, distinct: list[np.ndarray]) -> list[CriticalPoint]:
        if not distinct:
            return []
        points = np.array(distinct)
        g, h = self.derivs.gradient_hessian(points)
        values = self.derivs.values(points)
        eigen = [C.eigenvalues(hk) for hk in h]
        seeds = [k for k, lam in enumerate(eigen) if lam is not None and np.any(C.is_zero(lam, self.curvature))]
        on_set, traced = self._trace(points, seeds)
        found = []
        for k, p in enumerate(points):
            self.report(0.85 + 0.1 * k / len(points))
            if k not in on_set:
                found.append(self._classified(p, values[k], g[k], eigen[k], probe=True))
        return found + self._critical_sets(traced, sorted(set(on_set.values())))

    def _trace(self, points: np.ndarray, seeds: list[int]) -> tuple[dict, SampledSets | None]:
        """{index of a point: label of the set (of two or more samples) it lies on}, and the traced sets."""
        if not seeds:
            return {}, None
        if self.budget.over(self.budget.share(0.85)):
            self.budget.note("sets of critical points were not traced")
            return {}, None
        tracer = SetTracer(self.derivs, self.bounds, self.root_tol, self.curvature, self.budget.share(0.85))
        traced = tracer.trace(points[seeds], lambda t: self.report(0.7 + 0.15 * t))
        if tracer.cut_short:
            self.budget.note("sets of critical points were traced in part")
        sizes = np.bincount(traced.labels)
        return {k: int(traced.labels[s]) for k, s in zip(seeds, traced.seed_of) if sizes[traced.labels[s]] >= 2}, \
            traced

    def _classified(self, p, value, gradient, eigenvalues, probe: bool) -> CriticalPoint:
        """The point's kind (second-derivative test) and verdict (the probe's, for a degenerate point, when there is
        time left for it; 'unknown' otherwise)."""
        kind = C.classify_eigenvalues(eigenvalues, self.curvature)
        if eigenvalues is None:
            eigenvalues, kind = np.full(len(p), np.nan), "degenerate"   # no second derivatives: the test cannot tell
        if kind != "degenerate":
            verdict = {"minimum": "minimum", "maximum": "maximum", "saddle": "neither"}[kind]
        elif not probe:
            verdict = "unknown"
        elif self.budget.over():
            verdict = "unknown"
            self.budget.note("some degenerate points were not probed (verdict 'unknown')")
        else:
            verdict = probe_verdict(self.derivs.values, p, self.bounds)
        point = p.copy()
        extent = np.stack([point, point], axis=1)
        for array in (point, eigenvalues, extent):
            array.setflags(write=False)
        return CriticalPoint(point, float(value) + 0.0, kind, verdict, eigenvalues, float(np.linalg.norm(gradient)),
                             samples=point[None, :], edges=NO_EDGES, extent=extent)

    def _critical_sets(self, traced: SampledSets, labels: list[int]) -> list[CriticalPoint]:
        """One entry per set: its samples in coordinate order, represented by the middle of its extent where that is
        on the set, else by the sample nearest it. All sets are evaluated together (three batched passes)."""
        if not labels:
            return []
        shapes = [self._set_shape(traced, label) for label in labels]
        centres = np.array([shape[3] for shape in shapes])
        g, _ = self.derivs.gradient_hessian(centres)
        where = []
        for (samples, _, _, centre, middle, offset), gk in zip(shapes, g):
            # the centre itself where it is on the set (a line's midpoint; samples are at most 1.5 steps apart),
            # not merely critical somewhere else (a circle's centre)
            on_set = offset <= 0.75 * STEP and float(np.linalg.norm(gk)) <= self.root_tol
            where.append(centre if on_set else samples[middle])
        where = np.array(where)
        g, h = self.derivs.gradient_hessian(where)
        values = self.derivs.values(where)
        found = []
        for k, (samples, edges, extent, _, middle, _) in enumerate(shapes):
            rep = self._classified(where[k], values[k], g[k], C.eigenvalues(h[k]), probe=False)
            if self.budget.over():
                verdict, flat = "unknown", False
                self.budget.note("some sets of critical points were not probed (verdict 'unknown')")
            else:
                verdict, flat = set_verdict(self.derivs.values, samples, middle, self.bounds)
            for array in (samples, edges, extent):
                array.setflags(write=False)
            found.append(replace(rep, verdict=verdict, dimension=max(1, set_dimension(samples, edges)),
                                 samples=samples, edges=edges, extent=extent, flat=flat))
        return found

    def _set_shape(self, traced: SampledSets, label: int):
        """(samples in coordinate order, edges, extent, centre of the extent, the sample nearest it, its offset)."""
        members = np.flatnonzero(traced.labels == label)
        members = members[np.lexsort(traced.samples[members].T[::-1])]
        index = {int(m): k for k, m in enumerate(members)}
        samples = traced.samples[members]
        edges = np.array(sorted((min(index[int(a)], index[int(b)]), max(index[int(a)], index[int(b)]))
                                for a, b in traced.edges if int(a) in index), dtype=np.int64).reshape(-1, 2)
        extent = np.stack([samples.min(axis=0), samples.max(axis=0)], axis=1)
        centre = extent.mean(axis=1)
        offsets = np.linalg.norm((samples - centre) / (self.bounds[:, 1] - self.bounds[:, 0]), axis=1)
        middle = int(np.argmin(offsets))
        return samples, edges, extent, centre, middle, float(offsets[middle])


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
