"""Which edges pass through each small cell of the scene, for label placement (gui.graph.labels) to count the other
edges a label would cover. The points of the edges are sorted into blocks first; a block's small cells are filled
only when a label is tried near it (with a few neighbouring blocks at once: one pass of numpy over several blocks
costs little more than over one), so placing a few labels on a big graph does not pay for cells no label comes near.

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
FILL_AROUND = 2     # blocks filled with one a label needs: those up to this many blocks away, ...
FILL_BATCH = 16     # ... up to this many in all


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
        points_sorted = 0
        for key, parts in runs.items():
            n = len(self.keys)
            self.keys.append(key)
            self.numbers[key] = n
            for part in parts:
                points_sorted += len(part)
                part = np.asarray(part, dtype=float)
                for start in range(0, len(part), CHUNK):
                    points = part[start:start + CHUNK]
                    (x0, y0), (x1, y1) = np.floor(points.min(axis=0) / BLOCK), np.floor(points.max(axis=0) / BLOCK)
                    for i in range(int(x0), int(x1) + 1):
                        for j in range(int(y0), int(y1) + 1):
                            self.chunks[i, j].append((n, points))
            if n % 16 == 15 or points_sorted > POINTS_PER_STEP:   # a long edge has thousands of points
                points_sorted = 0
                yield

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
        """Fill the cells of the blocks ``needed`` and of unfilled blocks near them (FILL_AROUND, FILL_BATCH)."""
        blocks = dict.fromkeys(needed)
        for bi, bj in needed:
            for i in range(bi - FILL_AROUND, bi + FILL_AROUND + 1):
                for j in range(bj - FILL_AROUND, bj + FILL_AROUND + 1):
                    if len(blocks) < FILL_BATCH and (i, j) in self.chunks and (i, j) not in self.filled:
                        blocks[i, j] = None
        self.filled.update(blocks)
        entries = [(n, points, block) for block in blocks for n, points in self.chunks.get(block, ())]
        if not entries:
            return
        sizes = [len(points) for _, points, _ in entries]
        points = np.concatenate([points for _, points, _ in entries])
        owners = np.repeat(np.array([n for n, _, _ in entries], dtype=np.int64), sizes)
        low = np.repeat(np.array([block for _, _, block in entries], dtype=float) * BLOCK, sizes, axis=0)
        inside = np.all((points >= low) & (points < low + BLOCK), axis=1)   # the block a point lies in
        cells = np.floor(points[inside] / EDGE_CELL).astype(np.int64)
        owners = owners[inside]
        order = np.lexsort((owners, cells[:, 1], cells[:, 0]))   # each (cell, edge) once
        i, j, n = cells[order, 0], cells[order, 1], owners[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (i[1:] != i[:-1]) | (j[1:] != j[:-1]) | (n[1:] != n[:-1])
        store = self.cells
        for i, j, n in zip(i[first].tolist(), j[first].tolist(), n[first].tolist()):
            store[i, j].add(n)


def emptied_in_steps(*stores):
    """Empty the dicts and sets given, RELEASED_PER_STEP entries per step (a generator): what they hold is freed a
    part per event-loop turn, not all within one."""
    for store in stores:
        while store:
            for _ in range(min(RELEASED_PER_STEP, len(store))):
                store.popitem() if isinstance(store, dict) else store.pop()
            yield
