"""What is drawn over the function in the views: the selected point, its gradient arrow, tangent plane, quadratic
model, eigen-directions, and the critical points found. Items are created once and only their data changes.

A set of critical points (a curve, an interval) is drawn as its samples joined by its edges, in its kind's colour,
on the floor of the contour view, lifted onto the surface in the 3-D view (z = f at the samples) and along the curve
in the one-variable view. A region of the plane is drawn lightly instead (its samples are a dense net): a translucent
fill and its outline in the contour view, the outline on the surface in the 3-D view. A set's representative point
keeps its diamond marker like an isolated one.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QRectF

from engine.analysis.taylor import vector_norm
from gui.surface.regions import fill_image, mask_outline, nearest_samples, region_mask
from gui.views.contour_lines import contour_segments
from gui.views.lazy_items import ItemsPerView, LazyItems
from gui.views.surface_view import grid_faces

KIND_COLORS = {"minimum": (0, 229, 255), "maximum": (255, 82, 82), "saddle": (255, 171, 0),
               "degenerate": (224, 64, 251), "regular": (200, 200, 200)}
POINT_COLOR = (255, 255, 255)
ARROW_COLOR = (255, 112, 67)
PLANE_COLOR = (0.92, 0.94, 1.0, 0.34)
QUADRATIC_COLOR = (255, 235, 59)
EIGEN_COLORS = ((105, 240, 174), (234, 128, 252))   # first / second eigenvector
SET_WIDTH = 3.5         # pen width of a set of critical points; a darker pen under it keeps it legible on any colour
SET_OUTLINE = (16, 16, 20, 230)
PATCH_FRACTION = 0.16   # half-width of the model patches, as a fraction of each axis range
PATCH_SAMPLES = 15
ARROW_MAX = 5.0         # scene units: the longest 3-D gradient arrow (the scene box is 10 × 10 × 5)


# Markers and arrows are drawn over the surface without a depth test: a point sprite shares one depth, so on a
# tilted surface half of it would sink, and a point in a valley would vanish behind the rim.
ON_TOP = {"glEnable": (GL.GL_BLEND,), "glDisable": (GL.GL_DEPTH_TEST,),
          "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)}


def _rgba(color, alpha=1.0):
    return tuple(c / 255.0 for c in color[:3]) + (alpha,)


def kind_key(c) -> str:
    """The colour key of a critical point or set: its second-derivative test's kind."""
    return c.kind if c.kind in KIND_COLORS else "degenerate"


def kind_color(c) -> tuple[int, int, int]:
    return KIND_COLORS[kind_key(c)]


def constant_on_sets(c, samples: np.ndarray) -> np.ndarray:
    """f along a connected set of critical points is constant: its representative's value."""
    return np.full(len(samples), c.value)


def is_region(c) -> bool:
    """A 2-D set of critical points in the plane of the two plotted axes."""
    return c.is_set and c.dimension >= 2 and np.asarray(c.samples).shape[1] == 2


def set_segments(c, evaluate, region=None, box=None) -> tuple[np.ndarray, np.ndarray]:
    """What is drawn of a set as point pairs (2k, n), and f at each of those points (2k,): a curve's edges, or the
    outline of a region's cell mask ``region`` over ``box``."""
    samples = np.asarray(c.samples, dtype=np.float64)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(evaluate(c, samples), dtype=np.float64), (len(samples),))
    if region is None:
        index = np.asarray(c.edges, dtype=np.int64).reshape(-1)
        return samples[index], values[index]
    points = mask_outline(region, box)
    return points, values[nearest_samples(points, samples, box)]


