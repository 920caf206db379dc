"""Playback of a race: a QTimer that advances the runs at a chosen speed without ever blocking the event loop."""
from __future__ import annotations

import math

from PySide6.QtCore import QObject, QTimer, Signal

from gui.descent.runs import RunsModel

MIN_INTERVAL_MS = 16   # about 60 frames a second at most; faster speeds take several steps per frame


class Player(QObject):
    playing_changed = Signal(bool)
    speed_changed = Signal(float)   # steps per second

    def __init__(self, model: RunsModel, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.steps_per_second = 10.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._apply_speed()

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, steps_per_second: float) -> None:
        value = float(steps_per_second)
        if not (math.isfinite(value) and value > 0):
            raise ValueError("the speed must be a positive number of steps per second")
        if value != self.steps_per_second:
            self.steps_per_second = value
            self._apply_speed()
            self.speed_changed.emit(value)

    def steps_per_tick(self) -> int:
        return max(1, round(self.steps_per_second * self._timer.interval() / 1000.0))

    def play(self) -> None:
        if self.playing or not self.model.runs:
            return
        if self.model.all_finished():
            self.model.reset()   # pressing play on a finished race replays it, as a media player does
        self._timer.start()
        self.playing_changed.emit(True)

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

    def _apply_speed(self) -> None:
        self._timer.setInterval(max(MIN_INTERVAL_MS, round(1000.0 / self.steps_per_second)))

    def _tick(self) -> None:
        self.model.step(self.steps_per_tick())
        if self.model.all_finished():
            self.pause()
