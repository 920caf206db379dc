"""The Descent workspace while hidden and while catching up: hidden, it computes nothing (a session change is
remembered, the largest one only); when shown it catches up. Model changes made together (a new function restarting
every run, a race of four added) draw the race once, at the end.

A mixin of DescentWorkspace: it uses the workspace's change handlers and redraw().
"""
from __future__ import annotations

from contextlib import contextmanager

_CHANGES = ("start", "function", "domain", "point")   # each includes the ones after it


class CatchUp:
    def showEvent(self, event) -> None:
        super().showEvent(event)
        with self.batch():   # the race and the views drawn over the next turns (staging.py)
            self.catch_up()

    def _defer(self, change: str) -> bool:
        """While hidden, remember the largest change (start > function > domain > point) instead of computing it:
        resampling, contours and learning-rate probes wait until the workspace is shown. True if deferred."""
        if self.isVisible() or self._catching_up:
            return False
        if self._pending is None or _CHANGES.index(change) < _CHANGES.index(self._pending):
            self._pending = change
        return True

    def first_race_due(self) -> bool:
        """True until the workspace, first shown, has made its first race."""
        return self._pending == "start"

    def catch_up(self) -> None:
        """Bring the race and the views up to date with the session now (done when shown)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        self._catching_up = True
        try:
            with self._one_redraw():
                if pending == "start":
                    self._on_function_changed()
                    self.when_restarted(self._add_default_race)
                else:
                    {"function": self._on_function_changed, "domain": self._on_domain_changed,
                     "point": self._follow_view}[pending]()
        finally:
            self._catching_up = False

    @contextmanager
    def _one_redraw(self):
        """Model changes inside (a new function restarting every run, a race of four added) draw the race once,
        at the end, instead of once per change (on a long formula each draw evaluates it)."""
        self._redraws_held += 1
        try:
            yield
        finally:
            self._redraws_held -= 1
            if not self._redraws_held and self._redraw_due:
                self._redraw_due = False
                self.redraw()
