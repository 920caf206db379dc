"""A straightforward edge-label placer for the tests: the rules of gui.graph.labels applied one spot at a time, each
spot asking the grid index what it touches and counting the edges it covers by brute force over every point. The
placer itself tests a tier's spots at once, estimates overlaps and fills its edge cells lazily; on the same input it
must place every label exactly where this one does."""
from __future__ import annotations

import numpy as np

from gui.graph.routing import Walk
from gui.graph.spatial import GridIndex

GAP, CELL, EDGE_CELL, MAX_PUSHED = 2.0, 160.0, 10.0, 2
FRACTIONS = sorted((i / 40 for i in range(4, 37)), key=lambda f: (abs(f - 0.5), f))


def padded(r):
    return r[0] - GAP, r[1] - GAP, r[2] + GAP, r[3] + GAP


def overlap_area(a, b):
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def tiers(form_count):
    """Every named form on its edge, then beside it, then the bare value (last form) on and beside."""
    named = [(f, False) for f in range(form_count - 1)] + [(f, True) for f in range(form_count - 1)]
    return named + [(form_count - 1, False), (form_count - 1, True)]


def spots(walk, size, beside):
    w, h = size
    dy = h / 2 + 3
    shifts = [(dx, sy) for dx in (-(w / 2 + 3), w / 2 + 3) for sy in (-dy, 0.0, dy)] if beside else \
        [(0.0, 0.0), (0.0, -dy), (0.0, dy)]
    return [(x + dx - w / 2, y + sy - h / 2, x + dx + w / 2, y + sy + h / 2)
            for dx, sy in shifts for x, y in walk.at_many(FRACTIONS)]


def edges_covered(runs, rect, own):
    """How many edges but ``own`` have a point in a cell (EDGE_CELL square) wholly inside ``rect``."""
    i0, i1 = int(rect[0] // EDGE_CELL) + 1, int(rect[2] // EDGE_CELL)
    j0, j1 = int(rect[1] // EDGE_CELL) + 1, int(rect[3] // EDGE_CELL)
    count = 0
    for key, parts in runs.items():
        cells = [np.floor(np.asarray(part, dtype=float) / EDGE_CELL) for part in parts if len(part)]
        if key != own and any(((c[:, 0] >= i0) & (c[:, 0] < i1) & (c[:, 1] >= j0) & (c[:, 1] < j1)).any()
                              for c in cells):
            count += 1
    return count


class ReferencePlacer:
    def __init__(self, requests, runs, nodes, soft):
        self.runs, self.placed = runs, {}
        self.rects = GridIndex(CELL, extents=False)
        for i, r in enumerate(nodes):
            self.rects.add(("node", i), r)
        for i, r in enumerate(soft):
            self.rects.add(("soft", i), r)
        self.walks = {key: Walk(points=points) for key, points, _ in requests}
        self.sizes = {key: sizes for key, _, sizes in requests}

    def all_spots(self, key):
        return [(rect, f) for f, beside in tiers(len(self.sizes[key]))
                for rect in spots(self.walks[key], self.sizes[key][f], beside)]

    def free_spot(self, key):
        for form, beside in tiers(len(self.sizes[key])):
            best, best_cost = None, None
            for rect in spots(self.walks[key], self.sizes[key][form], beside):
                touching = [kind for kind, _ in self.rects.near(padded(rect))]
                if any(kind != "soft" for kind in touching):
                    continue
                cost = (len(touching), edges_covered(self.runs, rect, key))
                if best_cost is None or cost < best_cost:
                    best, best_cost = rect, cost
            if best is not None:
                return best, form
        return None

    def least_overlap(self, key):
        costs = [sum(overlap_area(padded(rect), o) for o in self.rects.near(padded(rect)).values())
                 for rect, _ in self.all_spots(key)]
        return self.all_spots(key)[costs.index(min(costs))]

    def put(self, key, spot):
        self.placed[key] = spot
        self.rects.add(("label", key), spot[0])

    def take(self, key):
        self.rects.remove(("label", key))
        return self.placed.pop(key)

    def push_for(self, key):
        for rect, form in self.all_spots(key):
            blockers = [b for b in self.rects.near(padded(rect)) if b[0] != "soft"]
            if not blockers or len(blockers) > MAX_PUSHED or any(kind != "label" for kind, _ in blockers):
                continue
            old = {b: self.take(b) for _, b in blockers}
            self.put(key, (rect, form))
            moved = {}
            for b in old:
                spot = self.free_spot(b)
                if spot is None:
                    break
                moved[b] = spot
                self.put(b, spot)
            if len(moved) == len(old):
                return True
            for b in moved:
                self.take(b)
            self.take(key)
            for b, r in old.items():
                self.put(b, r)
        return False


def reference_place(requests, runs, nodes, soft=(), fixed=None, preferred=None, name=str):
    """What gui.graph.labels.place_labels returns, worked out one spot at a time."""
    placer = ReferencePlacer(requests, runs, nodes, soft)
    for key, spot in (fixed or {}).items():
        placer.rects.add(("fixed", key), spot[0])
        placer.placed[key] = spot
    for key, _, _ in sorted(requests, key=lambda req: (placer.walks[req[0]].length, name(req[0]))):
        kept = (preferred or {}).get(key)
        if kept is not None and all(kind == "soft" for kind, _ in placer.rects.near(padded(kept[0]))):
            placer.put(key, kept)
        elif (spot := placer.free_spot(key)) is not None:
            placer.put(key, spot)
        elif not placer.push_for(key):
            placer.put(key, placer.least_overlap(key))
    return placer.placed
