"""Which edges pass through each small cell of the scene, for label placement (gui.graph.labels) to count the other
edges a label would cover. The points of the edges are sorted into blocks first (numpy, a few edges at once: each
block gets, per edge, the cells its points there lie in); a block's cells are filled only when a label is tried
near it, so placing a few labels on a big graph does not pay for cells no label comes near.

A point counts in the block whose bounds hold it (compared exactly), and the cells a label is asked about lie in
blocks filled before it is answered, so when a block is filled does not change any answer.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Sequence

import numpy as np

from gui.graph.spatial import Rect

EDGE_CELL = 10.0    # cell size (scene units)
BLOCK = 160.0       # cells are filled a block at a time (a multiple of EDGE_CELL)
CELLS = 16          # cells across a block
CHUNK = 64          # points of a run sorted into blocks together
POINTS_PER_STEP = 4000   # points of edges sorted into blocks between two yields
RELEASED_PER_STEP = 1000   # cells freed between two yields (see EdgeCells.release_steps)


class EdgeCells:
    """The edges through each cell: ``crossing(rect, own)`` counts those inside a rect."""

    def __init__(self):
        self.chunks: dict[tuple[int, int], list] = defaultdict(list)
        self.keys: list = []
        self.numbers: dict[Hashable, int] = {}   # an edge's key → its number (the cells hold numbers)
        self.cells: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.filled: set[tuple[int, int]] = set()

    def sort(self, runs: dict[Hashable, Sequence[np.ndarray]]):
        """Sort every run's points into blocks, a few edges per step (a generator)."""
        batch, points_sorted = [], 0
        for key, parts in runs.items():
            n = len(self.keys)
            self.keys.append(key)
            self.numbers[key] = n
            for part in parts:
                if len(part):
                    batch.append((n, np.asarray(part, dtype=float)))
                    points_sorted += len(part)
            if n % 16 == 15 or points_sorted > POINTS_PER_STEP:   # a long edge has thousands of points
                self._sort_batch(batch)
                batch, points_sorted = [], 0
                yield
        self._sort_batch(batch)

    def _sort_batch(self, batch: list[tuple[int, np.ndarray]]) -> None:
        """Sort the points of ``batch`` ((edge number, (k, 2) points) pairs, of a few edges) into blocks: each block
        gets, per edge, the cells its points there lie in (each once)."""
        if not batch:
            return
        sizes = [len(points) for _, points in batch]
        points = np.concatenate([points for _, points in batch])
        first = batch[0][0]
        owners = np.repeat(np.array([n - first for n, _ in batch], dtype=np.int64), sizes)
        block, kept = _blocks(points, sizes)
        if kept is not None:
            points, owners = points[kept], owners[kept]
        cells = np.floor(points / EDGE_CELL).astype(np.int64) - block * CELLS
        bx, by, n, ci, cj = _distinct(block, owners, batch[-1][0] - first + 1, cells)
        starts = np.flatnonzero(_changes(bx, by, n))
        cells = np.column_stack([ci + bx * CELLS, cj + by * CELLS])   # a block's edges' cells are rows of these
        chunks, starts = self.chunks, starts.tolist()
        for bi, bj, edge, start, end in zip(bx[starts].tolist(), by[starts].tolist(), (n[starts] + first).tolist(),
                                            starts, starts[1:] + [len(cells)]):
            chunks[bi, bj].append((edge, cells, start, end))

    def release_steps(self):
        """Empty the index a part per step (a generator): the cells of a whole graph's labels (an export) are
        hundreds of thousands of small sets, and freeing them at once held the window for ~50 ms."""
        yield from emptied_in_steps(self.cells, self.chunks, self.filled)

    def crossing(self, r: Rect, own: Hashable) -> int:
        """How many edges other than ``own`` pass through the cells wholly inside ``r``."""
        x0, y0, x1, y1 = r
        filled = self.filled
        needed = [(i, j) for i in range(int(x0 // BLOCK), int(x1 // BLOCK) + 1)
                  for j in range(int(y0 // BLOCK), int(y1 // BLOCK) + 1) if (i, j) not in filled]
        if needed:
            self._fill(needed)
        rows = range(int(y0 // EDGE_CELL) + 1, int(y1 // EDGE_CELL))
        if not rows:   # a label a cell high or less holds no cell wholly
            return 0
        cells, found = self.cells, set()
        for i in range(int(x0 // EDGE_CELL) + 1, int(x1 // EDGE_CELL)):
            for j in rows:
                cell = cells.get((i, j))
                if cell:
                    found |= cell
        found.discard(self.numbers.get(own))
        return len(found)

    def _fill(self, needed: list[tuple[int, int]]) -> None:
        store = self.cells
        for block in needed:
            self.filled.add(block)
            for n, cells, start, end in self.chunks.get(block, ()):
                for i, j in cells[start:end].tolist():
                    store[i, j].add(n)


def _blocks(points: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray | None]:
    """The block holding each point (its bounds compared exactly), as integers, and which points count (None: all).
    The points of a run were once sorted CHUNK at a time into the blocks from the one holding the chunk's least
    coordinates, divided by BLOCK, to its greatest; where that division rounded up to the next block (a point
    within a rounding error of a block's edge), the chunk's points in the block below were not counted."""
    block = np.floor(points / BLOCK)
    if not (block * BLOCK > points).any():   # no quotient rounded up: every point counts
        return block.astype(np.int64), None
    starts, offset = [], 0
    for size in sizes:
        starts.extend(range(offset, offset + size, CHUNK))
        offset += size
    lowest = np.floor(np.minimum.reduceat(points, starts, axis=0) / BLOCK)
    lowest = np.repeat(lowest, np.diff(starts + [offset]), axis=0)
    block -= block * BLOCK > points
    kept = np.all(block >= lowest, axis=1)
    return block[kept].astype(np.int64), kept


def _distinct(block: np.ndarray, owner: np.ndarray, owners: int, cell: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct rows of (block x, block y, owner, cell x, cell y), sorted, as five columns: one int64 key per
    row where it fits (a cell is 0 to CELLS within its block, owners are < ``owners``), else by lexsort."""
    bx, by, ci, cj = block[:, 0], block[:, 1], cell[:, 0], cell[:, 1]
    x0, y0, wide = bx.min(), by.min(), CELLS + 1
    high = int(by.max() - y0 + 1)
    if (int(bx.max() - x0) + 1) * high * owners * wide ** 2 < 2 ** 62 and min(ci.min(), cj.min()) >= 0 and \
            max(ci.max(), cj.max()) <= CELLS:
        key = np.sort(((((bx - x0) * high + by - y0) * owners + owner) * wide + ci) * wide + cj)
        key = key[_changes(key)]
        key, cj = np.divmod(key, wide)
        key, ci = np.divmod(key, wide)
        key, n = np.divmod(key, owners)
        bx, by = np.divmod(key, high)
        return bx + x0, by + y0, n, ci, cj
    rows = np.column_stack([block, owner, cell])[np.lexsort((cj, ci, owner, by, bx))]
    return tuple(rows[_changes(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4])].T)


def _changes(*columns: np.ndarray) -> np.ndarray:
    """Where any of the (sorted) columns differs from the row before (the first row: True)."""
    changed = columns[0][1:] != columns[0][:-1]
    for column in columns[1:]:
        changed |= column[1:] != column[:-1]
    return np.concatenate(([True], changed))


def emptied_in_steps(*stores):
    """Empty the dicts and sets given, RELEASED_PER_STEP entries per step (a generator): what they hold is freed a
    part per event-loop turn, not all within one."""
    for store in stores:
        pop = store.popitem if isinstance(store, dict) else store.pop
        while len(store) > RELEASED_PER_STEP:
            for _ in range(RELEASED_PER_STEP):
                pop()
            yield
        if store:
            store.clear()
            yield
