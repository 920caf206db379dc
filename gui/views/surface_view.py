"""The 3D surface view: a function of two variables drawn as a coloured, lit mesh in a normalized box.

Data coordinates (x, y, f) are mapped into a fixed scene box (``SCENE_BOX``) so every function fills the view the same
way, however large its values. Other code adds light items (trails, markers, patches) in data coordinates with
:meth:`SurfaceView.to_scene` / :meth:`SurfaceView.map_point` and :meth:`add_item`; when a new surface changes the
mapping, ``mapping_changed`` is emitted so such items can be re-placed.

The mesh is built and uploaded once per :meth:`set_surface` call; nothing here re-uploads it per frame. A new
surface on a grid of the same size writes the positions, normals and colours into the buffers it had
(glBufferSubData); the triangles' index buffer is only written again when the grid's size or its holes change, and
the axes' items are updated in place (see :mod:`gui.views.grid_mesh`). When the grid's cells are smaller than about
2 px on screen the mesh draws fewer, larger triangles over the same vertices (see :mod:`gui.views.mesh_lod`).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl import shaders
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QMatrix4x4

from gui.views.colour_scale import ColourScale
from gui.views.context_objects import initialize_gl
from gui.views.context_shader import ContextShaderProgram
from gui.views.gl_layers import LayeredPainter
from gui.views.grid_mesh import GridMeshItem, colour_table, grid_faces, update_items
from gui.views.mesh_arrays import MeshArrays
from gui.views.quantiles import percentiles
from gui.views.text_layer import LEFT_BASELINE, Label, TextLayer
from gui.views.ticks import format_tick, nice_ticks

SCENE_BOX = np.array([10.0, 10.0, 5.0])   # scene extent of the x, y and value axes, centred on the origin
DEFAULT_COLORMAP = "viridis"
BACKGROUND = (24, 26, 32)
AXIS_COLOR = (0.78, 0.80, 0.85, 1.0)
GRID_COLOR = (0.45, 0.47, 0.52, 0.55)
TEXT_COLOR = QColor(210, 212, 220)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CAMERA_ELEVATION = 30.0
CAMERA_AZIMUTH = -58.0
VIEW_FILL = 0.94        # the framed box and labels may take this fraction of the view's width and height
NAVIGATION_TIP = "Drag: orbit · Ctrl/middle drag: pan · wheel: zoom"
LEGEND_SIZE = (14, 140)   # the colour bar, in the top right corner (the value axis' ticks are on the left)
_OUTLIER_RATIO = 25.0   # a value range this many times the central range is treated as a spike and clipped


# pyqtgraph's 'shaded' program lights only faces turned away from the camera and darkens the colormap; this one
# lights both sides from above the viewer's shoulder and keeps colours close to the colormap, so they stay readable.
SURFACE_SHADER = ContextShaderProgram("gradscape_surface", [
    shaders.VertexShader("""
        uniform mat4 u_mvp;
        uniform mat3 u_normal;
        attribute vec4 a_position;
        attribute vec3 a_normal;
        attribute vec4 a_color;
        varying vec4 v_color;
        varying vec3 v_normal;
        void main() {
            v_normal = normalize(u_normal * a_normal);
            v_color = a_color;
            gl_Position = u_mvp * a_position;
        }
    """),
    shaders.FragmentShader("""
        #ifdef GL_ES
        precision mediump float;
        #endif
        varying vec4 v_color;
        varying vec3 v_normal;
        void main() {
            float p = abs(dot(normalize(v_normal), normalize(vec3(-0.35, 0.55, 1.0))));
            vec3 rgb = v_color.rgb * (0.42 + 0.68 * p);
            gl_FragColor = vec4(min(rgb, vec3(1.0)), v_color.a);
        }
    """),
])


class SurfaceView(gl.GLViewWidget):
    mapping_changed = Signal()   # a new surface changed the data → scene mapping

    def __init__(self, parent=None, colormap: str = DEFAULT_COLORMAP):
        super().__init__(parent)
        self.setBackgroundColor(BACKGROUND)
        self.setMinimumSize(240, 200)
        self.setToolTip(NAVIGATION_TIP)
        self.colormap = pg.colormap.get(colormap)
        self._colour_table = colour_table(self.colormap)
        self.extent: tuple[float, float, float, float, float, float] | None = None   # x, y and value ranges shown
        self.labels = ("x", "y", "f")
        self.nonfinite_count = 0
        self.clipped = False
        self._mesh = GridMeshItem(smooth=True, shader=SURFACE_SHADER, glOptions="opaque")
        self._arrays = MeshArrays()   # the mesh's vertex arrays, rewritten by each new surface
        self._mesh.setVisible(False)   # an empty mesh cannot be drawn: shown once there is a surface
        self._decorations: list[gl.GLGraphicsItem.GLGraphicsItem] = []
        self.scale = ColourScale("linear", -1.0, 1.0)
        # tick labels, axis names and the colour bar: painted when they or the camera change, not every frame
        self.text = TextLayer(self, legend_pos=(12, 30), legend_size=LEGEND_SIZE, colormap=self.colormap,
                              font_color=(220, 220, 220))
        self._legend = self.text.legend   # shown with the first surface: frames before it paint no text
        self.addItem(self._mesh)
        self.layers: LayeredPainter | None = None
        self.reset_camera()

    def enable_layers(self) -> None:
        """Paint in layers (see :mod:`gui.views.gl_layers`): an animation then repaints only what moves."""
        if self.layers is None:
            self.layers = LayeredPainter(self)

    # the frame holds everything, text included: QWidget.grab() of a window shows this view as it is on screen
    grab_is_whole = True

    def initializeGL(self) -> None:
        initialize_gl(self)   # pyqtgraph's, without self.context() (see gui.views.context_objects)

    def paintGL(self) -> None:
        self.text.prepare()   # before the frame's drawing (see TextLayer._paint)
        if self.layers is not None and self.layers.enabled:
            if self.layers.paint():   # the text is in the layer
                return
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.defaultFramebufferObject())
            region = self.getViewport()
            GL.glViewport(*(int(v) for v in region))
        super().paintGL()
        self.text.draw()

    # --- data → scene -----------------------------------------------------------------------------------------
    def to_scene(self, points_xyz) -> np.ndarray:
        """Data points (N, 3) as scene coordinates (N, 3), float32 ready for GL items."""
        pts = np.asarray(points_xyz, dtype=np.float64).reshape(-1, 3)
        lo, span = self._origin_and_span()
        return ((pts - lo) / span - 0.5) * SCENE_BOX

    def map_point(self, x: float, y: float, z: float) -> np.ndarray:
        return self.to_scene([[x, y, z]])[0]

    def from_scene(self, points) -> np.ndarray:
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        lo, span = self._origin_and_span()
        return (pts / SCENE_BOX + 0.5) * span + lo

    def scene_scale(self) -> np.ndarray:
        """Scene units per data unit along x, y and value (for sizing arrows and patches)."""
        return SCENE_BOX / self._origin_and_span()[1]

    def _origin_and_span(self):
        if self.extent is None:
            return np.array([-1.0, -1.0, -1.0]), np.array([2.0, 2.0, 2.0])
        x0, x1, y0, y1, z0, z1 = self.extent
        return np.array([x0, y0, z0]), np.array([x1 - x0, y1 - y0, z1 - z0])

    # --- items --------------------------------------------------------------------------------------------------
    def add_item(self, item, live: bool = False) -> None:
        """Add a GL item; ``live``: it changes every frame (with layers on, it is painted over the cached layer)."""
        if self.layers is not None and live:
            self.layers.live.add(id(item))
        if item not in self.items:
            self.addItem(item)

    def remove_item(self, item) -> None:
        if self.layers is not None:
            self.layers.live.discard(id(item))
        if item in self.items:
            self.removeItem(item)

    def reset_camera(self) -> None:
        self._camera_touched = False
        self.setCameraPosition(elevation=CAMERA_ELEVATION, azimuth=CAMERA_AZIMUTH)
        self._fit_camera()

    def _fit_camera(self) -> None:
        """Centre and distance at which the box and its axis labels fill the view (see :func:`fit_camera`)."""
        center, distance = fit_camera(frame_points(), self.opts["elevation"], self.opts["azimuth"],
                                      self.width() / max(self.height(), 1), self.opts["fov"])
        self.opts["center"] = pg.Vector(*center)
        self.opts["distance"] = distance
        self.update()

    def resizeEvent(self, event) -> None:
        # before QOpenGLWidget's own, which paints at once: that frame then has the new legend and camera
        self._legend.set(pos=(max(self.width() - 96, 12), 30))
        if not self._camera_touched:
            self._fit_camera()
        super().resizeEvent(event)

    def mousePressEvent(self, ev) -> None:
        self._camera_touched = True
        super().mousePressEvent(ev)

    def wheelEvent(self, ev) -> None:
        self._camera_touched = True
        super().wheelEvent(ev)

    def export_image(self, path: str) -> bool:
        return self.grabFramebuffer().save(path)

    # --- the surface --------------------------------------------------------------------------------------------
    def set_surface(self, xs, ys, zs, labels: tuple[str, str, str] | None = None) -> None:
        """Show z = f(x, y) sampled on the grid xs × ys; zs has shape (len(xs), len(ys)) ('ij' indexing).

        Non-finite samples become holes (every cell touching one is left out); extreme spikes are clipped so the
        rest of the surface stays readable.
        """
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        zs = np.asarray(zs, dtype=np.float64)
        if zs.shape != (len(xs), len(ys)) or len(xs) < 2 or len(ys) < 2:
            raise ValueError(f"z must have shape (len(xs), len(ys)) with at least 2×2 samples, got {zs.shape}")
        if labels is not None:
            self.labels = tuple(labels)
        finite = np.isfinite(zs)
        self.nonfinite_count = int(zs.size - finite.sum())
        z0, z1, self.clipped = value_range(zs[finite])
        self.extent = (xs[0], xs[-1], ys[0], ys[-1], z0, z1)
        shown = np.clip(np.where(finite, zs, z0), z0, z1)
        self.scale = ColourScale.for_values(shown[finite], z0, z1)
        self._upload_mesh(xs, ys, shown, finite)
        self._show_legend()
        self._rebuild_axes(xs, ys)
        self.mapping_changed.emit()
        self.update()

    def clear_surface(self) -> None:
        self._mesh.setVisible(False)
        self.update()

    def _upload_mesh(self, xs, ys, zs, finite) -> None:
        nx, ny = zs.shape
        lo, span = self._origin_and_span()
        sx, sy = (((v - lo[k]) / span[k] - 0.5) * SCENE_BOX[k] for k, v in ((0, xs), (1, ys)))
        scene, normals, colors = self._arrays.fill(sx, sy, zs, (lo[2], span[2], SCENE_BOX[2]),
                                                   self.scale.fraction(zs), self._colour_table)
        faces = grid_faces(nx, ny, finite)
        self._mesh.set_grid(scene, normals, colors, faces, shape=(nx, ny), finite=finite)
        self._mesh.setVisible(len(faces) > 0)

    def _show_legend(self) -> None:
        """True values of f along the colour bar, under a title that names the scale (the heights stay linear)."""
        labels = {format_tick(v): t for v, t in self.scale.ticks()}
        labels[self.scale.title] = 1.13   # just above the bar
        self._legend.set(labels=labels)
        self._legend.set_visible(True)
        self.setToolTip(f"{NAVIGATION_TIP}\n{self.scale.description}")

    def _rebuild_axes(self, xs, ys) -> None:
        lines, labels = _axis_items(self, self.labels)
        self._decorations = update_items(self, self._decorations, lines)
        self.text.set_labels(labels)


def value_range(values: np.ndarray) -> tuple[float, float, bool]:
    """The value range to show: the full range unless a few spikes dwarf the rest (then a robust range, clipped)."""
    if values.size == 0:
        return -1.0, 1.0, False
    lo, hi = float(values.min()), float(values.max())
    # relative to the values themselves, so that a function whose values are all tiny (x² + y² on ±1e-9: f up to
    # 2e-18) is drawn with its own relief rather than as a flat sheet in a ±0.5 box
    magnitude = max(abs(lo), abs(hi))
    resolution = max(1e-12 * magnitude, np.finfo(np.float64).tiny)
    clipped = False
    if values.size > 20:
        # values near ±1e308: spreads overflow to inf, and inf compares and clamps as it should
        with np.errstate(over="ignore", invalid="ignore"):
            p_lo, p_hi = percentiles(values, [1.0, 99.0])
            central = max(p_hi - p_lo, resolution)
            if hi - lo > _OUTLIER_RATIO * central:
                lo, hi = float(p_lo - 0.5 * central), float(p_hi + 0.5 * central)
                lo, hi = max(lo, float(values.min())), min(hi, float(values.max()))
                clipped = True
    if not hi - lo > resolution:   # constant up to rounding: a box around the value
        pad = 0.5 * (magnitude if magnitude > 0 else 1.0)
        lo, hi = lo - pad, hi + pad
    return lo, hi, clipped


def frame_points() -> np.ndarray:
    """What the default camera keeps in view: the scene box's corners, the anchors of the axis names (as placed by
    :func:`_axis_items`) and room for the value ticks' text, which is right-aligned to the left of its anchor."""
    hx, hy, hz = SCENE_BOX / 2
    corners = [(sx * hx, sy * hy, sz * hz) for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]
    names = [(0.0, -hy - 1.4, -hz), (hx + 1.3, 0.0, -hz), (-hx, -hy, hz + 0.5)]
    value_ticks = [(-hx - 1.2, -hy - 1.2, sz * hz) for sz in (-1, 1)]
    return np.array(corners + names + value_ticks, dtype=np.float64)


