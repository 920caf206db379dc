"""A big graph's passes after an edit, on a worker thread, so the window keeps painting and taking input.

Each request gets a generation number. The worker computes on a detached copy of the graph as it was when its run
started (engine.graph.detached), never on the live graph. One run at a time: requests made while one runs wait,
and only the newest of them is run next (a burst of edits costs one more pass, not one per edit). A result is
delivered through ``finished`` only if it belongs to the newest request; anything else is stale and dropped (the
editor makes a request for every change that can change a number; a node moved meanwhile changes none). The
compiled plans and results of a delivered run are taken into the live graph when it has not changed at all since,
so the next pass there (a path sum, a Backward) is answered from its cache.
"""
from __future__ import annotations

import queue
import threading
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt, Signal

from engine.graph import Graph, GraphError
from engine.graph.detached import adopt, detached
from gui.worker_pace import quick_thread_switches


class Numbers(NamedTuple):
    generation: int
    version: int                 # the graph version they were computed for
    mode: str                    # "forward" or "backward"
    values: dict | None
    partials: dict | None
    adjoints: dict | None        # None unless mode is "backward"
    error: str | None            # why the passes refused the graph (then the numbers are None)


def compute(graph: Graph, mode: str, generation: int, version: int) -> Numbers:
    """The passes the editor shows, on ``graph`` (a detached copy)."""
    try:
        values, partials = graph.forward(), graph.local_partials()
        adjoints = graph.backward() if mode == "backward" else None
    except GraphError as exc:
        return Numbers(generation, version, mode, None, None, None, str(exc))
    return Numbers(generation, version, mode, values, partials, adjoints, None)


def _serve(jobs: queue.SimpleQueue, done) -> None:
    """The worker: computes each run it is given and hands back (Numbers, the live graph, the copy)."""
    while (job := jobs.get()) is not None:
        copy, mode, generation, version, graph = job
        with quick_thread_switches():   # the window's thread gets the interpreter back within 0.5 ms
            numbers = compute(copy, mode, generation, version)
        try:
            done.emit((numbers, graph, copy))
        except RuntimeError:   # the editor was closed meanwhile: nobody is waiting
            return


class BackgroundPasses(QObject):
    finished = Signal(object)   # Numbers for the graph as it is now (in the window's thread)
    _done = Signal(object)      # (Numbers, the copy they were computed on): emitted by the worker

    def __init__(self, parent=None):
        super().__init__(parent)
        self.generation = 0
        self.running = False
        self._waiting: tuple | None = None   # (generation, graph, mode) of the newest request not yet started
        self._jobs: queue.SimpleQueue | None = None   # the worker's runs to make (None ends it)
        self._running = 0   # the generation of the run under way
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """Whether numbers are on their way (a request waits, or the run under way is the newest request's)."""
        return self._waiting is not None or self.running and self._running == self.generation

    def request(self, graph: Graph, mode: str) -> int:
        """Compute ``mode``'s passes for ``graph`` as it is when the run starts; returns the request's generation."""
        self.generation += 1
        self._waiting = (self.generation, graph, mode)
        if not self.running:
            self._start()
        return self.generation

    def cancel(self) -> None:
        """Drop every request made so far (a run under way finishes, and its result is dropped)."""
        self.generation += 1
        self._waiting = None

    def _start(self) -> None:
        generation, graph, mode = self._waiting
        self._waiting = None
        self.running, self._running = True, generation
        if self._jobs is None:   # one worker for the editor's life: starting a thread waits for it to run
            jobs = self._jobs = queue.SimpleQueue()
            threading.Thread(target=_serve, args=(jobs, self._done), name="graph-passes", daemon=True).start()
            self.destroyed.connect(lambda *_: jobs.put(None))   # the worker ends with the editor
        self._jobs.put((detached(graph), mode, generation, graph.version, graph))

    def _on_done(self, done: tuple) -> None:
        numbers, graph, copy = done
        self.running = False
        if self._waiting is not None:
            self._start()
        if numbers.generation == self.generation:
            adopt(graph, copy)   # only if nothing changed since (a move changes no number, but it is a change)
            self.finished.emit(numbers)
