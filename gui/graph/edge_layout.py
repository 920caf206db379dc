"""Where the scene's edges run, recomputed only where a change reaches.

The layout keeps the node rectangles in a grid index (routing asks it which nodes an edge might pass under), the
bounds of every route in a coarser one (so a moved node finds the edges it now lies across or no longer blocks), and
the detour lanes in use. A change marks edges *dirty*: a moved node its own edges and those whose bounds it enters or
leaves, a new or removed edge itself and its child's other incoming edges (their arrival slots shift). A value edit
marks nothing. :meth:`EdgeLayout.run` routes dirty edges, nearest the view first, until a deadline, so a big graph is
routed a slice at a time while the window stays responsive.

Each node's incoming edges arrive spread down its left side, in the order of the heights they approach from, so they
do not cross on arrival. The order is predicted from where each edge leaves its parent and checked once the edges are
routed; only the edges of a node whose order turned out different are routed again.
"""
from __future__ import annotations

import time

from gui.graph import routing
from gui.graph.items import NODE_HEIGHT, NODE_WIDTH, EdgeItem, NodeItem
from gui.graph.spatial import GridIndex, Rect, grown, overlaps

NODE_CELL = 256.0    # about one node per cell
BOX_CELL = 4096.0    # route segments are long (a detour's lane may cross the graph): coarse cells keep them few
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
        self.boxes = GridIndex(BOX_CELL)      # (EdgeItem, i) → the bounds of its route's i-th segment
        self._segments: dict[EdgeItem, int] = {}   # how many segments each routed edge has in ``boxes``
        self._rerouting: set[EdgeItem] = set()      # dirty edges that have a route already (it may be in view)
        self.lanes = routing.Lanes()
        self.dirty: set[EdgeItem] = set()
        self.unchecked: set[NodeItem] = set()   # nodes whose arrival order is to be checked once routed
        self._queue: list[EdgeItem] = []        # dirty edges, the next to route last
        self._queued_for: tuple | None = None   # (marks, near) the queue was sorted for
        self._priorities: dict[EdgeItem, tuple] = {}   # each queued edge's place in the queue, for ``_keyed_for``
        self._keyed_for: Rect | None = None
        self._checking = False                  # a check of arrival orders is under way (see _check_slots)
        self._marks = 0                         # counts additions to ``dirty``
        self.moves = 0                          # counts node rects added, moved or removed

    def _mark(self, edges) -> None:
        edges = set(edges)
        for edge in edges:   # its ends may have moved: its place in the queue is worked out again
            self._priorities.pop(edge, None)
        self.dirty |= edges
        self._rerouting |= {e for e in edges if e in self._segments}
        self._marks += 1

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
        self._priorities.pop(edge, None)
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
            if self._checking or not self.dirty:   # a check begun is finished first: the routes do not depend
                self._check_slots(deadline)         # on where a slice ended
                if deadline is not None and time.perf_counter() >= deadline:
                    return routed
                continue
            queue = self._order(near)
            while queue:
                edge = queue.pop()
                if edge not in self.dirty:
                    continue
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
        if self._queued_for == (self._marks, rect):   # the queue is sorted for this rect: near ones come first
            queue = self._queue
            while queue and queue[-1] not in self.dirty:
                queue.pop()
            if not queue or not overlaps(rect, _straight_box(*self._ends(queue[-1]))):
                return any(overlaps(rect, routing.bounds(e.route)) for e in self._rerouting)
            return True
        return any(overlaps(rect, _straight_box(*self._ends(e)))
                   or (e in self._segments and overlaps(rect, routing.bounds(e.route))) for e in self.dirty)

    def _order(self, near: Rect | None) -> list[EdgeItem]:
        """The dirty edges, those whose straight line crosses ``near`` first, then by name; sorted again only when
        edges were added or the view moved (routing takes them from the front). Each edge's place is kept while
        the view stays, so newly marked edges cost their own places, not all 8,000 again."""
        wanted = (self._marks, near)
        if self._queued_for != wanted or not self._queue:
            self._queued_for = wanted
            if near != self._keyed_for:
                self._priorities, self._keyed_for = {}, near
            places = self._priorities
            for edge in self.dirty:
                if edge not in places:
                    places[edge] = edge.key if near is None else \
                        (not overlaps(near, _straight_box(*self._ends(edge))), edge.key)
            self._queue = sorted(self.dirty, key=places.__getitem__, reverse=True)   # taken from the end
        return self._queue

    def _route(self, edge: EdgeItem) -> None:
        self.dirty.discard(edge)
        self._priorities.pop(edge, None)
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
        self._checking = True
        for node in sorted(self.unchecked, key=lambda n: n.name):
            if deadline is not None and time.perf_counter() >= deadline:
                return
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
        self._checking = False

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
