"""What the canvas draws: a node (name, formula, value, adjoint, output port) and an edge (with its local partial).

Items only draw what the scene tells them; they never touch the model.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from engine.expr.numbers import format_number
from gui.graph import routing
from gui.graph.jacobian_map import JacobianMap, drawn_matrix, jacobian_label

NODE_WIDTH = 170.0
NODE_HEIGHT = 78.0
HEADER_HEIGHT = 22.0
PORT_RADIUS = 7.0

INPUT_FILL = QColor("#dbeafe")
FORMULA_FILL = QColor("#f3f4f6")
CONSTANT_FILL = QColor("#ede9fe")
HEADER_FILL = QColor("#e5e7eb")
OUTPUT_PEN = QColor("#ea580c")
HIGHLIGHT = QColor("#eab308")
CURRENT_FILL = QColor("#bbf7d0")
ADJOINT_TEXT = QColor("#b91c1c")
VALUE_TEXT = QColor("#1e3a8a")
TANGENT_TEXT = QColor("#15803d")
EDGE_PEN = QColor("#6b7280")
ACTIVE_PEN = QColor("#16a34a")
LABEL_TEXT = QColor("#7c2d12")
STALE_TEXT = QColor("#a8a29e")   # numbers of an earlier version of the graph, while the new ones are computed
LABEL_BORDER = QColor("#d6d3d1")
LABEL_DIGITS = 4   # edge labels are read at a glance and must fit between two columns; the tooltip has more
TEXT_SCALE = 0.3   # below this zoom a node's text is a few pixels high: the node is drawn as a plain box


# Model positions are laid out on the engine's grid (about 180 × 90 per node); boxes here are larger, so the scene
# spreads the model's coordinates by this factor (and divides when a drag is recorded).
SPREAD = (1.9, 1.3)


def to_scene(pos: tuple[float, float]) -> QPointF:
    return QPointF(pos[0] * SPREAD[0], pos[1] * SPREAD[1])


def to_model(point: QPointF) -> tuple[float, float]:
    return round(point.x() / SPREAD[0], 2), round(point.y() / SPREAD[1], 2)


class Numbers:
    """What the passes computed, one board shared by every item of a scene: new numbers are one batch (the scene
    swaps the dicts, and an item reads its own when it paints), not a write per item. ``stale``: the numbers are
    those of an earlier version of the graph (newer ones are being computed); they are drawn greyed."""

    __slots__ = ("values", "adjoints", "partials", "revealed", "stale")

    def __init__(self):
        self.values: dict | None = None
        self.adjoints: dict | None = None      # None: no backward pass shown
        self.partials: dict | None = None      # None: no edge labels
        self.revealed: set | None = None       # during the backward animation: the nodes whose adjoint is shown
        self.stale = False


class NodeItem(QGraphicsRectItem):
    """One node. ``name`` is the model name; the rest is display state set by the scene, and its numbers are read
    from the scene's board (``numbers``).

    A rect item (with no pen) only so that Qt answers its bounding rect itself: the view asks for it thousands of
    times per frame on a big graph, and a Python override would be called each time."""

    def __init__(self, name: str, numbers: Numbers | None = None):
        super().__init__(QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT).adjusted(-3, -3, PORT_RADIUS + 3, 3))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.name = name
        self.numbers = numbers if numbers is not None else Numbers()
        self.role = "formula"          # "input" | "constant" | "formula"
        self.content = ""              # formula text or "= value"
        self.tangent: float | None = None   # forward mode: d node / d input (gui.graph.forward_mode sets it)
        self.tangent_label = ""             # e.g. "∂/∂x"
        self.is_output = False
        self.highlighted = False
        self.current = False           # the node the backward animation is at
        self.output_name = "f"
        self.tensor_face = None        # a gui.graph.tensor_face.TensorFace when the node holds a vector or matrix
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.edges: list["EdgeItem"] = []

    @property
    def value(self) -> float | None:
        values = self.numbers.values
        return None if values is None else values.get(self.name)

    @property
    def adjoint(self) -> float | None:
        board = self.numbers
        if board.adjoints is None or board.revealed is not None and self.name not in board.revealed:
            return None
        return board.adjoints.get(self.name)

    # --- geometry -------------------------------------------------------------------------------------------
    def body_rect(self) -> QRectF:
        return QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)

    def header_rect(self) -> QRectF:
        return QRectF(0, 0, NODE_WIDTH, HEADER_HEIGHT)

    def port_center(self) -> QPointF:
        return QPointF(NODE_WIDTH, NODE_HEIGHT / 2)

    def output_anchor(self) -> QPointF:
        return self.mapToScene(self.port_center())

    def is_on_port(self, scene_pos: QPointF) -> bool:
        d = self.mapFromScene(scene_pos) - self.port_center()
        return math.hypot(d.x(), d.y()) <= PORT_RADIUS + 3

    def is_on_header(self, scene_pos: QPointF) -> bool:
        return self.header_rect().contains(self.mapFromScene(scene_pos))

    # --- drawing --------------------------------------------------------------------------------------------
    def colours(self) -> tuple[QColor, QColor, float]:
        """Fill, border colour and border width: by role, then output, path highlight and selection."""
        fill = {"input": INPUT_FILL, "constant": CONSTANT_FILL}.get(self.role, FORMULA_FILL)
        if self.current:
            fill = CURRENT_FILL
        border, width = QColor("#374151"), 1.2
        if self.is_output:
            border, width = OUTPUT_PEN, 2.5
        if self.highlighted:
            border, width = HIGHLIGHT, 4.0
        if self.isSelected():
            border = QColor("#2563eb")
        return fill, border, width

    def paint(self, painter: QPainter, option, widget=None):
        fill, border, width = self.colours()
        painter.setPen(QPen(border, width))
        painter.setBrush(QBrush(fill))
        if option.levelOfDetailFromTransform(painter.worldTransform()) < TEXT_SCALE:
            painter.drawRect(self.body_rect())   # text would be a smudge: the box alone, drawn cheaply
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawRoundedRect(self.body_rect(), 8, 8)
        self._paint_header(painter)
        self._paint_lines(painter)
        painter.setPen(QPen(QColor("#374151"), 1.2))
        painter.setBrush(QBrush(QColor("#ffffff")))
        painter.drawEllipse(self.port_center(), PORT_RADIUS, PORT_RADIUS)

    def _paint_header(self, painter: QPainter):
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#111827"))
        tag = {"input": "input", "constant": "constant"}.get(self.role, "")
        if self.is_output:
            tag = "output"
        rect = self.header_rect().adjusted(8, 0, -8, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.name)
        font.setBold(False)
        font.setItalic(True)
        painter.setFont(font)
        painter.setPen(QColor("#6b7280"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, tag)
        painter.drawLine(QPointF(0, HEADER_HEIGHT), QPointF(NODE_WIDTH, HEADER_HEIGHT))

    def _paint_lines(self, painter: QPainter):
        font = QFont(painter.font())
        font.setItalic(False)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        left, width, y = 8.0, NODE_WIDTH - 16.0, HEADER_HEIGHT + 2
        content = metrics.elidedText(self.content, Qt.TextElideMode.ElideRight, width)
        if self.tensor_face is not None:   # shape and heatmaps of value and adjoint instead of two number lines
            painter.setPen(QColor("#111827"))
            painter.drawText(QRectF(left, y, width, 18), Qt.AlignmentFlag.AlignVCenter, content)
            self.tensor_face.paint(painter, QRectF(left, y + 19, width, NODE_HEIGHT - y - 22))
            return
        stale = self.numbers.stale
        adjoint = self.adjoint
        lines = [(content, QColor("#111827")),
                 (f"value  {format_number(self.value)}", STALE_TEXT if stale else VALUE_TEXT),
                 (f"∂{self.output_name}/∂{self.name}  {format_number(adjoint)}"
                  if adjoint is not None else "", STALE_TEXT if stale else ADJOINT_TEXT)]
        for text, colour in lines:
            painter.setPen(colour)
            painter.drawText(QRectF(left, y, width, 18), Qt.AlignmentFlag.AlignVCenter, text)
            y += 17
        if self.tangent is not None:   # forward mode's tangent, right of the value: ∂a/∂x, or ∂/∂x if short of room
            number = format_number(self.tangent, 4)
            text = f"{self.tangent_label.replace('∂/', f'∂{self.name}/', 1)} {number}"
            if metrics.horizontalAdvance(f"{lines[1][0]}  {text}") > width:
                text = f"{self.tangent_label} {number}"
            painter.setPen(TANGENT_TEXT)
            painter.drawText(QRectF(left, HEADER_HEIGHT + 19, width, 18),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)


class EdgeLabel(QGraphicsPathItem):
    """An edge's local partial on a small white box. The scene places it (clear of nodes and of other labels) and
    keeps it above every edge and below the nodes."""

    PAD = (4.0, 1.5)

    def __init__(self):
        super().__init__()
        self.setZValue(0.8)
        self.setBrush(QBrush(QColor(255, 255, 255, 235)))
        self.setPen(QPen(LABEL_BORDER))
        self.text = QGraphicsSimpleTextItem(self)
        self.text.setBrush(QBrush(LABEL_TEXT))
        self.text.setPos(*self.PAD)
        self.forms_text = ("", "", "")
        self.stale = False   # the partial is of an earlier version of the graph: greyed
        self.heatmap: JacobianMap | None = None   # a small Jacobian's entries, right of the text (tensor graphs)
        self._map_shape: tuple | None = None
        self._sizes: list[tuple[float, float]] = []

    def set_text(self, name: str, value: str, tooltip: str = "", jacobian=None):
        """The label reads "name = value" on one line, stacked on two where room is short, or only the value where
        two nodes sit too close for either (the scene picks the form; the tooltip always has the whole text).
        A small tensor ``jacobian`` is also drawn, as a heatmap right of the text."""
        forms = (f"{name} = {value}", f"{name}\n= {value}", value)
        self.setToolTip(tooltip)
        matrix = drawn_matrix(jacobian) if jacobian is not None else None
        if matrix is not None:
            if self.heatmap is None:
                self.heatmap = JacobianMap(self)
            self.heatmap.show_jacobian(jacobian, matrix, tooltip)
        if self.heatmap is not None:
            self.heatmap.setVisible(matrix is not None)
        map_shape = None if matrix is None else matrix.shape
        if forms != self.forms_text or map_shape != self._map_shape:
            self.forms_text, self._map_shape = forms, map_shape
            self._sizes = self._measure()
        self._use(0)

    def set_stale(self, stale: bool):
        if stale != self.stale:
            self.stale = stale
            self.text.setBrush(QBrush(STALE_TEXT if stale else LABEL_TEXT))

    def _use(self, form: int):
        self.text.setText(self.forms_text[form])
        r = self.text.boundingRect()
        width, height = r.width(), r.height()
        if self._map_shape is not None:
            m = self.heatmap.boundingRect()
            height = max(height, m.height())
            self.heatmap.setPos(self.PAD[0] + width + 4, self.PAD[1] + (height - m.height()) / 2)
            width += 4 + m.width()
        self.text.setPos(self.PAD[0], self.PAD[1] + (height - r.height()) / 2)
        box = QPainterPath()
        box.addRoundedRect(QRectF(0, 0, width + 2 * self.PAD[0], height + 2 * self.PAD[1]), 4, 4)
        self.setPath(box)

    def sizes(self) -> list[tuple[float, float]]:
        """The outer size (bounding rect, pen included) of each form, one line first."""
        return list(self._sizes)

    def _measure(self) -> list[tuple[float, float]]:
        found = []
        for form in range(len(self.forms_text)):
            self._use(form)
            r = self.boundingRect()
            found.append((r.width(), r.height()))
        return found

    def place(self, rect: tuple[float, float, float, float], form: int = 0):
        """Show the given form with the box's bounding rect's top-left corner at the rect's."""
        self._use(form)
        r = self.boundingRect()
        self.setPos(rect[0] - r.left(), rect[1] - r.top())


