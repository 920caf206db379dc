"""Where each edge's label (its local partial) sits: on its own edge, clear of every node and of every other label,
and where it can, clear of other edges too (so a label at a crossing is never ambiguous).

Labels are placed one at a time, the shortest edges first (they have the fewest places to choose from). Each tries
points along its edge, nearest the middle first, centred on the edge and then just above or below it, in its
one-line form, then (nodes placed close together leave little room) in its narrower stacked form, then either form
just beside its edge (touching it), and only where none of these fits, as the bare value (on the edge, then beside
it). So every label reads "name = value" unless space forces the value alone. A spot that touches a node or a placed label is refused; among the rest the one covering the fewest
arrowheads, then crossing the fewest other edges, wins. When every spot is taken, the label may push one or two
placed labels to other free spots; failing that (a very crowded graph) it takes the spot with the least overlap, so
every label is still shown.

The caller gives only the labels of one region (the view's surroundings) with the points of their edges inside it,
and may pass labels that keep their spots (``fixed``) or would like to (``preferred``): see gui.graph.detail. The
nodes and labels near a spot come from a grid index; which edges cross a spot is worked out only where a label is
tried (gui.graph.edge_cells), so the cost follows the labels placed, not the size of the graph.

Most labels take one of the first spots of their edge, tested one at a time; where those are taken, the rest of a
tier (up to 198 spots) are tested at once against what lies near them (gui.graph.label_spots), and only the spots
that could win have the edges they cover counted. The answers are exactly those of testing each spot in turn, in
the same order (tests/gui/label_reference.py places labels that way; the tests hold the two to the same places).
"""
from __future__ import annotations

import bisect
import itertools
from typing import Hashable, Sequence

import numpy as np

from gui.graph.edge_cells import POINTS_PER_STEP, EdgeCells, emptied_in_steps
from gui.graph.label_spots import could_be_least, grown_spots, overlap_estimates, spot_rects, touching
from gui.graph.routing import Point, Walk
from gui.graph.spatial import GridIndex, Rect

GAP = 2.0           # clear space kept around a label
CELL = 160.0        # spatial index cell size for rects (scene units)
FRACTIONS = sorted((i / 40 for i in range(4, 37)), key=lambda f: (abs(f - 0.5), f))
MAX_PUSHED = 2
SPOTS_PER_STEP = 48   # spots tried between two yields: one label in a crowd tries hundreds (and moves others)
INDEXED_PER_STEP = 256   # node rects indexed between two yields
FILLS_PER_STEP = 16   # ... or blocks of edge cells filled (gui.graph.edge_cells)
ONE_BY_ONE = 4   # spots of a tier tested one at a time (most labels take one of these) before the rest at once
AT_ONCE_WORK = 8   # testing a tier's spots at once counts as this many spots tried (for SPOTS_PER_STEP)


def _overlap_area(a: Rect, b: Rect) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _padded(r: Rect) -> Rect:
    return r[0] - GAP, r[1] - GAP, r[2] + GAP, r[3] + GAP


def _tiers(form_count: int) -> list[tuple[int, bool]]:
    """(form, beside) in the order tried: every named form on and then beside the edge before the bare value."""
    named = [(f, False) for f in range(form_count - 1)] + [(f, True) for f in range(form_count - 1)]
    return named + [(form_count - 1, False), (form_count - 1, True)]


