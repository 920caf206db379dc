"""The 2D contour view: a colour map of f(x, y), contour lines and an optional gradient field.

Points are picked and dragged with the gestures of :mod:`gui.views.picking`; overlays are added in data coordinates
with :meth:`add_item`.

When the plotted box is not too elongated (x and y ranges within 4:1), x and y share one scale, so circles look
round and gradients meet level curves at right angles; the view then shows some space beside the box. Longer boxes
fill the view instead (a 100 × 1 box at equal scale would be a line).
"""
from __future__ import annotations

import hashlib

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal

from gui.views.colour_scale import ColourScale
from gui.views.contour_lines import contour_levels
from gui.views.picking import PickingPlot
from gui.views.ticks import format_tick

LINE_PEN = pg.mkPen((255, 255, 255, 120), width=1)
ZERO_PEN = pg.mkPen((255, 255, 255, 220), width=1.6)
ARROW_PEN = pg.mkPen((255, 200, 120, 200), width=1.2)
EQUAL_SCALE_MAX_RATIO = 4.0   # boxes up to 4:1 are drawn with one unit as long in x as in y


class ContourView(PickingPlot):
    cursor_moved = Signal(float, float)   # the mouse moved over the plot (data coordinates)

    def __init__(self, parent=None, colormap: str = "viridis"):
        super().__init__(parent)
        self.colormap = pg.colormap.get(colormap)
        self.levels = np.array([])
        self.scale = ColourScale("linear", -1.0, 1.0)
        self.plotItem.showGrid(x=False, y=False)
        self.plotItem.setMenuEnabled(True)
        self._image = pg.ImageItem(axisOrder="col-major")
        self._image.setColorMap(self.colormap)
        self._lines = pg.PlotDataItem(pen=LINE_PEN, connect="pairs")
        self._zero_line = pg.PlotDataItem(pen=ZERO_PEN, connect="pairs")
        self._arrows = pg.PlotDataItem(pen=ARROW_PEN, connect="pairs")
        for item, z in ((self._image, -10), (self._lines, -5), (self._zero_line, -4), (self._arrows, -3)):
            item.setZValue(z)
            self.addItem(item)
        self._arrows.setVisible(False)
        # the image holds each sample's place on the colour bar (0–1); the bar's ticks name the true values of f
        self.colour_bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=self.colormap, interactive=False, width=10,
                                          orientation="horizontal")
        self.colour_bar.setImageItem(self._image, insert_in=self.plotItem)
        # under the plot, where a tall view has room to spare, so the x axis keeps its width and its ticks
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # --- data ---------------------------------------------------------------------------------------------------
    def set_field(self, xs, ys, zs, labels: tuple[str, str] = ("x", "y"), levels=None) -> None:
        """Colour map and contour lines of zs (shape (len(xs), len(ys)), 'ij' indexing); NaN/inf stay blank."""
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        zs = np.asarray(zs, dtype=np.float64)
        if zs.shape != (len(xs), len(ys)) or len(xs) < 2 or len(ys) < 2:
            raise ValueError(f"z must have shape (len(xs), len(ys)) with at least 2×2 samples, got {zs.shape}")
        finite = np.isfinite(zs)
        self.scale = ColourScale.for_values(zs[finite])
        self.levels = self.scale.levels() if levels is None else np.asarray(levels, dtype=np.float64)
        self._image.setImage(np.where(finite, self.scale.fraction(np.where(finite, zs, 0.0)), np.nan),
                             levels=(0.0, 1.0))
        self._label_colour_bar()
        dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
        self._image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy))
        self._set_lines(xs, ys, zs)
        self.plotItem.setLabel("bottom", labels[0])
        self.plotItem.setLabel("left", labels[1])
        new_extent = (xs[0], xs[-1], ys[0], ys[-1])
        if new_extent != self.extent:
            self.extent = new_extent
            self.reset_view()

    def _label_colour_bar(self) -> None:
        axis = self.colour_bar.axis
        axis.setTicks([[(t, format_tick(v)) for v, t in self.scale.ticks()], []])
        axis.setLabel(self.scale.title)
        self.colour_bar.setToolTip(self.scale.description)

    def _set_lines(self, xs, ys, zs) -> None:
        ordinary, zero = _cached_lines(xs, ys, zs, tuple(float(v) for v in self.levels))
        self._lines.setData(ordinary[:, 0], ordinary[:, 1])
        self._zero_line.setData(zero[:, 0], zero[:, 1])

    def set_gradient_field(self, xs, ys, gx, gy) -> None:
        """Arrows along (gx, gy) at the coarse grid xs × ys, longest about one grid cell."""
        gx, gy = np.asarray(gx, dtype=np.float64), np.asarray(gy, dtype=np.float64)
        if self.extent is None:
            return
        x0, x1, y0, y1 = self.extent
        sx, sy = x1 - x0, y1 - y0
        px, py = np.meshgrid(xs, ys, indexing="ij")
        # lengths are measured in view fractions so arrows look right whatever the axis scales; a huge gradient
        # over a narrow axis may overflow there, and such an arrow is left out like an undefined one
        with np.errstate(over="ignore", invalid="ignore"):
            ux, uy = gx / sx, gy / sy
            norm = np.hypot(ux, uy)
        ok = np.isfinite(norm) & (norm > 0)
        cell = 0.85 / max(len(xs), len(ys))
        scale = cell / np.sqrt(np.max(norm[ok])) if ok.any() else 0.0
        length = np.where(ok, np.sqrt(np.where(ok, norm, 0.0)) * scale, 0.0)   # sqrt keeps small arrows visible
        dirx = np.where(ok, ux / np.where(ok, norm, 1.0), 0.0)
        diry = np.where(ok, uy / np.where(ok, norm, 1.0), 0.0)
        segments = _arrow_segments(px[ok], py[ok], dirx[ok], diry[ok], length[ok], sx, sy)
        self._arrows.setData(segments[:, 0], segments[:, 1])

    def show_gradient_field(self, shown: bool) -> None:
        self._arrows.setVisible(bool(shown))

    def gradient_field_shown(self) -> bool:
        return self._arrows.isVisible()

    # --- view -------------------------------------------------------------------------------------------------
    def reset_view(self) -> None:
        if self.extent is not None:
            x0, x1, y0, y1 = self.extent
            ratio = (x1 - x0) / (y1 - y0)
            self._viewbox.setAspectLocked(1.0 / EQUAL_SCALE_MAX_RATIO <= ratio <= EQUAL_SCALE_MAX_RATIO, ratio=1.0)
            self._viewbox.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def equal_scale(self) -> bool:
        """Whether one unit of x is drawn as long as one unit of y."""
        return bool(self._viewbox.state["aspectLocked"])

    def _on_mouse_moved(self, scene_pos) -> None:
        if self._viewbox.sceneBoundingRect().contains(scene_pos):
            p = self._viewbox.mapSceneToView(scene_pos)
            self.cursor_moved.emit(p.x(), p.y())


