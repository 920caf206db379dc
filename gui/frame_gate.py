"""A worker that stands still while the window paints.

On this machine kind (two cores, Mesa's software renderer) one frame of a window that holds OpenGL views is composed
in 20–40 ms when the machine is quiet. While a Python worker runs (the critical-point search on a ~1,900-character
formula: Python-bound, it holds the interpreter ~90% of the time) the same frame took 60–180 ms, most of it waiting:
for the interpreter (PySide acquires it for each Python-made widget the compose walks, e.g. for ``metaObject()``
inside ``qobject_cast``, each time up to a switch interval) and for the renderer's own threads, which the worker's
core no longer serves. A finer switch interval or a lower priority for the worker did not help measurably.

So the worker pauses while a frame is composed: a :class:`FrameGate` watches the window's ``UpdateRequest`` (the
event in which Qt paints and composes the whole window), closes on it and opens again once that turn is over (a 0 ms
timer, which runs after the event); the worker calls :meth:`FrameGate.checkpoint` between its steps and waits there,
never longer than ``MAX_WAIT_S`` (so a window that stops answering cannot stall it). The worker only stops at its
next checkpoint, so the steps between two checkpoints should be short (the critical search reports every Newton
iteration, ~10 ms), and frames should be rare while it runs (its progress is shown a few times a second).
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QEvent, QObject, QTimer

MAX_WAIT_S = 0.25


class FrameGate(QObject):
    """Open unless the GUI thread is painting the watched window (or :meth:`hold` was called this turn)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._open = threading.Event()
        self._open.set()
        self._window = None
        self._reopen = QTimer(self)
        self._reopen.setSingleShot(True)
        self._reopen.setInterval(0)
        self._reopen.timeout.connect(self._open.set)

    # --- the GUI thread ----------------------------------------------------------------------------------------------
    def watch(self, widget) -> None:
        """Close while ``widget``'s window is painted, until :meth:`unwatch`."""
        window = widget.window()
        if window is not self._window:
            self.unwatch()
            self._window = window
            window.installEventFilter(self)

    def unwatch(self) -> None:
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None
        self.release()

    def hold(self) -> None:
        """Close until the end of this event-loop turn (posted events, the window's frame among them, come first)."""
        self._open.clear()
        self._reopen.start()

    def release(self) -> None:
        self._reopen.stop()
        self._open.set()

    def is_open(self) -> bool:
        return self._open.is_set()

    @property
    def watching(self) -> bool:
        return self._window is not None

    def eventFilter(self, watched, event) -> bool:   # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.UpdateRequest:
            self.hold()
        return False

    # --- the worker --------------------------------------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Wait (without the interpreter's lock) while the window is painted; at most MAX_WAIT_S."""
        self._open.wait(MAX_WAIT_S)
