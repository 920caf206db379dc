"""A level of detail for the surface mesh: coarser triangles over the same vertices when the grid's cells are smaller
than LOD_PIXELS on screen.

At the largest grid (401², 320,000 triangles) in a view of ordinary size most cells are a pixel or two across, and a
software renderer (Mesa's llvmpipe) spends most of a frame rasterising triangles too small to tell apart. Below
LOD_PIXELS per cell a coarse index buffer of stride 2 is drawn, and of stride 4 when 2×2 blocks would still be
smaller than FOUR_BELOW (so 4×4 blocks stay under 8 px): over smooth shading from the full grid's normals and colours
such blocks draw nearly the same picture (at 401² in the default and maximised windows, a mean difference of 0.02–0.12
of 255 and under 0.1% of the pixels off by more than 24, for sin(2x)·cos(y) with holes, Rosenbrock and
sin(5x)·cos(4y)), and a frame of the 3D view costs ~40% less CPU than with 2×2 blocks. A coarse index buffer of stride s draws one pair of triangles per s×s block of cells, with the block's
corners (the vertices, their normals and colours stay the full grid's; only the triangles are fewer). A block is drawn
coarse only when none of the (s + 1)² vertices it covers is a hole; the cells of the other blocks (and of the grid's
edge when s does not divide it) are drawn as fine cells, so holes keep their exact shape and are never bridged.

The size of a cell on screen is bounded from above, so that coarse blocks stay a few pixels across: the grid's step
(the larger of the x and y steps, scene units) measured on screen over the mesh's bounding box, by projecting a
lattice of the box's points with the view's own camera matrices (see :func:`cell_pixels`). An earlier bound (the
step at the box's nearest depth, times the worst off-axis stretch) was ~2× too large, so a view of 800×600 or more
was never coarsened. Heights are not counted, so a steep cell may be larger than that on screen; its vertices (and
so its outline on the surface) still are drawn.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

LEVEL_OF_DETAIL = True   # False: always the full grid's triangles (a view's mesh has its own ``level_of_detail``)
LOD_PIXELS = 2.0         # cells smaller than this (device pixels, bounded from above) are drawn 2×2 at a time
FOUR_BELOW = 4.0         # ... and 4×4 at a time when 2×2 blocks would still be smaller than this (device pixels)
LATTICE = 33             # points per side of the box projected to measure its cells on screen
CELL_MARGIN = 1.05       # over the lattice edges' mean cell size: the largest cell of an edge is a little larger


def choose_stride(cell_px: float, nx: int, ny: int) -> int:
    """The stride to draw the grid (nx, ny) with when its cells are at most ``cell_px`` across on screen."""
    if cell_px >= LOD_PIXELS or min(nx, ny) < 9:
        return 1
    return 4 if 2.0 * cell_px < FOUR_BELOW else 2


def cell_pixels(view, lo: np.ndarray, hi: np.ndarray, step: float) -> float:
    """An upper bound of the size, in device pixels, of a grid cell ``step`` scene units across lying flat anywhere
    in the box ``lo``..``hi`` (scene coordinates) as the GLViewWidget ``view`` shows it now (inf when some of the box
    is at or behind the camera).

    A lattice of LATTICE × LATTICE points over the box's floor, middle and top is projected with the view's own
    matrices; each lattice edge spans (edge length / step) cells, so its length on screen over that count is the
    cells' mean size along it. Within one lattice edge (1/32 of the box) the perspective changes a cell's size by a
    few per cent at the distances a view is framed at; CELL_MARGIN covers that."""
    width, height = view.deviceWidth(), view.deviceHeight()
    if width <= 0 or height <= 0:
        return float("inf")
    region = (0, 0, width, height)
    mvp = np.array((view.projectionMatrix(region, region) * view.viewMatrix()).data(), dtype=np.float64)
    gx, gy = (np.linspace(lo[k], hi[k], LATTICE) for k in (0, 1))
    points = np.empty((3, LATTICE, LATTICE, 4))
    points[..., 0], points[..., 1], points[..., 3] = gx[:, None], gy[None, :], 1.0
    points[..., 2] = np.array([lo[2], 0.5 * (lo[2] + hi[2]), hi[2]])[:, None, None]
    clip = points @ mvp.reshape(4, 4)   # data() is column-major: this is mvp applied to each point
    near = view.opts["distance"] * 0.001
    if not np.all(clip[..., 3] > near):
        return float("inf")
    screen = clip[..., :2] / clip[..., 3:] * (width / 2.0, height / 2.0)
    longest = 0.0
    for axis, k in ((1, 0), (2, 1)):
        edges = np.linalg.norm(np.diff(screen, axis=axis), axis=-1)
        cells = (hi[k] - lo[k]) / (LATTICE - 1) / step
        longest = max(longest, float(edges.max()) / max(cells, 1e-12))
    return CELL_MARGIN * longest


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
