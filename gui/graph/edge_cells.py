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
        """Sort the points of ``batch`` ((edge number, (k, 2) points) pairs) into blocks: each block gets, per edge,
        the cells its points there lie in (each once)."""
        if not batch:
            return
        sizes = [len(points) for _, points in batch]
        points = np.concatenate([points for _, points in batch])
        owners = np.repeat(np.array([n for n, _ in batch], dtype=np.int64), sizes)
        kept = _in_chunks_blocks(points, sizes)
        points, owners = points[kept[0]], owners[kept[0]]
        cells = np.floor(points / EDGE_CELL).astype(np.int64)
        bx, by, ci, cj = kept[1][:, 0], kept[1][:, 1], cells[:, 0], cells[:, 1]
        order = np.lexsort((cj, ci, owners, by, bx))
        bx, by, n, ci, cj = bx[order], by[order], owners[order], ci[order], cj[order]
        group = np.ones(len(order), dtype=bool)   # where a (block, edge) starts
        group[1:] = (bx[1:] != bx[:-1]) | (by[1:] != by[:-1]) | (n[1:] != n[:-1])
        first = group.copy()   # each (block, edge, cell) once
        first[1:] |= (ci[1:] != ci[:-1]) | (cj[1:] != cj[:-1])
        bx, by, n, ci, cj, group = bx[first], by[first], n[first], ci[first], cj[first], group[first]
        starts = np.flatnonzero(group).tolist()
        for start, end in zip(starts, starts[1:] + [len(n)]):
            self.chunks[int(bx[start]), int(by[start])].append((int(n[start]), ci[start:end], cj[start:end]))

    def release_steps(self):
        """Empty the index a part per step (a generator): the cells of a whole graph's labels (an export) are
        hundreds of thousands of small sets, and freeing them at once held the window for ~50 ms."""
        yield from emptied_in_steps(self.cells, self.chunks, self.filled)

    def crossing(self, r: Rect, own: Hashable) -> int:
        """How many edges other than ``own`` pass through the cells wholly inside ``r``."""
        filled = self.filled
        needed = [(i, j) for i in range(int(r[0] // BLOCK), int(r[2] // BLOCK) + 1)
                  for j in range(int(r[1] // BLOCK), int(r[3] // BLOCK) + 1) if (i, j) not in filled]
        if needed:
            self._fill(needed)
        cells, found = self.cells, set()
        for i in range(int(r[0] // EDGE_CELL) + 1, int(r[2] // EDGE_CELL)):
            for j in range(int(r[1] // EDGE_CELL) + 1, int(r[3] // EDGE_CELL)):
                cell = cells.get((i, j))
                if cell:
                    found |= cell
        found.discard(self.numbers.get(own))
        return len(found)

    def _fill(self, needed: list[tuple[int, int]]) -> None:
        store = self.cells
        for block in needed:
            self.filled.add(block)
            for n, ci, cj in self.chunks.get(block, ()):
                for i, j in zip(ci.tolist(), cj.tolist()):
                    store[i, j].add(n)


def _in_chunks_blocks(points: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Which points count, and the block each lies in (its bounds compared exactly, as integers): the points of a
    run were sorted CHUNK at a time into the blocks from the one holding the chunk's least coordinates (divided by
    BLOCK, which can round up to the next block a point within a rounding error of its edge) to its greatest, and a
    point counts in a block whose bounds hold it."""
    starts, offset = [], 0
    for size in sizes:
        starts.extend(range(offset, offset + size, CHUNK))
        offset += size
    lowest = np.floor(np.minimum.reduceat(points, starts, axis=0) / BLOCK)
    lowest = np.repeat(lowest, np.diff(starts + [offset]), axis=0)
    block = np.floor(points / BLOCK)
    block -= block * BLOCK > points
    block += (block + 1) * BLOCK <= points
    kept = np.all(block >= lowest, axis=1)
    return kept, block[kept].astype(np.int64)


def emptied_in_steps(*stores):
    """Empty the dicts and sets given, RELEASED_PER_STEP entries per step (a generator): what they hold is freed a
    part per event-loop turn, not all within one."""
    for store in stores:
        while store:
            for _ in range(min(RELEASED_PER_STEP, len(store))):
                store.popitem() if isinstance(store, dict) else store.pop()
            yield
