"""Giving every model node and edge its item, and doing a big graph's work a slice at a time (a part of GraphScene,
kept apart for size).

A graph of up to SYNC_NODES nodes is brought up to date within each model event, but for the labels that do not fit
in LABEL_TURN seconds (placed over the next turns, as a big graph's are). A bigger one is built, its numbers
computed, the edges near the view routed, the view's labels placed and the other edges routed, in that order, a
slice of at most SLICE seconds per event-loop turn (each stage is a generator that yields between small steps and is
resumed next turn), so the window keeps painting and taking input; ``building`` and ``progress`` tell how far the
build is, and ``ensure_layout()`` finishes everything at once.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF
from PySide6.QtWidgets import QGraphicsScene

from engine.graph.tensor import value_text
from gui.garbage import freeze_settled, postpone_full_collection
from gui.graph import routing
from gui.graph.items import EdgeItem, NodeItem, to_scene
from gui.graph.long_edges import RoutedEdge
from gui.graph.weight_mark import sync_mark
from gui.graph.slices import SLICE, shared
from gui.graph.spatial import overlaps

SYNC_NODES = 60         # graphs up to this size (every preset but the 60-layer one) are brought up to date at once
LABEL_TURN = 0.03       # ... but for their labels: those not placed within this many seconds follow over the next turns
BADGE_EVERY = 0.25      # seconds between two counts of the edges left to route
BASE_RECT = QRectF(-2000, -2000, 4000, 4000)
_FLUSH = QEvent.Type(QEvent.registerEventType())


def _freeze(_deadline: float) -> bool:
    """A big graph has settled: its objects are frozen (gui.garbage), in the slice queue's turn."""
    freeze_settled()
    return False


def run_steps(steps, deadline: float | None) -> tuple[bool, object]:
    """Resume the generator ``steps`` until it returns (True, what it returned) or ``deadline`` passes (False)."""
    try:
        while True:
            next(steps)
            if deadline is not None and time.perf_counter() >= deadline:
                return False, None
    except StopIteration as stop:
        return True, stop.value


