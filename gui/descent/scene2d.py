"""The race on the contour map: trails with a dot per iterate, current points, arrows, Newton's model level curves.

A jump that leaves the view is drawn up to the edge of the (slightly widened) view, so a trail has no gaps."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui.descent.frames import RunFrame, items_per_frame, newton_drawable, newton_frame
from gui.descent.geometry import (arrow_head, arrow_segments, clipped_segments, level_curves, model_grid,
                                  model_levels, newton_patch)

ARROW_FRACTION = 0.12
NEWTON_PEN = pg.mkPen((255, 255, 255, 230), width=1.3, style=Qt.PenStyle.DashLine)
JUMP_PEN = pg.mkPen((255, 255, 255, 255), width=2.2)
TOP = 20   # above the colour map, contour lines and gradient field


def lighter(colour: str, amount: float) -> QColor:
    c = QColor(colour)
    return QColor(round(c.red() + (255 - c.red()) * amount), round(c.green() + (255 - c.green()) * amount),
                  round(c.blue() + (255 - c.blue()) * amount))


@lru_cache(maxsize=256)
def pen(colour: str, width: float, lighten: float = 0.0, dashed: bool = False):
    """Pens are made once per look: building them each frame costs more than drawing."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(lighter(colour, lighten), width=width, style=style)


@lru_cache(maxsize=64)
def brush(colour: str):
    return pg.mkBrush(QColor(colour))


WHITE_OUTLINE = pg.mkPen(255, 255, 255, width=1.5)


class _RunItems2D:
    def __init__(self, view):
        self.trail = pg.PlotDataItem(connect="pairs")
        self.dots = pg.PlotDataItem(pen=None, symbol="o", symbolSize=4)
        self.arrows = pg.PlotDataItem(connect="pairs")
        self.velocity = pg.PlotDataItem(connect="pairs")
        self.marker = pg.ScatterPlotItem(size=12)
        self.items = (self.trail, self.dots, self.arrows, self.velocity, self.marker)
        for k, item in enumerate(self.items):
            item.setZValue(TOP + k)
            view.add_item(item)

    def hide(self):
        for item in self.items:
            item.setVisible(False)


