"""What a degenerate critical point is, when the Hessian cannot say: look at f around it.

f is sampled along many lines through the point (both ways along each direction) and at points of a small ball
around it, at radii shrinking from a few percent of the box by halves. Along each sample direction u, the sign of
Δ = f(p + r·u) − f(p) at the smallest radius where Δ rises above the rounding noise of f(p) is what f does there
(each direction at its own radius: along x in x² − y⁴ the change r² is resolved at radii where the y direction's −r⁴
is still noise). Up in some direction and down in another: 'neither' (x²y + xy², whose f(x, x) = 2x³); up in every
resolved direction: 'minimum' (x⁴ + y⁴); down in every one: 'maximum'; nothing resolved: 'unknown'.

Lines are not enough: Peano's (y − x²)(y − 2x²) rises along every line through the origin, yet falls between the
two parabolas. So f is also sampled along parabolas p + r·u + c·(r²/L)·w (w ⟂ u, L the box's size, c a geometric
range of curvatures, both signs). Still a finite probe: a point whose descent hides in a thinner cusp can be missed.

A set of critical points (a line, a flat region) is probed at several of its samples (:func:`set_verdict`). Along
the set f does not change, so those directions resolve nothing; the others say whether every point of the set is a
non-strict minimum, a non-strict maximum, or not. Where nothing resolves anywhere f is constant around the set: a
plateau, whose points are at once non-strict minima and maxima; it is named 'minimum' (and flagged flat).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

#: Largest probe radius, as a fraction of the box's smallest side; the radii halve from there.
LARGEST_RADIUS = 0.05
RADIUS_LEVELS = 14
LINE_DIRECTIONS = 48
BALL_SAMPLES = 64
CURVE_DIRECTIONS = 16
#: Samples of a set of critical points probed for its verdict (besides its middle).
SET_PROBES = 12
#: Changes smaller than this (relative to 1 + |f(p)|) are rounding noise.
NOISE = 1e-11


def probe_directions(n: int, count: int = LINE_DIRECTIONS) -> np.ndarray:
    """Unit directions, both signs: the axes, the diagonals of each coordinate plane, and a fixed quasi-random set."""
    rows = [np.eye(n)[i] for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            for s in (1.0, -1.0):
                d = np.zeros(n)
                d[i], d[j] = 1.0, s
                rows.append(d)
    if n == 2:
        angles = np.pi * (np.arange(count) + 0.5) / count
        rows += list(np.stack([np.cos(angles), np.sin(angles)], axis=1))
    elif n > 2:
        rng = np.random.default_rng(20240601)   # fixed seed: the same probe every time
        rows += list(rng.standard_normal((count, n)))
    d = np.array(rows, dtype=np.float64)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return np.vstack([d, -d])


def _perpendicular(directions: np.ndarray) -> np.ndarray:
    """A unit vector perpendicular to each row (rotation by 90° in the plane; Gram–Schmidt on a fixed vector above)."""
    n = directions.shape[1]
    if n == 2:
        return np.stack([-directions[:, 1], directions[:, 0]], axis=1)
    rng = np.random.default_rng(20240603)
    w = rng.standard_normal(directions.shape)
    w -= np.sum(w * directions, axis=1, keepdims=True) * directions
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def curve_samples(point: np.ndarray, radii: np.ndarray, size: float) -> np.ndarray:
    """Points on parabolas through ``point``: (levels, samples, n)."""
    n = len(point)
    if n < 2:
        return np.empty((len(radii), 0, n))
    u = probe_directions(n, CURVE_DIRECTIONS)
    w = _perpendicular(u)
    c = np.sqrt(2.0) ** np.arange(-4, 9)
    c = np.concatenate([c, -c])
    line = radii[:, None, None, None] * u[None, :, None, :]
    bend = (radii ** 2 / size)[:, None, None, None] * c[None, None, :, None] * w[None, :, None, :]
    return (point + line + bend).reshape(len(radii), -1, n)


def _ball(n: int) -> np.ndarray:
    rng = np.random.default_rng(20240602)
    v = rng.standard_normal((BALL_SAMPLES, n))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v * rng.uniform(0.2, 1.0, (BALL_SAMPLES, 1))


def _direction_signs(deltas: np.ndarray, noise: float) -> np.ndarray:
    """For each sample direction (a column), the sign of Δ at the smallest radius where |Δ| is above the noise;
    0 where no radius resolves it."""
    resolved = np.isfinite(deltas) & (np.abs(deltas) > noise)
    levels = np.arange(len(deltas))[:, None]
    last = np.max(np.where(resolved, levels, -1), axis=0)
    columns = np.arange(deltas.shape[1])
    signs = np.sign(deltas[np.maximum(last, 0), columns])
    return np.where(last >= 0, signs, 0.0)


def probe_verdict(values: Callable[[np.ndarray], np.ndarray], point: np.ndarray, box: np.ndarray) -> str:
    """'minimum' | 'maximum' | 'neither' | 'unknown' for a critical point, from f around it.

    ``values`` evaluates f at the rows of an (m, n) array. Samples that fall outside ``box`` still count: the
    verdict is about the point, not the box.
    """
    n = len(point)
    f0 = float(values(point[None, :])[0])
    if not np.isfinite(f0):
        return "unknown"
    offsets = np.vstack([probe_directions(n), _ball(n)])
    noise = NOISE * (1.0 + abs(f0))
    base = LARGEST_RADIUS * float(np.min(box[:, 1] - box[:, 0]))
    radii = base * 0.5 ** np.arange(RADIUS_LEVELS)
    samples = point[None, None, :] + radii[:, None, None] * offsets[None, :, :]
    samples = np.concatenate([samples, curve_samples(point, radii, float(np.max(box[:, 1] - box[:, 0])))], axis=1)
    deltas = values(samples.reshape(-1, n)).reshape(len(radii), samples.shape[1]) - f0
    signs = _direction_signs(deltas, noise)
    up, down = bool(np.any(signs > 0)), bool(np.any(signs < 0))
    if up and down:
        return "neither"
    if up:
        return "minimum"
    if down:
        return "maximum"
    return "unknown"


def set_verdict(values: Callable[[np.ndarray], np.ndarray], samples: np.ndarray, middle: int,
                box: np.ndarray) -> tuple[str, bool]:
    """(verdict, flat) for a set of critical points, from the probes at its ``middle`` sample and at up to
    SET_PROBES samples spread over the rows of ``samples``: the one verdict they resolve, 'neither' if they resolve
    different ones (x²y's line is minima where y > 0 and maxima where y < 0), ('minimum', True) if none resolves."""
    spread = np.linspace(0, len(samples) - 1, min(SET_PROBES, len(samples))).round().astype(int).tolist()
    picks = dict.fromkeys([middle] + spread)
    resolved = {probe_verdict(values, samples[i], box) for i in picks} - {"unknown"}
    if not resolved:
        return "minimum", True
    return (resolved.pop(), False) if len(resolved) == 1 else ("neither", False)
