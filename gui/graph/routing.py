"""Where an edge runs: a smooth curve from the parent's output port to the child's left side that bends around any
other node in its way (so no edge hides under a node), and points along it by arc length (where labels sit).

Plain float geometry: a route is a list of cubic Bézier segments, each four (x, y) points; a rect is
(left, top, right, bottom).
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

Point = tuple[float, float]
Segment = tuple[Point, Point, Point, Point]
Rect = tuple[float, float, float, float]

CLEARANCE = 8.0      # how far a route keeps from a node it passes
LANE_GAP = 16.0      # a detour runs this far above or below the nodes it avoids
RUN_UP = 18.0        # horizontal room a detour takes before and after the nodes it avoids
MAX_DETOURS = 4      # grow the avoided block at most this many times
LANE_SPACING = 7.0   # detours past the same nodes run side by side, this far apart, instead of on one line


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


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grow(rect: Rect, by: float) -> Rect:
    return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by


def _hits(route: Sequence[Segment], obstacles: Sequence[Rect]) -> list[Rect]:
    box = bounds(route)
    near = [r for r in obstacles if overlaps(box, r)]
    if not near:
        return []
    points = samples(route)
    return [r for r in near if any(r[0] < x < r[2] and r[1] < y < r[3] for x, y in points)]


def _union(rects: Iterable[Rect]) -> Rect:
    rects = list(rects)
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def _detour(start: Point, end: Point, block: Rect, lane: float) -> list[Segment] | None:
    """Down (or up) to a lane beside ``block``, along it, and back: None if there is no room to bend."""
    left, right = block[0] - RUN_UP, block[2] + RUN_UP
    if left < start[0] + 12 or right > end[0] - 12:
        return None
    a, b = (left, lane), (right, lane)
    return [_s_curve(start, a), _line(a, b), _s_curve(b, end)]


def _free_lane(lane: float, step: float, left: float, right: float, lanes: list) -> float:
    """Move ``lane`` away from the nodes (by ``step``) until no earlier detour runs there over the same stretch."""
    while any(abs(y - lane) < LANE_SPACING - 0.01 and a < right and left < b for y, a, b in lanes):
        lane += step
    return lane


def route(start: Point, end: Point, obstacles: Sequence[Rect], lanes: list | None = None) -> list[Segment]:
    """The plain curve, or one that detours above or below the nodes it would cross (the nearer clear side).

    ``lanes`` collects the detours already routed, as (y, left, right), so that detours past the same nodes run
    side by side rather than on top of each other."""
    lanes = [] if lanes is None else lanes
    plain = curve(start, end)
    grown = [_grow(r, CLEARANCE) for r in obstacles]
    blocked = _hits(plain, grown)
    if not blocked or end[0] - start[0] < 2 * RUN_UP + 24:
        return plain
    best, best_hits = plain, len(blocked)
    middle = (start[1] + end[1]) / 2
    for _ in range(MAX_DETOURS):
        block = _union(blocked)
        tried = []
        stretch = (block[0] - RUN_UP, block[2] + RUN_UP)
        for lane, step in ((block[1] - LANE_GAP, -LANE_SPACING), (block[3] + LANE_GAP, LANE_SPACING)):
            lane = _free_lane(lane, step, *stretch, lanes)
            path = _detour(start, end, block, lane)
            if path is not None:
                hits = _hits(path, grown)
                tried.append((len(hits), abs(lane - middle), path, hits, (lane, *stretch)))
        if not tried:
            break
        count, _, path, hits, used = min(tried, key=lambda t: (t[0], t[1]))
        if count < best_hits:
            best, best_hits, best_lane = path, count, used
        if count == 0:
            break
        blocked = blocked + [h for h in hits if h not in blocked]
    if best is not plain:
        lanes.append(best_lane)
    return best


class Walk:
    """Points along a route by fraction of its length."""

    def __init__(self, route_: Sequence[Segment]):
        self.points = samples(route_, spacing=6.0)
        self.cumulative = [0.0]
        for a, b in zip(self.points, self.points[1:]):
            self.cumulative.append(self.cumulative[-1] + math.dist(a, b))
        self.length = self.cumulative[-1]

    def at(self, fraction: float) -> Point:
        target = min(max(fraction, 0.0), 1.0) * self.length
        lo, hi = 0, len(self.cumulative) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.cumulative[mid] < target:
                lo = mid
            else:
                hi = mid
        span = self.cumulative[hi] - self.cumulative[lo]
        t = (target - self.cumulative[lo]) / span if span > 0 else 0.0
        (x0, y0), (x1, y1) = self.points[lo], self.points[hi]
        return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
