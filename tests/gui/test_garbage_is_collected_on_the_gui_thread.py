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