_LINES_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_LINES_CACHE_SIZE = 8


def _cached_lines(xs, ys, zs, levels: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(the ordinary contour lines, the zero line) of a field, computed once per field and level set: the Surface
    and Descent views draw the same function, and a view that is drawn again (a new colour map, the same samples)
    does not contour again."""
    key = (hashlib.blake2b(zs.tobytes(), digest_size=16).digest(), zs.shape, xs[0], xs[-1], ys[0], ys[-1], levels)
    if key not in _LINES_CACHE:
        if len(_LINES_CACHE) >= _LINES_CACHE_SIZE:
            del _LINES_CACHE[next(iter(_LINES_CACHE))]
        ordinary = [v for v in levels if v != 0]
        pieces = contour_levels(xs, ys, zs, ordinary + ([0.0] if 0.0 in levels else []))
        lines = np.concatenate(pieces[: len(ordinary)]) if ordinary else np.empty((0, 2))
        zero = pieces[-1] if 0.0 in levels else np.empty((0, 2))
        _LINES_CACHE[key] = (lines, zero)
    return _LINES_CACHE[key]


def _arrow_segments(px, py, dx, dy, length, sx, sy) -> np.ndarray:
    """Shaft and two head strokes per arrow, built in view fractions and mapped back to data units."""
    tip_x, tip_y = px + dx * length * sx, py + dy * length * sy
    head = 0.35 * length
    out = [np.column_stack([px, py]), np.column_stack([tip_x, tip_y])]
    for angle in (2.6, -2.6):
        c, s = np.cos(angle), np.sin(angle)
        hx, hy = c * dx - s * dy, s * dx + c * dy
        out += [np.column_stack([tip_x, tip_y]),
                np.column_stack([tip_x + hx * head * sx, tip_y + hy * head * sy])]
    pairs = np.empty((3 * 2 * len(px), 2))
    for k in range(3):
        pairs[2 * k::6] = out[2 * k]
        pairs[2 * k + 1::6] = out[2 * k + 1]
    return pairs
