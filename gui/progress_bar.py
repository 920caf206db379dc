"""A progress bar that does not paint inside ``setValue``.

Qt's ``QProgressBar.setValue`` repaints the bar at once (``repaint()``, not ``update()``). In a window that holds
OpenGL views every synchronous repaint composes the whole window, 22–38 ms on llvmpipe, so a worker reporting its
progress, or the tour moving a step, stalled the event loop that long per value. Here the new value is painted with the
next frame instead."""
from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


class ProgressBar(QProgressBar):
    def setValue(self, value: int) -> None:   # noqa: N802 (Qt's name)
        self.setUpdatesEnabled(False)   # the repaint QProgressBar asks for inside setValue is dropped…
        try:
            super().setValue(value)
        finally:
            self.setUpdatesEnabled(True)   # …and enabling updates again schedules one (update())
