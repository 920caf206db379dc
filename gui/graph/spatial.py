"""A uniform grid of buckets for axis-aligned rectangles (left, top, right, bottom), so that "what is near this
rectangle" costs the handful of cells it covers instead of a test against every rectangle.

Routing asks it which nodes an edge might pass under, label placement which nodes and labels a spot would touch, and
the scene which edges a moved node now lies across.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Hashable, Iterator

Rect = tuple[float, float, float, float]
BLOCK = 16   # extent() answers this many cell columns at once


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def grown(rect: Rect, by: float) -> Rect:
    return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by


class GridIndex:
    """Rectangles by owner. ``near(rect)`` returns the owners whose rectangles overlap ``rect``."""

    def __init__(self, cell: float = 256.0, extents: bool = True):
        self.cell = cell
        self._with_columns = extents   # kept for extent() (routing's lanes); an index never asked may skip them
        self.cells: dict[tuple[int, int], dict[Hashable, Rect]] = defaultdict(dict)
        self.owned: dict[Hashable, Rect] = {}
        self.columns: dict[int, dict[Hashable, Rect]] = defaultdict(dict)   # owners by cell column
        self._extents: dict = {}   # column (or ("block", b)) → (top, bottom) or None, cached
        self._bounds: tuple | None = None   # (whether it holds, what bounds() answered) until the next change

    def _keys(self, r: Rect) -> Iterator[tuple[int, int]]:
        c = self.cell
        return itertools.product(range(int(r[0] // c), int(r[2] // c) + 1), range(int(r[1] // c), int(r[3] // c) + 1))

    def cells_across(self, r: Rect) -> int:
        """How many cells ``r`` covers."""
        c = self.cell
        return (int(r[2] // c) - int(r[0] // c) + 1) * (int(r[3] // c) - int(r[1] // c) + 1)

    def __len__(self) -> int:
        return len(self.owned)

    def __contains__(self, owner: Hashable) -> bool:
        return owner in self.owned

    def get(self, owner: Hashable) -> Rect | None:
        return self.owned.get(owner)

    def add(self, owner: Hashable, r: Rect) -> None:
        """Add (or move) ``owner``'s rectangle."""
        if owner in self.owned:
            self.remove(owner)
        self.owned[owner] = r
        self._bounds = None
        for key in self._keys(r):
            self.cells[key][owner] = r
        for i in range(int(r[0] // self.cell), int(r[2] // self.cell) + 1) if self._with_columns else ():
            self.columns[i][owner] = r
            self._extents.pop(i, None)
            self._extents.pop(("block", i // BLOCK), None)

    def remove(self, owner: Hashable) -> None:
        r = self.owned.pop(owner, None)
        if r is None:
            return
        self._bounds = None
        for key in self._keys(r):
            cell = self.cells.get(key)
            if cell is not None:
                cell.pop(owner, None)
                if not cell:
                    del self.cells[key]
        for i in range(int(r[0] // self.cell), int(r[2] // self.cell) + 1) if self._with_columns else ():
            self.columns[i].pop(owner, None)
            self._extents.pop(i, None)
            self._extents.pop(("block", i // BLOCK), None)

    def clear(self) -> None:
        self.cells.clear()
        self.owned.clear()
        self.columns.clear()
        self._extents.clear()
        self._bounds = None

    def bounds(self) -> Rect | None:
        """The rectangle around every rectangle held (None: empty); worked out again only after a change."""
        if self._bounds is None:
            rects = self.owned.values()
            around = (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects),
                      max(r[3] for r in rects)) if rects else None
            self._bounds = (around,)
        return self._bounds[0]

    def extent(self, left: float, right: float) -> tuple[float, float] | None:
        """(top, bottom) of everything in the cell columns from ``left`` to ``right`` (None: nothing there): a
        horizontal line above the top or below the bottom passes clear of all of it. Whole blocks of BLOCK columns
        are answered at once, so a long stretch costs its length / (BLOCK cells)."""
        i0, i1 = int(left // self.cell), int(right // self.cell)
        found = []
        i = i0
        while i <= i1:
            if i % BLOCK == 0 and i + BLOCK - 1 <= i1:
                found.append(self._block_extent(i // BLOCK))
                i += BLOCK
            else:
                found.append(self._column_extent(i))
                i += 1
        found = [f for f in found if f is not None]
        if not found:
            return None
        return min(f[0] for f in found), max(f[1] for f in found)

    def _column_extent(self, i: int) -> tuple[float, float] | None:
        if i not in self._extents:
            rects = self.columns.get(i)
            self._extents[i] = (min(r[1] for r in rects.values()), max(r[3] for r in rects.values())) \
                if rects else None
        return self._extents[i]

    def _block_extent(self, b: int) -> tuple[float, float] | None:
        key = ("block", b)
        if key not in self._extents:
            parts = [e for e in (self._column_extent(i) for i in range(b * BLOCK, (b + 1) * BLOCK)) if e is not None]
            self._extents[key] = (min(p[0] for p in parts), max(p[1] for p in parts)) if parts else None
        return self._extents[key]

    def _keys_near(self, r: Rect):
        """The occupied cells ``r`` covers (a query far larger than the index walks the occupied cells instead)."""
        c = self.cell
        i0, i1, j0, j1 = int(max(r[0], -1e15) // c), int(min(r[2], 1e15) // c), int(max(r[1], -1e15) // c), \
            int(min(r[3], 1e15) // c)
        if (i1 - i0 + 1) * (j1 - j0 + 1) > len(self.cells):
            return [k for k in self.cells if i0 <= k[0] <= i1 and j0 <= k[1] <= j1]
        return itertools.product(range(i0, i1 + 1), range(j0, j1 + 1))   # (i, j), j fastest

    def any_near(self, r: Rect) -> bool:
        """Whether any rectangle overlaps ``r`` (stops at the first)."""
        cells = self.cells
        for key in self._keys_near(r):
            cell = cells.get(key)
            if cell and any(overlaps(r, other) for other in cell.values()):
                return True
        return False

    def count_near(self, r: Rect, kind: Hashable) -> int:
        """How many owners of ``kind`` (an owner's first item, owners being tuples) overlap ``r``, or -1 as soon as
        one of another kind does: ``near`` for the question "clear but for these?", without gathering the answer."""
        cells, seen = self.cells, None
        for key in self._keys_near(r):
            cell = cells.get(key)
            if cell:
                for owner, o in cell.items():
                    if r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3]:
                        if owner[0] != kind:
                            return -1
                        if seen is None:
                            seen = {owner}
                        else:
                            seen.add(owner)
        return 0 if seen is None else len(seen)

    def near(self, r: Rect) -> dict[Hashable, Rect]:
        """Every owner whose rectangle overlaps ``r`` (touching edges do not count)."""
        found: dict[Hashable, Rect] = {}
        cells = self.cells
        for key in self._keys_near(r):
            cell = cells.get(key)
            if cell:
                for owner, other in cell.items():
                    if owner not in found and overlaps(r, other):
                        found[owner] = other
        return found