# a 2-D view's overlay items, in drawing order (gui.views.lazy_items makes each when first drawn)
FLAT_ITEMS = {
    "region fill": lambda: pg.ImageItem(axisOrder="col-major"),
    "tangent": lambda: pg.PlotDataItem(pen=pg.mkPen((240, 240, 255, 200), width=1.6,
                                                    style=pg.QtCore.Qt.PenStyle.DashLine)),
    "quadratic": lambda: pg.PlotDataItem(pen=pg.mkPen(QUADRATIC_COLOR, width=1.4), connect="pairs"),
    "eigen0": lambda: pg.PlotDataItem(pen=pg.mkPen(EIGEN_COLORS[0], width=2.5)),
    "eigen1": lambda: pg.PlotDataItem(pen=pg.mkPen(EIGEN_COLORS[1], width=2.5)),
    "gradient": lambda: pg.PlotDataItem(pen=pg.mkPen(ARROW_COLOR, width=3), connect="pairs"),
    "set outline": lambda: pg.PlotDataItem(pen=pg.mkPen(SET_OUTLINE, width=SET_WIDTH + 2.5), connect="pairs"),
    **{f"set {kind}": (lambda color=color: pg.PlotDataItem(pen=pg.mkPen(color, width=SET_WIDTH), connect="pairs"))
       for kind, color in KIND_COLORS.items()},
    "critical": lambda: pg.ScatterPlotItem(size=13, pen=pg.mkPen("k", width=1.2)),
    "point": lambda: pg.ScatterPlotItem(size=12, brush=pg.mkBrush(POINT_COLOR), pen=pg.mkPen("k", width=1.5)),
}


