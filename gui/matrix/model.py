"""The Matrix workspace's model: the one :class:`~engine.matrix.workbench.MatrixState`, what the engine computed for
it, and the undo stack through which every change goes.

Setters never poke widgets: they push a :class:`StateCommand` (one undo step) whose redo/undo put a whole state in
place, with the line that describes it (:attr:`MatrixModel.note`: a preset's description, "Your expression" once
the user types another); the model recomputes the study and emits ``state_changed``. A descent moves values many
times a second without an undo step per frame: its run is one command whose "after" state follows the run
(:meth:`preview`).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.matrix.workbench import MatrixState, Study, completed, study


#: The description of an expression the user typed (a preset's own description no longer applies to it).
OWN_EXPRESSION_NOTE = "Your expression: type another, or choose one from the chapter under Presets…"


class StateCommand(QUndoCommand):
    """Replace the state with ``after``; undo puts ``before`` back. ``after`` may follow a running descent. The
    description line goes with each (``notes``: before, after; the model's current one when not given)."""

    def __init__(self, model: "MatrixModel", before: MatrixState, after: MatrixState, text: str,
                 notes: tuple[str, str] | None = None):
        super().__init__(text)
        self.model, self.before, self.after = model, before, after
        self.notes = notes or (model.note, model.note)

    def redo(self) -> None:
        self.model.apply(self.after, self.notes[1])

    def undo(self) -> None:
        self.model.apply(self.before, self.notes[0])


class MatrixModel(QObject):
    about_to_change = Signal()   # a state is about to be put in place by a command (a running descent stops)
    state_changed = Signal()     # the state (and the study) changed

    def __init__(self, state: MatrixState | None = None, parent: QObject | None = None, note: str = ""):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._state = completed(state or MatrixState())
        self._study = study(self._state)
        self._last_good = self._study if self._study.expression is not None else Study()
        self._note = note

    # --- reading --------------------------------------------------------------------------------------------
    @property
    def state(self) -> MatrixState:
        return self._state

    @property
    def study(self) -> Study:
        """What the engine computed for the current state (``expression`` None when it does not parse)."""
        return self._study

    @property
    def last_good(self) -> Study:
        """The study of the last state whose expression parsed: shown while the current one has an error."""
        return self._last_good

    @property
    def note(self) -> str:
        """The line describing what is shown: the preset's description, where the state came from, or that the
        expression is the user's own."""
        return self._note

    # --- changing -------------------------------------------------------------------------------------------
    def change(self, text: str, **fields) -> bool:
        """Push one undo step changing ``fields`` of the state (values completed for the expression)."""
        return self.push_state(completed(self._state.replace(**fields)), text)

    def push_state(self, state: MatrixState, text: str, note: str | None = None) -> bool:
        """Push one undo step putting ``state`` in place, described by ``note``; without one, the description stays
        while the expression does and becomes :data:`OWN_EXPRESSION_NOTE` when the expression changes."""
        if note is None:
            note = self._note if state.expression == self._state.expression else OWN_EXPRESSION_NOTE
        if _same(state, self._state) and note == self._note:
            return False
        self.undo_stack.push(StateCommand(self, self._state, state, text, (self._note, note)))
        return True

    def apply(self, state: MatrixState, note: str | None = None) -> None:
        """Put ``state`` in place, and ``note`` when given (commands call this)."""
        self.about_to_change.emit()
        if note is not None:
            self._note = note
        self._set(state)

    def preview(self, state: MatrixState) -> None:
        """Show ``state`` without an undo step (a running descent's frames; its command records the end)."""
        self._set(state)

    def _set(self, state: MatrixState) -> None:
        self._state = state
        self._study = study(state)
        if self._study.expression is not None:
            self._last_good = self._study
        self.state_changed.emit()


def _same(a: MatrixState, b: MatrixState) -> bool:
    """Equal states (numpy arrays compared by value)."""
    simple = [f for f in a.__dataclass_fields__ if f != "values"]
    if any(getattr(a, f) != getattr(b, f) for f in simple) or set(a.values) != set(b.values):
        return False
    return all(np.array_equal(a.values[k], b.values[k]) for k in a.values)
