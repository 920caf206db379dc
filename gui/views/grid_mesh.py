"""The surface mesh as GL buffers that a new surface overwrites rather than rebuilds.

At the largest grid (401² samples, 320,000 triangles) pyqtgraph's ``setMeshData`` re-derives and re-uploads every
array, the triangles' index buffer included, and the axes' dozens of text items are made anew. Here a new surface on
a grid of the same size writes its positions, normals and colours into the buffers it had (pyqtgraph's GLMeshItem
uses glBufferSubData when the size is unchanged), the index buffer is written only when the grid's size or its holes
change (the faces of a grid without holes are made once per size), normals come from the heights alone, colours from
a table, and items are updated in place with ``setData``.

When the grid's cells are smaller than about 2 px on screen, the mesh is drawn with a coarser index buffer over the
same vertex buffer (see :mod:`gui.views.mesh_lod`); each stride has its own index buffer, written when first drawn
after the grid's size or holes changed, so a change of camera only picks another buffer.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.items.GLMeshItem import DirtyFlag, QtOpenGL

from gui.views import mesh_lod
from gui.views.mesh_arrays import fill_normals

COLOUR_TABLE_SIZE = 4096   # colours by table: at most 1/8190 of the colour bar off, well under one 8-bit step
_ALL = DirtyFlag.POSITION | DirtyFlag.NORMAL | DirtyFlag.COLOR


class GridMeshItem(gl.GLMeshItem):
    """A GLMeshItem fed whole arrays (:meth:`set_grid`) that uploads only what changed at the next paint."""

    def __init__(self, **kwds):
        super().__init__(**kwds)
        self._dirty = DirtyFlag(0)
        self.face_uploads = 0   # how often an index buffer was written (for tests and benchmarks)
        self.level_of_detail = mesh_lod.LEVEL_OF_DETAIL   # False: always the full grid's triangles
        self.stride = 1         # the stride of the triangles last drawn (1: the full grid)
        self._grid = None       # (nx, ny, finite or None, box's low corner, high corner, grid step)
        self._fine = None       # the full grid's faces
        self._strides: dict[int, np.ndarray] = {}        # faces per stride, for the current size and holes
        self._buffers: dict[int, object] = {1: self.m_ibo_faces}   # an index buffer per stride
        self._written: set[int] = set()                  # the strides whose buffer holds the current faces

    def set_grid(self, vertexes, normals, colors, faces, shape=None, finite=None) -> None:
        """New arrays to draw; ``shape`` (nx, ny): the vertices are a grid in 'ij' order (then a coarser level of
        detail may be drawn), ``finite``: its vertices that are not holes (None: all)."""
        dirty = _ALL if faces is self._fine else _ALL | DirtyFlag.FACES
        self.vertexes, self.normals, self.colors, self._fine = vertexes, normals, colors, faces
        self.faces = faces
        self.opts["meshdata"] = GridArrays(vertexes, normals, colors, faces)
        self._grid = None if shape is None else _grid_geometry(vertexes, shape, finite)
        self._dirty |= dirty
        self.update()

    def parseMeshData(self) -> DirtyFlag:
        dirty, self._dirty = self._dirty, DirtyFlag(0)
        if DirtyFlag.FACES in dirty:
            self._strides, self._written = {1: self._fine}, set()
        self.stride = self._current_stride()
        self.faces = self._faces(self.stride)
        if self.stride not in self._buffers:
            self._buffers[self.stride] = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.IndexBuffer)
        self.m_ibo_faces = self._buffers[self.stride]
        dirty &= ~DirtyFlag.FACES
        if self.faces is not None and self.stride not in self._written:
            self._written.add(self.stride)
            self.face_uploads += 1
            dirty |= DirtyFlag.FACES
        return dirty

    def _current_stride(self) -> int:
        view = self.view()
        if not self.level_of_detail or self._grid is None or view is None:
            return 1
        nx, ny, _, lo, hi, step = self._grid
        return mesh_lod.choose_stride(mesh_lod.cell_pixels(view, lo, hi, step), nx, ny)

    def _faces(self, stride: int):
        if stride == 1:
            return self._fine
        if stride not in self._strides:
            nx, ny, finite = self._grid[:3]
            self._strides[stride] = mesh_lod.coarse_faces(nx, ny, finite, stride)
        return self._strides[stride]


class GridArrays:
    """What :meth:`GridMeshItem.set_grid` was given, read as pyqtgraph's MeshData is (``opts["meshdata"]``)."""

    def __init__(self, vertexes, normals, colors, faces):
        self._arrays = vertexes, normals, colors, faces

    def vertexes(self):
        return self._arrays[0]

    def vertexNormals(self):
        return self._arrays[1]

    def vertexColors(self):
        return self._arrays[2]

    def faces(self):
        return self._arrays[3]


