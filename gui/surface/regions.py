"""Regions of critical points (2-D sets in the plane, such as a plateau) as a shape that can be drawn lightly: a
mask of the box's cells that the set's samples cover, its outline, and a translucent fill image.

The engine traces a region as a net of samples about 1/32 of the box apart; joining all of them by their edges
covers the region with a dense mesh that hides the function under it. Here each sample covers a disc a little
wider than the net's spacing, so the discs merge into the region's shape.
"""
from __future__ import annotations

import numpy as np

from gui.views.contour_lines import contour_segments

GRID = 128            # cells per side of the box
COVER = 0.85          # disc radius around each sample, in net spacings (> 1/√2 leaves no holes in a square net)
DEFAULT_SPACING = 1.0 / 32.0
FILL_ALPHA = 64       # of 255: light enough to read the colour map and contours through it


def _normalized(samples, box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo = np.array([b[0] for b in box], dtype=np.float64)
    span = np.array([b[1] - b[0] for b in box], dtype=np.float64)
    return (np.asarray(samples, dtype=np.float64)[:, :2] - lo) / span, lo, span


def net_spacing(u: np.ndarray, edges) -> float:
    """The typical distance between neighbouring samples (box-normalised), from the set's edges."""
    edges = np.asarray(edges if edges is not None else np.empty((0, 2)), dtype=np.int64).reshape(-1, 2)
    if len(edges) == 0:
        return DEFAULT_SPACING
    lengths = np.linalg.norm(u[edges[:, 0]] - u[edges[:, 1]], axis=1)
    lengths = lengths[lengths > 0]
    return float(np.median(lengths)) if lengths.size else DEFAULT_SPACING


def region_mask(samples, edges, box, grid: int = GRID) -> np.ndarray:
    """(grid, grid) booleans, indexed [i_x, j_y]: the cells of ``box`` within reach of a sample."""
    u, _lo, _span = _normalized(samples, box)
    reach = COVER * net_spacing(u, edges) * grid   # in cells
    k = int(np.ceil(reach))
    di, dj = np.meshgrid(np.arange(-k, k + 1), np.arange(-k, k + 1), indexing="ij")
    disc = di * di + dj * dj <= (reach + 0.5) ** 2
    offsets = np.column_stack([di[disc], dj[disc]])
    cells = np.clip(np.floor(u * grid).astype(np.int64), 0, grid - 1)
    covered = (cells[:, None, :] + offsets[None, :, :]).reshape(-1, 2)
    inside = np.all((covered >= 0) & (covered < grid), axis=1)
    mask = np.zeros((grid, grid), dtype=bool)
    mask[covered[inside, 0], covered[inside, 1]] = True
    return mask


def mask_outline(mask: np.ndarray, box) -> np.ndarray:
    """The boundary of a cell mask as segment endpoint pairs (2k, 2) in data coordinates, closed along the box's
    sides where the region reaches them."""
    nx, ny = mask.shape
    padded = np.zeros((nx + 2, ny + 2))
    padded[1:-1, 1:-1] = mask
    (x0, x1), (y0, y1) = box[0], box[1]
    xs = x0 + (np.arange(-1, nx + 1) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(-1, ny + 1) + 0.5) * (y1 - y0) / ny
    pairs = contour_segments(xs, ys, padded, 0.5)
    if len(pairs):
        pairs[:, 0] = np.clip(pairs[:, 0], x0, x1)
        pairs[:, 1] = np.clip(pairs[:, 1], y0, y1)
    return pairs


def nearest_samples(points, samples, box) -> np.ndarray:
    """For each point, the index of the nearest sample (box-normalised distance). The outline lies a little off
    the set, where f may differ; its height in 3-D is taken from the set itself through the nearest sample."""
    p, _lo, _span = _normalized(points, box)
    u, _lo, _span = _normalized(samples, box)
    nearest = np.empty(len(p), dtype=np.int64)
    for start in range(0, len(p), 512):   # bounded memory: 512 × samples distances at a time
        chunk = p[start:start + 512]
        d = np.sum((chunk[:, None, :] - u[None, :, :]) ** 2, axis=-1)
        nearest[start:start + 512] = np.argmin(d, axis=1)
    return nearest


def fill_image(regions, grid: int = GRID) -> np.ndarray:
    """An RGBA image (grid, grid, 4), [i_x, j_y], tinting each region's cells with its colour.
    ``regions`` is a list of (mask, (r, g, b))."""
    image = np.zeros((grid, grid, 4), dtype=np.uint8)
    for mask, colour in regions:
        image[mask] = (*colour[:3], FILL_ALPHA)
    return image
