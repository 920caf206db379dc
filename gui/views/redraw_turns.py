"""A redraw spread over event-loop turns: its pieces (the 3D surface with the point's analysis and overlays, then the
contour view, …) run one per turn, in order, each after the frame the previous one asked for has been painted.

At the largest grid (401²) drawing a new function in one turn (sampling, the 3D mesh, the contour map and lines, the
analysis, then one frame of the window) blocked the event loop for ~90–120 ms on a software renderer. Run one piece
per turn, the loop answers between them: a piece, its frame, the next piece, its frame.

Each piece has a name; a newer redraw's piece replaces a waiting piece of the same name (newest wins), so typing fast
never draws a stale piece, and the views show a mixture of two functions only for the frame between the pieces of one
redraw. Outside :meth:`RedrawTurns.spread` (a redraw asked for directly, e.g. before a screenshot) and in
:meth:`finish`, every waiting piece runs at once, so the picture is complete when the call returns.

How the turns are kept apart: Qt delivers a window's repaint as a posted UpdateRequest event, and the event loop
delivers posted events before the timers that fell due meanwhile; so a piece's frame would follow the piece with no
turn between them (one long block). After a piece, its window's UpdateRequest is taken back and posted again from a
timer (``_repost``): the timers already due (input, animations, the benchmark's ticks) run first. The next piece
starts from a timer started once that frame has been delivered (``_hop``), for the same reason.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

HOP_MS = 1   # each step of the chain piece → frame → piece waits for the timers due before it (a timer, not a posted event)


class RedrawTurns(QObject):
    settled = Signal()   # every piece has run

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pieces: dict[str, Callable[[], None]] = {}
        self._spreading = False
        self._redraw: Callable[[], None] | None = None
        self.before_frame: Callable[[QObject], None] | None = None   # called with the window after each piece
        self._timers = {name: self._timer(slot) for name, slot in (
            ("redraw", self._start_redraw), ("repost", self._repost), ("hop", self._hop), ("piece", self._run_next))}

    def _timer(self, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(slot)
        return timer

    @property
    def busy(self) -> bool:
        """Some piece is waiting for its turn, or the frame of the last one has not been delivered yet (with it, what
        the pieces posted, such as a plot's new layout)."""
        return bool(self._pieces) or any(timer.isActive() for timer in self._timers.values())

    def waiting(self) -> list[str]:
        return list(self._pieces)

    @contextmanager
    def spread(self):
        """Within this block, pieces added wait for turns of their own (outside it they run at once)."""
        outer, self._spreading = self._spreading, True
        try:
            yield self
        finally:
            self._spreading = outer

    def later(self, redraw: Callable[[], None]) -> None:
        """Call ``redraw`` from a timer, in a turn of its own, within :meth:`spread` (the pieces it adds wait for
        turns of their own); a redraw asked for while one waits replaces it."""
        self._redraw = redraw
        self._timers["redraw"].start(HOP_MS)

    def add(self, name: str, piece: Callable[[], None]) -> None:
        """Run ``piece`` in its own turn after those waiting (at once outside :meth:`spread`, after any waiting
        pieces); a waiting piece of the same name is dropped (newest wins)."""
        self._pieces.pop(name, None)
        self._pieces[name] = piece
        if not self._spreading:
            self.finish()

    def end_redraw(self) -> None:
        """A redraw asked for directly (outside :meth:`spread`) is over: every waiting piece runs now."""
        if not self._spreading:
            self.finish()

    def finish(self) -> None:
        """Run every waiting piece now, in order."""
        self._timers["piece"].stop()
        while self._pieces:
            name = next(iter(self._pieces))
            self._pieces.pop(name)()
        self.settled.emit()

    def cancel(self) -> None:
        for timer in self._timers.values():
            timer.stop()
        self._pieces.clear()

    # --- the chain: redraw or piece → (timers due) → its frame → (timers due) → the next piece ---------------------
    def _start_redraw(self) -> None:
        redraw, self._redraw = self._redraw, None
        if redraw is not None:
            with self.spread():
                redraw()
        self._after_piece()

    def _run_next(self) -> None:
        if self._pieces:
            name = next(iter(self._pieces))
            self._pieces.pop(name)()
        self._after_piece()

    def _after_piece(self) -> None:
        window = self._window()
        if window is not None:
            if self.before_frame is not None:   # e.g. the plots' changes processed now, for one repaint (gui/tour/turns.py)
                self.before_frame(window)
            QCoreApplication.removePostedEvents(window, QEvent.Type.UpdateRequest)
        self._timers["repost"].start(HOP_MS)

    def _repost(self) -> None:
        window = self._window()
        if window is not None:
            QCoreApplication.postEvent(window, QEvent(QEvent.Type.UpdateRequest), Qt.EventPriority.LowEventPriority.value)
        self._timers["hop"].start(HOP_MS)

    def _hop(self) -> None:
        """The frame has been delivered (posted events come before timers): the next piece, from a timer."""
        if self._pieces:
            self._timers["piece"].start(HOP_MS)
        else:
            self.settled.emit()

    def _window(self):
        parent = self.parent()
        return parent.window() if parent is not None and hasattr(parent, "window") else None
