"""The race on the curve of a one-variable function: each run's iterates sit on the curve at (x, f(x)), joined in
order; the current point carries its −f′ arrow (along x); Newton's parabola (its quadratic model) and its jump.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gui.descent.frames import RunFrame
from gui.descent.geometry import MARGIN, arrow_segments, inside_box, parabola
from gui.descent.scene2d import ARROW_FRACTION, NEWTON_PEN, TOP, Race2D

LANDING_PEN = pg.mkPen((255, 255, 255, 170), width=1.2, style=Qt.PenStyle.DotLine)


class Race1D(Race2D):
    def __init__(self, view):
        super().__init__(view)
        self.curve = None   # vectorized f(x) of the plotted variable
        self._landing = pg.PlotDataItem(pen=LANDING_PEN, connect="pairs")
        self._parabola = pg.PlotDataItem(pen=NEWTON_PEN, connect="finite")   # one polyline keeps its dashes
        for item in (self._landing, self._parabola):
            item.setZValue(TOP - 4)
            view.add_item(item)

    def set_curve_function(self, curve) -> None:
        self.curve = curve
        self._newton_key = None

    def trail_key(self):
        return id(self.curve)

    def plot_points(self, points: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pts = np.column_stack([points[:, 0], values])
        return pts, inside_box(pts, self.box())

    def marker_position(self, frame: RunFrame) -> np.ndarray:
        """On the curve, also between two iterates (not on the chord joining them)."""
        p = super().marker_position(frame)
        y = self._curve_at(float(p[0])) if frame.gliding else np.nan
        return np.array([p[0], y]) if np.isfinite(y) else p

    def plot_vector(self, frame: RunFrame, vector) -> np.ndarray:
        return np.array([float(np.ravel(vector)[0]), 0.0])

    def arrow_scale(self):
        x0, x1, y0, y1 = self.view.extent
        return np.array([x1 - x0, y1 - y0])

    def arrow_length(self) -> float:
        return ARROW_FRACTION   # a fraction of the view (arrows are drawn in view-fraction units here)

    def show_newton(self, shown: bool) -> None:
        super().show_newton(shown)
        self._model_lines.setVisible(False)
        self._landing.setVisible(shown)
        self._parabola.setVisible(shown)

    def draw_model(self, frame: RunFrame, ex) -> None:
        """The parabola f + f′t + ½f″t² around the iterate, the jump to where the step goes on it, and a dotted
        line down (or up) to the curve, where the next iterate actually lands."""
        p, t = float(frame.point[0]), float(np.ravel(ex.target)[0])
        x0, x1, _, _ = self.view.extent
        half = min(max(0.75 * abs(t - p), 0.18 * (x1 - x0)), x1 - x0)
        centre = (p + t) / 2
        xs, ys = parabola(ex.model, centre - half, centre + half)
        _, _, y0, y1 = self.view.extent
        margin = MARGIN * (y1 - y0)
        self._parabola.setData(xs, np.where((ys >= y0 - margin) & (ys <= y1 + margin), ys, np.nan))
        q = lambda x: float(ex.model.at_offset(np.array([x - p])))  # noqa: E731
        start, landing = np.array([p, frame.values[frame.step]]), np.array([t, q(t)])
        jump = arrow_segments(start, landing, head_fraction=0.12, scale=self.arrow_scale()).reshape(-1, 2)
        self._jump.setData(jump[:, 0], jump[:, 1])
        on_curve = self._curve_at(t)
        drop = np.array([landing, [t, on_curve]]) if np.isfinite(on_curve) else np.zeros((0, 2))
        self._landing.setData(drop[:, 0], drop[:, 1])
        stationary = [] if ex.stationary_point is None or np.isclose(float(ex.stationary_point[0]), t) else \
            [[float(ex.stationary_point[0]), q(float(ex.stationary_point[0]))]]
        self.mark_targets(ex, [landing] + stationary)
        self._note.setPos(float(landing[0]), float(landing[1]))

    def _curve_at(self, x: float) -> float:
        if self.curve is None:
            return float("nan")
        with np.errstate(all="ignore"):
            return float(np.ravel(self.curve(np.array([x])))[0])
