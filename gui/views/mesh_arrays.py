"""The 3D surface's vertex arrays (positions, normals, colours), written into arrays kept from one surface to the next.

At the largest grid (401², 160,801 vertices) each array is a few megabytes. Made afresh for every surface, their
pages are faulted in again each time, which on this project's machines (virtual machines) costs as much as the
arithmetic: ~20 ms for a new surface, of which ~5 ms was writing into freshly allocated memory. Here the arrays of a
grid size are allocated once, and every step writes into them (``out=``); the numbers are those of the plain numpy
expressions they replace (float64 arithmetic, cast to float32 at the end), so pictures do not change.

The view's mesh item holds these arrays until its next paint uploads them; a newer surface written before that paint
simply replaces what the paint uploads (the newest surface is drawn).
"""
from __future__ import annotations

import numpy as np


class MeshArrays:
    """Positions (nx·ny, 3), normals (nx·ny, 3) and colours (nx·ny, 4), float32, of a surface on an nx × ny grid."""

    def __init__(self):
        self._shape: tuple[int, int] | None = None

    def fill(self, sx: np.ndarray, sy: np.ndarray, zs: np.ndarray, z_map: tuple[float, float, float],
             fractions: np.ndarray, table: np.ndarray):
        """The arrays for scene coordinates ``sx`` (nx) and ``sy`` (ny) and values ``zs`` (nx, ny), whose heights
        are ((zs − lo) / span − 0.5) · extent with ``z_map`` = (lo, span, extent), coloured by ``table`` (RGBA rows)
        at ``fractions`` (nx, ny; 0–1 along the colour bar, NaN for the lowest colour)."""
        nx, ny = zs.shape
        if self._shape != (nx, ny):
            self._allocate(nx, ny)
        positions = self.positions.reshape(nx, ny, 3)
        positions[..., 0] = sx[:, None]
        positions[..., 1] = sy[None, :]
        lo, span, extent = z_map
        heights = self._work[2]
        np.subtract(zs, lo, out=heights)
        heights /= span
        heights -= 0.5
        heights *= extent
        positions[..., 2] = heights
        fill_normals(positions, self.normals.reshape(positions.shape), self._work)
        self._fill_colours(fractions, table)
        return self.positions, self.normals, self.colours

    def _allocate(self, nx: int, ny: int) -> None:
        self._shape = (nx, ny)
        self.positions = np.empty((nx * ny, 3), dtype=np.float32)
        self.normals = np.empty((nx * ny, 3), dtype=np.float32)
        self.colours = np.empty((nx * ny, 4), dtype=np.float32)
        self._work = [np.empty((nx, ny)) for _ in range(3)]
        self._index = np.empty(nx * ny, dtype=np.intp)

    def _fill_colours(self, fractions: np.ndarray, table: np.ndarray) -> None:
        t = self._work[0].reshape(-1)
        np.clip(fractions.reshape(-1), 0.0, 1.0, out=t)
        np.nan_to_num(t, copy=False, nan=0.0)
        t *= len(table) - 1
        np.rint(t, out=t)
        np.copyto(self._index, t, casting="unsafe")
        # each RGBA row (4 float32, 16 bytes) read as one complex128: a 1-D take, several times faster than rows
        rows = np.ascontiguousarray(table, dtype=np.float32).view(np.complex128).reshape(-1)
        np.take(rows, self._index, out=self.colours.view(np.complex128).reshape(-1))


def fill_normals(positions: np.ndarray, out: np.ndarray, work: list) -> None:
    """Unit normals of a gridded surface ``positions`` (nx, ny, 3) from central differences, written into ``out``
    (nx, ny, 3); ``work``: three float64 (nx, ny) arrays to compute in.

    Scene x depends on the first index only and y on the second, so the tangents are (a, 0, p) and (0, b, q) with
    a, b the steps of x and y and p, q those of the height; their cross product is (−b·p, −a·q, a·b), turned to
    light the upper side whatever the grid's orientation.
    """
    z = positions[..., 2]
    a = np.gradient(positions[:, 0, 0].astype(np.float64))[:, None]
    b = np.gradient(positions[0, :, 1].astype(np.float64))[None, :]
    p, q, norm = work
    _gradient(z, p, axis=0)
    _gradient(z, q, axis=1)
    p *= -b
    q *= -a
    ab = a * b
    np.multiply(p, p, out=norm)
    norm += q * q
    norm += ab * ab
    np.sqrt(norm, out=norm)
    # 1/|n|, negated where the normal points down, 0 for a degenerate cell
    np.divide(np.where(ab < 0, -1.0, 1.0), norm, out=norm, where=norm > 0)
    for k, component in enumerate((p, q, ab)):
        np.multiply(component, norm, out=out[..., k], casting="unsafe")


def _gradient(z: np.ndarray, out: np.ndarray, axis: int) -> None:
    """np.gradient(z, axis=axis) (unit spacing, first-order edges) in float64, written into ``out``."""
    z, out = np.moveaxis(z, axis, 0), np.moveaxis(out, axis, 0)
    np.subtract(z[2:], z[:-2], out=out[1:-1], dtype=np.float64)
    out[1:-1] *= 0.5
    np.subtract(z[1], z[0], out=out[0], dtype=np.float64)
    np.subtract(z[-1], z[-2], out=out[-1], dtype=np.float64)
