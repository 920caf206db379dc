"""Picking a point by clicking the 3D surface: the ray from the camera through the clicked pixel is followed until it
first meets the drawn surface z = f(x, y), and that (x, y) is the point picked.

A click is a press and release of the left button without moving (a drag orbits the camera, as before). The ray
is sampled finely, and the crossing refined by bisection on f itself, so the point is where the surface is drawn
under the cursor (values are clipped to the drawn value range, as the surface is).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QVector3D

CLICK_SLOP = 4          # pixels a press may move and still be a click
RAY_SAMPLES = 4000
BISECTIONS = 50


class SurfacePicker(QObject):
    picked = Signal(float, float)   # the (x, y) under the click, in the plotted axes

    def __init__(self, view, evaluate, parent=None):
        """``evaluate(xs, ys)`` gives f at arrays of points of the plotted axes (the function drawn now)."""
        super().__init__(parent)
        self.view, self.evaluate = view, evaluate
        self._pressed: QPoint | None = None
        view.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._pressed = event.position().toPoint()
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            pressed, self._pressed = self._pressed, None
            pos = event.position().toPoint()
            if pressed is not None and (pos - pressed).manhattanLength() <= CLICK_SLOP:
                hit = self.pick(pos.x(), pos.y())
                if hit is not None:
                    self.picked.emit(*hit)
        return False   # the view still orbits, zooms and pans as before

    def pick(self, px: float, py: float) -> tuple[float, float] | None:
        """The (x, y) of the surface under widget pixel (px, py), or None when the ray misses it."""
        view = self.view
        if view.extent is None:
            return None
        near, far = self._ray(px, py)
        t = np.linspace(0.0, 1.0, RAY_SAMPLES)
        data = view.from_scene(near[None, :] + t[:, None] * (far - near)[None, :])
        gap = self._gap(data)
        crossing = np.nonzero(np.isfinite(gap[:-1]) & np.isfinite(gap[1:]) & (np.sign(gap[:-1]) != np.sign(gap[1:])))
        if not crossing[0].size:
            return None
        i = int(crossing[0][0])
        lo, hi = t[i], t[i + 1]
        sign_lo = np.sign(gap[i])
        for _ in range(BISECTIONS):
            mid = 0.5 * (lo + hi)
            value = self._gap(view.from_scene((near + mid * (far - near))[None, :]))[0]
            if np.sign(value) == sign_lo:
                lo = mid
            else:
                hi = mid
        x, y, _z = view.from_scene((near + 0.5 * (lo + hi) * (far - near))[None, :])[0]
        return float(x), float(y)

    def _ray(self, px: float, py: float) -> tuple[np.ndarray, np.ndarray]:
        """The scene points where the ray through the pixel meets the near and the far clipping planes."""
        view = self.view
        w, h = view.width(), view.height()
        mvp = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
        inverse, ok = mvp.inverted()
        nx, ny = 2.0 * px / w - 1.0, 1.0 - 2.0 * py / h
        ends = [inverse.map(QVector3D(nx, ny, depth)) for depth in (-1.0, 1.0)]
        return tuple(np.array([p.x(), p.y(), p.z()], dtype=np.float64) for p in ends)

    def _gap(self, data: np.ndarray) -> np.ndarray:
        """Height of the ray above the drawn surface at each data point (NaN outside the plotted box)."""
        x0, x1, y0, y1, z0, z1 = self.view.extent
        inside = (data[:, 0] >= x0) & (data[:, 0] <= x1) & (data[:, 1] >= y0) & (data[:, 1] <= y1)
        with np.errstate(all="ignore"):
            f = np.asarray(self.evaluate(data[:, 0], data[:, 1]), dtype=np.float64)
        f = np.broadcast_to(f, (len(data),))
        drawn = np.clip(f, z0, z1)
        return np.where(inside & np.isfinite(f), data[:, 2] - drawn, np.nan)
