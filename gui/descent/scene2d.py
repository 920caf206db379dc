"""The race on the contour map: trails with a dot per iterate, current points, arrows, Newton's model level curves.

A jump that leaves the view is drawn up to the edge of the (slightly widened) view, so a trail has no gaps."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui.descent.frames import RunFrame, items_per_frame, newton_drawable, newton_frame
from gui.descent.geometry import (arrow_head, arrow_segments, clip_pairs, inside_box, level_curves, model_grid,
                                  model_levels, newton_patch)
from gui.descent.light_items import Marker, Segments
from gui.views.trail_item import TrailItem

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
        self.trail = TrailItem()
        self.arrows = Segments()
        self.velocity = Segments()
        self.marker = Marker(size=12)
        self.items = (self.trail, self.arrows, self.velocity, self.marker)
        self.trail_key = None   # what the trail item holds: (the run's trail, the box)
        self.head_key = None    # what the marker and arrows show
        for k, item in enumerate(self.items):
            item.setZValue(TOP + k)
            view.add_item(item)

    def hide_head(self):
        for item in self.items[1:]:
            item.setVisible(False)


class Race2D:
    """Draws RunFrames on a 2D plot. The contour map plots the iterates themselves; subclasses plot something else
    of them (the curve view plots (x, f(x))) by overriding plot_points, plot_vector and draw_model.

    Trails are appended to (only the steps taken since the last frame are clipped and added), and a run's marker
    and arrows are redrawn only when its step, colour or status changed: a frame's cost does not grow with the
    trail, and a finished run costs nothing."""

    def __init__(self, view):
        self.view = view
        self._runs: dict[int, _RunItems2D] = {}
        self._starts = pg.ScatterPlotItem(symbol="star", size=16, brush=pg.mkBrush(255, 255, 255),
                                          pen=pg.mkPen(20, 20, 20))
        self._starts_key = None
        self._model_lines = pg.PlotDataItem(pen=NEWTON_PEN, connect="pairs")
        self._newton_key = None
        self._jump = pg.PlotDataItem(pen=JUMP_PEN, connect="pairs")
        self._target = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen(255, 255, 255, width=2))
        # up and to the right of the target, clear of the markers there (those of runs arriving at the minimum)
        self._note = pg.TextItem(color=(255, 255, 255), anchor=(-0.12, 1.45), fill=pg.mkBrush(0, 0, 0, 110))
        for k, item in enumerate((self._model_lines, self._jump, self._target, self._note, self._starts)):
            item.setZValue(TOP - 5 + k if item is not self._starts else TOP + 50)
            view.add_item(item)
            item.setVisible(item is self._starts)   # Newton's until a Newton run is drawn (an empty note: a dark box)

    # --- what is plotted of a frame (the contour map: the iterates themselves) -----------------------------
    def box(self) -> list[tuple[float, float]]:
        x0, x1, y0, y1 = self.view.extent
        return [(x0, x1), (y0, y1)]

    def plot_points(self, points: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The plotted positions of these iterates (with their values of f), (n, 2), and which of them are shown."""
        return points, inside_box(points, self.box())

    def trail_key(self):
        """What else the plotted positions depend on besides the trail and the box (the curve, for (x, f(x)))."""
        return None

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
            self._draw_trail(items, frame)
            self._draw_head(items, frame)
            first, shown = self.plot_points(frame.points[:1], frame.values[:1])
            if shown[0]:
                starts.append(first[0])
        self._draw_starts(starts)
        newton = newton_frame(frames)
        self.draw_newton(newton if newton_drawable(newton) and self._shown_at(newton) else None)

    def _shown_at(self, frame: RunFrame) -> bool:
        """The frame's current iterate is shown on this plot."""
        step = frame.step
        return bool(self.plot_points(frame.points[step: step + 1], frame.values[step: step + 1])[1][0])

    def _draw_starts(self, starts) -> None:
        key = distinct_points(starts)
        if key == self._starts_key:
            return
        self._starts_key = key
        if starts:
            s = np.array(key)
            self._starts.setData(s[:, 0], s[:, 1])
        self._starts.setVisible(bool(starts))

    def _draw_trail(self, items: _RunItems2D, frame: RunFrame) -> None:
        """Append the steps the trail item does not hold yet (all of them after a restart or a new box)."""
        box = self.box()
        key = (frame.key, tuple(map(tuple, box)), self.trail_key())
        if items.trail_key != key:
            items.trail.clear()
            items.trail_key = key
        have, want = items.trail.steps, frame.step + 1
        if want > have:
            first = max(have - 1, 0)
            pts, shown = self.plot_points(frame.points[first:want], frame.values[first:want])
            pairs, kept = clip_pairs(pts, box)
            seg_counts = kept.astype(np.int64)
            if have == 0:
                seg_counts = np.concatenate([[0], seg_counts])   # the start has no segment before it
            else:
                pts, shown = pts[1:], shown[1:]                   # its dot is drawn already
            items.trail.add_steps(pairs.reshape(-1, 4), seg_counts, pts[shown], shown.astype(np.int64))
        items.trail.show_upto(frame.step)
        items.trail.set_pens(pen(frame.colour, 2.2), pen(frame.colour, 4.0))

    def _draw_head(self, items: _RunItems2D, frame: RunFrame) -> None:
        """The current point's marker, −∇f arrow and velocity, redrawn only when one of them changed."""
        key = (frame.key, frame.step, frame.glide, frame.status, frame.colour, tuple(self.view.extent),
               self.trail_key())
        if items.head_key == key:
            return
        items.head_key = key
        has_point = frame.current is not None and self._shown_at(frame)
        items.marker.setVisible(has_point)
        items.arrows.setVisible(has_point and frame.gradient is not None)
        items.velocity.setVisible(has_point and frame.velocity is not None)
        if not has_point:
            return
        p = self.marker_position(frame)
        items.marker.move_to(p[0], p[1], brush(frame.colour), WHITE_OUTLINE)
        scale = self.arrow_scale()
        if frame.gradient is not None:
            head = arrow_head(p, self.plot_vector(frame, -frame.gradient) / _or_one(scale), self.arrow_length())
            head = p + (head - p) * _or_one(scale)
            seg = arrow_segments(p, head, scale=scale).reshape(-1, 2)
            items.arrows.setData(seg[:, 0], seg[:, 1], pen=pen(frame.colour, 2.0, 0.45))
        if frame.velocity is not None:
            seg = arrow_segments(p, p + self.plot_vector(frame, frame.velocity), scale=scale).reshape(-1, 2)
            items.velocity.setData(seg[:, 0], seg[:, 1], pen=pen(frame.colour, 2.0, 0.75, True))

    def marker_position(self, frame: RunFrame) -> np.ndarray:
        """Where the run's marker is drawn: at the plotted iterate, or on its way there while it glides."""
        first, step = max(frame.step - 1, 0), frame.step
        pts = self.plot_points(frame.points[first: step + 1], frame.values[first: step + 1])[0]
        return frame.glided(pts[0], pts[-1])

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


def distinct_points(points) -> tuple:
    """The distinct points, sorted, as tuples (np.unique(axis=0) would import numpy.ma on the first frame: 50 ms)."""
    return tuple(sorted({tuple(float(v) for v in p) for p in points}))


def _or_one(scale):
    return np.ones(2) if scale is None else np.asarray(scale, dtype=np.float64)
