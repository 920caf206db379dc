"""Preallocated arrays that trails append to, so that drawing a frame costs the same at step 3,000 as at step 10.

A :class:`Growing` array doubles its capacity when full (amortized O(1) per row) and hands out views of its filled
rows; a :class:`StepRows` array also remembers how many rows there were after each step, so a frame can show the
trail as it was at an earlier step (the export replays the race this way) without rebuilding anything.
"""
from __future__ import annotations

import numpy as np

INITIAL_CAPACITY = 256


class Growing:
    """Rows of ``width`` values, appended at the end; :meth:`view` is a view (no copy) of the first rows."""

    def __init__(self, width: int, dtype=np.float64):
        self._data = np.empty((INITIAL_CAPACITY, width), dtype=dtype)
        self.size = 0

    @property
    def width(self) -> int:
        return self._data.shape[1]

    def append(self, rows) -> None:
        rows = np.asarray(rows, dtype=self._data.dtype).reshape(-1, self.width)
        end = self.size + len(rows)
        if end > len(self._data):
            grown = np.empty((max(end, 2 * len(self._data)), self.width), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size: end] = rows
        self.size = end

    def view(self, rows: int | None = None) -> np.ndarray:
        return self._data[: self.size if rows is None else min(rows, self.size)]

    def clear(self) -> None:
        self.size = 0


class StepRows(Growing):
    """A Growing array whose rows belong to steps: :meth:`add_step` appends one step's rows (maybe none)."""

    def __init__(self, width: int, dtype=np.float64):
        super().__init__(width, dtype)
        self._ends = Growing(1, np.int64)

    @property
    def steps(self) -> int:
        """How many steps have been added."""
        return self._ends.size

    def add_step(self, rows) -> None:
        self.append(rows)
        self._ends.append([self.size])

    def add_steps(self, rows, counts) -> None:
        """Several steps at once: ``counts[k]`` of ``rows`` (in order) belong to the k-th new step."""
        start = self.size
        self.append(rows)
        self._ends.append(start + np.cumsum(np.asarray(counts, dtype=np.int64)))

    def rows_upto(self, step: int) -> int:
        """The number of rows added by steps 0..step (all of them past the last step added)."""
        if step < 0 or self.steps == 0:
            return 0
        return int(self._ends.view()[min(step, self.steps - 1), 0])

    def upto(self, step: int) -> np.ndarray:
        return self.view(self.rows_upto(step))

    def clear(self) -> None:
        super().clear()
        self._ends.clear()
