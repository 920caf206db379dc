"""The Graph workspace's background tasks (a big graph's routing, the Paths panel's listing, an export's drawing)
take turns through one queue: one slice per event-loop turn, never two tasks' slices in the same turn, every task
served in the order it asked (a long task does not starve a short one), a task asking twice before its turn gets one
slice, and a dropped task gets none."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject

from gui.graph.slices import Slices

pytestmark = pytest.mark.gui

_TURN = QEvent.Type(QEvent.registerEventType())


class Turns(QObject):
    """Counts event-loop turns: a posted event handled once per pass over the posted events, posted again."""

    def __init__(self):
        super().__init__()
        self.count = 0
        QCoreApplication.postEvent(self, QEvent(_TURN))

    def event(self, event):
        if event.type() == _TURN:
            self.count += 1
            QCoreApplication.postEvent(self, QEvent(_TURN))
            return True
        return super().event(event)


def test_tasks_take_one_slice_per_turn_in_the_order_they_asked(qtbot):
    queue, turns, log = Slices(), Turns(), []

    def task(name: str, slices: int):
        left = [slices]

        def run(deadline: float) -> bool:
            log.append((name, turns.count))
            left[0] -= 1
            return left[0] > 0
        return run
    long, short = task("long", 20), task("short", 3)
    queue.want(long)
    queue.want(short)
    queue.want(short)   # asked twice before its turn: one place in the queue
    qtbot.waitUntil(lambda: len(log) == 23)
    qtbot.wait(30)
    assert len(log) == 23   # nothing more once both are done
    assert [n for n, _ in log[:6]] == ["long", "short", "long", "short", "long", "short"]
    assert [n for n, _ in log[6:]] == ["long"] * 17
    seen = [t for _, t in log]
    assert len(set(seen)) == len(seen)   # never two slices in one turn


def test_a_dropped_task_gets_no_more_slices(qtbot):
    queue, log = Slices(), []

    def forever(deadline: float) -> bool:
        log.append(deadline)
        return True
    queue.want(forever)
    qtbot.waitUntil(lambda: len(log) >= 3)
    queue.drop(forever)
    count = len(log)
    qtbot.wait(50)
    assert len(log) == count and not queue.waiting(forever)