def _grid_geometry(vertexes, shape, finite) -> tuple:
    """(nx, ny, finite or None, the box's low and high corners, the larger grid step), scene units."""
    nx, ny = shape
    grid = vertexes.reshape(nx, ny, 3)
    xs, ys, zs = grid[:, 0, 0].astype(np.float64), grid[0, :, 1].astype(np.float64), grid[..., 2]
    step = max(float(np.abs(np.diff(xs)).max()), float(np.abs(np.diff(ys)).max()))
    lo = np.array([xs.min(), ys.min(), float(zs.min())])
    hi = np.array([xs.max(), ys.max(), float(zs.max())])
    holes = None if finite is None or finite.all() else finite
    return nx, ny, holes, lo, hi, step


def colour_table(colormap) -> np.ndarray:
    """The colormap at COLOUR_TABLE_SIZE evenly spaced places of the bar, RGBA float32."""
    return colormap.map(np.linspace(0.0, 1.0, COLOUR_TABLE_SIZE), mode="float").astype(np.float32)


def grid_faces(nx: int, ny: int, finite: np.ndarray) -> np.ndarray:
    """Two triangles per grid cell, leaving out every cell with a non-finite corner; a grid without holes gets the
    same (read-only) array each time, so its index buffer is not written again."""
    if finite.all():
        return _all_faces(nx, ny)
    ok = finite[:-1, :-1] & finite[1:, :-1] & finite[:-1, 1:] & finite[1:, 1:]
    return np.concatenate(mesh_lod.lattice_triangles(mesh_lod.vertex_indices(nx, ny), ok))


@lru_cache(maxsize=4)
def _all_faces(nx: int, ny: int) -> np.ndarray:
    every = np.ones((nx - 1, ny - 1), dtype=bool)
    faces = np.concatenate(mesh_lod.lattice_triangles(mesh_lod.vertex_indices(nx, ny), every))
    faces.flags.writeable = False
    return faces


def grid_normals(scene: np.ndarray) -> np.ndarray:
    """Unit normals (nx·ny, 3), float32, of a gridded surface (nx, ny, 3) from central differences of the scene
    positions (see :func:`gui.views.mesh_arrays.fill_normals`, which the 3D view uses on its kept buffers)."""
    nx, ny = scene.shape[:2]
    out = np.empty((nx, ny, 3), dtype=np.float32)
    fill_normals(scene, out, [np.empty((nx, ny)) for _ in range(3)])
    return out.reshape(-1, 3)


def update_items(view, items: list, specs: list) -> list:
    """The view's items for ``specs`` ((item class, arguments) each): the items at the same places are updated with
    ``setData`` when of the same class, others are made and added; items left over are removed."""
    out = []
    for k, (cls, kwds) in enumerate(specs):
        old = items[k] if k < len(items) else None
        if type(old) is cls:
            old.setData(**{key: v for key, v in kwds.items() if key != "glOptions"})
            out.append(old)
            continue
        if old is not None:
            view.removeItem(old)
        item = cls(**kwds)
        view.addItem(item)
        out.append(item)
    for old in items[len(specs):]:
        view.removeItem(old)
    return out
