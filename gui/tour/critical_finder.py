"""The critical points a tour step names (``{critical}``, ``{lowest}``), found by the Surface workspace's own search
on its worker thread (gui/surface/critical_panel.py), never on the UI thread: a step whose scene says
``find_critical`` starts the search, its text says "finding…" in their place, and it is filled once the search's
results are listed (the panel refreshes the step on ``results_changed``).

One finder per Surface workspace (:func:`critical_finder`). It remembers which function, axes and ranges it last
searched, so "none in view" (a search that found nothing) is told apart from "not searched yet" (the function or
ranges changed since, which clears the panel's results; :meth:`CriticalFinder.ensure` then searches again).
"""
from __future__ import annotations

from PySide6.QtCore import QObject

FINDING = "finding…"


class CriticalPending(LookupError):
    """The search has not answered yet (the step's text says so in the number's place)."""


class CriticalFinder(QObject):
    def __init__(self, workspace):
        super().__init__(workspace)
        self.setObjectName("tourCriticalFinder")
        self.ws = workspace
        self._searched = None   # (function, axes, ranges) of the last search this finder started
        self._found = None      # the same, once that search's results were listed
        workspace.critical.results_changed.connect(self._on_results)

    def _now(self):
        s = self.ws.session
        return self.ws.plotted, tuple(s.axes), tuple(tuple(float(v) for v in b) for b in s.box())

    @staticmethod
    def _same(a, b) -> bool:
        return a is not None and b is not None and a[0] is b[0] and a[1:] == b[1:]

    def find(self) -> None:
        """Search the function in view now (a scene's ``find_critical``), on the panel's worker."""
        self._found = None
        s = self.ws.session
        self.ws.critical.start(self.ws.plotted, s.axes, s.box())   # (clears the results shown: not this search's)
        self._searched = self._now()

    def ensure(self) -> None:
        """Search again if the function or ranges in view changed since the last search (the user typed another
        function within the step): the step's numbers follow what is on screen."""
        critical = self.ws.critical
        if not critical.is_running() and not critical.results and not self._same(self._searched, self._now()):
            self.find()

    def points(self) -> list:
        """The critical points in view; CriticalPending while the search runs or has not run for this function."""
        critical = self.ws.critical
        if critical.is_running():
            raise CriticalPending(FINDING)
        if critical.results:   # a new function or range clears them: these are of the function in view
            return list(critical.results)
        if self._same(self._found, self._now()):
            return []
        raise CriticalPending(FINDING)

    def _on_results(self, _results) -> None:
        """Results listed (or cleared: then the function or ranges in view are no longer those searched)."""
        if not self.ws.critical.is_running() and self._same(self._searched, self._now()):
            self._found = self._searched


def critical_finder(workspace) -> CriticalFinder:
    """The Surface workspace's finder, made on first use."""
    found = workspace.findChild(CriticalFinder, "tourCriticalFinder")
    return found if found is not None else CriticalFinder(workspace)
