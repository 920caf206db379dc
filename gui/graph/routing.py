"""Where an edge runs: a smooth curve from the parent's output port to the child's left side that bends around any
other node in its way (so no edge hides under a node), and points along it by arc length (where labels sit).

Plain float geometry: a route is a list of cubic Bézier segments, each four (x, y) points; a rect is
(left, top, right, bottom). The nodes a route must avoid come from a :class:`~gui.graph.spatial.GridIndex`, and a
route is tested against the few nodes near it exactly (the curve is split until its pieces are straight, then each
piece is clipped against each nearby node), so routing every edge costs about E log E, not E × N.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Hashable, Sequence

import numpy as np

from gui.graph.spatial import GridIndex, Rect, grown, overlaps

Point = tuple[float, float]
Segment = tuple[Point, Point, Point, Point]

CLEARANCE = 8.0      # how far a route keeps from a node it passes
LANE_GAP = 16.0      # a detour runs this far above or below the nodes it avoids
RUN_UP = 18.0        # horizontal room a detour takes before and after the nodes it avoids
MAX_DETOURS = 4      # grow the avoided block at most this many times
LANE_SPACING = 7.0   # detours past the same nodes run side by side, this far apart, instead of on one line
FLAT = 1.0           # a piece of curve whose control points lie this close to its chord is tested as a line
MAX_QUERY_CELLS = 6  # a piece of curve covering more index cells than this is split before asking the index
LONG_STRETCH = 1200.0   # a detour longer than this runs outside everything along it at once
SKYLINE_COLUMN = 512.0  # outside detours are stacked per stretch of this width


def curve(start: Point, end: Point) -> list[Segment]:
    """The plain edge: leaves the port horizontally, arrives horizontally."""
    dx = max(40.0, abs(end[0] - start[0]) / 2)
    return [(start, (start[0] + dx, start[1]), (end[0] - dx, end[1]), end)]


def _s_curve(a: Point, b: Point) -> Segment:
    half = (b[0] - a[0]) / 2
    return (a, (a[0] + half, a[1]), (b[0] - half, b[1]), b)


def _line(a: Point, b: Point) -> Segment:
    return (a, (a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
            (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b)


def bezier(seg: Segment, t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = seg
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def samples(route: Sequence[Segment], spacing: float = 6.0) -> list[Point]:
    """Points along the route, about ``spacing`` apart (never fewer than 12 per segment)."""
    points = [route[0][0]]
    for seg in route:
        rough = sum(math.dist(seg[i], seg[i + 1]) for i in range(3))
        n = max(12, int(rough / spacing))
        points.extend(bezier(seg, i / n) for i in range(1, n + 1))
    return points


def bounds(route: Sequence[Segment]) -> Rect:
    xs = [p[0] for seg in route for p in seg]
    ys = [p[1] for seg in route for p in seg]
    return min(xs), min(ys), max(xs), max(ys)


# --- does a route pass under a node? ---------------------------------------------------------------------------
def _split(s: Segment) -> tuple[Segment, Segment]:
    """De Casteljau at t = 1/2."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = s
    ax, ay, bx, by, cx, cy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 + x2) / 2, (y1 + y2) / 2, (x2 + x3) / 2, (y2 + y3) / 2
    dx, dy, ex, ey = (ax + bx) / 2, (ay + by) / 2, (bx + cx) / 2, (by + cy) / 2
    mx, my = (dx + ex) / 2, (dy + ey) / 2
    return ((x0, y0), (ax, ay), (dx, dy), (mx, my)), ((mx, my), (ex, ey), (cx, cy), (x3, y3))


