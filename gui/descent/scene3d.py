"""The race on the 3D surface: trails lifted just above the surface, current points, arrows, Newton's model.

Only these light items change per frame; the surface mesh itself is uploaded once per function by SurfaceView.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtGui import QColor

from gui.descent.frames import RunFrame, items_per_frame, newton_drawable, newton_frame
from gui.descent.scene2d import distinct_points
from gui.descent.geometry import (SurfaceFunction, arrow_head, arrow_segments, densify, model_grid, newton_patch,
                                  wireframe_segments)
from gui.views.gl_layers import AccumulatingLines, AccumulatingPoints
from gui.views.growing import StepRows
from gui.views.surface_view import SurfaceView

LIFT = 0.012          # trails float this fraction of the value range above the surface, so it never hides them
ARROW_FRACTION = 0.12
NEWTON_COLOUR = (1.0, 1.0, 1.0, 0.85)
WIRE_FRACTION = 0.3   # Newton's model wireframe spans at most this fraction of the view each side of the iterate
PER_SEGMENT = 8       # a step is drawn as this many pieces laid on the surface, so a long jump follows its relief


def rgba(colour: str, alpha: float = 1.0, lighten: float = 0.0) -> tuple:
    c = QColor(colour)
    r, g, b = c.redF(), c.greenF(), c.blueF()
    return (r + (1 - r) * lighten, g + (1 - g) * lighten, b + (1 - b) * lighten, alpha)


def add_items(view: SurfaceView, items, live: bool = True) -> None:
    """Add GL items with the view's context current: pyqtgraph initializes an item in whatever context is current,
    and an item initialized in another one (after the first paint) never draws. ``live``: they change from frame
    to frame (trails are not: they accumulate, see gui.views.gl_layers)."""
    if view.isValid():
        view.makeCurrent()
    for item in items:
        view.add_item(item, live=live)


class _RunItems3D:
    def __init__(self, view: SurfaceView):
        self.trail = AccumulatingLines(width=3.0, antialias=True, glOptions="translucent")
        self.dots = AccumulatingPoints(size=5.0, pxMode=True, glOptions="translucent")
        self.marker = gl.GLScatterPlotItem(size=13.0, pxMode=True, glOptions="translucent")
        self.arrows = gl.GLLinePlotItem(width=2.0, antialias=True, mode="lines", glOptions="translucent")
        self.velocity = gl.GLLinePlotItem(width=2.0, antialias=True, mode="lines", glOptions="translucent")
        self.items = (self.trail, self.dots, self.marker, self.arrows, self.velocity)
        self.pairs, self.points = StepRows(3, np.float32), StepRows(3, np.float32)   # lifted, in scene units
        self.trail_key = self.head_key = self.shown_key = None
        add_items(view, self.items[:2], live=False)
        add_items(view, self.items[2:])


class Race3D:
    """Draws RunFrames on the surface. Like the 2D scene, trails are appended to (only new steps are lifted onto
    the surface) and a run's marker and arrows change only when its step, colour or status did."""

    def __init__(self, view: SurfaceView):
        self.view = view
        self.surface: SurfaceFunction | None = None
        self.surface_key = 0
        self._runs: dict[int, _RunItems3D] = {}
        self._starts = gl.GLScatterPlotItem(size=9.0, pxMode=True, color=(1, 1, 1, 0.9), glOptions="translucent")
        self._starts_key = None
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
        """One evaluation of f per frame: every run's new trail pieces and marker heights are asked for together
        (on a long formula each evaluation costs its whole expression tree, whatever the number of points)."""
        if self.surface is None or self.view.extent is None:
            return
        starts, plans, wanted = [], [], []
        for frame, items in zip(frames, items_per_frame(frames, self._runs, self.view, _RunItems3D)):
            trail, head = self._plan_trail(items, frame), self._plan_head(items, frame)
            plans.append((frame, items, trail, head))
            wanted += [xy for xy in (trail, head) if xy is not None]
            if frame.inside[0] and frame.defined[0]:   # where f is undefined there is no height to put it at
                starts.append(frame.points[0])
        heights = iter(np.split(self._surface_at(np.vstack(wanted)), np.cumsum([len(w) for w in wanted])[:-1])
                       if wanted else ())
        for frame, items, trail, head in plans:
            self._draw_trail(items, frame, None if trail is None else next(heights))
            if head is not None:
                self._draw_head(items, frame, next(heights))
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

    def _plan_trail(self, items: _RunItems3D, frame: RunFrame) -> np.ndarray | None:
        """The (x, y) points the trail's new steps need heights at: the steps not lifted yet (all of them after a
        restart, a new surface or new ranges), PER_SEGMENT pieces per step (the iterates are every PER_SEGMENT-th
        point); None when the trail is up to date."""
        key = (frame.key, self.surface_key, tuple(self.view.extent))
        if items.trail_key != key:
            items.pairs.clear()
            items.points.clear()
            items.trail_key, items.shown_key = key, None
        have, want = items.points.steps, frame.step + 1
        return densify(frame.points[max(have - 1, 0):want], PER_SEGMENT) if want > have else None

    def _draw_trail(self, items: _RunItems3D, frame: RunFrame, xyz: np.ndarray | None) -> None:
        """Append the planned steps (``xyz``: their densified points with f) and show the trail up to the step."""
        if xyz is not None:
            have, want = items.points.steps, frame.step + 1
            first = max(have - 1, 0)
            drawn = frame.inside[first:want] & frame.defined[first:want]
            pairs, counts = self._lifted_pairs(xyz, drawn)
            dots = xyz[::PER_SEGMENT]
            with_dot = drawn & self._in_surface_box(dots)
            if have > 0:
                with_dot[0] = False   # the previous last point: its step added its dot already
            dot_counts = with_dot.astype(np.int64)[0 if have == 0 else 1:]
            items.pairs.add_steps(pairs, counts if have > 0 else np.concatenate([[0], counts]))
            items.points.add_steps(self._lift(dots[with_dot]), dot_counts)
        shown_key = (frame.step, frame.colour)
        if items.shown_key == shown_key:
            return
        items.shown_key = shown_key
        colour = rgba(frame.colour)
        pairs, dots = items.pairs.upto(frame.step), items.points.upto(frame.step)
        items.trail.set_look(color=colour)
        items.dots.set_look(color=colour)
        items.trail.set_rows(pairs)
        items.dots.set_rows(dots)
        items.trail.setVisible(len(pairs) > 0)
        items.dots.setVisible(len(dots) > 0)

    def _lifted_pairs(self, xyz: np.ndarray, drawn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The densified polyline ``xyz`` (PER_SEGMENT pieces per step, on the surface) as lifted (start, end)
        pairs in scene units, and how many pairs each of the len(drawn) − 1 steps made."""
        per = PER_SEGMENT
        if len(drawn) < 2:
            return np.zeros((0, 3), np.float32), np.zeros(0, dtype=np.int64)
        a, b = xyz[:-1], xyz[1:]
        segment = np.arange(len(a)) // per
        keep = drawn[segment] & drawn[segment + 1] & self._in_surface_box(a) & self._in_surface_box(b)
        pairs = np.empty((2 * int(keep.sum()), 3))
        pairs[0::2], pairs[1::2] = a[keep], b[keep]
        return self._lift(pairs), np.bincount(segment[keep], minlength=len(drawn) - 1).astype(np.int64)

    def _plan_head(self, items: _RunItems3D, frame: RunFrame) -> np.ndarray | None:
        """Where the marker goes (1, 2) when the head must be redrawn and is shown there; else None (the head is
        hidden or up to date)."""
        key = (frame.key, frame.step, frame.glide, frame.status, frame.colour, self.surface_key,
               tuple(self.view.extent))
        if items.head_key == key:
            return None
        items.head_key = key
        has_point = frame.current is not None and frame.point_defined
        items.marker.setVisible(has_point)
        items.arrows.setVisible(has_point and frame.gradient is not None)
        items.velocity.setVisible(has_point and frame.velocity is not None)
        if not has_point:
            return None
        at = frame.glided(frame.points[max(frame.step - 1, 0)], frame.current)   # between iterates while it glides
        return np.asarray(at, dtype=np.float64).reshape(1, 2)

    def _draw_head(self, items: _RunItems3D, frame: RunFrame, marker: np.ndarray) -> None:
        """The marker at ``marker`` (1, 3: x, y, f) and its −∇f and velocity arrows in the tangent plane there."""
        items.marker.setData(pos=self._lift(marker), color=rgba(frame.colour))
        if frame.gradient is not None:
            items.arrows.setData(pos=self._tangent_arrow(frame, marker, -frame.gradient, self._arrow_length()),
                                 color=rgba(frame.colour, lighten=0.45))
        if frame.velocity is not None:
            speed = float(np.hypot(*frame.velocity))
            items.velocity.setData(pos=self._tangent_arrow(frame, marker, frame.velocity, speed),
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

    def _tangent_arrow(self, frame: RunFrame, marker: np.ndarray, direction, length: float) -> np.ndarray:
        """An arrow in the tangent plane at the marker (1, 3: x, y, f), so it visibly points downhill."""
        p, base = marker[0, :2], marker[0, 2]
        pairs = arrow_segments(p, arrow_head(p, direction, length))
        if len(pairs) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        g = frame.gradient if frame.gradient is not None else np.zeros(2)
        z = base + (pairs - p) @ g
        return self._lift(np.column_stack([pairs, z]))

    def _draw_starts(self, starts) -> None:
        key = (distinct_points(starts), self.surface_key,
               tuple(self.view.extent))
        if key == self._starts_key:
            return
        self._starts_key = key
        self._starts.setVisible(bool(starts))
        if starts:
            self._starts.setData(pos=self._lift(self._surface_at(np.array(key[0]))))

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
        box = [self.view.extent[0:2], self.view.extent[2:4]]
        patch = newton_patch(frame.current, target, box)
        reach = WIRE_FRACTION * min(hi - lo for lo, hi in box)
        if patch[1] - patch[0] > 2 * reach:   # a far jump: the model around the iterate, not over the whole view
            x, y = frame.current
            patch = (x - reach, x + reach, y - reach, y + reach)
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
