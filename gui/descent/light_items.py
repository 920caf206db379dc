"""Light 2D items for what moves every frame of a race: a run's marker and its arrows.

pyqtgraph's ScatterPlotItem.setData rebuilds its spot records and PlotDataItem.setData its curve and display
datasets (0.3–0.6 ms a call in Python); a race of four runs sets a marker and one or two arrows per run per frame.
:class:`Marker` is a one-spot scatter item moved by its position (``setPos``, no new data unless its look changes)
and :class:`Segments` hands its (start, end) pairs to ``QPainter.drawLines``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF

PAD_PX = 3.0   # the bounding rectangle reaches this many pixels past the pen's width (antialiased ends)


class Marker(pg.ScatterPlotItem):
    """One spot drawn at (0, 0) of the item, the item placed at the marker's position."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        super().setData([0.0], [0.0])
        self._look = None

    def move_to(self, x: float, y: float, brush, pen) -> None:
        """Put the marker at (x, y) with this look (the look is applied only when it changes)."""
        if (brush, pen) != self._look:
            self._look = (brush, pen)
            super().setData([0.0], [0.0], brush=brush, pen=pen)
        self.setPos(float(x), float(y))

    def getData(self):
        return np.array([self.pos().x()]), np.array([self.pos().y()])


class Segments(pg.GraphicsObject):
    """Line segments given as consecutive (start, end) points, like a PlotDataItem with ``connect="pairs"``."""

    def __init__(self):
        super().__init__()
        self._x, self._y = np.zeros(0), np.zeros(0)
        self._lines: list[QLineF] = []
        self._pen = pg.mkPen("w")
        self._bounds = QRectF()

    def setData(self, x, y, pen=None) -> None:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        n = min(len(x), len(y)) // 2 * 2
        self._x, self._y = x[:n], y[:n]
        if pen is not None:
            self._pen = pen
        self._lines = [QLineF(x[i], y[i], x[i + 1], y[i + 1]) for i in range(0, n, 2)]
        self.prepareGeometryChange()
        self._bounds = QRectF(float(x[:n].min()), float(y[:n].min()), float(np.ptp(x[:n])), float(np.ptp(y[:n]))) \
            if n else QRectF()
        self.update()

    def getData(self):
        return self._x, self._y

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()   # the padding is in pixels

    def boundingRect(self) -> QRectF:
        if not self._lines:
            return QRectF()
        px, py = self.pixelVectors()
        if px is None or py is None:
            return QRectF(self._bounds)
        pad = self._pen.widthF() + PAD_PX
        dx, dy = pad * max(abs(px.x()), abs(py.x())), pad * max(abs(px.y()), abs(py.y()))
        return self._bounds.adjusted(-dx, -dy, dx, dy)

    def paint(self, painter, *_args) -> None:
        if self._lines:
            painter.setRenderHint(painter.RenderHint.Antialiasing, True)
            painter.setPen(self._pen)
            painter.drawLines(self._lines)