class EdgeItem(QGraphicsPathItem):
    """parent → child: a curve from the parent's output port to the child's left side (bent around the nodes in its
    way by the scene), with a label showing ∂child/∂parent."""

    def __init__(self, parent_item: NodeItem, child_item: NodeItem):
        super().__init__()
        self.parent_item, self.child_item = parent_item, child_item
        self.key = (parent_item.name, child_item.name)
        self.highlighted = False
        self.active = False        # carries a contribution in the backward animation
        self._tag: EdgeLabel | None = None
        self.route: list = []      # empty until the scene routes it
        self.slot = (0, 1)         # (which, of how many) incoming edges of the child, top to bottom
        self.numbers = parent_item.numbers   # the scene's board: the local partial the label shows is read there
        self._label_for: tuple | None = None   # (key, partial) the label's text was made for
        self._label_partial = None   # that partial, held so that the id a Jacobian's text was made for is not reused
        self.set_state()
        parent_item.edges.append(self)
        child_item.edges.append(self)

    @property
    def tag(self) -> "EdgeLabel":
        """The label: a separate item beside the edge (so other edges never cross over it), made when first needed
        (a big graph's labels are placed only where the view is zoomed in) and shown once the scene places it."""
        if self._tag is None:
            self._tag = EdgeLabel()
            self._tag.hide()
            self._tag.setParentItem(self.parentItem())
            self.set_state()
        return self._tag

    @property
    def label(self) -> QGraphicsSimpleTextItem:
        return self.tag.text

    def drop_label(self) -> None:
        if self._tag is not None and self._tag.scene() is not None:
            self._tag.scene().removeItem(self._tag)

    def start_point(self) -> tuple[float, float]:
        p = self.parent_item.pos()
        return p.x() + NODE_WIDTH, p.y() + NODE_HEIGHT / 2

    def end_point(self) -> tuple[float, float]:
        p = self.child_item.pos()
        return p.x(), p.y() + NODE_HEIGHT * (self.slot[0] + 1) / (self.slot[1] + 1)

    @property
    def partial(self):
        """The local partial the label is to show (None: no label); its text is made when the label is placed
        (only readable labels are)."""
        partials = self.numbers.partials
        return None if partials is None else partials.get(self.key)

    def label_sizes(self) -> list[tuple[float, float]]:
        """The label's forms' sizes, its text brought up to date first."""
        partial = self.partial
        wanted = (self.key, partial if isinstance(partial, (int, float)) else id(partial))
        if self._label_for == wanted:
            return self.tag.sizes()
        self._label_for, self._label_partial = wanted, partial
        if hasattr(partial, "describe"):   # a tensor edge's Jacobian: its shape, and a small one's heatmap
            self.tag.set_text(*jacobian_label(partial), jacobian=partial)
        else:
            child, parent = self.key[1], self.key[0]
            self.tag.set_text(f"∂{child}/∂{parent}", format_number(partial, LABEL_DIGITS),
                              f"∂{child}/∂{parent} = {format_number(partial, 12)}: the local partial — how fast "
                              f"{child} changes per unit change of {parent}")
        return self.tag.sizes()

    def set_state(self, highlighted: bool | None = None, active: bool | None = None):
        if highlighted is not None:
            self.highlighted = highlighted
        if active is not None:
            self.active = active
        colour, width = EDGE_PEN, 1.6
        if self.active:
            colour, width = ACTIVE_PEN, 3.5
        if self.highlighted:
            colour, width = HIGHLIGHT, 5.0
        self.setPen(QPen(colour, width))
        self.setZValue(0.5 if (self.highlighted or self.active) else 0)
        if self._tag is not None:   # the label of an edge carrying a contribution: its partial is being used
            self._tag.setPen(QPen(ACTIVE_PEN, 2.0) if self.active else QPen(LABEL_BORDER))

    def set_route(self, route):
        """Draw along ``route`` (cubic segments from routing), ending in an arrowhead at the child."""
        self.route = route
        path = QPainterPath(QPointF(*route[0][0]))
        for _, c1, c2, end in route:
            path.cubicTo(QPointF(*c1), QPointF(*c2), QPointF(*end))
        tip, back = route[-1][3], routing.bezier(route[-1], 0.95)
        angle = math.atan2(tip[1] - back[1], tip[0] - back[0])
        wings = [QPointF(tip[0] - 10 * math.cos(angle + s), tip[1] - 10 * math.sin(angle + s)) for s in (0.4, -0.4)]
        path.addPolygon(QPolygonF([QPointF(*tip), wings[0], wings[1], QPointF(*tip)]))
        self.setPath(path)
