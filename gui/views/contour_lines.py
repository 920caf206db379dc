"""Contour lines of a gridded field as line segments (vectorized marching squares, numpy only).

Segments are returned as an (2k, 2) array of endpoints, ready for a pyqtgraph PlotDataItem with ``connect='pairs'``.
Cells with a non-finite corner produce nothing, so gaps in the field stay gaps.
"""
from __future__ import annotations

import numpy as np


def contour_segments(xs: np.ndarray, ys: np.ndarray, zs: np.ndarray, level: float) -> np.ndarray:
    """Endpoints (2k, 2) of the segments of {z = level} on the grid xs × ys (zs indexed [i_x, j_y])."""
    z = zs - level
    c00, c10, c01, c11 = z[:-1, :-1], z[1:, :-1], z[:-1, 1:], z[1:, 1:]
    ok = np.isfinite(c00) & np.isfinite(c10) & np.isfinite(c01) & np.isfinite(c11)
    x0, x1 = xs[:-1, None], xs[1:, None]
    y0, y1 = ys[None, :-1], ys[None, 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        # crossing point on each of the four cell edges (bottom, right, top, left), NaN when the edge is not crossed
        edges = [
            _crossing(c00, c10, x0, x1, y0, y0),
            _crossing(c10, c11, x1, x1, y0, y1),
            _crossing(c01, c11, x0, x1, y1, y1),
            _crossing(c00, c01, x0, x0, y0, y1),
        ]
    crossed = np.stack([np.isfinite(e[0]) & ok for e in edges])     # (4, nx-1, ny-1)
    count = crossed.sum(axis=0)
    pieces = [_pairs(edges, crossed, count == 2)]
    saddle = count == 4
    if saddle.any():
        centre = (c00 + c10 + c01 + c11) / 4.0
        # the centre's sign decides which corners the two lines cut off
        same_as_c00 = saddle & ((centre > 0) == (c00 > 0))
        pieces += [_fixed_pairs(edges, same_as_c00, (0, 1), (2, 3)),
                   _fixed_pairs(edges, saddle & ~same_as_c00, (0, 3), (1, 2))]
    return np.concatenate(pieces) if pieces else np.empty((0, 2))


def _crossing(za, zb, xa, xb, ya, yb):
    crosses = (za > 0) != (zb > 0)
    t = np.where(crosses, za / (za - zb), np.nan)
    return xa + t * (xb - xa), ya + t * (yb - ya)


def _pairs(edges, crossed, cells) -> np.ndarray:
    """Cells crossed on exactly two edges: join the two crossing points."""
    points = []
    for k, (ex, ey) in enumerate(edges):
        mask = crossed[k] & cells
        points.append((mask, ex, ey))
    first_x, first_y = np.full(cells.shape, np.nan), np.full(cells.shape, np.nan)
    second_x, second_y = first_x.copy(), first_y.copy()
    for mask, ex, ey in points:
        take_first = mask & np.isnan(first_x)
        take_second = mask & ~take_first
        first_x = np.where(take_first, np.broadcast_to(ex, cells.shape), first_x)
        first_y = np.where(take_first, np.broadcast_to(ey, cells.shape), first_y)
        second_x = np.where(take_second, np.broadcast_to(ex, cells.shape), second_x)
        second_y = np.where(take_second, np.broadcast_to(ey, cells.shape), second_y)
    a = np.column_stack([first_x[cells], first_y[cells]])
    b = np.column_stack([second_x[cells], second_y[cells]])
    return _interleave(a, b)


def _fixed_pairs(edges, cells, *edge_pairs) -> np.ndarray:
    out = []
    for i, j in edge_pairs:
        shape = cells.shape
        a = np.column_stack([np.broadcast_to(edges[i][0], shape)[cells], np.broadcast_to(edges[i][1], shape)[cells]])
        b = np.column_stack([np.broadcast_to(edges[j][0], shape)[cells], np.broadcast_to(edges[j][1], shape)[cells]])
        out.append(_interleave(a, b))
    return np.concatenate(out)


def _interleave(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty((2 * len(a), 2))
    out[0::2], out[1::2] = a, b
    return out
