"""Playback of a race, paced by the display rather than by the steps.

A ~16 ms timer draws a frame whenever the runs have moved; the speed (steps per second) decides how many steps each
frame takes, from the time that really passed since the last frame: at 10 steps/s most frames take none and a step
lands every sixth frame, at 300 steps/s each frame takes about five. The time spent stepping in one frame is capped
(FRAME_BUDGET_S), so a heavy objective slows the race down instead of the window.
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

    def __init__(self, model: RunsModel, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.steps_per_second = 10.0
        self.frames_drawn = 0     # ticks that moved the race (for benchmarks and tests)
        self._owed = 0.0          # steps due but not taken yet (a fraction of a step between steps)
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)

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
        if self.playing or not self.model.runs:
            return
        if self.model.all_finished():
            self.model.reset()   # pressing play on a finished race replays it, as a media player does
        self._owed = 1.0         # the first step at once: pressing play visibly does something
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)
        self._tick()

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step_once(self) -> None:
        self.pause()
        self.model.step(1)

    def reset(self) -> None:
        self.pause()
        self.model.reset()

    def _tick(self) -> None:
        elapsed = min(self._clock.restart() / 1000.0, MAX_FRAME_GAP_S)
        self._owed += self.steps_per_second * elapsed
        due = int(self._owed)
        if due < 1:
            return   # nothing moved: nothing to redraw this frame
        self._owed -= due
        start = time.perf_counter()
        for _ in range(due - 1):   # the last step below emits once, so the views redraw once per frame
            if time.perf_counter() - start > FRAME_BUDGET_S:
                self._owed = 0.0   # over budget: the race runs slower than asked, not the window
                break
            self.model.step(1, emit=False)
        self.model.step(1)
        self.frames_drawn += 1
        if self.model.all_finished():
            self.pause()
