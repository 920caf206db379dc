"""Where the scene's edges run, recomputed only where a change reaches.

The layout keeps the node rectangles in a grid index (routing asks it which nodes an edge might pass under), the
bounds of every route in a coarser one (so a moved node finds the edges it now lies across or no longer blocks), and
the detour lanes in use. A change marks edges *dirty*: a moved node its own edges and those whose bounds it enters or
leaves, a new or removed edge itself and its child's other incoming edges (their arrival slots shift). A value edit
marks nothing. :meth:`EdgeLayout.run` routes dirty edges, nearest the view first, until a deadline, so a big graph is
routed a slice at a time while the window stays responsive. The dirty edges wait on heaps by name and in a grid index
of their straight lines, so taking the next, finding those near the view and asking whether any is left there cost
a few edges each, not a pass over all 8,000 of a big graph (those passes took 10–25 ms of a slice).

Each node's incoming edges arrive spread down its left side, in the order of the heights they approach from, so they
do not cross on arrival. The order is predicted from where each edge leaves its parent and checked once the edges are
routed; only the edges of a node whose order turned out different are routed again.
"""
from __future__ import annotations

import heapq
import itertools
import time

from gui.graph import routing
from gui.graph.items import NODE_HEIGHT, NODE_WIDTH, EdgeItem, NodeItem
from gui.graph.spatial import GridIndex, Rect, grown, overlaps

NODE_CELL = 256.0    # about one node per cell
BOX_CELL = 4096.0    # route segments are long (a detour's lane may cross the graph): coarse cells keep them few
FEW = 64             # edges to re-route that pending_near tests one by one (more: it asks the index of routes)
MARGIN = 3.0         # a node's bounding rect reaches this far beyond its body (left, top, bottom)


def item_rect(item) -> Rect:
    r = item.sceneBoundingRect()
    return r.left(), r.top(), r.right(), r.bottom()


def _straight_box(start, end) -> Rect:
    return min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1])


def incoming(node: NodeItem) -> list[EdgeItem]:
    return [e for e in node.edges if e.child_item is node]