def fit_camera(points, elevation: float, azimuth: float, aspect: float, fov: float,
               fill: float = VIEW_FILL) -> tuple[np.ndarray, float]:
    """The camera centre and distance that frame ``points`` as tightly as ``fill`` allows, seen from the given
    elevation and azimuth (pyqtgraph's 'euler' camera) in a view of width/height ``aspect`` whose horizontal field of
    view is ``fov`` degrees.

    In camera coordinates q (q = R·p, the camera looking down −z from distance d), a point is in view when
    |q_x − s_x| ≤ tan·(d − q_z) with tan = fill·tan(fov/2) (and likewise for y with the vertical half-angle), s being
    the centre's shift across the view. Some s serves every point exactly when, for each pair of points,
    q_i − q_j ≤ tan·(2d − z_i − z_j): the smallest such d is a maximum over pairs. Then s is chosen per axis to leave
    equal margins on both sides of the picture.
    """
    rotation = np.array(_rotation(elevation, azimuth))
    q = np.asarray(points, dtype=np.float64) @ rotation.T
    tan_x = fill * np.tan(np.radians(fov) / 2.0)
    tans = (tan_x, tan_x / max(aspect, 1e-6))
    z_sum = q[:, None, 2] + q[None, :, 2]
    distance = max(float(np.max(np.subtract.outer(q[:, axis], q[:, axis]) / tans[axis] + z_sum)) / 2.0
                   for axis in (0, 1))
    distance = max(distance, float(np.max(q[:, 2])) + 1e-3)
    shift = [_centring_shift(q[:, axis], distance - q[:, 2]) for axis in (0, 1)]
    return rotation.T @ np.array([shift[0], shift[1], 0.0]), distance


