"""Pure numpy geometry for drawing a race: visible trails, arrows, and the Newton model's patch and level curves."""
from __future__ import annotations

from typing import Callable

import numpy as np

from gui.views.contour_lines import contour_levels

SurfaceFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]   # vectorized f(x, y) on the plotted axes
MARGIN = 0.25   # a trail is drawn while it stays within the plotted box widened by this fraction of its span


def inside_box(points: np.ndarray, box) -> np.ndarray:
    """Which points are finite and inside the plotted box widened by MARGIN (the others are not drawn)."""
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    pts = np.asarray(points, dtype=np.float64).reshape(len(points), -1)
    lo = np.array([b[0] for b in box], dtype=np.float64)
    hi = np.array([b[1] for b in box], dtype=np.float64)
    pad = MARGIN * (hi - lo)
    with np.errstate(invalid="ignore"):
        return np.all(np.isfinite(pts), axis=1) & np.all((pts >= lo - pad) & (pts <= hi + pad), axis=1)


def segment_pairs(xyz: np.ndarray, inside: np.ndarray, per_segment: int) -> np.ndarray:
    """A densified polyline as (start, end) pairs, leaving out the pieces of segments that leave the view."""
    if len(xyz) < 2:
        return np.zeros((0, xyz.shape[1]))
    j = np.arange(len(xyz) - 1)
    seg = j // per_segment
    keep = inside[seg] & inside[np.minimum(seg + 1, len(inside) - 1)]
    pairs = np.empty((2 * int(keep.sum()), xyz.shape[1]))
    pairs[0::2] = xyz[:-1][keep]
    pairs[1::2] = xyz[1:][keep]
    return pairs


def densify(points: np.ndarray, per_segment: int) -> np.ndarray:
    """Points along the polyline, ``per_segment`` samples per segment (ends included once), shape (M, 2)."""
    pts = np.asarray(points, dtype=np.float64)
    if len(pts) < 2 or per_segment <= 1:
        return pts.copy()
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)
    a, b = pts[:-1, None, :], pts[1:, None, :]
    inner = (a + (b - a) * t[None, :, None]).reshape(-1, pts.shape[1])
    return np.vstack([inner, pts[-1:]])


def arrow_segments(tail: np.ndarray, head: np.ndarray, head_fraction: float = 0.28, scale=None) -> np.ndarray:
    """Pairs of 2D points (for 'lines' / connect='pairs'): the shaft and two barbs of an arrow from tail to head.
    ``scale`` (sx, sy): the data spans shown, so barbs look symmetric on a plot whose axes have different units."""
    s = np.ones(2) if scale is None else np.asarray(scale, dtype=np.float64)
    tail, head = np.asarray(tail, dtype=np.float64) / s, np.asarray(head, dtype=np.float64) / s
    d = head - tail
    length = float(np.hypot(*d))
    if not np.isfinite(length) or length == 0:
        return np.zeros((0, 2))
    u = d / length
    n = np.array([-u[1], u[0]])
    barb = head_fraction * length
    left = head - barb * u + 0.5 * barb * n
    right = head - barb * u - 0.5 * barb * n
    return np.array([tail, head, head, left, head, right]) * s


def arrow_head(tail, vector, length: float) -> np.ndarray:
    """The head of an arrow of a fixed ``length`` in the direction of ``vector`` (tail itself if it is zero)."""
    v = np.asarray(vector, dtype=np.float64)
    norm = float(np.hypot(*v))
    if not np.isfinite(norm) or norm == 0:
        return np.asarray(tail, dtype=np.float64)
    return np.asarray(tail, dtype=np.float64) + length * v / norm


def newton_patch(point, target, box, minimum_fraction: float = 0.18):
    """A square region (lo_x, hi_x, lo_y, hi_y) that shows the iterate and where Newton jumps."""
    p = np.asarray(point, dtype=np.float64)
    t = np.asarray(target if target is not None else point, dtype=np.float64)
    span = min(b[1] - b[0] for b in box)
    half = max(0.75 * float(np.max(np.abs(t - p))), minimum_fraction * span)
    half = min(half, span)
    c = (p + t) / 2 if np.all(np.isfinite(t)) else p
    return c[0] - half, c[0] + half, c[1] - half, c[1] + half


def model_grid(model, patch, n: int = 41):
    """Samples of a TaylorModel over a patch: xs, ys, zs (zs shape (n, n), 'ij')."""
    xs = np.linspace(patch[0], patch[1], n)
    ys = np.linspace(patch[2], patch[3], n)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    offsets = np.stack([gx - model.point[0], gy - model.point[1]], axis=-1)
    g, h = np.asarray(model.gradient, dtype=np.float64), np.asarray(model.hessian, dtype=np.float64)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h)) and np.isfinite(model.value)):
        return xs, ys, np.full(gx.shape, np.nan)   # no model where f or its derivatives are undefined
    with np.errstate(over="ignore", invalid="ignore"):
        zs = model.value + offsets @ g + 0.5 * np.einsum("...i,ij,...j->...", offsets, h, offsets)
    return xs, ys, zs


