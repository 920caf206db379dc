"""Garbage collection on the GUI thread only.

Python collects reference cycles on whichever thread happens to allocate when a threshold is crossed. When that is a
worker thread (opening a graph, working out formulas, a critical-point search) and the cycle holds Qt objects, their
destructors run there: Qt then waits for a lock the GUI thread holds while the GUI thread waits for Python's, and the
window deadlocks (seen once in the test suite while a big graph opened on its worker). So automatic collection is off
and the GUI thread collects on a timer, as pyqtgraph's ``GarbageCollector`` does, generation by generation.

The timer is short (INTERVAL_MS), so the young generations a tick collects stay small while a big graph is built
(every 500 ms, a middle collection walked half a second of new objects: 70 ms at 5,000 nodes). A full collection
walks every object of the app (a 5,000-node graph's 120,000: 50-100 ms), so none starts while long work that
keeps the window going a slice per turn is under way (``holding_full_collections()`` around an open or an export;
``postpone_full_collection()`` from each slice of a big graph's routing): one then would add its pause to a slice
and a paint. It runs on the first tick after the work, alone in its turn.

Where the app froze its start's objects, a big graph's objects are frozen too once its open has settled, and so is
what a big function leaves alive once the Surface has drawn it (``freeze_settled()``, after a collection of the young
generations): a full collection walking them paused the
window 50-300 ms while the user worked on the graph (5,000 nodes: 160,000 objects). They are not given back when
the graph is replaced: its items are freed by their reference counts, and what a cycle keeps (about 800 objects per
1,000-node graph replaced, measured) stays, which costs less than the 100-300 ms full collection that freeing it
took after each open.
"""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 50
_held = 0   # how many pieces of long work are holding full collections back
_postponed_until = 0.0   # and until when (time.monotonic()) work done a slice at a time asked to postpone them


@contextmanager
def holding_full_collections():
    """No full collection starts on the GUI thread within this block (the younger generations are still
    collected); nests."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1


def postpone_full_collection(seconds: float = 0.25) -> None:
    """No full collection starts for ``seconds`` (work done a slice per turn calls this from each slice; when it
    stops asking, collections resume on their own)."""
    global _postponed_until
    _postponed_until = max(_postponed_until, time.monotonic() + seconds)


def full_collections_held() -> bool:
    return _held > 0 or time.monotonic() < _postponed_until


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects on the GUI thread every ``INTERVAL_MS`` (what crossed its
    threshold only, so a tick is cheap). ``stop()`` gives automatic collection back."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.long_lived = 0   # objects in the oldest generation after the last full collection (frozen ones aside)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start(interval_ms)

    def collect_due(self) -> int:
        """Collect the generations whose counts passed their thresholds; the number of objects found unreachable.
        A full collection also waits, as Python's own does, until the objects that reached the oldest generation
        since the last one are a quarter of those that survived it (a big graph's 200,000 objects would otherwise
        cost a ~200 ms pause every few ticks), and while full collections are held."""
        counts = gc.get_count()
        generation = -1
        for g in range(3):
            if counts[g] > self.thresholds[g]:
                generation = g
            else:
                break
        if generation == 2 and (full_collections_held() or not self._full_due()):
            generation = 1
        if generation < 0:
            return 0
        found = gc.collect(generation)
        if generation == 2:
            self.long_lived = len(gc.get_objects(2))
        return found

    def _full_due(self) -> bool:
        """Python's rule: pending long-lived objects > 25% of those alive after the last full collection."""
        return len(gc.get_objects(2)) - self.long_lived > self.long_lived // 4

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now (the window built at start lives as long as the app) out of the collector's
    reach: a full collection then walks only what came later (47 ms → under 1 ms with every tab built). Only the app
    calls this; tests open and close many windows, which must stay collectable. No collection first: with automatic
    collection off during the start every object is still in the youngest generation, and walking them all (~150,000)
    paused the window 50 ms, 100-235 ms on a busy machine, just when the user starts working; the ~1,100 objects the
    start's cycles leave unreachable are frozen with the rest (a few hundred kB, once)."""
    global _app_freezes
    gc.freeze()
    _app_freezes = True


_app_freezes = False   # the app froze its start (tests never do): settled big graphs are frozen too


def freeze_settled() -> bool:
    """A big graph has settled: freeze what is alive now (see the module's note); whether it did."""
    if _app_freezes:
        gc.collect(1)
        gc.freeze()
    return _app_freezes


def collect_on_gui_thread(app) -> GuiThreadCollector:
    """Install the collector as a child of ``app`` (the QApplication), so it lives as long as the app."""
    return GuiThreadCollector(app)
