"""A redraw spread over event-loop turns: its pieces (the 3D surface, the contour view, the point's analysis and
overlays, …) run one per turn, in order, each after the frame the previous one asked for has been painted.

At the largest grid (401²) drawing a new function in one turn (sampling, the 3D mesh, the contour map and lines, the
analysis, then one frame of the window) blocked the event loop for ~90–120 ms on a software renderer. Run one piece
per turn, the loop answers between them: a piece, then its frame, then the next piece.

Each piece has a name; a newer redraw's piece replaces a waiting piece of the same name (newest wins), so typing fast
never draws a stale piece, and the views show a mixture of two functions only for the frame or two between the pieces
of one redraw. Outside :meth:`RedrawTurns.spread` (a redraw asked for directly, e.g. before a screenshot) and in
:meth:`finish`, every waiting piece runs at once, so the picture is complete when the call returns.

Pieces are started by a timer, not by a posted event: a posted event's piece and the paint it asks for would run in
the same pass over posted events (one long turn); a timer's piece returns to the event loop, whose next turn paints.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

TURN_MS = 2   # from the end of one piece to the start of the next: the frame it asked for is painted in between


class RedrawTurns(QObject):
    settled = Signal()   # every piece has run

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pieces: dict[str, Callable[[], None]] = {}
        self._spreading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._run_next)
        self._redraw: Callable[[], None] | None = None
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._redraw_timer.timeout.connect(self._start_redraw)

    @property
    def busy(self) -> bool:
        """Some piece is waiting for its turn."""
        return bool(self._pieces)

    def waiting(self) -> list[str]:
        return list(self._pieces)

    @contextmanager
    def spread(self):
        """Within this block, pieces added wait for their own turns (outside it they run at once)."""
        outer, self._spreading = self._spreading, True
        try:
            yield self
        finally:
            self._spreading = outer

    def add(self, name: str, piece: Callable[[], None]) -> None:
        """Run ``piece`` in its own turn after those waiting (at once outside :meth:`spread`, after any waiting
        pieces); a waiting piece of the same name is dropped (newest wins)."""
        self._pieces.pop(name, None)
        self._pieces[name] = piece
        if not self._spreading:
            self.finish()
        elif not self._timer.isActive():
            self._timer.start(TURN_MS)

    def later(self, redraw: Callable[[], None]) -> None:
        """Call ``redraw`` from a timer, in a turn of its own, within :meth:`spread` (the pieces it adds wait for
        turns of their own); a redraw asked for while one waits replaces it."""
        self._redraw = redraw
        self._redraw_timer.start(TURN_MS)

    def end_redraw(self) -> None:
        """A redraw asked for directly (outside :meth:`spread`) is over: every waiting piece runs now."""
        if not self._spreading:
            self.finish()

    def finish(self) -> None:
        """Run every waiting piece now, in order."""
        self._timer.stop()
        while self._pieces:
            self._run_one()
        self.settled.emit()

    def cancel(self) -> None:
        self._timer.stop()
        self._redraw_timer.stop()
        self._pieces.clear()

    def _start_redraw(self) -> None:
        redraw, self._redraw = self._redraw, None
        if redraw is not None:
            with self.spread():
                redraw()

    def _run_next(self) -> None:
        if self._pieces:
            self._run_one()
        if self._pieces:
            self._timer.start(TURN_MS)
        else:
            self.settled.emit()

    def _run_one(self) -> None:
        name = next(iter(self._pieces))
        self._pieces.pop(name)()
