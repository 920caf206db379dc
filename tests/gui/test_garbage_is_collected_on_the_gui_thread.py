"""Reference cycles are collected on the GUI thread, never on a worker that happens to allocate (a Qt destructor run
on a worker deadlocked the window once)."""
import gc
import threading

import pytest

from gui.garbage import GuiThreadCollector

pytestmark = pytest.mark.gui


class Cycle:
    collected_on: list = []

    def __init__(self):
        self.me = self

    def __del__(self):
        Cycle.collected_on.append(threading.current_thread().name)


def test_a_cycle_left_behind_is_collected_on_the_gui_thread_while_a_worker_allocates(qtbot, qapp):
    collector = GuiThreadCollector(qapp, interval_ms=50)
    try:
        assert not gc.isenabled()
        Cycle.collected_on.clear()
        for _ in range(20):
            Cycle()

        kept = []

        def allocate():   # far past every threshold: with automatic collection on, this thread would collect
            kept.extend([i] for i in range(50_000))

        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert Cycle.collected_on == []
        qtbot.waitUntil(lambda: len(Cycle.collected_on) == 20, timeout=5000)
        assert set(Cycle.collected_on) == {threading.main_thread().name}
    finally:
        collector.deleteLater()
        collector.timer.stop()


def test_stopping_the_collector_gives_automatic_collection_back(qapp):
    collector = GuiThreadCollector(qapp)
    collector.stop()
    assert gc.isenabled()
    gc.disable()   # the session's own collector (tests/gui/conftest.py) keeps it off



def test_a_full_collection_waits_until_a_quarter_more_objects_have_grown_old(qapp, monkeypatch):
    """Python's own rule for the oldest generation: with many long-lived objects (a big graph), a tick past every
    threshold collects the younger generations only, until a quarter more objects have reached the oldest."""
    collector = GuiThreadCollector(qapp, interval_ms=60_000)
    collector.timer.stop()
    try:
        old = [[i] for i in range(200_000)]
        gc.collect()   # the 200,000 now live in the oldest generation
        collector.long_lived = len(gc.get_objects(2))
        few = [[i] for i in range(1_000)]
        gc.collect(1)   # survivors of a middle collection join the oldest
        asked = []
        real_collect = gc.collect
        monkeypatch.setattr(gc, "get_count", lambda: tuple(t + 1 for t in collector.thresholds))
        monkeypatch.setattr(gc, "collect", lambda generation=2: asked.append(generation) or real_collect(generation))
        collector.collect_due()
        assert asked == [1]   # 1,000 new old objects: far from a quarter of 200,000
        before = collector.long_lived
        many = [[i] for i in range(before // 4 + 1_000)]
        real_collect(1)
        collector.collect_due()
        assert asked == [1, 2]   # past a quarter more: a full collection
        # the count it waits from is the new one (compared with the generation itself: objects that earlier tests
        # left may die meanwhile, so "before + many" is not a bound)
        assert collector.long_lived == len(gc.get_objects(2)) > len(many) and collector.long_lived != before
        del old, few, many
    finally:
        collector.deleteLater()
