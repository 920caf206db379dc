"""The "weight" checkbox on an input node's header: ticked, training (the Train panel) changes that input; unticked,
it is data. One click toggles it as one undoable edit; the node's context menu offers the same.

The scene calls :func:`sync_mark` whenever it brings a node's contents up to date, so the box always shows the
model's flag (the model owns it: ``Node.weight``); only inputs holding a vector or matrix (or already marked) get a
box.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from gui.graph.items import HEADER_HEIGHT, NODE_WIDTH, TEXT_SCALE

SIZE = 12.0
RIGHT_GAP = 44.0        # from the node's right edge: left of the "input" tag
TICKED = QColor("#15803d")


class WeightMark(QGraphicsItem):
    """A small checkbox drawn on a NodeItem's header (a child item, so it moves with the node)."""

    def __init__(self, node_item):
        super().__init__(node_item)
        self.node_item = node_item
        self.checked = False
        self.setPos(NODE_WIDTH - RIGHT_GAP - SIZE, (HEADER_HEIGHT - SIZE) / 2)
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, SIZE + 4, SIZE + 4)

    def box_rect(self) -> QRectF:
        return QRectF(0, 0, SIZE, SIZE)

    def set_checked(self, checked: bool, name: str) -> None:
        if checked != self.checked:
            self.checked = checked
            self.update()
        self.setToolTip(f"{name} is a weight: Train changes it (click to make it data)" if checked else
                        f"{name} is data: Train leaves it alone (click to make it a weight Train changes)")

    def paint(self, painter: QPainter, option, widget=None):
        if option.levelOfDetailFromTransform(painter.worldTransform()) < TEXT_SCALE:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(TICKED if self.checked else QColor("#6b7280"), 1.3))
        painter.setBrush(QBrush(QColor("#dcfce7") if self.checked else QColor("#ffffff")))
        painter.drawRoundedRect(self.box_rect(), 2.5, 2.5)
        if self.checked:
            tick = QPainterPath(QPointF(2.5, 6.5))
            tick.lineTo(5.0, 9.2)
            tick.lineTo(9.8, 3.0)
            painter.setPen(QPen(TICKED, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(tick)

    def mousePressEvent(self, event):
        scene = self.scene()
        if scene is not None and event.button() == Qt.MouseButton.LeftButton:
            toggle_weight(scene.document, self.node_item.name)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):
        event.accept()


def sync_mark(item, node) -> None:
    """Give a vector or matrix input's item (or a scalar input marked as a weight) a checkbox showing its weight flag,
    made when first needed; other nodes show none (the chapter's scalar graphs stay as they were; the context menu
    marks any input)."""
    mark = getattr(item, "weight_mark", None)
    if not node.is_input or not (node.is_tensor or node.weight):
        if mark is not None:
            mark.hide()
        return
    if mark is None:
        mark = item.weight_mark = WeightMark(item)
    mark.show()
    mark.set_checked(node.weight, node.name)


def is_on_weight_mark(item, scene_pos) -> bool:
    """Whether a scene point is on the node's (shown) weight box."""
    mark = getattr(item, "weight_mark", None)
    return mark is not None and mark.isVisible() and mark.boundingRect().contains(mark.mapFromScene(scene_pos))


def toggle_weight(document, name: str) -> bool:
    """Mark the input as a weight, or back as data: one undo step."""
    node = document.graph.nodes[name]
    text = f"Make {name} data" if node.weight else f"Mark {name} as a weight"
    return document.perform(text, lambda: document.graph.set_weight(name, not node.weight))


def add_weight_action(menu, document, name: str) -> None:
    """The context menu's checkable "Weight (trained)" entry for an input."""
    node = document.graph.nodes[name]
    if not node.is_input:
        return
    action = menu.addAction("Weight (Train changes it)", lambda: toggle_weight(document, name))
    action.setObjectName("weightAction")
    action.setCheckable(True)
    action.setChecked(node.weight)
    action.setToolTip("Ticked: gradient descent in the Train panel changes this input; unticked: it is data")