def _centring_shift(offsets: np.ndarray, depths: np.ndarray) -> float:
    """The shift s that minimises max |offset − s| / depth (the picture's half-extent along one axis), which is
    t = max over pairs of (o_i − o_j) / (d_i + d_j); s is then the middle of what every point allows."""
    t = float(np.max(np.subtract.outer(offsets, offsets) / np.add.outer(depths, depths)))
    return 0.5 * float(np.max(offsets - t * depths) + np.min(offsets + t * depths))


def _rotation(elevation: float, azimuth: float) -> list:
    """The rotation of pyqtgraph's view matrix ('euler' method), as a 3×3 list."""
    m = QMatrix4x4()
    m.rotate(elevation - 90.0, 1.0, 0.0, 0.0)
    m.rotate(azimuth + 90.0, 0.0, 0.0, -1.0)
    return np.array(m.data(), dtype=np.float64).reshape(4, 4).T[:3, :3].tolist()   # data() is column-major


def _label(anchor, text: str, font: QFont, alignment=LEFT_BASELINE) -> Label:
    return Label(tuple(float(c) for c in anchor), text, font, TEXT_COLOR, alignment)


def _axis_items(view: SurfaceView, labels) -> tuple[list, list[Label]]:
    """Floor grid and the three axes along the box's near edges, as (item class, its arguments) for
    :func:`update_items`; and the tick labels and axis names, for the view's text layer."""
    x0, x1, y0, y1, z0, z1 = view.extent
    font = QFont("DejaVu Sans", 9)
    name_font = QFont("DejaVu Sans", 11, QFont.Weight.Bold)
    texts, grid_segments, axis_segments = [], [], []
    for v in nice_ticks(x0, x1, 5):
        grid_segments += [(v, y0, z0), (v, y1, z0)]
        texts.append(_label(view.map_point(v, y0, z0) + (0, -0.5, 0), format_tick(v), font))
    for v in nice_ticks(y0, y1, 5):
        grid_segments += [(x0, v, z0), (x1, v, z0)]
        texts.append(_label(view.map_point(x1, v, z0) + (0.35, 0, 0), format_tick(v), font))
    for v in nice_ticks(z0, z1, 4):
        axis_segments += [(x0, y0, v), (x0 - 0.03 * (x1 - x0), y0, v)]
        texts.append(_label(view.map_point(x0, y0, v) + (-0.35, -0.35, 0), format_tick(v), font, _RIGHT))
    axis_segments += [(x0, y0, z0), (x1, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y0, z0), (x0, y0, z1)]
    texts.append(_label(view.map_point((x0 + x1) / 2, y0, z0) + (0, -1.4, 0), labels[0], name_font))
    texts.append(_label(view.map_point(x1, (y0 + y1) / 2, z0) + (1.3, 0, 0), labels[1], name_font))
    texts.append(_label(view.map_point(x0, y0, z1) + (0, 0, 0.5), labels[2], name_font))
    lines = [(gl.GLLinePlotItem, dict(pos=view.to_scene(grid_segments), mode="lines", color=GRID_COLOR,
                                      glOptions="translucent")),
             (gl.GLLinePlotItem, dict(pos=view.to_scene(axis_segments), mode="lines", color=AXIS_COLOR,
                                      width=1.5, glOptions="translucent"))]
    return lines, texts
