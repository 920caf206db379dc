"""Critical points that are not isolated: lines, curves and flat regions where ∇f = 0.

Newton's method lands somewhere on such a set from every start nearby ((x − y)² gives a point of the line y = x per
start), or collapses onto one special point of it (x²y² sends every start to the origin, though both axes are
critical). So after Newton, every point found whose Hessian has a zero eigenvalue seeds a *continuation*: step a
fixed length along each null direction of the Hessian, then pull the prediction back onto ∇f = 0 with Gauss–Newton
steps that stay in the hyperplane perpendicular to the step (pseudo-arclength continuation). The step counts as
staying on the set when the corrected point is critical, inside the box, and moved less than half the step away from
the prediction — a curve bends by O(step²), while a jump to a different branch or back to an isolated point moves
by about the whole step. Each accepted point is continued in turn (a flood fill of the set at a fixed spacing), so
curves are traced to their ends and flat regions are covered by a net of samples. At the last sample before an end,
the failed step is bisected a few times so the set's extent is found to a fraction of the spacing.

Points linked by accepted steps form one set; its dimension is the most common rank of the step directions at its samples
(1 on a curve — even where two curves cross, as at the origin of x²y² — 2 on a flat region of the plane). A point
whose every step fails stays an isolated critical point, exactly as Newton found it.

All of this runs in box-normalised coordinates u = (x − lo)/(hi − lo), so the spacing is a fixed fraction of each
side of the box whatever its shape. Deterministic: fixed directions, fixed order.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from engine.analysis.classify import is_zero

#: Continuation step, as a fraction of each side of the box (in normalised coordinates), where the sets can be at
#: most 2-dimensional; larger where a seed's Hessian has a larger null space, so that a k-dimensional flat region
#: still fits in MAX_SAMPLES samples: about (1/step)^k.
STEP = 1.0 / 32.0
#: Samples at most, over all sets together.
MAX_SAMPLES = 2000
#: Gauss–Newton corrections per continuation step (degenerate sets converge only linearly).
CORRECTOR_ITERATIONS = 30
#: Halvings of a failed step at a set's end: its extent is known to STEP / 2**REFINE_HALVINGS.
REFINE_HALVINGS = 4
#: A step that moves the prediction by more than this fraction of its length has left the set.
MAX_DRIFT = 0.5


@dataclass
class SampledSets:
    """The continuation's result: samples (original coordinates), accepted links, and a component label each."""
    samples: np.ndarray      # (m, n)
    edges: np.ndarray        # (k, 2) sample indices
    labels: np.ndarray       # (m,) component of each sample
    seed_of: np.ndarray      # (number of seeds,) the sample index of each seed