class EdgeLayout:
    def __init__(self):
        self.nodes = GridIndex(NODE_CELL)     # NodeItem → its scene bounding rect
        self.boxes = GridIndex(BOX_CELL, extents=False)   # (EdgeItem, i) → the bounds of its route's i-th segment
        self.waiting = GridIndex(BOX_CELL, extents=False)  # each dirty edge → the box of its straight line
        self._segments: dict[EdgeItem, int] = {}   # how many segments each routed edge has in ``boxes``
        self._rerouting: set[EdgeItem] = set()      # dirty edges that have a route already (it may be in view)
        self.lanes = routing.Lanes()
        self.dirty: set[EdgeItem] = set()
        self.unchecked: set[NodeItem] = set()   # nodes whose arrival order is to be checked once routed
        # the dirty edges by name, as heaps of (key, push count, edge); one that is no longer dirty is skipped when
        # it comes up (an edge marked twice is in twice): every edge, and those whose line crosses ``_near_for``
        self._heap: list = []
        self._near_heap: list = []
        self._near_for: Rect | None = None
        self._pushes = itertools.count()
        self._checklist: list[NodeItem] | None = None   # nodes still to check, the next last (see _check_slots)
        self.moves = 0                          # counts node rects added, moved or removed

    def _mark(self, edges) -> None:
        edges = set(edges)
        for edge in edges:   # its ends may have moved: its straight line's box is worked out again
            box = _straight_box(*self._ends(edge))
            self.waiting.add(edge, box)
            entry = (edge.key, next(self._pushes), edge)
            heapq.heappush(self._heap, entry)
            if self._near_for is not None and overlaps(self._near_for, box):
                heapq.heappush(self._near_heap, entry)
        self.dirty |= edges
        self._rerouting |= {e for e in edges if e in self._segments}

    def _ends(self, edge: EdgeItem) -> tuple[tuple[float, float], tuple[float, float]]:
        """Where the edge leaves its parent and reaches its child, from the indexed node rects (no Qt calls)."""
        p, c = self.nodes.owned[edge.parent_item], self.nodes.owned[edge.child_item]
        top = c[1] + MARGIN
        return (p[0] + MARGIN + NODE_WIDTH, p[1] + MARGIN + NODE_HEIGHT / 2), \
            (c[0] + MARGIN, top + NODE_HEIGHT * (edge.slot[0] + 1) / (edge.slot[1] + 1))

    @property
    def pending(self) -> bool:
        return bool(self.dirty or self.unchecked)

    # --- what changed ---------------------------------------------------------------------------------------
    def node_placed(self, node: NodeItem) -> None:
        """A node was added or moved: its edges, and the edges whose routes it now blocks or frees, are dirty."""
        old, new = self.nodes.get(node), item_rect(node)
        if old == new:
            return
        self.moves += 1
        self.nodes.add(node, new)
        for rect in (old, new):
            if rect is not None:
                self._mark(self._near(grown(rect, routing.CLEARANCE)))
        self._mark(node.edges)
        self.unchecked.add(node)
        self.unchecked.update(e.child_item for e in node.edges if e.parent_item is node)

    def node_removed(self, node: NodeItem) -> None:
        old = self.nodes.get(node)
        self.nodes.remove(node)
        self.moves += 1
        self.unchecked.discard(node)
        if old is not None:
            self._mark(self._near(grown(old, routing.CLEARANCE)))

    def edge_added(self, edge: EdgeItem) -> None:
        self._mark([edge])
        self.reslot(edge.child_item)

    def edge_removed(self, edge: EdgeItem) -> None:
        self.dirty.discard(edge)
        self.waiting.remove(edge)
        self._rerouting.discard(edge)
        self._unbox(edge)
        self.lanes.remove(edge)
        if edge.child_item.scene() is not None:
            self.reslot(edge.child_item)

    def reslot(self, node: NodeItem) -> None:
        """Give the node's incoming edges the arrival order their routes (or, unrouted, their starts) predict."""
        edges = incoming(node)
        edges.sort(key=self._arrival)
        for i, edge in enumerate(edges):
            if edge.slot != (i, len(edges)):
                edge.slot = (i, len(edges))
                self._mark([edge])
        self.unchecked.add(node)

    def _arrival(self, edge: EdgeItem) -> tuple:
        """(the height it approaches from, where it starts, its parent's name): its routed approach, or unrouted,
        the height it leaves its parent at."""
        start = self._ends(edge)[0]
        if edge.route and edge not in self.dirty and edge in self._segments:
            return edge.route[-1][0][1], start[0], edge.key[0]
        return start[1], start[0], edge.key[0]

    # --- routing --------------------------------------------------------------------------------------------
    def run(self, deadline: float | None = None, near: Rect | None = None, near_only: bool = False) -> list[EdgeItem]:
        """Route dirty edges (those whose straight line crosses ``near`` first, then in name order) until
        ``deadline`` (a perf_counter time; None: until done), or (``near_only``) until none near ``near`` is left.
        Returns the edges given new routes."""
        routed: list[EdgeItem] = []
        while self.pending:
            if near_only and not self.pending_near(near):
                return routed
            if self._checklist is not None or not self.dirty:   # a check begun is finished first: the routes do
                self._check_slots(deadline)                      # not depend on where a slice ended
                if deadline is not None and time.perf_counter() >= deadline:
                    return routed
                continue
            while (edge := self._next(near)) is not None:
                self._route(edge)
                routed.append(edge)
                if deadline is not None and time.perf_counter() >= deadline:
                    return routed
                if near_only and not self.pending_near(near):
                    return routed
        return routed

    def pending_near(self, rect: Rect) -> bool:
        """Whether an edge that may cross ``rect`` is still to be routed (an edge's old route, if it had one, may
        cross it too)."""
        if self.waiting.any_near(rect):
            return True
        if len(self._rerouting) < FEW:
            boxes = self.boxes.owned
            return any(overlaps(rect, boxes[edge, i]) for edge in self._rerouting for i in range(self._segments[edge]))
        return any(owner[0] in self._rerouting for owner in self.boxes.near(rect))

    def _next(self, near: Rect | None) -> EdgeItem | None:
        """The dirty edge to route next, taken off its heap: those whose straight line crosses ``near`` first, then
        by name. The near ones are found through the index of straight lines when the view moves, not by testing
        all 8,000."""
        if near != self._near_for:
            self._near_for = near
            self._near_heap = [] if near is None else \
                [(edge.key, next(self._pushes), edge) for edge in self.waiting.near(near)]
            heapq.heapify(self._near_heap)
        for heap in (self._near_heap, self._heap):
            while heap:
                edge = heapq.heappop(heap)[2]
                if edge in self.dirty and (heap is self._heap or overlaps(near, self.waiting.owned[edge])):
                    return edge
        return None

    def _route(self, edge: EdgeItem) -> None:
        self.dirty.discard(edge)
        self.waiting.remove(edge)
        self._rerouting.discard(edge)
        start, end = self._ends(edge)
        path = routing.route(start, end, self.nodes, (edge.parent_item, edge.child_item), self.lanes, edge)
        edge.set_route(path)
        self._unbox(edge)
        for i, segment in enumerate(path):
            self.boxes.add((edge, i), routing.bounds([segment]))
        self._segments[edge] = len(path)

    def _unbox(self, edge: EdgeItem) -> None:
        for i in range(self._segments.pop(edge, 0)):
            self.boxes.remove((edge, i))

    def _near(self, rect: Rect) -> set[EdgeItem]:
        return {owner[0] for owner in self.boxes.near(rect)}

    def _check_slots(self, deadline: float | None = None) -> None:
        """Once a node's incoming edges are routed, put them in the order they actually arrive in; route again
        only those whose slot changed (once: the node is not checked again until something moves). Stops at
        ``deadline``: the nodes left are checked next time, before any edge is routed again."""
        if self._checklist is None:   # by name, the next last (sorted once per check, not once per slice)
            self._checklist = sorted(self.unchecked, key=lambda n: n.name, reverse=True)
        checklist = self._checklist
        while checklist:
            if deadline is not None and time.perf_counter() >= deadline:
                return
            node = checklist.pop()
            edges = incoming(node)
            if any(e in self.dirty for e in edges):
                continue
            self.unchecked.discard(node)
            edges.sort(key=self._arrival)
            for i, edge in enumerate(edges):
                if edge.slot != (i, len(edges)):
                    edge.slot = (i, len(edges))
                    self._mark([edge])
        self.unchecked &= {e.child_item for e in self.dirty}
        self._checklist = None

    def routes_near(self, rect: Rect) -> list[EdgeItem]:
        """The routed edges with a segment whose bounds overlap ``rect``."""
        return list(self._near(rect))

    def bounds(self) -> Rect | None:
        """Around every node and route (each index keeps its own until it changes: a value edit asks for free)."""
        rects = [r for r in (self.boxes.bounds(), self.nodes.bounds()) if r is not None]
        if not rects:
            return None
        return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects),
                max(r[3] for r in rects))
