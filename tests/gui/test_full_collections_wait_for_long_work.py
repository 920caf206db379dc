"""A full garbage collection (it walks every object of the app) never starts while an open, an export or a big
graph's routing is under way; where the app freezes its start, a settled big graph is frozen too and given back to
the collector when it is replaced. Workers running Python hand the interpreter back often, and progress bars ask
for an ordinary repaint, not an immediate one."""
from __future__ import annotations

import gc
import sys
import threading

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QProgressBar

from gui import garbage
from gui.garbage import GuiThreadCollector, holding_full_collections, postpone_full_collection
from gui.graph.busy_badge import set_quietly
from gui.graph.opening import Busy
from gui.graph.sharing import WORKER_SWITCH_INTERVAL_S, worker_running

pytestmark = pytest.mark.gui


@pytest.fixture
def asked(qapp, monkeypatch):
    """A collector whose every tick finds every threshold passed and a full collection due; the generations it
    asks for."""
    collector = GuiThreadCollector(qapp, interval_ms=60_000)
    collector.timer.stop()
    generations = []
    monkeypatch.setattr(gc, "get_count", lambda: tuple(t + 1 for t in collector.thresholds))
    monkeypatch.setattr(gc, "collect", lambda generation=2: generations.append(generation) or 0)
    monkeypatch.setattr(collector, "_full_due", lambda: True)
    yield collector, generations
    collector.deleteLater()


def test_no_full_collection_while_held_and_one_after(asked, qtbot):
    collector, generations = asked
    with holding_full_collections():
        collector.collect_due()
        with Busy(None, "g.json"):   # what an open or an export runs under (nested holds)
            collector.collect_due()
        collector.collect_due()
    collector.collect_due()
    assert generations == [1, 1, 1, 2]


def test_a_postponement_lapses_when_the_work_stops_asking(asked, monkeypatch):
    collector, generations = asked
    clock = [1000.0]
    monkeypatch.setattr(garbage.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(garbage, "_postponed_until", 0.0)
    postpone_full_collection(0.25)
    collector.collect_due()
    clock[0] += 0.2
    postpone_full_collection(0.25)   # the next slice asks again
    clock[0] += 0.2
    collector.collect_due()
    clock[0] += 0.1   # no slice asked for 0.3 s: the work is done
    collector.collect_due()
    assert generations == [1, 1, 2]


def test_a_settled_graph_is_frozen_only_where_the_app_froze_its_start(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(("collect", generation)) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze",)))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append(("unfreeze",)))
    monkeypatch.setattr(garbage, "_graph_frozen", False)
    monkeypatch.setattr(garbage, "_thawed", False)
    monkeypatch.setattr(garbage, "_app_freezes", False)   # tests, which open and close many windows
    assert not garbage.freeze_settled()
    garbage.thaw()
    assert calls == []
    monkeypatch.setattr(garbage, "_app_freezes", True)    # the app
    garbage.thaw()   # nothing of a graph frozen yet: the start's objects stay frozen
    assert garbage.freeze_settled()   # the first big graph: its young garbage collected, then frozen
    garbage.thaw()   # it is replaced: given back
    garbage.freeze_settled()   # the next one settles: one full collection frees the old one's cycles
    assert calls == [("collect", 1), ("freeze",), ("unfreeze",), ("collect", 2), ("freeze",)]


def test_workers_running_python_hand_the_interpreter_back_often_and_the_interval_comes_back():
    before = sys.getswitchinterval()
    seen = []

    def work():
        with worker_running():
            seen.append(sys.getswitchinterval())
            with worker_running():   # a second worker at the same time
                pass
            seen.append(sys.getswitchinterval())
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [pytest.approx(min(before, WORKER_SWITCH_INTERVAL_S))] * 2
    assert sys.getswitchinterval() == before


class Paints(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_progress_bar_set_quietly_repaints_with_the_next_paint_not_at_once(qtbot):
    bar = QProgressBar()
    qtbot.addWidget(bar)
    bar.setRange(0, 100)
    bar.show()
    qtbot.waitExposed(bar)
    qtbot.wait(20)
    paints = Paints(bar)
    bar.setValue(50)
    assert paints.count == 1   # Qt's own setValue paints at once
    set_quietly(bar, 90)
    assert paints.count == 1 and bar.value() == 90
    qtbot.waitUntil(lambda: paints.count == 2, timeout=2000)   # ... and here with the next paint
