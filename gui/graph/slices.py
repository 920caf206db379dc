"""One slice of the Graph workspace's background work per event-loop turn.

A big graph's build, routing and labels (the scene), the Paths panel's first listing and an export each do their
work in slices of at most SLICE seconds. Each on its own zero-timer, two or three of them ran in the same turn of the
event loop (Qt fires every timer that is due in one pass), so a turn held a routing slice, a listing slice and a
paint: 60–100 ms with the window frozen. Here every such task waits its turn in one queue, served by one zero-timer:
one slice per turn, the tasks taking turns in the order they asked.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer

SLICE = 0.012   # seconds of work per event-loop turn (a paint of a 5,000-node canvas, ~10-20 ms, may follow)


class Slices(QObject):
    """The queue of tasks that work in slices. A task is a callable taking the slice's deadline (a perf_counter
    time) and returning whether it has more to do (it is then queued again, behind the others)."""

    def __init__(self):
        super().__init__()
        self._tasks: list[Callable[[float], bool]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_one)

    def want(self, task: Callable[[float], bool]) -> None:
        """Give ``task`` a slice in a coming turn (once, however often it asks before then)."""
        if task not in self._tasks:
            self._tasks.append(task)
        self._timer.start()

    def drop(self, task: Callable[[float], bool]) -> None:
        """``task`` needs no more slices (it finished or was cancelled)."""
        if task in self._tasks:
            self._tasks.remove(task)

    def waiting(self, task: Callable[[float], bool]) -> bool:
        return task in self._tasks

    def _run_one(self) -> None:
        if not self._tasks:
            return
        task = self._tasks.pop(0)
        try:
            more = task(time.perf_counter() + SLICE)
        finally:
            if self._tasks:
                self._timer.start()
        if more:
            self.want(task)


_shared: Slices | None = None


def shared() -> Slices:
    """The GUI thread's queue (made on first use)."""
    global _shared
    if _shared is None:
        _shared = Slices()
    return _shared
