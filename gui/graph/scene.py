"""The canvas's scene: one NodeItem per model node and one EdgeItem per edge, kept in step with the model's events,
plus what the passes computed (values, adjoints, local partials) and what is highlighted.

Work is proportional to what a change touches: an edit updates the items it names, a value edit re-routes nothing,
a moved node re-routes only the edges it reaches (gui.graph.edge_layout), and new numbers are set on the items in one
batch and repainted once. Building the items and doing a big graph's work a slice at a time is gui.graph.build's
part; what is drawn at each zoom, and where labels go, is gui.graph.detail's.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from engine.graph import GraphError
from gui.graph.background import BackgroundPasses
from gui.graph.build import BASE_RECT, SYNC_NODES, SceneBuild  # noqa: F401 - SYNC_NODES: for the panels
from gui.graph.detail import LevelOfDetail, Layer
from gui.graph.document import GraphDocument
from gui.graph.edge_layout import EdgeLayout
from gui.graph.items import EdgeItem, NodeItem, Numbers
from gui.graph.overview import OverviewItem
from gui.graph.spatial import Rect
from gui.graph.tensor_face import TensorFace

STALE_AFTER_MS = 100   # outdated numbers are greyed once they have been on screen this long


class GraphScene(SceneBuild, LevelOfDetail, QGraphicsScene):
    numbers_changed = Signal()      # values/adjoints were recomputed (or cleared)
    numbers_stale = Signal(bool)    # the numbers shown became those of an earlier graph (True) or current (False)
    routing = Signal(int, int)      # (edges still to route, edges) after a big graph's slice of work
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
        self._lit: tuple[set, set] = (set(), set())   # the node names and edge keys last highlighted
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
        self._edges_for: int | None = None        # the structure_version the edge items were last brought to
        self._routing_left = 0                   # the edges left to route, as last announced
        self._routing_told = 0.0                 # when (perf_counter) it was announced
        self._stale_timer = QTimer(self)         # numbers still outdated this long after an edit are greyed
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(STALE_AFTER_MS)
        self._stale_timer.timeout.connect(lambda: self._set_stale(self.numbers_outdated))
        self._build_total = 0
        self._build_done = 0
        self._labeller = None                    # the labels still to place (a generator, resumed each slice)
        self._labels_held = 0                    # within labels_held(): labels wait (detail.py)
        self._working = False                    # within _work, whose slices drive the builder and the labeller
        self._everywhere = False                 # labels are being placed over the whole graph (for an export)
        self._numbers_due = False
        self._offered = None                     # numbers computed elsewhere for this graph version
        self._flush_posted = False
        self._slicing = False                    # within built_in_slices(): even a small graph is (build.py)
        self._freeze_when_settled = False        # a big new graph's objects are frozen once it settles (build.py)
        self.board = Numbers()                   # what every item reads its numbers from (values, adjoints...)
        self._faces = False                      # the node items have tensor faces
        self.passes = BackgroundPasses(self)     # a big graph's passes after an edit, on a worker thread
        self.passes.finished.connect(self._on_background_numbers)
        self.setBackgroundBrush(QColor("#fbfbfa"))
        self.setSceneRect(BASE_RECT)
        self.layer = Layer()
        self.addItem(self.layer)
        self.overview = OverviewItem()
        self.overview.hide()
        self.addItem(self.overview)
        self.graph.subscribe(self._on_graph_event)
        document.slots_changed.connect(self._sync_all_contents)
        self.selectionChanged.connect(self.refresh_overview)   # the overview outlines selected nodes too
        self.sync()

    def detach(self):
        self.graph.unsubscribe(self._on_graph_event)

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

    # --- the passes -----------------------------------------------------------------------------------------
    def set_mode(self, mode: str):
        """Keep ``mode``'s passes fresh ("none" | "forward" | "backward"); a pass the user asks for is shown at
        once (after the build, while a big graph is being built)."""
        self.mode = mode
        self.revealed = None
        if self.building:
            self._numbers_due = True
        else:
            self.recompute(background=False)

    def offer_numbers(self, mode: str, values, partials, adjoints):
        """Numbers already computed (on a worker) for the graph as it is now: used instead of running the passes
        again, unless the graph changes first."""
        self.mode = mode
        self._offered = (self.graph.version, values, partials, adjoints)
        if not self.building:
            self.recompute()

    @property
    def numbers_current(self) -> bool:
        """Whether the numbers shown are those of the graph as it is (none still to compute or on their way)."""
        return not self._numbers_due and not self.passes.busy

    def recompute(self, background: bool = True):
        """Re-run the passes the user asked for, so the numbers on screen always match the graph. They run here
        when they are cheap: a small graph, or a big one whose formulas are compiled already (a value edit, most
        structural edits: about 1 ms per 1,000 nodes). After an edit of a big scalar graph that needs compiling
        (``background``) they run on a worker: the items keep the numbers they show, greyed, until the new ones
        arrive (``numbers_current`` tells), and a burst of edits costs one more pass."""
        self._numbers_due = False
        offered, self._offered = self._offered, None
        g = self.graph
        wanted = self.mode in ("forward", "backward") and len(g)
        if offered is None and wanted and background and not self.small and not g.is_tensor \
                and not g.passes_laid_out():
            self.passes.request(g, self.mode)
            self.mark_stale()
            return
        self.passes.cancel()
        values = partials = adjoints = None
        try:
            if offered is not None and offered[0] == g.version:
                _, values, partials, adjoints = offered
            elif wanted:
                values, partials = g.forward(), g.local_partials()
                adjoints = g.backward() if self.mode == "backward" else None
        except GraphError as exc:
            self.status.emit(f"Cannot compute: {exc}")
        self._show_numbers(values, partials, adjoints, g.version)

    def _on_background_numbers(self, numbers):
        if numbers.error is not None:
            self.status.emit(f"Cannot compute: {numbers.error}")
        self._show_numbers(numbers.values, numbers.partials, numbers.adjoints, numbers.version)

    def _show_numbers(self, values, partials, adjoints, version: int):
        self.values, self.partials = values, partials
        self.adjoints = adjoints if self.mode == "backward" else None
        self.revealed = None
        self.numbers_version = version
        self.refresh_numbers()

    def refresh_numbers(self):
        """Give the items their numbers in one batch (the board every item reads when it paints); the labels in
        view follow, and the view repaints once."""
        if self.graph.is_tensor:
            self._refresh_tensor_faces()
        elif self._faces:
            self._faces = False
            for item in self.nodes.values():
                item.tensor_face = None
        board = self.board
        board.values, board.adjoints, board.revealed = self.values, self.adjoints, self.revealed
        board.partials = self.partials if self.show_partials and self.partials else None
        if board.partials is None:
            for edge in self.shown_labels:
                edge.tag.hide()
            self.shown_labels = set()   # hidden now: shown again when next placed, even on the same spots
        self.mark_stale()
        self._labels_dirty = True
        self._place_labels_when_ready()
        self.update()
        self.numbers_changed.emit()

    def _refresh_tensor_faces(self):
        """Every node of a graph holding tensors gets a face: its shape, value and (as revealed) adjoint; the
        tooltip has the numbers."""
        self._faces = True
        for name, item in self.nodes.items():
            face = item.tensor_face = TensorFace(self.graph.shape(name))
            face.value = self.values.get(name) if self.values else None
            shown = self.adjoints is not None and (self.revealed is None or name in self.revealed)
            face.adjoint = self.adjoints.get(name) if shown else None
            item.setToolTip(self._tooltip(name))

    @property
    def numbers_outdated(self) -> bool:
        """Whether numbers are shown that are not those of the graph as it is."""
        return self.board.values is not None and not self.numbers_current

    def mark_stale(self):
        """Grey the numbers shown while they are those of an earlier version of the graph (newer ones are being
        computed, or are due once a big graph's items are built), and show them plainly again once current.
        Greying waits STALE_AFTER_MS: numbers that come sooner were not on screen long enough to be read, and
        greying and ungreying a big graph repaints the whole canvas twice."""
        if self.numbers_outdated:
            if not self.board.stale and not self._stale_timer.isActive():
                self._stale_timer.start()
            return
        self._stale_timer.stop()
        self._set_stale(False)

    def _set_stale(self, stale: bool):
        if stale == self.board.stale:
            return
        self.board.stale = stale
        for edge in self.shown_labels:
            edge.tag.set_stale(stale)
        self.update()
        self.numbers_stale.emit(stale)

    def set_keep_clear(self, rect: QRectF | None):
        """Keep the labels off ``rect`` (None: nowhere), placing them again if that changes anything."""
        if rect != self.keep_clear:
            self.keep_clear = rect
            self._labels_dirty = True
            self._place_labels_when_ready()

    def set_show_partials(self, shown: bool):
        self.show_partials = shown
        self.refresh_numbers()

    # --- highlighting ---------------------------------------------------------------------------------------
    def highlight(self, nodes=(), edges=()):
        """Highlight exactly these nodes and edges (by name and key); only the items whose state changes are
        touched (clearing nothing on a 5,000-node graph walked 13,000 items)."""
        nodes, edges = set(nodes), set(edges)
        lit_nodes, lit_edges = self._lit
        changed = False
        for name in lit_nodes | nodes:
            item = self.nodes.get(name)
            if item is not None and item.highlighted != (name in nodes):
                item.highlighted = name in nodes
                item.update()
                changed = True
        for key in lit_edges | edges:
            edge = self.edges.get(key)
            if edge is not None and edge.highlighted != (key in edges):
                edge.set_state(highlighted=key in edges)
                changed = True
        self._lit = (nodes, edges)
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
        """Around every node item: the layout's index of node rects has it (kept until a node moves: 7 ms a call
        on 5,000 nodes otherwise), unless nodes are being dragged or placed, when their items are asked."""
        if not self.nodes:
            return None
        indexed = self.layout.nodes
        if len(indexed) == len(self.nodes) and not self.building and \
                all(indexed.get(item) == item.sceneBoundingRect().getCoords() for item in self.selectedItems()
                    if isinstance(item, NodeItem)):
            left, top, right, bottom = indexed.bounds()
            return QRectF(QPointF(left, top), QPointF(right, bottom))
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