def parabola(model, lo: float, hi: float, n: int = 121):
    """Samples of a one-variable quadratic model f + f'·t + ½f''·t² over [lo, hi]: xs, ys."""
    xs = np.linspace(lo, hi, n)
    t = xs - float(model.point[0])
    g, h = float(np.ravel(model.gradient)[0]), float(np.ravel(model.hessian)[0])
    with np.errstate(over="ignore", invalid="ignore"):
        return xs, float(model.value) + g * t + 0.5 * h * t * t


def clipped_segments(points: np.ndarray, box, margin: float = MARGIN) -> np.ndarray:
    """Consecutive points joined as (start, end) pairs, each cut to the box widened by ``margin`` of its span (a
    jump that leaves the view is drawn up to the edge rather than dropped); pairs with a non-finite end are left out.
    Returns (2k, d) for connect='pairs'."""
    return clip_pairs(points, box, margin)[0]


def clip_pairs(points: np.ndarray, box, margin: float = MARGIN) -> tuple[np.ndarray, np.ndarray]:
    """:func:`clipped_segments` and which of the len(points) − 1 segments were kept (a bool per segment)."""
    pts = np.asarray(points, dtype=np.float64).reshape(len(points), -1)
    if len(pts) < 2:
        return np.zeros((0, pts.shape[1])), np.zeros(0, dtype=bool)
    lo = np.array([b[0] for b in box], dtype=np.float64)
    hi = np.array([b[1] for b in box], dtype=np.float64)
    lo, hi = lo - margin * (hi - lo), hi + margin * (hi - lo)
    a, b = pts[:-1], pts[1:]
    d = b - a
    keep = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(b), axis=1)
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    with np.errstate(all="ignore"):   # Liang–Barsky: the part of a + t·d, t in [0, 1], inside lo ≤ · ≤ hi
        for k in range(pts.shape[1]):
            p = d[:, k]
            flat = p == 0
            enter = np.where(p > 0, (lo[k] - a[:, k]) / p, (hi[k] - a[:, k]) / p)
            leave = np.where(p > 0, (hi[k] - a[:, k]) / p, (lo[k] - a[:, k]) / p)
            t0 = np.where(flat, t0, np.maximum(t0, enter))
            t1 = np.where(flat, t1, np.minimum(t1, leave))
            keep &= ~(flat & ((a[:, k] < lo[k]) | (a[:, k] > hi[k])))
    keep &= t0 <= t1
    pairs = np.empty((2 * int(keep.sum()), pts.shape[1]))
    pairs[0::2] = a[keep] + t0[keep, None] * d[keep]
    pairs[1::2] = a[keep] + t1[keep, None] * d[keep]
    return pairs, keep


def wireframe_segments(xs, ys, zs, lines: int = 11) -> np.ndarray:
    """Pairs of 3D points drawing ``lines`` grid lines each way over the sampled model."""
    ix = np.linspace(0, len(xs) - 1, lines).round().astype(int)
    iy = np.linspace(0, len(ys) - 1, lines).round().astype(int)
    segs = []
    for i in ix:
        pts = np.column_stack([np.full(len(ys), xs[i]), ys, zs[i, :]])
        segs.append(np.repeat(pts, 2, axis=0)[1:-1])
    for j in iy:
        pts = np.column_stack([xs, np.full(len(xs), ys[j]), zs[:, j]])
        segs.append(np.repeat(pts, 2, axis=0)[1:-1])
    return np.vstack(segs) if segs else np.zeros((0, 3))


def model_levels(zs: np.ndarray, centre_value: float, current_value: float, has_minimum: bool,
                 count: int = 6) -> list[float]:
    """Level values for the model's contour lines: the one through the iterate, and nested ones around the centre
    (quadratically spaced, so a bowl's ellipses grow evenly) or spread evenly when the model has no minimum."""
    finite = zs[np.isfinite(zs)]
    if finite.size == 0:
        return []
    lo, hi = float(finite.min()), float(finite.max())
    levels = {float(current_value)}
    if has_minimum and np.isfinite(centre_value):
        t = np.linspace(0.15, 1.0, count)
        levels.update((centre_value + (hi - centre_value) * t ** 2).tolist())
    else:
        levels.update(np.linspace(lo, hi, count + 2)[1:-1].tolist())
    return sorted(v for v in levels if lo < v < hi)


def level_curves(xs, ys, zs, levels) -> np.ndarray:
    """Contour lines of zs at ``levels`` as segment endpoint pairs (2k, 2), for connect='pairs'."""
    pieces = contour_levels(xs, ys, zs, levels) if len(levels) else []
    return np.concatenate(pieces) if pieces else np.zeros((0, 2))