class SceneBuild:
    """Mixed into GraphScene: uses its graph, document, nodes, edges, layout, overview, layer and level of detail."""

    @property
    def small(self) -> bool:
        return len(self.graph) <= SYNC_NODES

    @property
    def building(self) -> bool:
        return self._builder is not None

    def sync(self, names: set[str] | None = None):
        """Bring the items in line with the model: every node's contents (``names`` None) or only those named."""
        if names is None and not self.small:
            # a plain list rather than a BSP tree for a big graph's thousands of items: the tree would be rebuilt
            # after every slice of routes (and building it once they settle froze the window for 100-300 ms),
            # while Qt goes through the list (its bounding rects answered in C++) in a few milliseconds a paint
            self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        if self._builder is not None:   # a build still under way: it restarts, covering what it covered too
            names = None if names is None or self._build_names is None else names | self._build_names
        self._build_names = names
        if names is None:
            self._edges_for = None   # a whole new graph: every edge checked again
            self._freeze_when_settled = not self.small   # a big new one is frozen once it has settled
        self._builder = self._build_steps(names)
        if names is None or self._edges_for != self.graph.structure_version:   # edges to build: count them
            self._build_total = len(self.graph) + sum(len(n.parents) for n in self.graph.nodes.values()) // 2
        else:   # a value edit: only the named nodes' contents
            self._build_total = len(names)
        self._build_done = 0
        self._labeller, self._labels_dirty = None, True   # placed again once the items are in step
        self._numbers_due = True
        self._after_change()
        self.mark_stale()   # a big graph's numbers come a moment later: greyed meanwhile

    def _build_steps(self, names: set[str] | None):
        """Items for every model node (``names`` None: a new graph) or for the nodes an event named, then the
        edges; one step per node and per two edges, so a big graph can be built a slice at a time."""
        g = self.graph
        gone = self.nodes if names is None else names
        for name in [n for n in gone if n in self.nodes and n not in g.nodes]:
            self._drop_node(name)
        for name in (g.nodes if names is None else [n for n in names if n in g.nodes]):
            if name not in self.nodes:
                item = NodeItem(name, self.board)
                self.nodes[name] = item
                item.setParentItem(self.layer)
                self.overview.stale = True
            self._place(name)
            self._sync_contents(name)
            self._build_done += 1
            yield
        if self._edges_for == g.structure_version:
            return   # a value edit: the edges and the output are as they were
        for name, item in self.nodes.items():   # plain attributes: cheap to set on every node
            if item.is_output != (name == g.output):
                item.is_output = name == g.output
                self.overview.stale = True
            item.output_name = g.output or "out"
        yield from self._sync_edges()
        self._edges_for = g.structure_version

    def _place(self, name: str):
        where = to_scene(self.graph.nodes[name].pos)
        item = self.nodes[name]
        if item.pos() != where:
            item.setPos(where)
            self.overview.stale = True
        self.layout.node_placed(item)

    def _drop_node(self, name: str):
        item = self.nodes.pop(name)
        for edge in list(item.edges):
            self._drop_edge(edge.key)
        self.layout.node_removed(item)
        self.removeItem(item)
        self.overview.stale = True

    def _sync_edges(self):
        """Drop the edge items no longer wanted, then add the new ones in name order (a generator: each pass over
        a big graph's 8,000 edges is a step of its own)."""
        yield
        wanted = set(self.graph.edges())
        yield
        for key in [k for k in self.edges if k not in wanted or self.edges[k].key != k
                    or self.edges[k].parent_item is not self.nodes.get(k[0])
                    or self.edges[k].child_item is not self.nodes.get(k[1])]:
            self._drop_edge(key)
        # a rename changes the names an edge shows even though the items stay
        for key, edge in list(self.edges.items()):
            edge.key = key
        yield
        new = [k for k in wanted if k not in self.edges]
        yield
        for n, key in enumerate(sorted(new)):
            edge = RoutedEdge(self.nodes[key[0]], self.nodes[key[1]])
            self.edges[key] = edge
            edge.setParentItem(self.layer)
            self.layout.edge_added(edge)
            self.overview.stale = True
            if n % 2:
                self._build_done += 1
                yield

    def _drop_edge(self, key):
        edge = self.edges.pop(key, None)
        if edge is None:
            return
        for end in (edge.parent_item, edge.child_item):
            if edge in end.edges:
                end.edges.remove(edge)
        self.layout.edge_removed(edge)
        self.overview.stale = True
        self.shown_labels.discard(edge)
        self._spots.pop(edge, None)
        self._runs[1].pop(edge, None)
        edge.drop_label()
        self.removeItem(edge)

    def _sync_all_contents(self):
        for name in self.nodes:
            self._sync_contents(name)
        self.update()

    def _sync_contents(self, name: str):
        g, slots, item = self.graph, self.document.slots, self.nodes[name]
        node, role = g.nodes[name], item.role
        if node.is_input:
            item.role, item.content = "input", f"= {value_text(node.value)}"
        else:
            is_constant = not node.parents
            item.role = "constant" if is_constant and name not in slots else "formula"
            item.content = slots[name].display() if name in slots else node.formula
        item.setToolTip(self._tooltip(name))
        sync_mark(item, node)
        if item.role != role:
            self.overview.stale = True   # the overview shows roles (and positions), not values or formulas

    def _tooltip(self, name: str) -> str:
        node = self.graph.nodes[name]
        if item_face := self.nodes[name].tensor_face:
            return item_face.tooltip(name, self.graph.output or "out")
        if node.is_input:
            return f"{name}: input = {value_text(node.value)}\nDouble-click the name to rename, the body to change the value"
        hint = "\nDrag node outputs here to fill the empty operands" if name in self.document.slots else ""
        return f"{name} = {node.formula}\nDouble-click the name to rename, the body to edit the formula{hint}"

    # --- doing the work -------------------------------------------------------------------------------------
    @contextmanager
    def built_in_slices(self):
        """Within the block a graph of any size is built a slice per turn: a file opened into a hidden tab is
        built by the open's own wait (which keeps the event loop turning), so the turn that then shows the tab does
        not also build, route and label it (a new 40-node graph: ~70 ms of work and ~45 ms of painting in one)."""
        self._slicing = True
        try:
            yield
        finally:
            self._slicing = False

    def _after_change(self):
        if self.small and not self._slicing:
            self._work(None, time.perf_counter() + LABEL_TURN)
        elif not self._flush_posted:
            self._flush_posted = True
            QCoreApplication.postEvent(self, QEvent(_FLUSH))   # before the repaint (a low-priority event)

    def event(self, event):
        if event.type() == _FLUSH:
            self._flush_posted = False
            self._work(time.perf_counter() + SLICE)
            return True
        return super().event(event)

    def schedule_layout(self):
        shared().want(self._slice)

    def _slice(self, deadline: float) -> bool:
        """The scene's turn in the queue of slices (gui.graph.slices): its work until ``deadline``; it queues
        itself again while work is left."""
        if shiboken6.isValid(self):   # not a scene deleted meanwhile
            self._work(deadline)
        return False

    def ensure_layout(self, labels: bool = True):
        """Finish the build, the routes and (``labels``) the labels at once (before measuring); labels are then
        placed over the whole graph."""
        shared().drop(self._slice)
        self.finish_layout(labels, None)

    def finish_layout(self, labels: bool, deadline: float | None) -> bool:
        """Work towards every item built, every edge routed and (``labels``) every label placed, not only the
        view's, until ``deadline`` (None: until done); True once all is done (exporting calls it once per
        event-loop turn). Until then the scene's own slices work towards the same."""
        if labels and not self._everywhere:
            self._everywhere = True
            self.region, self._labels_dirty = None, True
        self._work(deadline)
        if deadline is not None:
            shared().drop(self._slice)   # the caller gives the next slice: one per turn, not its and the scene's
        done = not (self.building or self.layout.pending or self._labeller is not None or
                    self._everywhere and self._labels_dirty)
        if done:
            self._everywhere = False   # the view's own labels are placed again when it moves
        return done

    def stop_finishing(self):
        """An export was cancelled: back to placing only the view's labels."""
        if self._everywhere:
            self._everywhere, self._labeller = False, None
            self.region, self._labels_dirty = None, True
            self.schedule_layout()

    def _work(self, deadline: float | None, labels_by: float | None = None):
        """Build, compute, route near the view, label it, route the rest, until ``deadline`` (None: until done), the
        labels until ``labels_by`` if that is sooner; whatever is left continues next turn."""
        self._working = True
        try:
            self._stages(deadline, self._everywhere, labels_by or deadline)
        finally:
            self._working = False
        self._continue()

    def _stages(self, deadline: float | None, everywhere: bool, labels_by: float | None):
        late = lambda: deadline is not None and time.perf_counter() >= deadline  # noqa: E731
        if self._builder is not None and not self._build(deadline):
            return
        if self._numbers_due:
            self.recompute()
        region = None if everywhere else self._label_rect()
        if region is not None and not late():
            self._routed(self.layout.run(deadline, region, near_only=True))
        self._place_labels_when_ready(everywhere)
        if self._labeller is not None and (late() or not self._label(labels_by)):
            return
        if not late():
            self._routed(self.layout.run(deadline, region))
            self._place_labels_when_ready(everywhere)
            if self._labeller is not None and not self._label(labels_by):
                return
        if self.overview.isVisible() and self.overview.stale:
            self.overview.rebuild(self.nodes.values(), self.edges.values())
        if not self.layout.pending:
            self.fit_scene_rect()

    def _routed(self, edges: list[EdgeItem]):
        """New routes: the labels are placed again if one of them runs near the labels' region (or had a label)."""
        region = self.region if self.region is not None else self._label_rect()
        if any(region is None or edge in self.shown_labels or overlaps(region, routing.bounds(edge.route))
               for edge in edges):
            self._labels_dirty = True

    def _continue(self):
        if self.building or self.layout.pending or self._labeller is not None:
            self.schedule_layout()
            postpone_full_collection()   # its pause would join a slice and a paint in one turn
        elif self._freeze_when_settled:
            self._freeze_when_settled = False
            shared().want(_freeze)   # out of the collector's walks from now on, in a turn of its own (no slice's)
        if self.building:
            return   # the edges are still being made (an open shows its own progress): counted once they all are
        left, now = 0 if self.small else len(self.layout.dirty), time.perf_counter()
        # the busy badge says how many edges are left: a few times a second (its repaint repaints the canvas under
        # it, ~10 ms on a big graph), at once when routing starts or ends
        if left != self._routing_left and (not left or not self._routing_left or now >= self._routing_told + BADGE_EVERY):
            self._routing_left, self._routing_told = left, now
            self.routing.emit(left, len(self.edges))

    def _build(self, deadline: float | None) -> bool:
        done, _ = run_steps(self._builder, deadline)
        if not done:
            self.progress.emit(min(self._build_done, self._build_total), self._build_total)
            return False
        self._builder = None
        self.fit_scene_rect()
        self._apply_level()
        self.built.emit(self._build_names is None)
        return True

    def fit_scene_rect(self):
        """The scene reaches as far as the nodes and the routes (with a margin to scroll into), and no less than
        BASE_RECT."""
        bounds = self.layout.bounds()
        rect = QRectF(BASE_RECT)
        if bounds is not None:
            rect = rect.united(QRectF(QPointF(bounds[0], bounds[1]), QPointF(bounds[2], bounds[3]))
                               .adjusted(-600, -600, 600, 600))
        if rect != self.sceneRect():
            self.setSceneRect(rect)
