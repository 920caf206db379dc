"""Python workers that leave the GUI thread its turns.

A worker thread busy in Python holds the interpreter's lock; at the default switch interval (5 ms) the GUI thread,
once it gives the lock up, waits a whole interval to get it back, many times per event-loop turn, so Qt's timers
starve for as long as the worker runs (~100–200 ms gaps measured with the Descent's rate trials and the Surface's
preparation of a huge formula). While any worker runs inside :func:`quick_thread_switches` the interval is 0.5 ms:
the timers keep ticking (gaps of a few ms) and the work takes as long. The interval is the whole process's, so the
workers share it: the first one in lowers it, the last one out puts back what it was.
"""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

WORKER_SWITCH_INTERVAL_S = 0.0005

_lock = threading.Lock()
_running = 0
_previous = 0.0


@contextmanager
def quick_thread_switches():
    """Run the body (on a worker) with the interpreter switching threads every 0.5 ms (or more often, if so set)."""
    global _running, _previous
    with _lock:
        if _running == 0:
            _previous = sys.getswitchinterval()
            sys.setswitchinterval(min(_previous, WORKER_SWITCH_INTERVAL_S))
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                sys.setswitchinterval(_previous)
