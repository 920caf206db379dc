"""The canvas's scene: one NodeItem per model node and one EdgeItem per edge, kept in step with the model's events,
plus what the passes computed (values, adjoints, local partials) and what is highlighted.

Work is proportional to what a change touches: an edit updates the items it names, a value edit re-routes nothing,
a moved node re-routes only the edges it reaches (gui.graph.edge_layout), and new numbers are set on the items in one
batch and repainted once. What is drawn at each zoom, and where labels go, is gui.graph.detail's part.

A graph of up to SYNC_NODES nodes is brought up to date within each model event, as before. A bigger one is built,
routed and labelled a slice of at most SLICE seconds at a time (the view's surroundings first), so the window never
freezes; ``building`` and ``progress`` tell how far the build is, and ``ensure_layout()`` finishes everything at once.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from engine.graph import GraphError
from gui.graph.detail import LevelOfDetail, Layer
from gui.graph.document import GraphDocument
from gui.graph.edge_layout import EdgeLayout
from gui.graph.items import EdgeItem, NodeItem, to_scene
from gui.graph.overview import OverviewItem
from gui.graph.spatial import Rect
from gui.graph.tensor_face import TensorFace
from gui.graph.weight_mark import sync_mark
from engine.graph.tensor import value_text

SYNC_NODES = 150        # graphs up to this size (every preset) are brought up to date at once
SLICE = 0.03            # seconds of work per event-loop turn on a bigger graph
BASE_RECT = QRectF(-2000, -2000, 4000, 4000)
_FLUSH = QEvent.Type(QEvent.registerEventType())


class GraphScene(QGraphicsScene, LevelOfDetail):
    numbers_changed = Signal()      # values/adjoints were recomputed (or cleared)
    status = Signal(str)            # a message for the status bar
    progress = Signal(int, int)     # (items built, items to build) while a big graph is built
    built = Signal(bool)            # every model node and edge has its item again (True: after a whole new graph)

    def __init__(self, document: GraphDocument, parent=None):
        super().__init__(parent)
        self.document = document
        self.graph = document.graph
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.mode = "none"              # which passes to keep fresh: "none" | "forward" | "backward"
        self.values: dict[str, float] | None = None
        self.adjoints: dict[str, float] | None = None
        self.partials: dict[tuple[str, str], float] | None = None
        self.numbers_version = -1               # the graph version the numbers were computed for
        self.show_partials = True
        self.revealed: set[str] | None = None   # during the backward animation: nodes whose adjoint is known
        self.keep_clear: QRectF | None = None    # an area no label may cover (the backward animation's callout)
        self.layout = EdgeLayout()
        self.view_rect: QRectF | None = None     # the part of the scene the canvas shows, and at what zoom
        self.view_scale = 1.0
        self.region: Rect | None = None          # where labels are placed (None: nowhere)
        self.shown_labels: set[EdgeItem] = set()
        self._spots: dict = {}                   # edge → ((rect, form), route, text) of each label placed
        self._runs: tuple = (None, {})           # (region, {edge: (route, its parts in the region)})
        self._labels_dirty = True
        self._builder = None                     # the steps still to take to give every model node its item
        self._build_names: set[str] | None = None
        self._build_total = 0
        self._numbers_due = False
        self._offered = None                     # numbers computed elsewhere for this graph version
        self._flush_posted = False
        self.setBackgroundBrush(QColor("#fbfbfa"))
        self.setSceneRect(BASE_RECT)
        self.layer = Layer()
        self.addItem(self.layer)
        self.overview = OverviewItem()
        self.overview.hide()
        self.addItem(self.overview)
        self._timer = QTimer(self)   # continues a big graph's work, one slice per event-loop turn
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(lambda: self._work(time.perf_counter() + SLICE))
        self.graph.subscribe(self._on_graph_event)
        document.slots_changed.connect(self._sync_all_contents)
        self.selectionChanged.connect(self.refresh_overview)   # the overview outlines selected nodes too
        self.sync()

    def detach(self):
        self.graph.unsubscribe(self._on_graph_event)

    @property
    def small(self) -> bool:
        return len(self.graph) <= SYNC_NODES

    @property
    def building(self) -> bool:
        return self._builder is not None

    # --- following the model --------------------------------------------------------------------------------
    def _on_graph_event(self, event):
        if event.kind == "node_renamed" and event.old_name in self.nodes:
            item = self.nodes.pop(event.old_name)
            item.name = event.name
            self.nodes[event.name] = item
        if event.kind == "node_moved" and event.name in self.nodes and not self.building:
            self._place(event.name)
            self.schedule_layout()
            return
        self.sync(None if event.kind == "reset" else self._touched_by(event))

    def _touched_by(self, event) -> set[str]:
        names = {n for n in (event.name, getattr(event, "old_name", None)) if n}
        if event.kind == "node_renamed" and event.name in self.graph.nodes:
            names.update(self.graph.children(event.name))   # their formulas now show the new name
        return names

    def sync(self, names: set[str] | None = None):
        """Bring the items in line with the model: every node's contents (``names`` None) or only those named."""
        if names is None and not self.small:
            # a plain list rather than a BSP tree while a big graph's thousands of items are made and routed (the
            # tree would be rebuilt after every slice); the tree comes back once they settle (_index_when_idle)
            self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        if self._builder is not None:   # a build still under way: it restarts, covering what it covered too
            names = None if names is None or self._build_names is None else names | self._build_names
        self._build_names = names
        self._builder = self._build_steps(names)
        self._build_total = len(self.graph) + sum(len(n.parents) for n in self.graph.nodes.values()) // 2
        self._numbers_due = True
        self._after_change()

    def _build_steps(self, names: set[str] | None):
        """Items for every model node (``names`` None: a new graph) or for the nodes an event named, then the
        edges; one step per node and per two edges, so a big graph can be built a slice at a time."""
        g = self.graph
        gone = self.nodes if names is None else names
        for name in [n for n in gone if n in self.nodes and n not in g.nodes]:
            self._drop_node(name)
        for name in (g.nodes if names is None else [n for n in names if n in g.nodes]):
            if name not in self.nodes:
                item = NodeItem(name)
                self.nodes[name] = item
                item.setParentItem(self.layer)
                self.overview.stale = True
            self._place(name)
            self._sync_contents(name)
            yield 1
        for name, item in self.nodes.items():   # plain attributes: cheap to set on every node
            if item.is_output != (name == g.output):
                item.is_output = name == g.output
                self.overview.stale = True
            item.output_name = g.output or "out"
        yield from self._sync_edges()

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
        wanted = set(self.graph.edges())
        for key in [k for k in self.edges if k not in wanted or self.edges[k].key != k
                    or self.edges[k].parent_item is not self.nodes.get(k[0])
                    or self.edges[k].child_item is not self.nodes.get(k[1])]:
            self._drop_edge(key)
        # a rename changes the names an edge shows even though the items stay
        for key, edge in list(self.edges.items()):
            edge.key = key
        for n, key in enumerate(sorted(k for k in wanted if k not in self.edges)):
            edge = EdgeItem(self.nodes[key[0]], self.nodes[key[1]])
            self.edges[key] = edge
            edge.setParentItem(self.layer)
            self.layout.edge_added(edge)
            self.overview.stale = True
            if n % 2:
                yield 1

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

    # --- the passes -----------------------------------------------------------------------------------------
    def set_mode(self, mode: str):
        self.mode = mode
        self.revealed = None
        if self.building:
            self._numbers_due = True
        else:
            self.recompute()

    def offer_numbers(self, mode: str, values, partials, adjoints):
        """Numbers already computed (on a worker) for the graph as it is now: used instead of running the passes
        again, unless the graph changes first."""
        self.mode = mode
        self._offered = (self.graph.version, values, partials, adjoints)
        if not self.building:
            self.recompute()

    def recompute(self):
        """Re-run the passes the user asked for, so the numbers on screen always match the graph."""
        self._numbers_due = False
        self.values = self.adjoints = self.partials = None
        self.revealed = None
        offered, self._offered = self._offered, None
        g = self.graph
        try:
            if offered is not None and offered[0] == g.version:
                _, values, partials, adjoints = offered
                self.values, self.partials = values, partials
                self.adjoints = adjoints if self.mode == "backward" else None
            elif self.mode in ("forward", "backward") and len(g):
                self.values = g.forward()
                self.partials = g.local_partials()
                if self.mode == "backward":
                    self.adjoints = g.backward()
        except GraphError as exc:
            self.status.emit(f"Cannot compute: {exc}")
        self.numbers_version = g.version
        self.refresh_numbers()

    def refresh_numbers(self):
        """Give every item its numbers in one batch; the labels in view follow, and the view repaints once."""
        if self.graph.is_tensor:
            self._refresh_tensor_faces()
        elif any(item.tensor_face is not None for item in self.nodes.values()):
            for item in self.nodes.values():
                item.tensor_face = None
        values, adjoints, revealed = self.values or {}, self.adjoints, self.revealed
        for name, item in self.nodes.items():
            item.value = values.get(name)
            shown = adjoints is not None and (revealed is None or name in revealed)
            item.adjoint = adjoints.get(name) if shown else None
            if item.tensor_face is not None:   # arrays: the face draws them, the tooltip has the numbers
                item.setToolTip(self._tooltip(name))
        partials = self.partials if self.show_partials else None
        for key, edge in self.edges.items():
            edge.set_partial(partials.get(key) if partials else None)
        self._labels_dirty = True
        self._place_labels_when_ready()
        self.update()
        self.numbers_changed.emit()

    def _refresh_tensor_faces(self):
        """Every node of a graph holding tensors gets a face: its shape, value and (as revealed) adjoint."""
        for name, item in self.nodes.items():
            face = item.tensor_face = TensorFace(self.graph.shape(name))
            face.value = self.values.get(name) if self.values else None
            shown = self.adjoints is not None and (self.revealed is None or name in self.revealed)
            face.adjoint = self.adjoints.get(name) if shown else None

    def set_keep_clear(self, rect: QRectF | None):
        """Keep the labels off ``rect`` (None: nowhere), placing them again if that changes anything."""
        if rect != self.keep_clear:
            self.keep_clear = rect
            self._labels_dirty = True
            self._place_labels_when_ready()

    def set_show_partials(self, shown: bool):
        self.show_partials = shown
        self.refresh_numbers()

    # --- doing the work -------------------------------------------------------------------------------------
    def _after_change(self):
        if self.small:
            self._work(None)
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
        self._timer.start()

    def ensure_layout(self, labels: bool = True):
        """Finish the build, the routes and (``labels``) the labels at once (before exporting or measuring); labels
        are then placed over the whole graph."""
        self._timer.stop()
        self._work(None, everywhere=labels)

    def _work(self, deadline: float | None, everywhere: bool = False):
        """Build, compute, route and label, until ``deadline`` (None: until done); then continue next turn."""
        if self._builder is not None and not self._build(deadline):
            return self._continue()
        if self._numbers_due:
            self.recompute()
        routed = self.layout.run(deadline, self._label_rect())
        if routed:
            self._labels_dirty = True
        if everywhere:
            self.region = None
            self._labels_dirty = True
        self._place_labels_when_ready(everywhere)
        if self.overview.isVisible() and self.overview.stale:
            self.overview.rebuild(self.nodes.values(), self.edges.values())
        if not self.layout.pending:
            self.fit_scene_rect()
            if self.itemIndexMethod() != QGraphicsScene.ItemIndexMethod.BspTreeIndex:
                self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)   # draws only what is seen
        self._continue()

    def _continue(self):
        if self.building or self.layout.pending:
            self._timer.start()

    def _build(self, deadline: float | None) -> bool:
        done = 0
        for step in self._builder:
            done += step
            if deadline is not None and time.perf_counter() >= deadline:
                self.progress.emit(min(done, self._build_total), self._build_total)
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

    # --- highlighting ---------------------------------------------------------------------------------------
    def highlight(self, nodes=(), edges=()):
        nodes, edges = set(nodes), set(edges)
        changed = False
        for name, item in self.nodes.items():
            if item.highlighted != (name in nodes):
                item.highlighted = name in nodes
                item.update()
                changed = True
        for key, edge in self.edges.items():
            if edge.highlighted != (key in edges):
                edge.set_state(highlighted=key in edges)
                changed = True
        if changed:
            self.refresh_overview()
    def highlighted_items(self) -> tuple[set[str], set[tuple[str, str]]]:
        return ({n for n, i in self.nodes.items() if i.highlighted},
                {k for k, e in self.edges.items() if e.highlighted})

    def node_at(self, scene_pos: QPointF) -> NodeItem | None:
        for item in self.items(scene_pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def nodes_bounding_rect(self):
        if not self.nodes:
            return None
        xs = [i.pos().x() for i in self.nodes.values()]
        ys = [i.pos().y() for i in self.nodes.values()]
        first = next(iter(self.nodes.values())).boundingRect()
        return QRectF(QPointF(min(xs) + first.left(), min(ys) + first.top()),
                      QPointF(max(xs) + first.right(), max(ys) + first.bottom()))

    def nodes_moved(self):
        """Nodes were dragged: route again what they reach (on the next event-loop turn)."""
        for item in self.selectedItems():
            if isinstance(item, NodeItem):
                self.layout.node_placed(item)
        self.overview.stale = True
        self.schedule_layout()
