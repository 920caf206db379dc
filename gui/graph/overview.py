"""The far-out view of a big graph: one item that draws every node as a plain box and every edge as a straight line,
in a handful of painter calls, in place of thousands of items each too small to read.

The scene shows it (and hides the detailed items) when a graph of at least OVERVIEW_MIN_NODES nodes is zoomed out
below OVERVIEW_SCALE; it is rebuilt from the items' state only while shown.
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from gui.graph.items import EDGE_PEN, NODE_HEIGHT, NODE_WIDTH

OVERVIEW_SCALE = 0.25     # below this zoom a node is under ~40 pixels wide
OVERVIEW_MIN_NODES = 200  # smaller graphs keep their own items at every zoom (they are cheap to draw)


class OverviewItem(QGraphicsItem):
    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self._lines: list[tuple[QPen, list[QLineF]]] = []
        self._boxes: list[tuple[QColor, QPen, QPainterPath]] = []
        self.stale = True
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return self._rect

    def rebuild(self, nodes, edges) -> None:
        """Take the nodes' colours and positions and the edges' ends and states from the scene's items."""
        self.prepareGeometryChange()
        plain, marked = [], {}
        for edge in edges:
            (x0, y0), (x1, y1) = edge.start_point(), edge.end_point()
            line = QLineF(x0, y0, x1, y1)
            if edge.highlighted or edge.active:
                marked.setdefault((edge.pen().color().name(), edge.pen().widthF()), []).append(line)
            else:
                plain.append(line)
        self._lines = [(_cosmetic(EDGE_PEN, 1.0), plain)]
        self._lines += [(_cosmetic(QColor(c), max(2.0, w / 2)), lines) for (c, w), lines in marked.items()]
        groups: dict[tuple, QPainterPath] = {}
        rect = QRectF()
        for item in nodes:
            fill, border, width = item.colours()
            key = (fill.name(), border.name(), min(width, 3.0))
            body = QRectF(item.pos(), QPointF(item.pos().x() + NODE_WIDTH, item.pos().y() + NODE_HEIGHT))
            groups.setdefault(key, QPainterPath()).addRect(body)
            rect = rect.united(body)
        self._boxes = [(QColor(f), _cosmetic(QColor(b), w), path) for (f, b, w), path in groups.items()]
        self._rect = rect.adjusted(-20, -20, 20, 20)
        self.stale = False
        self.update()

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for pen, lines in self._lines:
            painter.setPen(pen)
            painter.drawLines(lines)
        for fill, pen, path in self._boxes:
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawPath(path)


def _cosmetic(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)   # the same on-screen width at every zoom
    return pen
