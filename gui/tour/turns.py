"""Waiting, in the tour, for the window to have painted and for a workspace to have drawn what a step changed.

``AfterFrame``: a call in a turn of its own once the frame asked for now has been painted. Qt delivers a window's
repaint as a posted event before the timers that came due meanwhile, so a plain 0 ms timer would run right after
that frame with no turn between (one long block of the event loop); two hops of a 1 ms timer let the timers due
since (input, animations) run first, as gui/views/redraw_turns.py does between the pieces of a redraw.

``OneRepaint``: after a step's tab is shown and after its scene, the window repainted once for every plot changed,
in a turn of its own (not once per plot, synchronously, in the same turn).

A workspace is *settled* when nothing it draws waits for a later turn: the Descent says so itself (``settled``,
``became_settled``, gui/descent/staging.py), the Surface through its redraw's turns (``turns.busy``, ``turns.settled``).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer

HOP_MS = 1


def precise_timer(parent: QObject, slot: Callable[[], None]) -> QTimer:
    """A single-shot timer of ``parent`` that calls ``slot`` (precise: a 1 ms hop is not rounded up to 5 ms)."""
    timer = QTimer(parent, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
    timer.timeout.connect(slot)
    return timer


class AfterFrame(QObject):
    """``later(call)``: ``call()`` in a turn of its own after this turn's frame, with the timers due by then run
    before it; a call asked for while one waits replaces it (the newest wins)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._call: Callable[[], None] | None = None
        self._hops = [precise_timer(self, self._second_hop), precise_timer(self, self._run)]

    @property
    def waiting(self) -> bool:
        return self._call is not None

    def later(self, call: Callable[[], None]) -> None:
        self._call = call
        self._hops[1].stop()
        self._hops[0].start(HOP_MS)

    def cancel(self) -> None:
        self._call = None
        for timer in self._hops:
            timer.stop()

    def _second_hop(self) -> None:
        """The frame has been delivered (posted events come before timers): the call, from a timer started now."""
        self._hops[1].start(HOP_MS)

    def _run(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call()


def workspace_settled(ws) -> bool:
    if hasattr(ws, "became_settled"):
        return ws.settled
    turns = getattr(ws, "turns", None)
    return turns is None or not turns.busy


def when_settled(ws, call: Callable[[], None]) -> None:
    """``call()`` now if ``ws`` is settled, else once it is (once)."""
    if workspace_settled(ws):
        call()
        return
    signal = ws.became_settled if hasattr(ws, "became_settled") else ws.turns.settled
    signal.connect(call, Qt.ConnectionType.SingleShotConnection)


class OneRepaint(QObject):
    """After a step's scene: the window repainted once, in a turn of its own, for every plot the scene changed.

    Each pyqtgraph scene processes its changes in a queued call, and in that call Qt repaints the whole window at once
    (a window holding a GL view is composed in OpenGL on every repaint, ~15–40 ms here); a scene that moved its
    items while painting asks again. A step that changes a few plots (the Slices tab's, the Approximation's error
    plot, a curve view) made a chain of ten such repaints with no turn between them (~200 ms). As the Descent does
    for its frames (gui/descent/one_paint.py), the scenes' changes are processed now with the repaints held, and
    one repaint is asked for from a timer, so the timers due by then run first."""

    def __init__(self, window):
        super().__init__(window)
        from gui.descent.one_paint import OnePaint
        self.window_ = window
        self._one = OnePaint([], self)
        self._repost = precise_timer(self, self._ask)

    def now(self) -> None:
        self.hold_scene_repaints()
        QCoreApplication.removePostedEvents(self.window_, QEvent.Type.UpdateRequest)
        self._repost.start(HOP_MS)

    def hold_scene_repaints(self, _window=None) -> None:
        """The plots' changes processed now, their repaints held, one asked for (posted). Also what the Surface's
        redraw turns do after each piece while the tour is open (``RedrawTurns.before_frame``): a step's Slices
        tab or curve view redrawn made a chain of a dozen window repaints in one turn. The layouts waiting are done
        first: a plot given a new size (a tab just shown, a label that grew) changes too."""
        from PySide6.QtWidgets import QGraphicsScene
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self._one.scenes = [s for s in self.window_.findChildren(QGraphicsScene) if hasattr(s, "prepareForPaint")]
        self._one.flush(self.window_)

    def _ask(self) -> None:
        QCoreApplication.postEvent(self.window_, QEvent(QEvent.Type.UpdateRequest),
                                   Qt.EventPriority.LowEventPriority.value)