def _is_flat(s: Segment) -> bool:
    """Both control points within FLAT of the chord, and between its ends (so the piece is the chord)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = s
    cx, cy = x3 - x0, y3 - y0
    length2 = cx * cx + cy * cy
    if length2 < 1e-9:
        return abs(x1 - x0) + abs(y1 - y0) + abs(x2 - x0) + abs(y2 - y0) < FLAT
    limit = FLAT * FLAT * length2
    for px, py in ((x1 - x0, y1 - y0), (x2 - x0, y2 - y0)):
        cross, dot = px * cy - py * cx, px * cx + py * cy
        if cross * cross > limit or dot < 0 or dot > length2:
            return False
    return True


def _line_crosses(a: Point, b: Point, r: Rect) -> bool:
    """Whether the segment a→b passes through the inside of ``r`` (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - r[0]), (dx, r[2] - a[0]), (-dy, a[1] - r[1]), (dy, r[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
        if t0 >= t1:
            return False
    return True


def _control_box(s: Segment) -> Rect:
    xs, ys = (s[0][0], s[1][0], s[2][0], s[3][0]), (s[0][1], s[1][1], s[2][1], s[3][1])
    return min(xs), min(ys), max(xs), max(ys)


def hits(route: Sequence[Segment], nodes: GridIndex, exclude=(), first: bool = False) -> dict[Hashable, Rect]:
    """The nodes (owner → rect grown by CLEARANCE) the route passes within CLEARANCE of (``first``: only the
    first ones along it).

    Each segment is split in halves until a piece is small enough to ask the index about (a long edge's box would
    cover much of the graph), then, near nodes only, until the pieces are straight enough to clip as lines."""
    found: dict[Hashable, Rect] = {}
    for seg in route:
        stack: list = [(seg, None)]
        while stack:
            piece, candidates = stack.pop()
            box = _control_box(piece)
            flat = _is_flat(piece)
            if candidates is None:
                if not flat and nodes.cells_across(box) > MAX_QUERY_CELLS:
                    head, tail = _split(piece)
                    stack += [(tail, None), (head, None)]
                    continue
                candidates = {o: grown(r, CLEARANCE) for o, r in nodes.near(grown(box, CLEARANCE)).items()
                              if o not in exclude}
            close = {o: r for o, r in candidates.items() if o not in found and overlaps(box, r)}
            if not close:
                continue
            if flat:
                found.update((o, r) for o, r in close.items() if _line_crosses(piece[0], piece[3], r))
                if first and found:
                    return found
                continue
            head, tail = _split(piece)
            stack += [(tail, close), (head, close)]
    return found


def _reversed(route: Sequence[Segment]) -> list[Segment]:
    return [(s[3], s[2], s[1], s[0]) for s in reversed(route)]


def _ends_blocked(route: Sequence[Segment], nodes: GridIndex, exclude) -> dict[Hashable, Rect]:
    """The first and the last nodes a long route passes under (all a detour outside everything needs to know)."""
    found = hits(route, nodes, exclude, first=True)
    if found:
        found.update(hits(_reversed(route), nodes, exclude, first=True))
    return found


# --- detours ---------------------------------------------------------------------------------------------------
class Lanes:
    """The stretches detours run along, as (y, left, right) by owner, bucketed by height; and for detours outside
    everything, the outermost height used above and below each stretch of columns (a skyline), so a new one goes
    straight beyond them instead of stepping past each."""

    def __init__(self):
        self.rows: dict[int, dict[Hashable, tuple[float, float, float]]] = defaultdict(dict)
        self.owned: dict[Hashable, tuple[float, float, float]] = {}
        self.above: dict[int, float] = {}
        self.below: dict[int, float] = {}

    def add(self, owner: Hashable, lane: tuple[float, float, float]) -> None:
        self.remove(owner)
        self.owned[owner] = lane
        self.rows[int(lane[0] // LANE_SPACING)][owner] = lane

    def remove(self, owner: Hashable) -> None:
        lane = self.owned.pop(owner, None)
        if lane is not None:
            self.rows[int(lane[0] // LANE_SPACING)].pop(owner, None)

    def taken(self, y: float, left: float, right: float) -> bool:
        row = int(y // LANE_SPACING)
        for k in (row - 1, row, row + 1):
            for ly, a, b in self.rows.get(k, {}).values():
                if abs(ly - y) < LANE_SPACING - 0.01 and a < right and left < b:
                    return True
        return False

    def free(self, lane: float, step: float, left: float, right: float, outside: bool = False) -> float:
        """Move ``lane`` away from the nodes (by ``step``) until no other detour runs there over the same stretch.
        An ``outside`` lane starts beyond the outermost one already over its stretch (and becomes it)."""
        columns = range(int(left // SKYLINE_COLUMN), int(right // SKYLINE_COLUMN) + 1)
        if outside:
            sky = self.above if step < 0 else self.below
            used = [sky[c] for c in columns if c in sky]
            if used:
                lane = min(lane, min(used) + step) if step < 0 else max(lane, max(used) + step)
        while self.taken(lane, left, right):
            lane += step
        if outside:
            for c in columns:
                if step < 0:
                    self.above[c] = min(self.above.get(c, lane), lane)
                else:
                    self.below[c] = max(self.below.get(c, lane), lane)
        return lane


def _union(rects) -> Rect:
    rects = list(rects)
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def _detour(start: Point, end: Point, block: Rect, lane: float) -> list[Segment] | None:
    """Down (or up) to a lane beside ``block``, along it, and back: None if there is no room to bend."""
    left, right = block[0] - RUN_UP, block[2] + RUN_UP
    if left < start[0] + 12 or right > end[0] - 12:
        return None
    a, b = (left, lane), (right, lane)
    return [_s_curve(start, a), _line(a, b), _s_curve(b, end)]


def route(start: Point, end: Point, nodes: GridIndex, exclude=(), lanes: Lanes | None = None,
          owner: Hashable = None) -> list[Segment]:
    """The plain curve, or one that detours above or below the nodes it would cross (the nearer clear side).

    ``nodes`` indexes the node rects to avoid (except the owners in ``exclude``: the edge's own ends). ``lanes``
    holds the detours already routed, so that detours past the same nodes run side by side rather than on top of
    each other; this route's detour, if any, is recorded there under ``owner``.

    A detour first tries the heights just above and below the nodes in the way; if those are blocked too (or the
    stretch is long, where they nearly always are), it runs above or below everything along its stretch, which is
    clear by construction, so a long edge across a big graph costs a few tests rather than dozens."""
    lanes = Lanes() if lanes is None else lanes
    lanes.remove(owner)
    plain = curve(start, end)
    long = end[0] - start[0] > LONG_STRETCH
    blocked = _ends_blocked(plain, nodes, exclude) if long else hits(plain, nodes, exclude)
    if not blocked or end[0] - start[0] < 2 * RUN_UP + 24:
        return plain
    best, best_hits, best_lane = plain, len(blocked), None
    middle = (start[1] + end[1]) / 2
    for attempt in range(MAX_DETOURS):
        block = _union(blocked.values())
        stretch = (block[0] - RUN_UP, block[2] + RUN_UP)
        outside = attempt > 0 or long or stretch[1] - stretch[0] > LONG_STRETCH
        tried = []
        for lane, step in _lanes(block, stretch, nodes, outside):
            lane = lanes.free(lane, step, *stretch, outside)
            path = _detour(start, end, block, lane)
            if path is not None:
                found = hits(path[:1] + path[2:] if outside else path, nodes, exclude)
                tried.append((len(found), abs(lane - middle), path, found, (lane, *stretch)))
        if not tried:
            break
        count, _, path, found, used = min(tried, key=lambda t: (t[0], t[1]))
        if count < best_hits or best is plain:
            best, best_hits, best_lane = path, count, used
        if count == 0:
            break
        blocked = {**blocked, **found}
    if best_lane is not None:
        lanes.add(owner, best_lane)
    return best


def _lanes(block: Rect, stretch: tuple[float, float], nodes: GridIndex, outside: bool):
    """The two heights a detour past ``block`` may run at, with the direction to move away from the nodes: just
    beside the block, or (``outside``) beside everything in the stretch."""
    top, bottom = block[1], block[3]
    if outside:
        span = nodes.extent(*stretch)
        if span is not None:
            top, bottom = min(top, span[0] - CLEARANCE), max(bottom, span[1] + CLEARANCE)
    return (top - LANE_GAP, -LANE_SPACING), (bottom + LANE_GAP, LANE_SPACING)


def _contains(r: Rect, box: Rect) -> bool:
    return r[0] <= box[0] and r[1] <= box[1] and box[2] <= r[2] and box[3] <= r[3]


def _sampled(piece: Segment, spacing: float, rect: Rect) -> np.ndarray:
    """Points about ``spacing`` apart along the piece that lie in ``rect``, as an (n, 2) array."""
    rough = sum(math.dist(piece[i], piece[i + 1]) for i in range(3))
    t = np.linspace(0.0, 1.0, max(2, int(rough / spacing)) + 1)[:, None]
    u = 1.0 - t
    p = np.asarray(piece)
    points = u * u * u * p[0] + 3 * u * u * t * p[1] + 3 * u * t * t * p[2] + t * t * t * p[3]
    keep = (points[:, 0] >= rect[0]) & (points[:, 0] <= rect[2]) & (points[:, 1] >= rect[1]) & \
        (points[:, 1] <= rect[3])
    return points[keep]


def inside(route: Sequence[Segment], rect: Rect, spacing: float = 6.0) -> list[np.ndarray]:
    """The parts of the route inside ``rect``, each an (n, 2) array of points about ``spacing`` apart, in order
    along it. A piece much larger than ``rect`` is split first, so asking about a window of a long edge is cheap."""
    runs: list[np.ndarray] = []
    current: list[np.ndarray] = []
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    for seg in route:
        stack = [seg]
        while stack:
            piece = stack.pop()
            box = _control_box(piece)
            if not overlaps(box, rect) and not _contains(rect, box):
                points = None
            elif not _contains(rect, box) and (box[2] - box[0] > width or box[3] - box[1] > height) \
                    and max(box[2] - box[0], box[3] - box[1]) > 4 * spacing:
                first, second = _split(piece)
                stack += [second, first]
                continue
            else:
                points = _sampled(piece, spacing, rect)
            if points is None or not len(points):
                if current:
                    runs.append(np.concatenate(current))
                    current = []
                continue
            if current and np.array_equal(current[-1][-1], points[0]):
                points = points[1:]
            current.append(points)
    if current:
        runs.append(np.concatenate(current))
    return runs


class Walk:
    """Points along a route (or along a run of points on it) by fraction of its length."""

    def __init__(self, route_: Sequence[Segment] | None = None, points: list | None = None):
        self.points = np.asarray(points if points is not None else samples(route_, spacing=6.0), dtype=float)
        steps = np.hypot(*np.diff(self.points, axis=0).T) if len(self.points) > 1 else np.zeros(0)
        self.cumulative = np.concatenate(([0.0], np.cumsum(steps)))
        self.length = float(self.cumulative[-1])

    def at_many(self, fractions: Sequence[float]) -> list[Point]:
        """``at`` for each fraction, at once."""
        if len(self.points) == 1 or self.length == 0:
            return [(float(self.points[0][0]), float(self.points[0][1]))] * len(fractions)
        targets = np.clip(np.asarray(fractions, dtype=float), 0.0, 1.0) * self.length
        xs = np.interp(targets, self.cumulative, self.points[:, 0])
        ys = np.interp(targets, self.cumulative, self.points[:, 1])
        return list(zip(xs.tolist(), ys.tolist()))

    def at(self, fraction: float) -> Point:
        if len(self.points) == 1:
            return float(self.points[0][0]), float(self.points[0][1])
        target = min(max(fraction, 0.0), 1.0) * self.length
        hi = int(min(max(np.searchsorted(self.cumulative, target), 1), len(self.cumulative) - 1))
        lo = hi - 1
        span = self.cumulative[hi] - self.cumulative[lo]
        t = (target - self.cumulative[lo]) / span if span > 0 else 0.0
        (x0, y0), (x1, y1) = self.points[lo], self.points[hi]
        return float(x0 + (x1 - x0) * t), float(y0 + (y1 - y0) * t)
