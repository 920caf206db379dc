"""Edges that cross much of a big graph, drawn only where they are seen.

A routed edge is one painter path. Qt strokes the whole of it whenever any part of it is repainted, so on a big graph
the few hundred edges that run across the view (a detour outside everything can be hundreds of thousands of scene
units long) made every repaint cost as if the whole graph were shown. A long edge here also keeps its route in
pieces, one per curve segment (the arrowhead with the last), and paints only the pieces that meet the exposed rect;
a short one is painted by Qt as before.

An edge not yet routed has nothing to paint: until its route comes it is marked so (ItemHasNoContents), or the
thousands of a big graph still waiting for their routes (all at the scene's origin, with empty paths) were each
asked to paint on every repaint of a view near the origin (8,000 calls, 40 ms a paint at 5,000 nodes).
"""
from __future__ import annotations

from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem

from gui.graph.items import EdgeItem

LONG = 3000.0   # scene units: an edge whose bounds reach further than this is painted in pieces
PEN_ROOM = 6.0  # a highlighted edge's pen reaches this far past a piece's bounds


class RoutedEdge(EdgeItem):
    def __init__(self, parent_item, child_item):
        super().__init__(parent_item, child_item)
        self.pieces: list[tuple] | None = None   # (left, top, right, bottom, path) of each piece
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)   # paint() is told what is exposed
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)   # until it is routed

    def set_route(self, route):
        super().set_route(route)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, False)
        bounds = self.path().boundingRect()
        self.pieces = _pieces(self.path()) if max(bounds.width(), bounds.height()) > LONG else None

    def paint(self, painter, option, widget=None):
        if self.pieces is None:
            return super().paint(painter, option, widget)
        exposed = option.exposedRect
        x0, y0 = exposed.left() - PEN_ROOM, exposed.top() - PEN_ROOM
        x1, y1 = exposed.right() + PEN_ROOM, exposed.bottom() + PEN_ROOM
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        for left, top, right, bottom, piece in self.pieces:
            if left <= x1 and right >= x0 and top <= y1 and bottom >= y0:
                painter.drawPath(piece)


def _pieces(path: QPainterPath) -> list[tuple] | None:
    """The path EdgeItem.set_route draws (a move, cubics, then the arrowhead's polygon) cut into one path per
    cubic; the arrowhead goes with the last. None for a path of no cubics."""
    pieces: list[QPainterPath] = []
    at, k, count = path.elementAt(0), 1, path.elementCount()
    while k + 2 < count and path.elementAt(k).isCurveTo():
        c1, c2, end = path.elementAt(k), path.elementAt(k + 1), path.elementAt(k + 2)
        piece = QPainterPath()
        piece.moveTo(at.x, at.y)
        piece.cubicTo(c1.x, c1.y, c2.x, c2.y, end.x, end.y)
        pieces.append(piece)
        at, k = end, k + 3
    if not pieces:
        return None
    for element in (path.elementAt(i) for i in range(k, count)):
        if element.isMoveTo():
            pieces[-1].moveTo(element.x, element.y)
        else:
            pieces[-1].lineTo(element.x, element.y)
    return [(r.left(), r.top(), r.right(), r.bottom(), piece) for r, piece in
            ((piece.controlPointRect(), piece) for piece in pieces)]
