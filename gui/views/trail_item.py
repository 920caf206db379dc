"""A growing trail on a 2D plot: line segments and dots appended as a run steps, painted incrementally.

pyqtgraph's PlotDataItem rebuilds every symbol's record on each setData (4 ms for 3,000 dots, in Python) and repaints
every segment each frame (30 ms for 3,000 antialiased segments and dots on a software renderer). This item keeps
the segments and dots in preallocated arrays laid out as QLineF / QPointF and hands them to ``QPainter.drawLines`` /
``drawPoints`` without copying (a wide round-capped pen draws a point as a dot); and it keeps what it painted in an
image of the view, so a frame paints only the new pieces onto it and then the image: the cost of a frame does not
grow with the trail. The image is redrawn when the view's transform or size changes, or fewer steps are shown.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen, QTransform

from gui.views.growing import StepRows


def _pointer(array: np.ndarray, kind):
    """The address of a C-contiguous float64 array as a Qt value type pointer (QLineF: 4 doubles, QPointF: 2)."""
    return shiboken6.wrapInstance(array.ctypes.data, kind)


class TrailItem(pg.GraphicsObject):
    """Segments (x0, y0, x1, y1) and dots (x, y), each added per step; :meth:`show_upto` picks the last step shown."""

    def __init__(self, line_pen: QPen | None = None, dot_pen: QPen | None = None):
        super().__init__()
        self.segments, self.dots = StepRows(4), StepRows(2)
        self.line_pen, self.dot_pen = pg.mkPen("w"), _round(pg.mkPen("w", width=4))
        self._pens = (None, None)
        if line_pen is not None and dot_pen is not None:
            self.set_pens(line_pen, dot_pen)
        self._shown = (0, 0)
        self._image: QImage | None = None   # what was painted, in device pixels
        self._image_key = None
        self._painted = (0, 0)
        self._bounds = np.array([np.inf, np.inf, -np.inf, -np.inf])
        self._rect = QRectF()

    # --- data -----------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.segments.clear()
        self.dots.clear()
        self._bounds = np.array([np.inf, np.inf, -np.inf, -np.inf])
        self._set_shown(0, 0)

    def add_steps(self, segments, segment_counts, dots, dot_counts) -> None:
        """Append several steps' segments (k, 4) and dots (m, 2); ``*_counts[i]``: how many belong to step i."""
        segments = np.asarray(segments, dtype=np.float64).reshape(-1, 4)
        dots = np.asarray(dots, dtype=np.float64).reshape(-1, 2)
        self.segments.add_steps(segments, segment_counts)
        self.dots.add_steps(dots, dot_counts)
        self._grow_bounds(np.vstack([segments[:, :2], segments[:, 2:], dots]))
        self.show_upto(self.dots.steps - 1)

    @property
    def steps(self) -> int:
        return self.dots.steps

    def show_upto(self, step: int) -> None:
        """Show what steps 0..step added (the whole trail once step reaches the last step added)."""
        self._set_shown(self.segments.rows_upto(step), self.dots.rows_upto(step))

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the segments shown, as (start, end) pairs (like a PlotDataItem with connect='pairs')."""
        pairs = self.segments.view(self._shown[0]).reshape(-1, 2)
        return pairs[:, 0].copy(), pairs[:, 1].copy()

    def shown_counts(self) -> tuple[int, int]:
        """(segments, dots) drawn now."""
        return self._shown

    def set_pens(self, line_pen: QPen, dot_pen: QPen) -> None:
        """Line pen and dot pen (its width is the dots' diameter in pixels)."""
        if line_pen is not self._pens[0] or dot_pen is not self._pens[1]:
            self._pens = (line_pen, dot_pen)
            self.line_pen, self.dot_pen = line_pen, _round(dot_pen)
            self.update()

    def _set_shown(self, segments: int, dots: int) -> None:
        self._shown = (segments, dots)
        self.update()

    def _grow_bounds(self, xy: np.ndarray) -> None:
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) == 0:
            return
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        bounds = np.concatenate([np.minimum(self._bounds[:2], lo), np.maximum(self._bounds[2:], hi)])
        if not np.array_equal(bounds, self._bounds):
            self.prepareGeometryChange()
            self._bounds = bounds
            x0, y0, x1, y1 = bounds
            self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)

    # --- QGraphicsItem ------------------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        # pens are cosmetic (pixels): widen by a few pixels in data units so thick lines and dots are not cut
        px = self.pixelVectors()
        if px is None or px[0] is None:
            return QRectF(self._rect)
        pad_x, pad_y = 4 * abs(px[0].x()) + 4 * abs(px[1].x()), 4 * abs(px[0].y()) + 4 * abs(px[1].y())
        return self._rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def dataBounds(self, axis, frac=1.0, orthoRange=None):
        if not np.all(np.isfinite(self._bounds)):
            return None, None
        return (self._bounds[0], self._bounds[2]) if axis == 0 else (self._bounds[1], self._bounds[3])

    def paint(self, painter: QPainter, *_args) -> None:
        device = painter.device()
        ratio = device.devicePixelRatioF()
        size = (round(device.width() * ratio), round(device.height() * ratio))
        to_device = painter.transform()   # item → the painter's own pixels (a grab of a parent adds its offset below)
        key = (size, _transform_key(to_device), id(self.line_pen), id(self.dot_pen))
        drawn = self._painted
        if self._image is None or key != self._image_key or self._shown[0] < drawn[0] or self._shown[1] < drawn[1]:
            self._image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
            self._image.fill(Qt.GlobalColor.transparent)
            self._image_key, drawn = key, (0, 0)
        if self._shown != drawn:
            layer = QPainter(self._image)
            layer.setTransform(to_device)
            self._paint_range(layer, drawn, self._shown)
            layer.end()
            self._painted = self._shown
        painter.save()
        painter.resetTransform()
        painter.drawImage(QRectF(0, 0, size[0] / ratio, size[1] / ratio), self._image)
        painter.restore()

    def _paint_range(self, painter: QPainter, start: tuple[int, int], end: tuple[int, int]) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if end[0] > start[0]:
            painter.setPen(self.line_pen)
            painter.drawLines(_pointer(self.segments.view(end[0])[start[0]:], QLineF), end[0] - start[0])
        if end[1] > start[1]:
            painter.setPen(self.dot_pen)
            painter.drawPoints(_pointer(self.dots.view(end[1])[start[1]:], QPointF), end[1] - start[1])


def _round(pen: QPen) -> QPen:
    pen = QPen(pen)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def _transform_key(t: QTransform) -> tuple:
    return (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