class _Placer:
    def __init__(self, requests, crossing):
        self.rects = GridIndex(CELL, extents=False)   # filled by index_steps
        self.walks: dict[Hashable, Walk] = {}   # filled by walk_steps
        self._crossing = crossing
        self.edges: EdgeCells | None = None       # which edges pass where: sorted when a label first has to search
        self.sizes = {key: sizes for key, _, sizes in requests}
        self._centres: dict[Hashable, np.ndarray] = {}
        self._spots: dict[tuple[Hashable, tuple[int, bool]], np.ndarray] = {}
        self._grown: dict = {}   # (key, tier) → (its spots grown by GAP as an array, the rect around them)
        self.placed: dict[Hashable, tuple[Rect, int]] = {}

    def index_steps(self, nodes: Sequence[Rect], soft: Sequence[Rect]):
        """Index the nodes' and the soft areas' rects, a few hundred per step (a generator)."""
        owned = itertools.chain(((("node", i), r) for i, r in enumerate(nodes)),
                                ((("soft", i), r) for i, r in enumerate(soft)))
        for n, (owner, rect) in enumerate(owned):
            self.rects.add(owner, rect)
            if n % INDEXED_PER_STEP == INDEXED_PER_STEP - 1:
                yield

    def release_steps(self):
        """Free what the placing gathered, a part per step (a generator); ``placed`` stays."""
        if self.edges is not None:
            yield from self.edges.release_steps()
        yield from emptied_in_steps(self._spots, self._grown, self._centres, self.walks, self.rects.cells,
                                    self.rects.owned)

    def walk_steps(self, requests):
        """Each request's walk along its edge, a few per step (a generator)."""
        walked = 0
        for n, (key, points, _) in enumerate(requests):
            self.walks[key] = Walk(points=points)
            walked += len(points)
            if n % 16 == 15 or walked > POINTS_PER_STEP:
                walked = 0
                yield

    def edge_steps(self):
        """Sort the edges near the labels into blocks (once, and only when a label has to search for a spot:
        kept labels never do)."""
        if self.edges is None:
            edges = EdgeCells()
            yield from edges.sort(self._crossing)
            self.edges = edges

    def spots(self, key, tier: tuple[int, bool]) -> np.ndarray:
        """A tier's spots in the order tried, an (n, 4) array of rects (a rect taken is made a tuple of floats)."""
        if (key, tier) not in self._spots:   # most labels never need their second form
            if key not in self._centres:
                self._centres[key] = np.array(self.walks[key].at_many(FRACTIONS), dtype=float)
            self._spots[key, tier] = spot_rects(self._centres[key], self.sizes[key][tier[0]], tier[1])
        return self._spots[key, tier]

    def _grown_near(self, key, tier: tuple[int, bool]):
        """A tier's spots grown by GAP (an array) and every node, label and soft area any of them touches."""
        if (key, tier) not in self._grown:
            self._grown[key, tier] = grown_spots(self.spots(key, tier), GAP)
        grown, around = self._grown[key, tier]
        return grown, self.rects.near(around)

    def free_spot(self, key):
        """The clear spot of the first tier that has one, touching the fewest soft areas and crossing the fewest
        other edges (the first of equals); None if every spot of every tier touches a node or a label. A tier's
        first spots (the middle of the edge, which most labels take) are tested one at a time, the rest at once.
        A generator that yields every SPOTS_PER_STEP spots tried (or FILLS_PER_STEP blocks filled) and returns
        (rect, form) or None."""
        pace = _Pace(self.edges)
        for tier in _tiers(len(self.sizes[key])):
            best, best_cost = None, None
            for rect in map(tuple, self.spots(key, tier)[:ONE_BY_ONE].tolist()):
                if pace.due():
                    yield
                soft = self.rects.count_near(_padded(rect), "soft")
                if soft < 0:
                    continue
                cost = (soft, self.edges.crossing(rect, key))
                if best_cost is None or cost < best_cost:
                    best, best_cost = rect, cost
                    if cost == (0, 0):
                        return best, tier[0]
            best, _ = yield from self._rest_of_tier(key, tier, pace, best, best_cost)
            if best is not None:
                return best, tier[0]
        return None

    def _rest_of_tier(self, key, tier: tuple[int, bool], pace: _Pace, best, best_cost):
        """free_spot's search of a tier after its first ONE_BY_ONE spots, all tested at once: only the spots
        touching no node or label and the fewest soft areas can win, and of those the first crossing the fewest
        edges. A generator returning the best spot of the tier and its cost (those given, if none beats them)."""
        if len(self.spots(key, tier)) <= ONE_BY_ONE:
            return best, best_cost
        if pace.due(AT_ONCE_WORK):
            yield
        grown, near = self._grown_near(key, tier)
        softs, hards, _ = touching(grown[ONE_BY_ONE:], near)
        clear = np.flatnonzero(hards == 0)
        least = int(softs[clear].min()) if len(clear) else None
        if least is None or (best_cost is not None and least > best_cost[0]):
            return best, best_cost
        rects = self.spots(key, tier)[ONE_BY_ONE:]
        for i in clear[softs[clear] == least].tolist():
            if pace.due():
                yield
            rect = tuple(rects[i].tolist())
            cost = (least, self.edges.crossing(rect, key))
            if best_cost is None or cost < best_cost:
                best, best_cost = rect, cost
            if cost[1] == 0:   # no spot of this tier can do better
                break
        return best, best_cost

    def is_free(self, rect: Rect) -> bool:
        return self.rects.count_near(_padded(rect), "soft") >= 0

    def least_overlap(self, key):
        """The spot overlapping nodes and labels least, the first of equals (a generator that yields as it
        searches and returns (rect, form)). Every spot's overlap is estimated at once; of the spots whose estimate
        could be the least, those overlapping three rects or more have their overlaps summed exactly, in the order
        one at a time would sum them."""
        pace, tiers, sums, counts, most = _Pace(self.edges), _tiers(len(self.sizes[key])), [], [], 0
        for tier in tiers:
            if pace.due(AT_ONCE_WORK):
                yield
            grown, near = self._grown_near(key, tier)
            estimate, count = overlap_estimates(grown, near)
            sums.append(estimate)
            counts.append(count)
            most = max(most, len(near))
        starts = list(itertools.accumulate((len(e) for e in sums), initial=0))
        sums, counts = np.concatenate(sums), np.concatenate(counts)
        best, best_cost = None, None
        for i in could_be_least(sums, most).tolist():
            t = bisect.bisect_right(starts, i) - 1
            rect = tuple(self.spots(key, tiers[t])[i - starts[t]].tolist())
            if counts[i] <= 2:
                cost = float(sums[i])
            else:
                if pace.due():
                    yield
                padded = _padded(rect)
                cost = sum(_overlap_area(padded, o) for o in self.rects.near(padded).values())
            if best_cost is None or cost < best_cost:   # the first of equals, as min() takes
                best, best_cost = (rect, tiers[t][0]), cost
        return best

    def put(self, key, spot: tuple[Rect, int]):
        self.placed[key] = spot
        self.rects.add(("label", key), spot[0])

    def take(self, key) -> tuple[Rect, int]:
        self.rects.remove(("label", key))
        return self.placed.pop(key)

    def push_for(self, key):
        """Take a spot only labels block, moving those labels to other free spots (a generator that yields as it
        searches and returns whether it found one). A failed try puts everything back as it was, so what each spot
        of a tier touches is worked out once, for the whole tier."""
        pace = _Pace(self.edges)
        for tier in _tiers(len(self.sizes[key])):
            if pace.due(AT_ONCE_WORK):
                yield
            _, hards, others = touching(*self._grown_near(key, tier))
            rects = self.spots(key, tier)
            for i in np.flatnonzero((hards >= 1) & (hards <= MAX_PUSHED) & ~others).tolist():
                if pace.due():
                    yield
                if (yield from self._push(key, (tuple(rects[i].tolist()), tier[0]))):
                    return True
        return False

    def _push(self, key, spot: tuple[Rect, int]):
        """Take ``spot``, moving the labels there to free spots, or put everything back (a generator returning
        whether it took the spot)."""
        blockers = {b: r for b, r in self.rects.near(_padded(spot[0])).items() if b[0] != "soft"}
        if not blockers or len(blockers) > MAX_PUSHED or any(kind != "label" for kind, _ in blockers):
            return False
        old = {b: self.take(b) for _, b in blockers}
        self.put(key, spot)
        moved = {}
        for b in old:
            found = yield from self.free_spot(b)
            if found is None:
                break
            moved[b] = found
            self.put(b, found)
        if len(moved) == len(old):
            return True
        for b in moved:
            self.take(b)
        self.take(key)
        for b, r in old.items():
            self.put(b, r)
        return False


