"""Windows still alive at interpreter exit are deleted before PySide's own exit cleanup, while Python is whole.

A script that keeps the main window in a module-level variable leaves it alive until the interpreter exits. PySide
then deletes every top-level QObject Python still owns (``destroyQCoreApplication``, one of the interpreter's atexit
functions) in no set order, with the signal connections already cleared and the GIL released around each
destructor. Tearing down the window there runs pyqtgraph's Python overrides (``resizeEvent`` of the plot items as a
plot's scene deletes them), which fail against items already half deleted ("… already deleted"), and shiboken
crashes while reporting that error during finalization: a segfault in about 4 exits of 10. ``main.py`` never saw
it because its window is a local that dies when ``main()`` returns.

Python runs atexit functions last registered first, and PySide registers its own when QtCore is imported, so the
function registered here (on the first window) runs before it and deletes the windows in the ordinary way.
"""
from __future__ import annotations

import atexit
import weakref

import shiboken6
from PySide6.QtCore import QCoreApplication

_alive: "weakref.WeakSet" = weakref.WeakSet()
_registered = False


def delete_at_exit(widget) -> None:
    """Delete ``widget`` (a top-level window) at interpreter exit, before PySide's cleanup, if it is still alive."""
    global _registered
    _alive.add(widget)
    if not _registered:
        atexit.register(delete_alive)
        _registered = True


def delete_alive() -> int:
    """Delete every registered window still alive, after its ``shutdown()`` (if it has one: a running search thread
    must not be deleted under its feet); how many were."""
    deleted = 0
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents()   # what the last turn posted (a plot's new layout), while all is whole
    for widget in list(_alive):
        if shiboken6.isValid(widget):
            if callable(getattr(widget, "shutdown", None)):
                widget.shutdown()
            shiboken6.delete(widget)
            deleted += 1
    _alive.clear()
    return deleted
