"""While any worker runs inside quick_thread_switches the interpreter switches threads every 0.5 ms (so a busy
Python worker does not starve Qt's timers); workers that overlap share that setting, and the last one out puts back
what it was, whatever order they finish in."""
import sys
import threading

import pytest

from gui.worker_pace import WORKER_SWITCH_INTERVAL_S, quick_thread_switches


@pytest.fixture
def interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_one_worker_lowers_the_interval_while_it_runs(interval):
    with quick_thread_switches():
        assert sys.getswitchinterval() == pytest.approx(WORKER_SWITCH_INTERVAL_S)
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_overlapping_workers_restore_the_interval_only_when_the_last_ends(interval):
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    seen = []

    def second():
        first_in.wait(10)
        with quick_thread_switches():
            second_in.set()
            first_out.wait(10)
            seen.append(sys.getswitchinterval())   # the first worker has ended; this one still runs

    thread = threading.Thread(target=second)
    thread.start()
    with quick_thread_switches():
        first_in.set()
        second_in.wait(10)
    first_out.set()
    thread.join(10)
    assert seen == [pytest.approx(WORKER_SWITCH_INTERVAL_S)]
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_an_error_in_the_worker_still_restores_the_interval(interval):
    with pytest.raises(ZeroDivisionError):
        with quick_thread_switches():
            1 / 0
    assert sys.getswitchinterval() == pytest.approx(0.005)