class _Pace:
    """When a search yields: after SPOTS_PER_STEP spots' worth of work, or FILLS_PER_STEP blocks of the edge index
    filled."""

    def __init__(self, edges: EdgeCells):
        self.edges, self.work, self.filled = edges, 0, len(edges.filled)

    def due(self, work: int = 1) -> bool:
        self.work += work
        if self.work >= SPOTS_PER_STEP or len(self.edges.filled) - self.filled >= FILLS_PER_STEP:
            self.work, self.filled = 0, len(self.edges.filled)
            return True
        return False


def place_labels(requests: Sequence[tuple[Hashable, Sequence[Point], Sequence[tuple[float, float]]]],
                 crossing: dict[Hashable, Sequence[Sequence[Point]]], nodes: Sequence[Rect],
                 soft: Sequence[Rect] = (), fixed: dict | None = None, preferred: dict | None = None,
                 name=str) -> dict[Hashable, tuple[Rect, int]]:
    """``requests``: (key, points along the edge where its label may sit, the (width, height) of each form of its
    label, preferred first); ``crossing``: the points of every edge near them (to count the edges a spot covers);
    ``soft``: areas a label avoids when it can (arrowheads); ``fixed``: labels already placed that stay where they
    are ({key: (rect, form)}); ``preferred``: a spot a request keeps if it is still clear (where it was before its
    text changed); ``name``: orders requests of equal length. Returns each label's rect and the form it takes."""
    steps = label_steps(requests, crossing, nodes, soft, fixed, preferred, name)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def label_steps(requests, crossing, nodes, soft=(), fixed=None, preferred=None, name=str):
    """place_labels a label at a time: a generator that yields after each label (and within a label that has to
    search a crowd for its spot) and returns what place_labels returns (so a caller can spread a big region's labels over several event-loop turns)."""
    placer = _Placer(requests, crossing)
    yield from placer.index_steps(nodes, soft)
    yield from placer.walk_steps(requests)
    for key, spot in (fixed or {}).items():
        placer.rects.add(("fixed", key), spot[0])
        placer.placed[key] = spot
    preferred = preferred or {}
    order = sorted(requests, key=lambda req: (placer.walks[req[0]].length, name(req[0])))
    for key, _points, _sizes in order:
        kept = preferred.get(key)
        if kept is not None and placer.is_free(kept[0]):
            placer.put(key, kept)
            continue
        yield from placer.edge_steps()
        spot = yield from placer.free_spot(key)
        if spot is not None:
            placer.put(key, spot)
        elif not (yield from placer.push_for(key)):
            placer.put(key, (yield from placer.least_overlap(key)))
        yield
    yield from placer.release_steps()
    return placer.placed
