"""Undoable edits of the Session. Each command only calls Session setters; the views follow its signals."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoCommand

MOVE_POINT_ID = 4101


class SessionState:
    """What a function change replaces: enough to put the previous function back exactly (including who supplies
    the descent's gradients, e.g. a chain-rule graph)."""

    def __init__(self, session):
        self.expression = session.expression
        self.text = session.text
        self.axes = session.axes
        self.values, self.selected = session.values(), session.selected
        self.objective_source = session.objective_source
        self.domain = dict(session.domain)

    def restore(self, session) -> None:
        # from the expression, not the text: a graph's function may be too long to write out and parse back
        session.set_function(self.expression, axes=self.axes, values=self.values, selected=self.selected,
                             objective_source=self.objective_source, text=self.text)
        for axis, (lo, hi) in self.domain.items():
            if axis in session.variables:
                session.set_range(axis, lo, hi)


class ChangeFunctionCommand(QUndoCommand):
    """Replace the function (and optionally axes, fixed values, objective source, domain and point) in one undo
    step. ``function`` is text, or an Expression shown as ``text`` (default: its own printing). ``point`` (on the
    new axes) is selected; without one, ``selected=False`` clears the selection (e.g. a file that selects none)."""

    def __init__(self, session, function, *, axes=None, fixed=None, objective_source=None, domain=None, point=None,
                 label=None, text=None, selected=None):
        super().__init__(label or f"Function {_short(text if text is not None else str(function))}")
        self._session = session
        self._before = SessionState(session)
        self._function, self._axes, self._fixed = function, axes, fixed
        self._objective_source, self._text = objective_source, text
        self._domain, self._point = dict(domain or {}), point
        self._selected = True if point is not None else selected
        self._after: SessionState | None = None

    def redo(self) -> None:
        if self._after is not None:
            self._after.restore(self._session)
            return
        s = self._session
        options = {} if isinstance(self._function, str) else {"text": self._text}
        s.set_function(self._function, axes=self._axes, fixed=self._fixed, objective_source=self._objective_source,
                       selected=self._selected if self._point is None else None, **options)
        for axis, (lo, hi) in self._domain.items():
            if axis in s.variables:
                s.set_range(axis, lo, hi)
        if self._point is not None and len(self._point) == len(s.axes):
            s.set_point(self._point)
        self._after = SessionState(s)

    def undo(self) -> None:
        self._before.restore(self._session)

    def amend_ranges(self, ranges: dict) -> None:
        """Change the plotted ranges as part of this step (it must be the last one done): undo then puts back the
        ranges from before the function changed, and redo brings the amended ones."""
        for axis, (lo, hi) in ranges.items():
            self._session.set_range(axis, lo, hi)
        self._after = SessionState(self._session)


def _short(text: str, limit: int = 60) -> str:
    """Undo menu entries stay one readable line."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


class MovePointCommand(QUndoCommand):
    """Select or move the point; successive moves of one drag merge into a single undo step."""

    def __init__(self, session, point, *, dragging: bool = False):
        super().__init__("Move point" if session.point is not None else "Select point")
        self._session = session
        self._before = None if session.point is None else session.point.copy()
        self._after = None if point is None else np.asarray(point, dtype=float).copy()
        self._dragging = dragging

    def id(self) -> int:
        return MOVE_POINT_ID if self._dragging else -1

    def mergeWith(self, other) -> bool:
        if not (isinstance(other, MovePointCommand) and self._dragging and other._dragging):
            return False
        self._after = other._after
        return True

    def redo(self) -> None:
        self._session.set_point(self._after)

    def undo(self) -> None:
        self._session.set_point(self._before)

    def end_drag(self) -> None:
        """Later moves start a new step (a new drag or click)."""
        self._dragging = False


class SetRangeCommand(QUndoCommand):
    def __init__(self, session, ranges: dict, label: str = "Change domain"):
        super().__init__(label)
        self._session = session
        self._before = {a: session.domain[a] for a in ranges}
        self._after = dict(ranges)

    def redo(self) -> None:
        for axis, (lo, hi) in self._after.items():
            self._session.set_range(axis, lo, hi)

    def undo(self) -> None:
        for axis, (lo, hi) in self._before.items():
            self._session.set_range(axis, lo, hi)


class SetFixedCommand(QUndoCommand):
    """A slider for a non-plotted variable; one slider drag is one step."""

    ID = 4102

    def __init__(self, session, name: str, value: float, *, dragging: bool = False):
        super().__init__(f"Set {name}")
        self._session, self._name = session, name
        self._before, self._after = session.fixed[name], float(value)
        self._dragging = dragging

    def id(self) -> int:
        return self.ID if self._dragging else -1

    def end_drag(self) -> None:
        self._dragging = False

    def mergeWith(self, other) -> bool:
        if isinstance(other, SetFixedCommand) and other._name == self._name and other._dragging:
            self._after = other._after
            return True
        return False

    def redo(self) -> None:
        self._session.set_fixed(self._name, self._after)

    def undo(self) -> None:
        self._session.set_fixed(self._name, self._before)
