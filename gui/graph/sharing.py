"""A worker thread running Python shares the interpreter with the window's thread.

Python hands the interpreter from a busy thread to a waiting one every switch interval (5 ms by default). While a
worker runs Python (reading a file, the passes after an edit, an autosave), every call the window's thread makes
into Python (an item's paint, an event filter, a slot) could wait that long: a paint of fifty Python-drawn items took
hundreds of milliseconds while a 5,000-node graph's autosave was encoded. Within ``worker_running()`` the interval is
WORKER_SWITCH_INTERVAL_S (as the Descent's rate trials do), back to what it was once no worker is running.
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
def worker_running():
    """Around a worker's Python work (entered on any thread; nests across workers)."""
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
