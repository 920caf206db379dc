"""Plotted ranges chosen to show given points: the typed point outside the view, or the critical points a typed
function has near its first view (pure functions; the workspace pushes them as one undoable domain change)."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

MARGIN = 0.15   # of the new span, beyond the outermost point
NEARBY = 2.5    # a typed function's critical points are looked for in its view scaled by this about its centre
EDGE = 0.03     # a critical point this close to the view's edge (fraction of the span) is cut by it


def outside_axes(point: Sequence[float], box: Sequence[tuple[float, float]]) -> list[int]:
    """The indices of the coordinates of ``point`` outside the plotted ``box``."""
    return [i for i, (p, (lo, hi)) in enumerate(zip(point, box)) if not lo <= p <= hi]


def widened_to_show(point: Sequence[float], axes: Sequence[str],
                    box: Sequence[tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """New ranges for the axes where ``point`` lies outside ``box``: the old range stretched to the point, plus a
    margin on that side (the other side stays where it was)."""
    ranges = {}
    for i in outside_axes(point, box):
        lo, hi = box[i]
        p = float(point[i])
        new_lo, new_hi = min(lo, p), max(hi, p)
        pad = MARGIN * (new_hi - new_lo)
        ranges[axes[i]] = (_nice(new_lo - pad, -1) if p < lo else lo, _nice(new_hi + pad, 1) if p > hi else hi)
    return ranges


def fitted_to_points(points: np.ndarray, axes: Sequence[str], box: Sequence[tuple[float, float]],
                     ) -> dict[str, tuple[float, float]]:
    """Ranges that hold every point (rows in ``axes`` order) with a margin, centred on them, never narrower than
    a quarter of the old span (points close together still show their surroundings); {} when nothing changes."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    ranges = {}
    for i, axis in enumerate(axes):
        lo, hi = box[i]
        p_lo, p_hi = float(points[:, i].min()), float(points[:, i].max())
        span = max(p_hi - p_lo, 0.25 * (hi - lo))
        centre = 0.5 * (p_lo + p_hi)
        half = 0.5 * span * (1 + 2 * MARGIN)
        new = (_nice(centre - half, -1), _nice(centre + half, 1))
        if new != (lo, hi):
            ranges[axis] = new
    return ranges


def nearby_box(box: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """``box`` scaled by NEARBY about its centre: where a typed function's critical points count as nearby."""
    return [(0.5 * (lo + hi) - NEARBY * 0.5 * (hi - lo), 0.5 * (lo + hi) + NEARBY * 0.5 * (hi - lo)) for lo, hi in box]


def inside(point: Sequence[float], box: Sequence[tuple[float, float]], edge: float = 0.0) -> bool:
    """Whether ``point`` lies in ``box``, at least ``edge`` (a fraction of each span) from its sides."""
    return all(lo + edge * (hi - lo) <= p <= hi - edge * (hi - lo) for p, (lo, hi) in zip(point, box))


def _nice(value: float, direction: int) -> float:
    """``value`` rounded outward (direction −1 down, +1 up) to two significant digits: ranges read 3.2, not
    3.1847."""
    if value == 0 or not math.isfinite(value):
        return value
    step = 10.0 ** (math.floor(math.log10(abs(value))) - 1)
    steps = (math.floor if direction < 0 else math.ceil)(value / step)
    return float(f"{steps * step:.12g}")   # 3.2, not 3.2000000000000006
