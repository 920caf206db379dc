"""The canvas's scene: one NodeItem per model node and one EdgeItem per edge, kept in step with the model's events,
plus what the passes computed (values, adjoints, local partials) and what is highlighted.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from engine.graph import GraphError
from gui.graph.document import GraphDocument
from gui.graph import routing
from gui.graph.items import PORT_RADIUS, EdgeItem, NodeItem, to_scene
from gui.graph.labels import place_labels
from gui.graph.tensor_face import TensorFace
from engine.graph.tensor import value_text

ARROW_ROOM = 12.0


class GraphScene(QGraphicsScene):
    numbers_changed = Signal()      # values/adjoints were recomputed (or cleared)
    status = Signal(str)            # a message for the status bar

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
        self.show_partials = True
        self.revealed: set[str] | None = None   # during the backward animation: nodes whose adjoint is known
        self.keep_clear: QRectF | None = None    # an area no label may cover (the backward animation's callout)
        self.setBackgroundBrush(QColor("#fbfbfa"))
        self.setSceneRect(-2000, -2000, 4000, 4000)
        self._layout_timer = QTimer(self)   # one re-layout per event-loop turn while nodes are being dragged
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(0)
        self._layout_timer.timeout.connect(self.layout_edges)
        self.graph.subscribe(self._on_graph_event)
        document.slots_changed.connect(self._sync_contents)
        self.sync()

    def detach(self):
        self.graph.unsubscribe(self._on_graph_event)

    # --- following the model --------------------------------------------------------------------------------
    def _on_graph_event(self, event):
        if event.kind == "node_renamed" and event.old_name in self.nodes:
            item = self.nodes.pop(event.old_name)
            item.name = event.name
            self.nodes[event.name] = item
        if event.kind == "node_moved" and event.name in self.nodes:
            self._place(event.name)
            return
        self.sync()

    def sync(self):
        g = self.graph
        for name in [n for n in self.nodes if n not in g.nodes]:
            item = self.nodes.pop(name)
            self.removeItem(item)
        for name in g.nodes:
            if name not in self.nodes:
                item = NodeItem(name)
                self.nodes[name] = item
                self.addItem(item)
            self._place(name)
        self._sync_edges()
        self._sync_contents()
        self.recompute()

    def _place(self, name: str):
        where = to_scene(self.graph.nodes[name].pos)
        item = self.nodes[name]
        if item.pos() != where:
            item.setPos(where)

    def _sync_edges(self):
        wanted = set(self.graph.edges())
        for key in [k for k in self.edges if k not in wanted or self.edges[k].key != k
                    or self.edges[k].parent_item is not self.nodes.get(k[0])
                    or self.edges[k].child_item is not self.nodes.get(k[1])]:
            self._drop_edge(key)
        for key in wanted:
            if key not in self.edges:
                edge = EdgeItem(self.nodes[key[0]], self.nodes[key[1]])
                self.edges[key] = edge
                self.addItem(edge)
                self.addItem(edge.tag)
        # a rename changes the names an edge shows even though the items stay
        for key, edge in list(self.edges.items()):
            edge.key = key

    def _drop_edge(self, key):
        edge = self.edges.pop(key)
        for end in (edge.parent_item, edge.child_item):
            if edge in end.edges:
                end.edges.remove(edge)
        self.removeItem(edge.tag)
        self.removeItem(edge)

    def _sync_contents(self):
        g, slots = self.graph, self.document.slots
        for name, item in self.nodes.items():
            node = g.nodes[name]
            if node.is_input:
                item.role, item.content = "input", f"= {value_text(node.value)}"
            else:
                is_constant = not node.parents
                item.role = "constant" if is_constant and name not in slots else "formula"
                item.content = slots[name].display() if name in slots else node.formula
            item.is_output = name == g.output
            item.output_name = g.output or "out"
            item.setToolTip(self._tooltip(name))
            item.update()

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
        self.recompute()

    def recompute(self):
        """Re-run the passes the user asked for, so the numbers on screen always match the graph."""
        self.values = self.adjoints = self.partials = None
        self.revealed = None
        g = self.graph
        try:
            if self.mode in ("forward", "backward") and len(g):
                self.values = g.forward()
                self.partials = g.local_partials()
            if self.mode == "backward" and len(g):
                self.adjoints = g.backward()
        except GraphError as exc:
            self.status.emit(f"Cannot compute: {exc}")
        self.refresh_numbers()

    def refresh_numbers(self):
        if self.graph.is_tensor:
            self._refresh_tensor_faces()
        else:
            for item in self.nodes.values():
                item.tensor_face = None
        for name, item in self.nodes.items():
            item.value = self.values.get(name) if self.values else None
            shown = self.adjoints is not None and (self.revealed is None or name in self.revealed)
            item.adjoint = self.adjoints.get(name) if shown else None
            item.update()
            if item.tensor_face is not None:   # arrays: the face draws them, the tooltip has the numbers
                item.setToolTip(self._tooltip(name))
        for key, edge in self.edges.items():
            partial = self.partials.get(key) if (self.partials and self.show_partials) else None
            edge.set_partial(partial)
        self.layout_edges()
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
            self.layout_edges()

    def set_show_partials(self, shown: bool):
        self.show_partials = shown
        self.refresh_numbers()

    # --- edge geometry --------------------------------------------------------------------------------------
    def schedule_layout(self):
        self._layout_timer.start()

    def ensure_layout(self):
        """Finish a re-layout still waiting for the event loop (before exporting or measuring)."""
        if self._layout_timer.isActive():
            self.layout_edges()

    def layout_edges(self):
        """Route every edge around the nodes in its way, then place the labels clear of nodes and of each other."""
        self._layout_timer.stop()
        rects = {name: _rect(item.sceneBoundingRect()) for name, item in self.nodes.items()}
        for edge in self.edges.values():      # first aim every edge at its child's middle ...
            edge.slot = (0, 1)
        self._route_all(rects)
        self._assign_slots()                  # ... then give each the arrival matching where it comes from
        self._route_all(rects)
        # where it can, a label also keeps off the arrowheads just left of a node
        arrows = [(r[0] - ARROW_ROOM, r[1], r[0], r[3]) for r in rects.values()]
        shown = [(key, edge.route, edge.tag.sizes()) for key, edge in self.edges.items() if edge.tag.isVisible()]
        # a port lies inside its node's rect; listed again, covering it costs double when a crowded graph leaves a
        # label no clear spot, so the label covers a node's text before the port the user drags from
        obstacles = list(rects.values()) + [_port_rect(item) for item in self.nodes.values()]
        if self.keep_clear is not None:
            obstacles.append(_rect(self.keep_clear))
        for key, (rect, form) in place_labels(shown, obstacles, arrows).items():
            self.edges[key].tag.place(rect, form)

    def _route_all(self, rects: dict[str, routing.Rect]):
        lanes: list = []
        for key in sorted(self.edges):   # a fixed order, so the same graph always gets the same lanes
            edge = self.edges[key]
            others = [r for name, r in rects.items() if name not in key]
            edge.set_route(routing.route(edge.start_point(), edge.end_point(), others, lanes))

    def _assign_slots(self):
        """Order each node's incoming edges by the height they approach from, so they do not cross on arrival."""
        incoming: dict[str, list[EdgeItem]] = {}
        for edge in self.edges.values():
            incoming.setdefault(edge.key[1], []).append(edge)
        for edges in incoming.values():
            edges.sort(key=lambda e: (e.route[-1][0][1], e.start_point()[0], e.key[0]))
            for i, edge in enumerate(edges):
                edge.slot = (i, len(edges))

    # --- highlighting ---------------------------------------------------------------------------------------
    def highlight(self, nodes=(), edges=()):
        nodes, edges = set(nodes), set(edges)
        for name, item in self.nodes.items():
            if item.highlighted != (name in nodes):
                item.highlighted = name in nodes
                item.update()
        for key, edge in self.edges.items():
            edge.set_state(highlighted=key in edges)

    def highlighted_items(self) -> tuple[set[str], set[tuple[str, str]]]:
        return ({n for n, i in self.nodes.items() if i.highlighted},
                {k for k, e in self.edges.items() if e.highlighted})

    def node_at(self, scene_pos: QPointF) -> NodeItem | None:
        for item in self.items(scene_pos):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if isinstance(item, NodeItem):
                return item
        return None

    def nodes_bounding_rect(self):
        rect = None
        for item in self.nodes.values():
            r = item.sceneBoundingRect()
            rect = r if rect is None else rect.united(r)
        return rect


def _port_rect(item: NodeItem) -> routing.Rect:
    centre = item.output_anchor()
    return (centre.x() - PORT_RADIUS, centre.y() - PORT_RADIUS, centre.x() + PORT_RADIUS, centre.y() + PORT_RADIUS)


def _rect(r: QRectF) -> routing.Rect:
    return r.left(), r.top(), r.right(), r.bottom()
