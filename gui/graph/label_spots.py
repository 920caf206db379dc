"""The spots of one tier of a label (gui.graph.labels), tested all at once against what lies near them: whether each
touches nodes, labels or soft areas, and how much it overlaps them. Most spots a crowded label tries are refused;
one array test per tier replaces a grid query per spot.

The answers equal the one-spot-at-a-time tests exactly: a spot is grown by the same float operations, compared with
the same strict inequalities (touching edges do not count), and every rect that any spot of the tier touches is near
the rect around them all. Overlap areas summed here are exact only where a spot overlaps at most two rects (the
order of a sum of more differs from a grid query's): labels recomputes the others whose estimates could be the least.
"""
from __future__ import annotations

from typing import Hashable

import numpy as np

from gui.graph.spatial import Rect


def spot_rects(centres: np.ndarray, size: tuple[float, float], beside: bool) -> np.ndarray:
    """For one form of a label, the spots to try (rects, an (n, 4) array) in order of preference: centred on each
    of ``centres`` ((k, 2), in the order tried) on the edge, then just above and below it, or (``beside``) just off
    it, the edge touching the label's side or corner (where two nodes leave no room on the edge itself)."""
    w, h = size
    dy = h / 2 + 3
    if beside:
        dx, sy = np.array([-(w / 2 + 3)] * 3 + [w / 2 + 3] * 3), np.array([-dy, 0.0, dy] * 2)
    else:
        dx, sy = np.zeros(3), np.array([0.0, -dy, dy])
    x, y = centres[:, 0] + dx[:, None], centres[:, 1] + sy[:, None]   # a row per shift, a column per centre
    rects = np.empty(x.shape + (4,))
    np.subtract(x, w / 2, out=rects[..., 0])   # (x + dx) - w / 2 ..., one float operation at a time as in Python
    np.subtract(y, h / 2, out=rects[..., 1])
    np.add(x, w / 2, out=rects[..., 2])
    np.add(y, h / 2, out=rects[..., 3])
    return rects.reshape(-1, 4)


def grown_spots(spots: np.ndarray, gap: float) -> tuple[np.ndarray, Rect]:
    """The spots grown by ``gap`` on every side (as labels' _padded, element by element) as an (n, 4) array, and the
    rect around them all."""
    grown = np.array(spots, dtype=float)
    grown[:, :2] -= gap
    grown[:, 2:] += gap
    around = (grown[:, 0].min(), grown[:, 1].min(), grown[:, 2].max(), grown[:, 3].max())
    return grown, (float(around[0]), float(around[1]), float(around[2]), float(around[3]))


def _hits(spots: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(n spots, m others) booleans: which overlap (as spatial.overlaps: touching edges do not count)."""
    return (spots[:, None, 0] < others[None, :, 2]) & (others[None, :, 0] < spots[:, None, 2]) & \
        (spots[:, None, 1] < others[None, :, 3]) & (others[None, :, 1] < spots[:, None, 3])


def touching(spots: np.ndarray, near: dict[tuple[str, Hashable], Rect], soft: str = "soft",
             movable: str = "label") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each spot (grown), given ``near`` (owner → rect, owners being (kind, id), holding at least every rect a
    spot touches): how many ``soft`` rects it touches, how many others, and whether any of those others is not of
    kind ``movable``."""
    if not near:
        none = np.zeros(len(spots), dtype=np.int64)
        return none, none, none.astype(bool)
    hit = _hits(spots, np.array(list(near.values()), dtype=float))
    kinds = [owner[0] for owner in near]
    is_soft = np.array([kind == soft for kind in kinds])
    fixed = np.array([kind != soft and kind != movable for kind in kinds])
    return hit[:, is_soft].sum(axis=1), hit[:, ~is_soft].sum(axis=1), hit[:, fixed].any(axis=1)


def overlap_estimates(spots: np.ndarray, near: dict[Hashable, Rect]) -> tuple[np.ndarray, np.ndarray]:
    """For each spot (grown), about how much area it overlaps the rects of ``near`` (which holds at least every rect a
    spot touches), and how many rects it overlaps. The estimate is the sum of the overlaps in an order of numpy's
    choosing: where a spot overlaps at most two rects, that is exactly their sum in any order (adding zeros changes
    nothing, and a + b == b + a)."""
    if not near:
        return np.zeros(len(spots)), np.zeros(len(spots), dtype=np.int64)
    others = np.array(list(near.values()), dtype=float)
    wide = np.minimum(spots[:, None, 2], others[None, :, 2]) - np.maximum(spots[:, None, 0], others[None, :, 0])
    high = np.minimum(spots[:, None, 3], others[None, :, 3]) - np.maximum(spots[:, None, 1], others[None, :, 1])
    areas = np.maximum(wide, 0.0) * np.maximum(high, 0.0)
    return areas.sum(axis=1), (areas > 0.0).sum(axis=1)


def could_be_least(estimates: np.ndarray, count: int) -> np.ndarray:
    """The indices (in order) of the estimates whose exact sums (of at most ``count`` non-negative terms, in any
    order) could be the least: each estimate is within count·2⁻⁵³ of its exact sum, relatively; a wide margin is
    kept."""
    least = estimates.min()
    margin = max(count, 1) * 1e-12 * (abs(least) + 1.0) + 1e-9 * abs(least)
    return np.flatnonzero(estimates <= least + margin)
