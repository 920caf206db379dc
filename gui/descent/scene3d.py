"""The race on the 3D surface: trails lifted just above the surface, current points, arrows, Newton's model.

Only these light items change per frame; the surface mesh itself is uploaded once per function by SurfaceView.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtGui import QColor

from gui.descent.frames import RunFrame, items_per_frame, newton_drawable, newton_frame
from gui.descent.geometry import (LiftedTrail, SurfaceFunction, arrow_head, arrow_segments, model_grid,
                                  newton_patch, segment_pairs, wireframe_segments)
from gui.views.surface_view import SurfaceView

LIFT = 0.012          # trails float this fraction of the value range above the surface, so it never hides them
ARROW_FRACTION = 0.12
NEWTON_COLOUR = (1.0, 1.0, 1.0, 0.85)


def rgba(colour: str, alpha: float = 1.0, lighten: float = 0.0) -> tuple:
    c = QColor(colour)
    r, g, b = c.redF(), c.greenF(), c.blueF()
    return (r + (1 - r) * lighten, g + (1 - g) * lighten, b + (1 - b) * lighten, alpha)


def add_items(view: SurfaceView, items) -> None:
    """Add GL items with the view's context current: pyqtgraph initializes an item in whatever context is current,
    and an item initialized in another one (after the first paint) never draws."""
    if view.isValid():
        view.makeCurrent()
    for item in items:
        view.add_item(item)


class _RunItems3D:
    def __init__(self, view: SurfaceView):
        self.trail = gl.GLLinePlotItem(width=3.0, antialias=True, mode="lines", glOptions="translucent")
        self.dots = gl.GLScatterPlotItem(size=5.0, pxMode=True, glOptions="translucent")
        self.marker = gl.GLScatterPlotItem(size=13.0, pxMode=True, glOptions="translucent")
        self.arrows = gl.GLLinePlotItem(width=2.0, antialias=True, mode="lines", glOptions="translucent")
        self.velocity = gl.GLLinePlotItem(width=2.0, antialias=True, mode="lines", glOptions="translucent")
        self.lifted = LiftedTrail()
        self.items = (self.trail, self.dots, self.marker, self.arrows, self.velocity)
        add_items(view, self.items)

    def hide(self):
        for item in self.items:
            item.setVisible(False)


class Race3D:
    def __init__(self, view: SurfaceView):
        self.view = view
        self.surface: SurfaceFunction | None = None
        self.surface_key = 0
        self._runs: dict[int, _RunItems3D] = {}
        self._starts = gl.GLScatterPlotItem(size=9.0, pxMode=True, color=(1, 1, 1, 0.9), glOptions="translucent")
        self._wire = gl.GLLinePlotItem(width=1.0, antialias=True, mode="lines", color=NEWTON_COLOUR,
                                       glOptions="translucent")
        self._jump = gl.GLLinePlotItem(width=2.5, antialias=True, mode="lines", color=NEWTON_COLOUR,
                                       glOptions="translucent")
        add_items(view, (self._starts, self._wire, self._jump))
        self._newton_key = None

    def set_surface_function(self, surface: SurfaceFunction) -> None:
        self.surface = surface
        self.surface_key += 1

    def draw(self, frames: list[RunFrame]) -> None:
        if self.surface is None or self.view.extent is None:
            return
        starts = []
        for frame, items in zip(frames, items_per_frame(frames, self._runs, self.view, _RunItems3D)):
            self._draw_run(items, frame)
            if frame.inside[0] and frame.defined[0]:   # where f is undefined there is no height to put it at
                starts.append(frame.points[0])
        self._draw_starts(starts)
        shown = newton_frame(frames)
        self._draw_newton(shown if newton_drawable(shown) else None)

    # --- pieces ---------------------------------------------------------------------------------------------
    def _lift(self, xyz: np.ndarray) -> np.ndarray:
        z0, z1 = self.view.extent[4], self.view.extent[5]
        lifted = xyz.copy()
        lifted[:, 2] = np.clip(np.nan_to_num(lifted[:, 2], nan=z1, posinf=z1, neginf=z0) + LIFT * (z1 - z0),
                               z0, z1 + LIFT * (z1 - z0))
        return self.view.to_scene(lifted).astype(np.float32)

    def _surface_at(self, xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        with np.errstate(all="ignore"):
            z = np.asarray(self.surface(xy[:, 0], xy[:, 1]), dtype=np.float64) * np.ones(len(xy))
        return np.column_stack([xy, z])

    def _draw_run(self, items: _RunItems3D, frame: RunFrame) -> None:
        drawn = frame.inside & frame.defined
        if not drawn.any():
            items.hide()
            return
        colour = rgba(frame.colour)
        path = items.lifted.xyz((frame.key, self.surface_key), frame.points, len(frame.points), self.surface)
        pairs = segment_pairs(path, drawn, LiftedTrail.PER_SEGMENT)
        inside = self._in_surface_box(pairs)
        pairs = pairs[np.repeat(inside[0::2] & inside[1::2], 2)]
        items.trail.setData(pos=self._lift(pairs) if len(pairs) else np.zeros((0, 3), np.float32), color=colour)
        dots = self._surface_at(frame.points[drawn])
        items.dots.setData(pos=self._lift(dots[self._in_surface_box(dots)]), color=colour)
        for item in (items.trail, items.dots):
            item.setVisible(True)
        has_point = frame.current is not None and frame.point_defined
        items.marker.setVisible(has_point)
        items.arrows.setVisible(has_point and frame.gradient is not None)
        items.velocity.setVisible(has_point and frame.velocity is not None)
        if not has_point:
            return
        items.marker.setData(pos=self._lift(self._surface_at(frame.current)), color=colour)
        if frame.gradient is not None:
            items.arrows.setData(pos=self._tangent_arrow(frame, -frame.gradient, self._arrow_length()),
                                 color=rgba(frame.colour, lighten=0.45))
        if frame.velocity is not None:
            speed = float(np.hypot(*frame.velocity))
            items.velocity.setData(pos=self._tangent_arrow(frame, frame.velocity, speed),
                                   color=rgba(frame.colour, 0.9, lighten=0.75))

    def _in_surface_box(self, xyz: np.ndarray) -> np.ndarray:
        """Which points lie over the drawn box (x, y within the plotted ranges; f finite): the 2D map may show a
        trail a little past its edges, but in 3D that would hang in the air outside the box. Heights beyond the
        value range stay: the surface itself is clipped flat there, and _lift puts the trail on it."""
        x0, x1, y0, y1 = self.view.extent[:4]
        tol = 1e-9 * np.array([x1 - x0, y1 - y0])
        lo, hi = np.array([x0, y0]) - tol, np.array([x1, y1]) + tol
        with np.errstate(invalid="ignore"):
            return np.all(np.isfinite(xyz), axis=1) & np.all((xyz[:, :2] >= lo) & (xyz[:, :2] <= hi), axis=1)

    def _arrow_length(self) -> float:
        x0, x1, y0, y1 = self.view.extent[:4]
        return ARROW_FRACTION * min(x1 - x0, y1 - y0)

    def _tangent_arrow(self, frame: RunFrame, direction, length: float) -> np.ndarray:
        """An arrow in the tangent plane at the current point (so it visibly points downhill)."""
        p = frame.current
        pairs = arrow_segments(p, arrow_head(p, direction, length))
        if len(pairs) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        base = self._surface_at(p)[0, 2]
        g = frame.gradient if frame.gradient is not None else np.zeros(2)
        z = base + (pairs - p) @ g
        return self._lift(np.column_stack([pairs, z]))

    def _draw_starts(self, starts) -> None:
        self._starts.setVisible(bool(starts))
        if starts:
            self._starts.setData(pos=self._lift(self._surface_at(np.unique(np.array(starts), axis=0))))

    def _draw_newton(self, frame: RunFrame | None) -> None:
        """The quadratic model at the (first) Newton run's iterate, and its jump to where the step goes."""
        shown = frame is not None
        self._wire.setVisible(shown)
        self._jump.setVisible(shown)
        if not shown:
            self._newton_key = None
            return
        ex = frame.newton
        key = (frame.key, frame.step, id(ex), self.view.extent, self.surface_key)
        if self._newton_key == key:
            return
        self._newton_key = key
        target = np.asarray(ex.target, dtype=np.float64)
        patch = newton_patch(frame.current, target, [self.view.extent[0:2], self.view.extent[2:4]])
        xs, ys, zs = model_grid(ex.model, patch, n=31)
        segs = wireframe_segments(xs, ys, zs)
        z0, z1 = self.view.extent[4], self.view.extent[5]
        pad = 0.05 * (z1 - z0)
        inside = (segs[:, 2] >= z0 - pad) & (segs[:, 2] <= z1 + pad)
        keep = np.repeat(inside[0::2] & inside[1::2], 2)
        self._wire.setData(pos=self.view.to_scene(segs[keep]).astype(np.float32))
        jump = np.array([[*frame.current, ex.model.at_offset(np.zeros(2))],
                         [*target, ex.model.at_offset(target - frame.current)]])
        jump[:, 2] = np.clip(jump[:, 2], z0 - pad, z1 + pad)
        self._jump.setData(pos=self.view.to_scene(jump).astype(np.float32))