class SetTracer:
    """Continuation of ∇f = 0 from seed points, in box-normalised coordinates."""

    def __init__(self, derivs, bounds: np.ndarray, root_tol: float, curvature: float, deadline: float):
        self.derivs, self.lo, self.width = derivs, bounds[:, 0], bounds[:, 1] - bounds[:, 0]
        self.n, self.root_tol, self.deadline = len(bounds), root_tol, deadline
        self.cut_short = False   # the deadline came before every set was traced to its ends
        self.step = STEP
        self.curvature_u = curvature * float(np.max(self.width)) ** 2
        self.samples: list[np.ndarray] = []
        self.hessians: list[np.ndarray] = []
        self.edges: list[tuple[int, int]] = []
        self.cells: dict = {}
        self.points = np.empty((256, self.n))   # the samples as one array, for distances

    def _derivatives(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """|∇f| (original units), ∇ᵤf and the Hessian in u for each row of u."""
        g, h = self.derivs.gradient_hessian(self.lo + u * self.width)
        norm = np.linalg.norm(g, axis=1)
        finite = np.isfinite(norm) & np.all(np.isfinite(h.reshape(len(h), -1)), axis=1)
        norm[~finite] = np.inf
        g_u = np.where(finite[:, None], g * self.width, 0.0)
        h_u = np.where(finite[:, None, None], h * self.width[:, None] * self.width[None, :], 0.0)
        return norm, g_u, 0.5 * (h_u + np.swapaxes(h_u, 1, 2))

    def _null_space(self, hessian_u: np.ndarray) -> np.ndarray:
        lam, vec = np.linalg.eigh(hessian_u)
        return vec[:, is_zero(lam, self.curvature_u)]

    def directions(self, hessian_u: np.ndarray) -> np.ndarray:
        """Unit directions (both signs) spanning the Hessian's null space: the null eigenvector itself when it is a
        line; the box's axes and the diagonals of its coordinate planes, projected into it, when it is larger."""
        null = self._null_space(hessian_u)
        if null.shape[1] == 0:
            return np.empty((0, self.n))
        if null.shape[1] == 1:
            d = null[:, 0] * (1.0 if _first_nonzero(null[:, 0]) > 0 else -1.0)
            return np.array([d, -d])
        candidates = [np.eye(self.n)[i] for i in range(self.n)]
        if self.n <= 4:
            for i in range(self.n):
                for j in range(i + 1, self.n):
                    for s in (1.0, -1.0):
                        d = np.zeros(self.n)
                        d[i], d[j] = 1.0, s
                        candidates.append(d / np.sqrt(2.0))
        chosen: list[np.ndarray] = []
        for c in candidates + list(null.T):
            p = null @ (null.T @ c)
            size = np.linalg.norm(p)
            if size >= 0.3 and all(abs(float(p @ q)) < 0.99 * size for q in chosen):
                chosen.append(p / size)
        d = np.array(chosen)
        return np.vstack([d, -d])

    def correct(self, u0: np.ndarray, d: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Continue from the rows of u0 by t along the rows of d, then correct in the hyperplane ⟂ d.

        Returns the corrected points, whether each stayed on the set, and the Hessian (in u) there."""
        target = u0 + t[:, None] * d
        u = target.copy()
        projector = np.eye(self.n)[None] - d[:, :, None] * d[:, None, :]
        norm, g, h = self._derivatives(u)
        with np.errstate(all="ignore"):   # a row that runs away ends non-finite and is refused below
            for _ in range(CORRECTOR_ITERATIONS):
                busy = np.isfinite(norm) & (norm > 1e-3 * self.root_tol) & np.all(np.abs(u - target) < 1.0, axis=1)
                if not busy.any() or time.monotonic() > self.deadline:
                    break
                jac = h[busy] @ projector[busy]
                u[busy] -= np.einsum("mij,mj->mi", np.linalg.pinv(jac, rcond=1e-12), g[busy])
                norm[busy], g[busy], h[busy] = self._derivatives(u[busy])
        drift = np.linalg.norm(u - target, axis=1)
        inside = np.all((u >= -1e-9) & (u <= 1.0 + 1e-9), axis=1)
        ok = (norm <= self.root_tol) & (drift <= MAX_DRIFT * t) & inside
        return np.clip(u, 0.0, 1.0), ok, h

    def _index_cells(self) -> None:
        """Cells of side step/2 hashed to one integer each (n ≤ 4: a sample's neighbours are in the 3ⁿ cells around
        its own), or to a tuple (n > 4: only its own cell is searched, the neighbours would be too many)."""
        per_axis = int(np.ceil(2.0 / self.step)) + 3
        self.multipliers = per_axis ** np.arange(self.n, dtype=np.int64) if self.n <= 4 else None
        if self.multipliers is not None:
            offsets = np.stack(np.meshgrid(*[[-1, 0, 1]] * self.n, indexing="ij"), -1).reshape(-1, self.n)
            self.neighbour_keys = offsets @ self.multipliers

    def _key(self, u: np.ndarray):
        c = np.floor(u / (0.5 * self.step)).astype(np.int64) + 1
        return int(c @ self.multipliers) if self.multipliers is not None else tuple(c.tolist())

    def _nearby(self, u: np.ndarray, radius: float) -> list[int]:
        """Every sample within ``radius`` (≤ step/2) of u."""
        key = self._key(u)
        keys = (key + self.neighbour_keys).tolist() if self.multipliers is not None else [key]
        found = [j for k in keys for j in self.cells.get(k, ())]
        if not found:
            return []
        distance = np.linalg.norm(self.points[found] - u, axis=1)
        return sorted(j for j, r in zip(found, distance.tolist()) if r <= radius)

    def _add(self, u: np.ndarray, hessian_u: np.ndarray) -> int:
        index = len(self.samples)
        if index == len(self.points):
            self.points = np.vstack([self.points, np.empty_like(self.points)])
        self.points[index] = u
        self.samples.append(u)
        self.hessians.append(hessian_u)
        self.cells.setdefault(self._key(u), []).append(index)
        return index

    def trace(self, seeds: np.ndarray, report) -> SampledSets:
        """Flood every set from the seeds (original coordinates), wave by wave, then refine the ends."""
        seeds_u = (seeds - self.lo) / self.width
        _, _, h0 = self._derivatives(seeds_u)
        widest = max((self._null_space(h).shape[1] for h in h0), default=0)
        self.step = max(STEP, 2.0 * MAX_SAMPLES ** (-1.0 / max(widest, 1)))   # samples are ≥ step/2 apart
        self._index_cells()
        seed_of = np.array([self._add(u, h) for u, h in zip(seeds_u, h0)], dtype=np.int64)
        frontier, failed = list(seed_of), []
        while frontier and len(self.samples) < MAX_SAMPLES and time.monotonic() <= self.deadline:
            report(min(0.9, len(self.samples) / MAX_SAMPLES))
            rows = [(i, d) for i in frontier for d in self.directions(self.hessians[i])]
            if not rows:
                break
            start = np.array([self.samples[i] for i, _ in rows])
            d = np.array([d for _, d in rows])
            points, ok, hess = self.correct(start, d, np.full(len(rows), self.step))
            frontier = []
            for k, (i, _) in enumerate(rows):
                if not ok[k]:
                    failed.append((i, d[k]))
                    continue
                # Every sample near where the step landed is on the set too: linking only the nearest would split a
                # dense row of seeds into as many chains as there are seeds per step.
                near = self._nearby(points[k], 0.5 * self.step)
                if not near and len(self.samples) < MAX_SAMPLES:
                    near = [self._add(points[k], hess[k])]
                    frontier.append(near[0])
                self.edges += [(min(i, j), max(i, j)) for j in near if j != i]
        self.cut_short = bool(frontier) and len(self.samples) < MAX_SAMPLES and time.monotonic() > self.deadline
        labels = _components(len(self.samples), self.edges)
        if time.monotonic() <= self.deadline:
            self._refine_ends(failed, labels)
            labels = _components(len(self.samples), self.edges)
        else:
            self.cut_short = True
        samples = self.lo + np.array(self.samples).reshape(-1, self.n) * self.width
        edges = np.array(sorted(set(self.edges)), dtype=np.int64).reshape(-1, 2)
        return SampledSets(samples, edges, labels, seed_of)

    def _refine_ends(self, failed: list, labels: np.ndarray) -> None:
        """Bisect each failed step that starts on a set (not at an isolated point): the set's end lies within it."""
        sizes = np.bincount(labels, minlength=len(labels)) if len(labels) else np.zeros(0, dtype=np.int64)
        rows = [(i, d) for i, d in failed if sizes[labels[i]] >= 2][:MAX_SAMPLES // 2]
        if not rows:
            return
        start = np.array([self.samples[i] for i, _ in rows])
        d = np.array([d for _, d in rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            to_wall = np.where(d > 0, (1.0 - start) / d, np.where(d < 0, -start / d, np.inf))
        lo, hi = np.zeros(len(rows)), np.minimum(self.step, np.min(to_wall, axis=1))
        best, best_h = start.copy(), np.zeros((len(rows), self.n, self.n))
        points, ok, hess = self.correct(start, d, hi)   # first the whole way to the box's wall, if it is that near
        best[ok], best_h[ok], lo[ok] = points[ok], hess[ok], hi[ok]
        for _ in range(REFINE_HALVINGS):
            mid = 0.5 * (lo + hi)
            points, ok, hess = self.correct(start, d, mid)
            ok &= lo < hi
            best[ok], best_h[ok] = points[ok], hess[ok]
            lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
        for k, (i, _) in enumerate(rows):
            if lo[k] > 0 and not self._nearby(best[k], 1e-3 * self.step):
                self.edges.append((i, self._add(best[k], best_h[k])))


def _first_nonzero(v: np.ndarray) -> float:
    return float(v[np.flatnonzero(np.abs(v) > 1e-12)[0]]) if np.any(np.abs(v) > 1e-12) else 1.0


def _components(m: int, edges: list[tuple[int, int]]) -> np.ndarray:
    """Connected components (union–find); labels are the smallest sample index in each component."""
    parent = list(range(m))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(m)], dtype=np.int64)


def set_dimension(samples: np.ndarray, edges: np.ndarray) -> int:
    """The most common local dimension over a set's samples: the rank of the unit step directions at each sample
    with two or more neighbours (rank 1 where steps go only forwards and backwards along a curve). Ties go to the
    lower dimension."""
    n = samples.shape[1]
    ranks = []
    for i in range(len(samples)):
        other = np.concatenate([edges[edges[:, 0] == i, 1], edges[edges[:, 1] == i, 0]])
        if other.size < 2:   # an end of the set says nothing about its dimension
            continue
        steps = samples[other] - samples[i]
        steps = steps / np.maximum(np.linalg.norm(steps, axis=1, keepdims=True), 1e-300)
        s = np.linalg.svd(steps, compute_uv=False)
        ranks.append(int(np.sum(s > 0.25 * s[0])))
    if not ranks:
        return 1
    counts = np.bincount(ranks, minlength=n + 1)
    return int(min(np.argmax(counts), n))