class Overlays:
    def __init__(self, surface_view, contour_view, curve_view):
        """``curve_view``: the one-variable view, or a function that makes it (it is built when first drawn on)."""
        self.surface, self.contour, self._curve = surface_view, contour_view, curve_view
        self._gl = {
            # on top too: where f is convex the tangent plane lies wholly under the surface
            "plane": gl.GLMeshItem(smooth=False, color=PLANE_COLOR, glOptions=ON_TOP, computeNormals=False),
            "quadratic": gl.GLLinePlotItem(mode="lines", color=_rgba(QUADRATIC_COLOR, 0.9), width=1.2,
                                           glOptions="translucent"),
            "eigen": gl.GLLinePlotItem(mode="lines", width=3, glOptions=ON_TOP),
            "gradient": gl.GLLinePlotItem(mode="lines", color=_rgba(ARROW_COLOR), width=3.5, glOptions=ON_TOP),
            "sets": gl.GLLinePlotItem(mode="lines", width=SET_WIDTH, glOptions=ON_TOP),
            "critical": gl.GLScatterPlotItem(size=14, pxMode=True, glOptions=ON_TOP),
            "point": gl.GLScatterPlotItem(size=13, pxMode=True, color=_rgba(POINT_COLOR), glOptions=ON_TOP),
        }
        for depth, item in enumerate(self._gl.values()):
            item.setDepthValue(10 + depth)   # drawn after the surface
            item.setVisible(False)
            self.surface.add_item(item)
        self._flat = ItemsPerView(lambda view: LazyItems(view, FLAT_ITEMS))   # per 2-D view

    @property
    def curve(self):
        return self._curve() if callable(self._curve) else self._curve

    # --- drawing --------------------------------------------------------------------------------------------------
    def draw(self, analysis, shown: dict, critical: list, box, one_variable: bool, evaluate=constant_on_sets) -> None:
        """Redraw everything from the current analysis (or None), the overlay toggles and the critical points.

        ``evaluate(c, samples)`` gives f at the samples of the set ``c`` (rows in the plotted axes' order)."""
        for item in self._gl.values():
            item.setVisible(False)
        for items in self._flat.values():
            for item in items.values():
                item.setVisible(False)
        regions = {} if one_variable else {id(c): region_mask(c.samples, c.edges, box) for c in critical
                                              if is_region(c)}
        sets = [(c, *set_segments(c, evaluate, regions.get(id(c)), box)) for c in critical if c.is_set]
        if one_variable:
            self._draw_flat_sets(self._flat[self.curve], [(c, np.column_stack([p[:, 0], v])) for c, p, v in sets])
            self._draw_curve(analysis, shown, critical, box)
        else:
            self._draw_flat_sets(self._flat[self.contour], [(c, p[:, :2]) for c, p, _v in sets])
            self._draw_region_fill(self._flat[self.contour],
                                   [(regions[id(c)], kind_color(c)) for c in critical if id(c) in regions], box)
            if self.surface.extent is not None:
                self._draw_gl_sets(sets)
            self._draw_plane_views(analysis, shown, critical, box)

    @staticmethod
    def _draw_flat_sets(flat, sets) -> None:
        """Each set's edges as pen strokes, one item per kind colour over one dark outline for them all."""
        by_kind: dict[str, list] = {}
        for c, pairs in sets:
            by_kind.setdefault(kind_key(c), []).append(pairs)
        for kind, parts in by_kind.items():
            pairs = np.concatenate(parts)
            flat[f"set {kind}"].setData(pairs[:, 0], pairs[:, 1])
            flat[f"set {kind}"].setVisible(True)
        if by_kind:
            pairs = np.concatenate([p for parts in by_kind.values() for p in parts])
            flat["set outline"].setData(pairs[:, 0], pairs[:, 1])
            flat["set outline"].setVisible(True)

    @staticmethod
    def _draw_region_fill(flat, regions, box) -> None:
        if not regions:
            return
        item = flat["region fill"]
        (x0, x1), (y0, y1) = box[0], box[1]
        item.setImage(fill_image(regions), autoLevels=False, levels=(0, 255))
        item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        item.setVisible(True)

    def _draw_gl_sets(self, sets) -> None:
        """Sets lifted onto the surface: each edge from (x, y, f) to (x', y', f'), where both ends are in view."""
        positions, colors = [], []
        for c, points, values in sets:
            keep = np.repeat(self._in_range(values[0::2]) & self._in_range(values[1::2]), 2)
            if keep.any():
                positions.append(self.surface.to_scene(np.column_stack([points[keep, :2], values[keep]])))
                colors.append(np.tile(_rgba(kind_color(c)), (int(keep.sum()), 1)))
        if positions:
            self._show_gl("sets", pos=self._lift(np.concatenate(positions)), color=np.concatenate(colors))

    def _draw_plane_views(self, analysis, shown, critical, box) -> None:
        flat = self._flat[self.contour]
        has_surface = self.surface.extent is not None
        if critical:
            pts = np.array([c.point for c in critical])
            flat["critical"].setData(pts[:, 0], pts[:, 1], symbol="d", **_marker_style(critical))
            flat["critical"].setVisible(True)
            if has_surface:
                xyz = np.column_stack([pts, [c.value for c in critical]])
                colors = np.array([_rgba(kind_color(c)) for c in critical])
                self._show_gl("critical", pos=self._lift(self.surface.to_scene(xyz)), color=colors)
        if analysis is None or not np.isfinite(analysis.value):
            return
        a = analysis
        p = a.point
        flat["point"].setData([p[0]], [p[1]])
        flat["point"].setVisible(True)
        lo, hi = np.array([b[0] for b in box]), np.array([b[1] for b in box])
        span = hi - lo
        if has_surface:
            self._show_gl("point", pos=self._lift(self.surface.to_scene([[p[0], p[1], a.value]])))
        grad_ok = np.all(np.isfinite(a.gradient)) and vector_norm(a.gradient) > 0
        if shown.get("gradient") and grad_ok:
            self._gradient_2d(flat["gradient"], p, a.gradient, span)
            if has_surface:
                self._gradient_3d(p, a.value, a.gradient)
        if shown.get("tangent"):
            if grad_ok:
                self._tangent_line_2d(flat["tangent"], p, a.gradient, span)
            if has_surface:
                self._plane_3d(a.linear, p, span, lo, hi)
        if shown.get("quadratic") and np.all(np.isfinite(a.hessian)):
            self._quadratic_2d(flat["quadratic"], a.quadratic, p, span, lo, hi)
            if has_surface:
                self._wireframe_3d(a.quadratic, p, span, lo, hi)
        if shown.get("eigen") and np.all(np.isfinite(a.eigenvectors)):
            self._eigen(flat, a, p, span)

    def _show_gl(self, key, **data) -> None:
        self._gl[key].setData(**data)
        self._gl[key].setVisible(True)

    @staticmethod
    def _lift(scene_points, dz=0.0):
        """A touch above the surface so markers are not buried in it."""
        return (np.asarray(scene_points) + (0.0, 0.0, dz)).astype(np.float32)

    def _patch(self, p, span, lo, hi):
        half = PATCH_FRACTION * span
        xs = np.linspace(max(lo[0], p[0] - half[0]), min(hi[0], p[0] + half[0]), PATCH_SAMPLES)
        ys = np.linspace(max(lo[1], p[1] - half[1]), min(hi[1], p[1] + half[1]), PATCH_SAMPLES)
        return xs, ys, *np.meshgrid(xs, ys, indexing="ij")

    def _in_range(self, zs) -> np.ndarray:
        z0, z1 = self.surface.extent[4], self.surface.extent[5]
        margin = 0.15 * (z1 - z0)
        return np.isfinite(zs) & (zs >= z0 - margin) & (zs <= z1 + margin)

    def _plane_3d(self, model, p, span, lo, hi) -> None:
        xs, ys, gx, gy = self._patch(p, span, lo, hi)
        zs = model({model.variables[0]: gx, model.variables[1]: gy})
        ok = self._in_range(zs)
        faces = grid_faces(len(xs), len(ys), ok)
        if len(faces) == 0:
            return
        verts = self.surface.to_scene(np.column_stack([gx.ravel(), gy.ravel(), np.where(ok, zs, 0).ravel()]))
        self._gl["plane"].setMeshData(vertexes=verts.astype(np.float32), faces=faces)
        self._gl["plane"].setVisible(True)

    def _wireframe_3d(self, model, p, span, lo, hi) -> None:
        xs, ys, gx, gy = self._patch(p, span, lo, hi)
        zs = model({model.variables[0]: gx, model.variables[1]: gy})
        pts = np.stack([gx, gy, zs], axis=-1)
        segments = np.concatenate([np.stack([pts[:-1, :], pts[1:, :]], axis=2).reshape(-1, 2, 3),
                                   np.stack([pts[:, :-1], pts[:, 1:]], axis=2).reshape(-1, 2, 3)])
        keep = self._in_range(segments[:, 0, 2]) & self._in_range(segments[:, 1, 2])
        if keep.any():
            self._show_gl("quadratic", pos=self.surface.to_scene(segments[keep].reshape(-1, 3)).astype(np.float32))

    def _gradient_3d(self, p, value, g) -> None:
        """Up the tangent plane, about 2.2 scene units long on the floor; no longer than ARROW_MAX in all (a huge
        gradient gives a short arrow pointing almost straight up, not one leaving the scene)."""
        scale = self.surface.scene_scale()
        unit = g / vector_norm(g)                        # scaled first: g·g of a huge gradient overflows
        step = unit * (2.2 / vector_norm(scale[:2] * unit))
        with np.errstate(over="ignore", invalid="ignore"):
            offset = scale * np.array([step[0], step[1], float(step @ g)])
        if not np.isfinite(offset[2]):
            offset = np.array([0.0, 0.0, ARROW_MAX])
        length = vector_norm(offset)
        if length > ARROW_MAX:
            offset *= ARROW_MAX / length
        base = self.surface.to_scene([[p[0], p[1], value]])[0]
        self._show_gl("gradient", pos=self._lift(_arrow_3d(base, base + offset)))

    def _gradient_2d(self, item, p, g, span) -> None:
        u = g / span
        s = 0.14 / vector_norm(u)
        tip = p + s * g
        item.setData(*_arrow_2d(p, tip, span).T)
        item.setVisible(True)

    def _tangent_line_2d(self, item, p, g, span) -> None:
        """The level line of the linear model through the point: tangent to the contour there."""
        u = np.array([-g[1], g[0]]) / span
        d = np.array([-g[1], g[0]]) * (0.18 / vector_norm(u))
        item.setData([p[0] - d[0], p[0] + d[0]], [p[1] - d[1], p[1] + d[1]])
        item.setVisible(True)

    def _quadratic_2d(self, item, model, p, span, lo, hi) -> None:
        xs, ys, gx, gy = self._patch(p, span * 1.4, lo, hi)
        zs = model({model.variables[0]: gx, model.variables[1]: gy})
        levels = sorted((lv for lv in getattr(self.contour, "levels", []) if zs.min() < lv < zs.max()),
                        key=lambda lv: abs(lv - model.value))[:5]
        levels.append(model.value)
        segments = [contour_segments(xs, ys, zs, lv) for lv in levels]
        segments = np.concatenate(segments) if segments else np.empty((0, 2))
        item.setData(segments[:, 0], segments[:, 1])
        item.setVisible(True)

    def _eigen(self, flat, a, p, span) -> None:
        pieces, colors = [], []
        for i in range(a.eigenvectors.shape[1]):
            v = a.eigenvectors[:, i]
            d = v * (0.16 / max(np.linalg.norm(v / span), 1e-300))
            flat[f"eigen{i}"].setData([p[0] - d[0], p[0] + d[0]], [p[1] - d[1], p[1] + d[1]])
            flat[f"eigen{i}"].setVisible(True)
            ts = np.linspace(-1.0, 1.0, 25)
            line = p[None, :] + ts[:, None] * d[None, :]
            zs = a.quadratic({a.variables[0]: line[:, 0], a.variables[1]: line[:, 1]})
            if self.surface.extent is not None:
                pts = self.surface.to_scene(np.column_stack([line, zs]))
                ok = self._in_range(zs)
                seg_ok = ok[:-1] & ok[1:]
                segs = np.stack([pts[:-1], pts[1:]], axis=1)[seg_ok].reshape(-1, 3)
                pieces.append(segs)
                colors.append(np.tile(_rgba(EIGEN_COLORS[i]), (len(segs), 1)))
        if pieces and sum(len(s) for s in pieces):
            self._show_gl("eigen", pos=self._lift(np.concatenate(pieces), 0.02), color=np.concatenate(colors))

    # --- one variable -------------------------------------------------------------------------------------------
    def _draw_curve(self, analysis, shown, critical, box) -> None:
        flat = self._flat[self.curve]
        if critical:
            flat["critical"].setData([c.point[0] for c in critical], [c.value for c in critical], symbol="d",
                                     **_marker_style(critical))
            flat["critical"].setVisible(True)
        if analysis is None or not np.isfinite(analysis.value):
            return
        a, x = analysis, float(analysis.point[0])
        flat["point"].setData([x], [a.value])
        flat["point"].setVisible(True)
        span = box[0][1] - box[0][0]
        xs = np.linspace(x - 0.3 * span, x + 0.3 * span, 121)
        name = a.variables[0]
        if shown.get("tangent") and np.isfinite(a.gradient[0]):
            flat["tangent"].setData(xs, a.linear({name: xs}))
            flat["tangent"].setVisible(True)
        if shown.get("quadratic") and np.isfinite(a.hessian[0, 0]):
            ys = a.quadratic({name: xs})
            flat["quadratic"].setData(np.repeat(xs, 2)[1:-1], np.repeat(ys, 2)[1:-1])
            flat["quadratic"].setVisible(True)
        g = float(a.gradient[0])
        if shown.get("gradient") and np.isfinite(g) and g != 0:
            extent = self.curve.extent
            sx, sy = span, (extent[3] - extent[2]) if extent else 1.0
            s = 0.12 / np.hypot(g / sx, g * g / sy)
            tip = np.array([x + s * g, a.value + s * g * g])
            flat["gradient"].setData(*_arrow_2d(np.array([x, a.value]), tip, np.array([sx, sy])).T)
            flat["gradient"].setVisible(True)


