"""A level of detail for the surface mesh: coarser triangles over the same vertices when the grid's cells are smaller
than LOD_PIXELS on screen.

At the largest grid (401², 320,000 triangles) in a view of ordinary size most cells are a pixel or two across, and a
software renderer (Mesa's llvmpipe) spends most of a frame rasterising triangles too small to tell apart. Below
LOD_PIXELS per cell a coarse index buffer of stride 2 is drawn, and of stride 4 when 2×2 blocks would still be
sub-pixel. A coarse index buffer of stride s draws one pair of triangles per s×s block of cells, with the block's
corners (the vertices, their normals and colours stay the full grid's; only the triangles are fewer). A block is drawn
coarse only when none of the (s + 1)² vertices it covers is a hole; the cells of the other blocks (and of the grid's
edge when s does not divide it) are drawn as fine cells, so holes keep their exact shape and are never bridged.

The size of a cell on screen is bounded from above, so that coarse blocks stay a few pixels across: the grid's step
(the larger of the x and y steps, scene units) at the smallest depth of the mesh's bounding box in front of the
camera, enlarged by the worst off-axis stretch of the perspective, in device pixels. Heights are not counted, so a
steep cell may be larger than that on screen; its vertices (and so its outline on the surface) still are drawn.
"""
from __future__ import annotations

from functools import lru_cache
from math import radians, sqrt, tan

import numpy as np

LEVEL_OF_DETAIL = True   # False: always the full grid's triangles (a view's mesh has its own ``level_of_detail``)
LOD_PIXELS = 2.0         # cells smaller than this (device pixels, bounded from above) are drawn 2×2 at a time
SUBPIXEL = 1.0           # ... and 4×4 at a time when 2×2 blocks would still be smaller than this


def choose_stride(cell_px: float, nx: int, ny: int) -> int:
    """The stride to draw the grid (nx, ny) with when its cells are at most ``cell_px`` across on screen."""
    if cell_px >= LOD_PIXELS or min(nx, ny) < 9:
        return 1
    return 4 if 2.0 * cell_px < SUBPIXEL else 2


def cell_pixels(view, lo: np.ndarray, hi: np.ndarray, step: float) -> float:
    """An upper bound of the size, in device pixels, of a grid cell ``step`` scene units across somewhere in the box
    ``lo``..``hi`` (scene coordinates) as the GLViewWidget ``view`` shows it now (inf when the camera is in or at
    the box).

    A segment of length L at eye depth z ≥ z_min, seen at most θ off the view's axis, spans at most
    f·L/(z_min·cos θ) pixels, f = (width/2)/tan(fov/2) (pyqtgraph's fov is horizontal)."""
    width, height = view.deviceWidth(), view.deviceHeight()
    if width <= 0 or height <= 0:
        return float("inf")
    corners = np.array([[x, y, z, 1.0] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    matrix = np.array(view.viewMatrix().data(), dtype=np.float64).reshape(4, 4).T   # data() is column-major
    depth = float(np.min(-(corners @ matrix.T)[:, 2]))
    near = view.opts["distance"] * 0.001
    if depth <= near:
        return float("inf")
    tan_x = tan(radians(view.opts["fov"]) / 2.0)
    tan_y = tan_x * height / width
    focal = (width / 2.0) / tan_x
    return focal * step / depth * sqrt(1.0 + tan_x ** 2 + tan_y ** 2)


def coarse_faces(nx: int, ny: int, finite: np.ndarray | None, stride: int) -> np.ndarray:
    """The triangles of the grid (nx, ny) at ``stride``: two per s×s block whose vertices are all finite, and the
    fine cells' two (those with four finite corners) everywhere else. ``finite`` None: no holes."""
    if finite is None or finite.all():
        return _coarse_without_holes(nx, ny, stride)
    return _coarse(nx, ny, finite, stride)


@lru_cache(maxsize=8)
def _coarse_without_holes(nx: int, ny: int, stride: int) -> np.ndarray:
    faces = _coarse(nx, ny, np.ones((nx, ny), dtype=bool), stride)
    faces.flags.writeable = False
    return faces


def _coarse(nx: int, ny: int, finite: np.ndarray, s: int) -> np.ndarray:
    fine_ok = finite[:-1, :-1] & finite[1:, :-1] & finite[:-1, 1:] & finite[1:, 1:]
    mx, my = (nx - 1) // s, (ny - 1) // s
    block_ok = fine_ok[:mx * s, :my * s].reshape(mx, s, my, s).all(axis=(1, 3))
    covered = np.zeros_like(fine_ok)
    covered[:mx * s, :my * s] = np.repeat(np.repeat(block_ok, s, axis=0), s, axis=1)
    idx = vertex_indices(nx, ny)
    coarse = lattice_triangles(idx[0:mx * s + 1:s, 0:my * s + 1:s], block_ok)
    fine = lattice_triangles(idx, fine_ok & ~covered)
    return np.concatenate(coarse + fine)


def vertex_indices(nx: int, ny: int) -> np.ndarray:
    """The index of each vertex of the grid (nx, ny) in the vertex buffer ('ij' order)."""
    return np.arange(nx * ny, dtype=np.uint32).reshape(nx, ny)


def lattice_triangles(idx: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two triangles (as the full grid orients them) of every cell of the vertex lattice ``idx`` where ``keep``."""
    a, b, c, d = idx[:-1, :-1][keep], idx[1:, :-1][keep], idx[:-1, 1:][keep], idx[1:, 1:][keep]
    return np.stack([a, b, d], axis=1), np.stack([a, d, c], axis=1)
