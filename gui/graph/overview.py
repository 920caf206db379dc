"""The far-out view of a big graph: one item that draws every node as a plain box and every edge as a straight line,
in a handful of painter calls, in place of thousands of items each too small to read.

The scene shows it (and hides the detailed items) when a graph of at least OVERVIEW_MIN_NODES nodes is zoomed out
below OVERVIEW_SCALE; it is rebuilt from the items' state only while shown.
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from gui.graph.items import ACTIVE_PEN as ACTIVE, HIGHLIGHT, NODE_HEIGHT, NODE_WIDTH

OVERVIEW_SCALE = 0.25     # below this zoom a node is under ~40 pixels wide
OVERVIEW_MIN_NODES = 200  # smaller graphs keep their own items at every zoom (they are cheap to draw)
FAINT_EDGE = QColor(107, 114, 128, 70)   # many overlapping lines: faint, so the boxes stand out
DEEP_FILLS = {"input": QColor("#60a5fa"), "constant": QColor("#a78bfa"), "formula": QColor("#9ca3af")}


class OverviewItem(QGraphicsItem):
    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self._lines: list[tuple[QPen, list[QLineF]]] = []
        self._boxes: list[tuple[QColor, QPen, list[QRectF]]] = []
        self.stale = True
        self.setZValue(0)
        # panning scrolls the pixels already drawn and paints only the strip that comes into view; a rebuild (or a
        # zoom) draws it all again
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        return self._rect

    def rebuild(self, nodes, edges) -> None:
        """Take the nodes' colours and positions and the edges' ends and states from the scene's items."""
        self.prepareGeometryChange()
        where = {item: (item.pos().x(), item.pos().y()) for item in nodes}
        plain, marked = [], {}
        for edge in edges:
            (x0, y0), (x1, y1) = where[edge.parent_item], where[edge.child_item]
            line = QLineF(x0 + NODE_WIDTH, y0 + NODE_HEIGHT / 2, x1, y1 + NODE_HEIGHT / 2)
            if edge.highlighted or edge.active:
                marked.setdefault("highlighted" if edge.highlighted else "active", []).append(line)
            else:
                plain.append(line)
        self._lines = [(_cosmetic(FAINT_EDGE, 1.0), plain)]
        self._lines += [(_cosmetic(HIGHLIGHT if kind == "highlighted" else ACTIVE, 2.5), lines)
                        for kind, lines in marked.items()]
        groups: dict[tuple, list[QRectF]] = {}
        for item, (x, y) in where.items():
            key = (item.role, item.current, item.is_output, item.highlighted, item.isSelected())
            groups.setdefault(key, []).append(QRectF(x, y, NODE_WIDTH, NODE_HEIGHT))
        self._boxes = []
        for key, rects in groups.items():
            role, current, output, highlighted, selected = key
            fill, border, width = next(i for i in where if (i.role, i.current, i.is_output, i.highlighted,
                                                             i.isSelected()) == key).colours()
            marked = current or output or highlighted or selected
            # the items' pale fills vanish into the canvas when a box is a few pixels: a deeper tint of the same hue
            fill = fill if current else DEEP_FILLS.get(role, fill)
            self._boxes.append((fill, _cosmetic(border, min(width, 3.0)) if marked else None, rects))
        if where:
            xs, ys = [p[0] for p in where.values()], [p[1] for p in where.values()]
            self._rect = QRectF(min(xs) - 20, min(ys) - 20, max(xs) - min(xs) + NODE_WIDTH + 40,
                                max(ys) - min(ys) + NODE_HEIGHT + 40)
        else:
            self._rect = QRectF()
        self.stale = False
        self.update()

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for pen, lines in self._lines:
            painter.setPen(pen)
            painter.drawLines(lines)
        outlined = NODE_WIDTH * option.levelOfDetailFromTransform(painter.worldTransform()) >= 12
        for fill, pen, rects in self._boxes:
            painter.setPen(pen if pen is not None else (PLAIN_BORDER if outlined else Qt.PenStyle.NoPen))
            painter.setBrush(fill)
            painter.drawRects(rects)


def _cosmetic(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)   # the same on-screen width at every zoom
    return pen


PLAIN_BORDER = _cosmetic(QColor("#4b5563"), 1.0)
