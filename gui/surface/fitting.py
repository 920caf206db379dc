"""Keeping what matters in view: the selected point (a typed point outside the view is named, and "Show it" widens
the view) and the critical points (fitted on request, and by default for a typed curve whose view cuts them).

Every change of the view is undoable: a separate "Fit view" step, or, for a typed curve, part of the step that drew
it (so one Undo takes back the function and its view together).
"""
from __future__ import annotations

import numpy as np

from gui.surface.commands import SetRangeCommand
from gui.surface.view_fit import EDGE, fitted_to_points, inside, nearby_box, outside_axes, widened_to_show
from engine.expr.numbers import format_number


class ViewFitting:
    def __init__(self, workspace):
        self._ws = workspace
        self._command = None   # a typed curve's function step, while the search for its critical points runs

    def outside_text(self) -> str:
        """What the inspector says when the selected point lies outside the plotted ranges ("" when inside)."""
        s = self._ws.session
        if s.point is None:
            return ""
        box = s.box()
        far = outside_axes(s.point, box)
        where = ", ".join(f"{s.axes[i]} = {format_number(float(s.point[i]))} (shown {format_number(box[i][0])} "
                          f"to {format_number(box[i][1])})" for i in far)
        return f"The point is outside the view: {where}." if far else ""

    def show_selected_point(self) -> None:
        """Widen the view to take in the selected point (one undo step)."""
        s = self._ws.session
        ranges = widened_to_show(s.point, s.axes, s.box()) if s.point is not None else {}
        if ranges:
            self._ws.undo_stack.push(SetRangeCommand(s, ranges, label="Show the point"))

    def fit_to_critical_points(self) -> None:
        """Plotted ranges that hold every isolated critical point found, as one undo step."""
        ws = self._ws
        results = ws.critical.results
        points = [c.point for c in results if not c.is_set]
        ranges = fitted_to_points(np.array(points), ws.session.axes, ws.session.box()) if points else {}
        if ranges:
            ws.undo_stack.push(SetRangeCommand(ws.session, ranges, label="Fit view to critical points"))
            ws.critical.set_results(results)   # all of them are in the new view

    def search_near_typed_curve(self, command) -> None:
        """A typed function of one variable was drawn by ``command``: look for its critical points near the view."""
        ws, s = self._ws, self._ws.session
        if len(s.axes) == 1 and s.variables:
            ws.critical.start(ws.plotted, s.axes, nearby_box(s.box()))
            self._command = command   # after start(): its clearing of the old results must not end the wait

    def take_results(self, results) -> bool:
        """The critical points near a typed curve's view arrived: when the view cuts some of them (outside, or at its
        edge), fit it to them within the curve's own undo step; then list those in view (a search of the view
        itself, so that sets of critical points are cut to it too). False when these results are not such a
        search's (the workspace shows them as usual)."""
        command, self._command = self._command, None
        if command is None or not results:
            return False
        ws, s = self._ws, self._ws.session
        box = s.box()
        points = [c.point for c in results if not c.is_set]
        last = ws.undo_stack.command(ws.undo_stack.index() - 1)
        if any(not inside(p, box, EDGE) for p in points) and last is command:
            command.amend_ranges(fitted_to_points(np.array(points), s.axes, box))
            where = ", ".join(format_number(float(p[0]), 4) for p in points)
            ws.status_message.emit(f"The view was fitted to the critical points ({s.axes[0]} = {where}); Edit → "
                                   f"Undo takes back the function and its view.")
        ws.critical.start(ws.plotted, s.axes, s.box())
        return True
