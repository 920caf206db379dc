"""A new surface at the largest grid (401²) is written into the 3D view's buffers rather than rebuilt: the picture is
the one pyqtgraph's own mesh item draws from the same surface (normals by np.gradient and a cross product, colours by
the colormap itself), a view that showed another surface first (with holes, or a different range) draws the same
pixels as a fresh one, the index buffer is written again only when the grid's size or holes change, and the axes'
line items are updated in place (their labels are text, see test_surface_text_is_painted_once_per_change). Drawn at full detail (no coarser level of detail, see test_surface_mesh_level_of_detail)."""
import numpy as np
import pytest
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.MeshData import MeshData

from gui.views import mesh_lod
from gui.views.grid_mesh import grid_faces, grid_normals
from gui.views.surface_view import SURFACE_SHADER, SurfaceView
from tests.gui.surface_helpers import gl_pixels, shown

pytestmark = [pytest.mark.gui, pytest.mark.gl]

N = 401
XS = np.linspace(-2, 2, N)
GX, GY = np.meshgrid(XS, XS, indexing="ij")
SIZE = (480, 360)


@pytest.fixture(autouse=True)
def full_detail(monkeypatch):
    monkeypatch.setattr(mesh_lod, "LEVEL_OF_DETAIL", False)


def _reference_normals(scene: np.ndarray) -> np.ndarray:
    n = np.cross(np.gradient(scene, axis=0), np.gradient(scene, axis=1)).reshape(-1, 3)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    n[n[:, 2] < 0] *= -1.0
    return n


class _GivenNormals(MeshData):
    def __init__(self, normals, **kwds):
        super().__init__(**kwds)
        self._given = normals

    def vertexNormals(self, indexed=None):
        return self._given


def _pyqtgraph_picture(qtbot, zs) -> np.ndarray:
    """The same surface drawn by pyqtgraph's GLMeshItem from MeshData, in a SurfaceView (same axes and camera)."""
    view = shown(qtbot, SurfaceView(), SIZE)
    view.set_surface(XS, XS, zs)
    nx, ny = zs.shape
    faces = grid_faces(nx, ny, np.isfinite(zs))
    zs = np.where(np.isfinite(zs), zs, view.extent[4])   # holes' corners are placed at the floor (never drawn)
    scene = view.to_scene(np.column_stack([GX.ravel(), GY.ravel(), zs.ravel()]))
    colours = view.colormap.map(view.scale.fraction(zs.ravel()), mode="float")
    normals = _reference_normals(scene.reshape(nx, ny, 3)).astype(np.float32)
    data = _GivenNormals(normals, vertexes=scene.astype(np.float32), faces=faces, vertexColors=colours)
    mesh = gl.GLMeshItem(meshdata=data, smooth=True, shader=SURFACE_SHADER, glOptions="opaque")
    view._mesh.setVisible(False)
    view.addItem(mesh)
    view.items.insert(0, view.items.pop())   # painted first, where the view's own mesh is
    return gl_pixels(view)


def test_normals_match_the_cross_product_of_the_grid_tangents_on_uneven_and_reversed_grids():
    xs = np.cumsum(np.linspace(0.5, 1.5, 31))[::-1]
    ys = np.linspace(-1, 2, 23) ** 3
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    scene = np.stack([gx, gy, np.sin(gx) * np.cos(gy) + gx * gy / 50], axis=-1)
    np.testing.assert_allclose(grid_normals(scene), _reference_normals(scene), atol=1e-6)


def test_at_401_squared_the_picture_is_pyqtgraphs_and_a_reused_view_draws_what_a_fresh_one_does(qtbot):
    holes = np.where(GX**2 + GY**2 < 0.3, np.nan, np.sin(2 * GX) * np.cos(GY))
    bowl = 3 * GX**2 + GY**2 + 40
    reused = shown(qtbot, SurfaceView(), SIZE)
    reused.set_surface(XS, XS, holes)
    first = gl_pixels(reused)
    uploads = reused._mesh.face_uploads
    lines = list(reused._decorations)
    reused.set_surface(XS, XS, bowl)        # no holes now: the index buffer must be written again
    second = gl_pixels(reused)
    assert reused._mesh.face_uploads == uploads + 1
    assert len(lines) == 2 and reused._decorations == lines   # the same items, updated in place
    reused.set_surface(XS, XS, bowl * 2)   # same grid, same (no) holes: only heights and colours are written
    gl_pixels(reused)
    assert reused._mesh.face_uploads == uploads + 1
    reused.set_surface(XS, XS, bowl)
    fresh = shown(qtbot, SurfaceView(), SIZE)
    fresh.set_surface(XS, XS, bowl)
    assert np.array_equal(gl_pixels(reused), gl_pixels(fresh))
    assert np.abs(second.astype(int) - _pyqtgraph_picture(qtbot, bowl)).max() <= 1
    assert np.abs(first.astype(int) - _pyqtgraph_picture(qtbot, holes)).max() <= 1
    assert np.mean(np.any(first != second, axis=-1)) > 0.05