class Race2D:
    """Draws RunFrames on a 2D plot. The contour map plots the iterates themselves; subclasses plot something else
    of them (the curve view plots (x, f(x))) by overriding plot_points, plot_vector and draw_model."""

    def __init__(self, view):
        self.view = view
        self._runs: dict[int, _RunItems2D] = {}
        self._starts = pg.ScatterPlotItem(symbol="star", size=16, brush=pg.mkBrush(255, 255, 255),
                                          pen=pg.mkPen(20, 20, 20))
        self._model_lines = pg.PlotDataItem(pen=NEWTON_PEN, connect="pairs")
        self._newton_key = None
        self._jump = pg.PlotDataItem(pen=JUMP_PEN, connect="pairs")
        self._target = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen(255, 255, 255, width=2))
        self._note = pg.TextItem(color=(255, 255, 255), anchor=(0, 1), fill=pg.mkBrush(0, 0, 0, 150))
        for k, item in enumerate((self._model_lines, self._jump, self._target, self._note, self._starts)):
            item.setZValue(TOP - 5 + k if item is not self._starts else TOP + 50)
            view.add_item(item)

    # --- what is plotted of a frame (the contour map: the iterates themselves) -----------------------------
    def box(self) -> list[tuple[float, float]]:
        x0, x1, y0, y1 = self.view.extent
        return [(x0, x1), (y0, y1)]

    def plot_points(self, frame: RunFrame) -> tuple[np.ndarray, np.ndarray]:
        """The plotted positions of the iterates, (n, 2), and which of them are shown."""
        return frame.points, frame.inside

    def plot_vector(self, frame: RunFrame, vector) -> np.ndarray:
        return np.asarray(vector, dtype=np.float64)

    def arrow_scale(self):
        return None   # equal units on both axes

    def arrow_length(self) -> float:
        x0, x1, y0, y1 = self.view.extent
        return ARROW_FRACTION * min(x1 - x0, y1 - y0)

    # --- drawing ---------------------------------------------------------------------------------------------
    def draw(self, frames: list[RunFrame]) -> None:
        if self.view.extent is None:
            return
        starts = []
        for frame, items in zip(frames, items_per_frame(frames, self._runs, self.view, _RunItems2D)):
            pts, shown = self.plot_points(frame)
            self._draw_run(items, frame, pts, shown)
            if shown[0]:
                starts.append(pts[0])
        if starts:
            s = np.unique(np.array(starts), axis=0)
            self._starts.setData(s[:, 0], s[:, 1])
        self._starts.setVisible(bool(starts))
        shown = newton_frame(frames)
        self.draw_newton(shown if newton_drawable(shown) and self.plot_points(shown)[1][shown.step] else None)

    def _draw_run(self, items: _RunItems2D, frame: RunFrame, pts: np.ndarray, shown: np.ndarray) -> None:
        lines = clipped_segments(pts, self.box())
        if not shown.any() and len(lines) == 0:
            items.hide()
            return
        items.trail.setData(lines[:, 0], lines[:, 1], pen=pen(frame.colour, 2.2))
        items.dots.setData(pts[shown, 0], pts[shown, 1], symbolBrush=brush(frame.colour), symbolPen=None)
        items.trail.setVisible(True)
        items.dots.setVisible(bool(shown.any()))
        has_point = frame.current is not None and bool(shown[frame.step])
        items.marker.setVisible(has_point)
        items.arrows.setVisible(has_point and frame.gradient is not None)
        items.velocity.setVisible(has_point and frame.velocity is not None)
        if not has_point:
            return
        p = pts[frame.step]
        items.marker.setData([p[0]], [p[1]], brush=brush(frame.colour), pen=WHITE_OUTLINE)
        scale = self.arrow_scale()
        if frame.gradient is not None:
            head = arrow_head(p, self.plot_vector(frame, -frame.gradient) / _or_one(scale), self.arrow_length())
            head = p + (head - p) * _or_one(scale)
            seg = arrow_segments(p, head, scale=scale).reshape(-1, 2)
            items.arrows.setData(seg[:, 0], seg[:, 1], pen=pen(frame.colour, 2.0, 0.45))
        if frame.velocity is not None:
            seg = arrow_segments(p, p + self.plot_vector(frame, frame.velocity), scale=scale).reshape(-1, 2)
            items.velocity.setData(seg[:, 0], seg[:, 1], pen=pen(frame.colour, 2.0, 0.75, True))

    def show_newton(self, shown: bool) -> None:
        for item in (self._model_lines, self._jump, self._target, self._note):
            item.setVisible(shown)
        if not shown:
            self._newton_key = None

    def draw_newton(self, frame: RunFrame | None) -> None:
        """Newton's model at ``frame``'s iterate (None: hide it), redrawn only when the iterate, its explanation or
        the view changed."""
        self.show_newton(frame is not None)
        if frame is None:
            return
        key = (frame.key, frame.step, id(frame.newton), self.view.extent)
        if self._newton_key == key:
            return   # the same explanation (cached upstream) at the same place: already drawn
        self._newton_key = key
        self.draw_model(frame, frame.newton)

    def draw_model(self, frame: RunFrame, ex) -> None:
        """The level curves of Newton's quadratic model around its iterate, and the jump to where the step goes."""
        p, target = frame.current, np.asarray(ex.target, dtype=np.float64)
        xs, ys, zs = model_grid(ex.model, newton_patch(p, target, self.box()), n=61)
        centre = ex.model.at_offset(ex.stationary_point - p) if ex.stationary_point is not None else np.nan
        lines = level_curves(xs, ys, zs, model_levels(zs, centre, ex.model.value, ex.has_minimum))
        self._model_lines.setData(lines[:, 0], lines[:, 1])
        jump = arrow_segments(p, target, head_fraction=0.12).reshape(-1, 2)
        self._jump.setData(jump[:, 0], jump[:, 1])
        self.mark_targets(ex, [target] + ([ex.stationary_point] if ex.stationary_point is not None
                                          and not np.allclose(ex.stationary_point, target) else []))
        self._note.setPos(float(target[0]), float(target[1]))

    def mark_targets(self, ex, marks) -> None:
        m = np.array(marks, dtype=np.float64).reshape(-1, 2)
        m = m[np.all(np.isfinite(m), axis=1)]
        self._target.setData(m[:, 0], m[:, 1])
        self._note.setText("model minimum" if ex.has_minimum else "model has no minimum")


def _or_one(scale):
    return np.ones(2) if scale is None else np.asarray(scale, dtype=np.float64)