def _marker_style(critical) -> dict:
    """Diamonds in the kind's colour; a set's representative larger and ringed in white, to stand out on its line."""
    return {"brush": [pg.mkBrush(kind_color(c)) for c in critical],
            "pen": [pg.mkPen("w" if c.is_set else "k", width=1.5 if c.is_set else 1.2) for c in critical],
            "size": [16 if c.is_set else 13 for c in critical]}


def _arrow_2d(base, tip, span) -> np.ndarray:
    """Shaft and head as segment pairs, the head shaped in view fractions so it looks right on any axes."""
    d = (tip - base) / span
    length = np.linalg.norm(d)
    out = [base, tip]
    for angle in (2.6, -2.6):
        c, s = np.cos(angle), np.sin(angle)
        h = np.array([c * d[0] - s * d[1], s * d[0] + c * d[1]]) * 0.3
        out += [tip, tip + h * span * (1.0 if length else 0.0)]
    return np.array(out)


def _arrow_3d(base, tip) -> np.ndarray:
    d = tip - base
    length = np.linalg.norm(d)
    side = np.cross(d, [0.0, 0.0, 1.0])
    side = side / np.linalg.norm(side) if np.linalg.norm(side) > 0 else np.array([1.0, 0.0, 0.0])
    back = tip - 0.25 * d
    width = 0.12 * length
    return np.array([base, tip, tip, back + side * width, tip, back - side * width])
