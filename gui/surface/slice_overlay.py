"""The slices through the selected point drawn on the views: as lines on the contour map and as curves on the 3D
surface (each in its slice's colour), and a handle on the contour map that sets the direction u by dragging. The
items are made with the first slices drawn (the Slices tab is not in the first picture)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from PySide6.QtCore import QObject, Signal

from gui.surface.overlays import ON_TOP
from gui.surface.slice_panel import SLICE_COLOURS

HANDLE_REACH = 0.3   # the handle sits this fraction of the smaller plotted span from the point, along u


class SliceOverlay(QObject):
    direction_dragged = Signal(object)   # a unit np.ndarray: the handle was dragged

    def __init__(self, surface_view, contour_view, parent=None):
        super().__init__(parent)
        self.surface, self.contour = surface_view, contour_view
        self._items: tuple | None = None   # (lines, curves, handle) once made
        self._point: np.ndarray | None = None
        self._placing = False

    @property
    def lines(self) -> dict:
        return self._made()[0]

    @property
    def curves(self) -> dict:
        return self._made()[1]

    @property
    def handle(self) -> pg.TargetItem:
        return self._made()[2]

    def _made(self) -> tuple:
        if self._items is None:
            lines = {key: pg.PlotDataItem(pen=pg.mkPen(colour, width=1.8)) for key, colour in SLICE_COLOURS.items()}
            curves = {key: gl.GLLinePlotItem(mode="line_strip", width=2.5, glOptions=ON_TOP,
                                             color=tuple(c / 255 for c in colour) + (1.0,))
                      for key, colour in SLICE_COLOURS.items()}
            handle = pg.TargetItem(size=14, movable=True, pen=pg.mkPen((255, 255, 255), width=1.5),
                                   brush=pg.mkBrush(*SLICE_COLOURS["u"]), symbol="o")
            for key in SLICE_COLOURS:
                lines[key].setZValue(8)
                lines[key].setVisible(False)
                self.contour.add_item(lines[key])
                curves[key].setDepthValue(9)
                curves[key].setVisible(False)
                self.surface.add_item(curves[key])
            handle.setZValue(30)
            handle.setVisible(False)
            self.contour.add_item(handle)
            handle.sigPositionChanged.connect(self._on_handle_moved)
            self._items = (lines, curves, handle)
        return self._items

    def draw(self, found, point, direction, box) -> None:
        """Show the slices (from :func:`engine.analysis.slices.slices`) through ``point``; [] hides them."""
        if not found:
            self.hide()
            return
        self._point = np.asarray(point, dtype=np.float64)[:2]
        (x0, x1), (y0, y1) = box
        for key, s in zip(("x", "y", "u"), found):
            inside = (s.points[:, 0] >= x0) & (s.points[:, 0] <= x1) & (s.points[:, 1] >= y0) & (s.points[:, 1] <= y1)
            self.lines[key].setData(s.points[inside, 0], s.points[inside, 1])
            self.lines[key].setVisible(True)
            self._draw_curve(key, s.points[inside], s.values[inside])
        reach = HANDLE_REACH * min(hi - lo for lo, hi in box)
        self._placing = True
        self.handle.setPos(*(self._point + reach * np.asarray(direction, dtype=np.float64)))
        self._placing = False
        self.handle.setVisible(True)

    def _draw_curve(self, key: str, points: np.ndarray, values: np.ndarray) -> None:
        if self.surface.extent is None:
            self.curves[key].setVisible(False)
            return
        z0, z1 = self.surface.extent[4], self.surface.extent[5]
        ok = np.isfinite(values) & (values >= z0) & (values <= z1)
        xyz = np.column_stack([points[ok], values[ok]])
        if len(xyz) < 2:
            self.curves[key].setVisible(False)
            return
        self.curves[key].setData(pos=self.surface.to_scene(xyz).astype(np.float32))
        self.curves[key].setVisible(True)

    def hide(self) -> None:
        if self._items is not None:
            for item in (*self.lines.values(), *self.curves.values(), self.handle):
                item.setVisible(False)
        self._point = None

    def _on_handle_moved(self) -> None:
        if self._placing or self._point is None:
            return
        pos = self.handle.pos()
        v = np.array([pos.x(), pos.y()]) - self._point
        norm = float(np.hypot(*v))
        if norm > 0:
            self.direction_dragged.emit(v / norm)
