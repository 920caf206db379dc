"""Playback of a race, paced by the display rather than by the steps.

A ~16 ms timer draws a frame whenever the runs have moved; the speed (steps per second) decides how many steps each
frame takes, from the time that really passed since the last frame: at 10 steps/s most frames take none and a step
lands every sixth frame, at 300 steps/s each frame takes about five. The time spent stepping in one frame is capped
(FRAME_BUDGET_S), so a heavy objective slows the race down instead of the window.

Below one step per frame the markers glide: after a step lands, each run that took it is drawn moving from its
previous iterate to the new one over the time until the next step (:meth:`Player.glide_for`), one frame at a time,
so a slow race moves smoothly instead of jumping a few times a second.
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal

from gui.descent.runs import RunsModel

FRAME_MS = 16              # about 60 frames a second
MAX_FRAME_GAP_S = 0.25     # after a stall (a dialog, a slow paint) the race resumes rather than catching up at once
FRAME_BUDGET_S = 0.010     # the most time one frame spends taking steps


class Player(QObject):
    playing_changed = Signal(bool)
    speed_changed = Signal(float)   # steps per second
    glided = Signal()               # the markers moved between two steps (a frame in which no step was taken)

    def __init__(self, model: RunsModel, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.steps_per_second = 10.0
        self.frames_drawn = 0     # ticks that moved the race (for benchmarks and tests)
        self._owed = 0.0          # steps due but not taken yet (a fraction of a step between steps)
        self._gliding: dict[int, int] = {}   # run id -> the step its marker glides to (empty: markers at iterates)
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self.before_stepping = lambda: None   # the workspace finishes bringing in a big function first

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, steps_per_second: float) -> None:
        value = float(steps_per_second)
        if not (math.isfinite(value) and value > 0):
            raise ValueError("the speed must be a positive number of steps per second")
        if value != self.steps_per_second:
            self.steps_per_second = value
            self._owed = min(self._owed, 1.0)
            self.speed_changed.emit(value)

    def steps_per_tick(self) -> float:
        """Steps one frame takes on average at the current speed."""
        return self.steps_per_second * FRAME_MS / 1000.0

    def play(self) -> None:
        if self.playing:
            return
        self.before_stepping()
        if not self.model.runs:
            return
        if self.model.all_finished():
            self.model.reset()   # pressing play on a finished race replays it, as a media player does
        self._owed = 1.0         # the first step at once: pressing play visibly does something
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)
        self._tick()

    def pause(self) -> None:
        self._land()
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def glide_for(self, run_id: int, step: int) -> float:
        """Where a run's marker is drawn on the way from its iterate ``step`` − 1 to ``step``: 0 at the previous
        iterate, 1 at ``step`` itself (always 1 unless the race plays slower than one step per frame)."""
        return min(self._owed, 1.0) if self._gliding.get(run_id) == step else 1.0

    def _land(self) -> None:
        """Markers back on their iterates."""
        if self._gliding:
            self._gliding = {}
            self.glided.emit()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step_once(self) -> None:
        self.pause()
        self.before_stepping()
        self.model.step(1)

    def reset(self) -> None:
        self.pause()
        self.model.reset()

    def _tick(self) -> None:
        elapsed = min(self._clock.restart() / 1000.0, MAX_FRAME_GAP_S)
        self._owed += self.steps_per_second * elapsed
        due = int(self._owed)
        if due < 1:
            if self._gliding:
                self.glided.emit()   # no step this frame: the markers move on towards their iterates
            return   # otherwise nothing moved: nothing to redraw this frame
        if self.model.all_finished():
            self.pause()   # the last glide has ended
            return
        self._owed -= due
        start = time.perf_counter()
        for _ in range(due - 1):   # the last step below emits once, so the views redraw once per frame
            if time.perf_counter() - start > FRAME_BUDGET_S:
                self._owed = 0.0   # over budget: the race runs slower than asked, not the window
                break
            self.model.step(1, emit=False)
        slow = due == 1 and self.steps_per_tick() < 1
        self._gliding = {r.run_id: r.steps + 1 for r in self.model.runs if not self.model.is_finished(r)} if slow \
            else {}
        self.model.step(1)
        self.frames_drawn += 1
        if self.model.all_finished() and not self._gliding:
            self.pause()
