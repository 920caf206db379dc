"""The 3D surface's vertex arrays written into kept buffers (gui/views/mesh_arrays.py) are what the plain numpy
expressions give: scene positions and colours (from the table) exactly, normals as the normalized cross product of
np.gradient's tangents; on uneven and reversed grids, after a surface of another size was written, and when the same
buffers are written twice."""
import numpy as np
import pyqtgraph as pg
import pytest

from gui.views.grid_mesh import colour_table
from gui.views.mesh_arrays import MeshArrays
from gui.views.surface_view import SCENE_BOX

TABLE = colour_table(pg.colormap.get("viridis"))


def _plain(xs, ys, zs):
    """Positions, normals and colours as surface_view computed them before: float64, then float32."""
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    points = np.column_stack([gx.ravel(), gy.ravel(), zs.ravel()])
    lo, span = points.min(axis=0), np.ptp(points, axis=0)
    scene = (((points - lo) / span - 0.5) * SCENE_BOX).astype(np.float32)
    t = (zs.ravel() - lo[2]) / span[2]
    colours = TABLE[np.rint(np.clip(t, 0.0, 1.0) * (len(TABLE) - 1)).astype(np.intp)]
    grid = scene.reshape(len(xs), len(ys), 3).astype(np.float64)
    normals = np.cross(np.gradient(grid, axis=0), np.gradient(grid, axis=1)).reshape(-1, 3)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    normals[normals[:, 2] < 0] *= -1.0
    return scene, normals, colours, (lo, span, t)


def _filled(arrays, xs, ys, zs):
    scene, normals, colours, (lo, span, t) = _plain(xs, ys, zs)
    sx, sy = (((v - lo[k]) / span[k] - 0.5) * SCENE_BOX[k] for k, v in ((0, xs), (1, ys)))
    got = arrays.fill(sx, sy, zs, (lo[2], span[2], SCENE_BOX[2]), t.reshape(zs.shape), TABLE)
    return got, (scene, normals, colours)


@pytest.mark.parametrize("shape", [(31, 23), (401, 401), (5, 64)])
def test_the_arrays_are_the_plain_expressions_after_another_size_and_when_written_again(shape):
    arrays = MeshArrays()
    _filled(arrays, np.linspace(0, 1, 7), np.linspace(0, 1, 9), np.ones((7, 9)) * np.arange(9))   # another size
    xs = np.cumsum(np.linspace(0.5, 1.5, shape[0]))[::-1]     # uneven, decreasing
    ys = np.linspace(-1, 2, shape[1]) ** 3
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    for zs in (np.sin(gx) * np.cos(gy) + gx * gy / 50, np.exp(-gx ** 2 / 40) - gy):   # the same buffers, twice
        got, expected = _filled(arrays, xs, ys, zs)
        for a, b in zip(got, expected):
            assert a.dtype == np.float32 and a.shape == b.shape
        assert np.array_equal(got[0], expected[0]) and np.array_equal(got[2], expected[2])
        np.testing.assert_allclose(got[1], expected[1], atol=1e-6)
