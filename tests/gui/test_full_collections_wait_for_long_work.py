"""A full garbage collection (it walks every object of the app) never starts while an open, an export or a big
graph's routing is under way; where the app freezes its start, a settled big graph is frozen too. An open's worker
hands the interpreter back often, and the graph's progress bars (the routing badge, the open and export
dialog) paint their new values with the next frame, not at once."""
from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtWidgets import QProgressBar

from gui import garbage
from gui.garbage import GuiThreadCollector, holding_full_collections, postpone_full_collection
from gui.graph import opening
from gui.graph.opening import Busy
from gui.worker_pace import WORKER_SWITCH_INTERVAL_S
from tests.gui.test_progress_bars_paint_with_the_next_frame import PaintCounter

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

    def tick() -> int:
        """The generation one tick of this collector asks for."""
        generations.clear()
        collector.collect_due()
        return generations[-1]
    yield tick
    collector.deleteLater()


def test_no_full_collection_while_held_and_one_after(asked, qtbot):
    tick, ticks = asked, []
    with holding_full_collections():
        ticks.append(tick())
        with Busy(None, "g.json"):   # what an open or an export runs under (nested holds)
            ticks.append(tick())
        ticks.append(tick())
    ticks.append(tick())
    assert ticks == [1, 1, 1, 2]


def test_a_postponement_lapses_when_the_work_stops_asking(asked, monkeypatch):
    tick, ticks = asked, []
    clock = [1000.0]
    monkeypatch.setattr(garbage.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(garbage, "_postponed_until", 0.0)
    monkeypatch.setattr(garbage, "_held", 0)
    postpone_full_collection(0.25)
    ticks.append(tick())
    clock[0] += 0.2
    postpone_full_collection(0.25)   # the next slice asks again
    clock[0] += 0.2
    ticks.append(tick())
    clock[0] += 0.1   # no slice asked for 0.3 s: the work is done
    ticks.append(tick())
    assert ticks == [1, 1, 2]


def test_a_settled_graph_is_frozen_only_where_the_app_froze_its_start(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(("collect", generation)) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze",)))
    monkeypatch.setattr(garbage, "_app_freezes", False)   # tests, which open and close many windows
    assert not garbage.freeze_settled()
    assert calls == []
    monkeypatch.setattr(garbage, "_app_freezes", True)    # the app
    assert garbage.freeze_settled()   # the young garbage collected (no full collection), then frozen
    assert calls == [("collect", 1), ("freeze",)]


def test_an_open_reads_its_file_on_a_worker_that_hands_the_interpreter_back_often(monkeypatch, qtbot):
    seen = []
    monkeypatch.setattr(opening, "load_with_numbers", lambda path: seen.append(sys.getswitchinterval()) or path)
    before = sys.getswitchinterval()
    with opening.Opening(None, "g.json") as busy:
        assert busy.load("g.json") == "g.json"
    assert seen == [pytest.approx(min(before, WORKER_SWITCH_INTERVAL_S))]
    assert sys.getswitchinterval() == before


def paints_of(widget) -> PaintCounter:
    counter = PaintCounter()
    widget.installEventFilter(counter)
    return counter


def test_the_routing_badge_and_the_progress_dialog_paint_their_bars_with_the_next_frame(qtbot, graph_workspace,
                                                                                          monkeypatch):
    badge = graph_workspace.busy_badge
    badge.set_routing(900, 1000)   # shown, counting the edges left to route
    qtbot.waitUntil(lambda: badge.isVisible(), timeout=2000)
    qtbot.wait(50)
    paints = paints_of(badge.bar)
    badge.set_routing(500, 1000)   # a slice of routing reports from inside the scene's work
    assert paints.paints == 0 and badge.bar.value() == 500
    qtbot.waitUntil(lambda: paints.paints >= 1, timeout=2000)
    monkeypatch.setattr(opening, "PROGRESS_DELAY_MS", 0)
    with Busy(graph_workspace.window(), "g.json") as busy:
        qtbot.waitUntil(lambda: busy.dialog is not None and busy.dialog.isVisible(), timeout=2000)
        qtbot.wait(50)
        bar = busy.dialog.findChild(QProgressBar)
        paints = paints_of(bar)
        busy.progress("Drawing g.json…", 40, 100)
        assert paints.paints == 0 and bar.value() == 40
        qtbot.waitUntil(lambda: paints.paints >= 1, timeout=2000)
