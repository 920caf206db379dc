"""Undoable edits of a race. Each command touches only the RunsModel; the views follow its signals.

Dragging a slider makes many edits of one value: the edits of one drag (one gesture) merge into one undo step; each
typed value, each key press on a slider and each drag is a step of its own.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoCommand

from gui.descent.runs import RunSpec, RunsModel

_HYPER_ID = 5101


class AddRunCommand(QUndoCommand):
    def __init__(self, model: RunsModel, spec: RunSpec):
        super().__init__(f"Add {spec.method} run")
        self._model, self._spec, self._index = model, spec, None

    def redo(self):
        self._spec.run_id = self._model.add_run(self._spec, self._index)
        self._index = self._model.index_of(self._spec.run_id)

    def undo(self):
        self._spec, self._index = self._model.remove_run(self._spec.run_id)

    @property
    def run_id(self) -> int:
        return self._spec.run_id


class RemoveRunCommand(QUndoCommand):
    def __init__(self, model: RunsModel, run_id: int):
        super().__init__("Remove run")
        self._model, self._run_id = model, run_id
        self._spec, self._index = None, None

    def redo(self):
        self._spec, self._index = self._model.remove_run(self._run_id)

    def undo(self):
        self._model.add_run(self._spec, self._index)


class SetMethodCommand(QUndoCommand):
    def __init__(self, model: RunsModel, run_id: int, method: str):
        super().__init__(f"Change method to {method}")
        run = model.run(run_id)
        self._model, self._run_id = model, run_id
        self._old = (run.method, dict(run.hyper), run.auto_lr)
        self._new = (method, None, True)

    def redo(self):
        self._model.set_method(self._run_id, *self._new)

    def undo(self):
        self._model.set_method(self._run_id, *self._old)


class SetHyperparameterCommand(QUndoCommand):
    """Validates on construction (ValueError) so a rejected value never reaches the undo stack. ``gesture``: the
    drag this edit is part of (edits of one drag merge); None for an edit that is a gesture of its own."""

    def __init__(self, model: RunsModel, run_id: int, name: str, value: float, gesture: int | None = None):
        super().__init__(f"Set {name}")
        run = model.run(run_id)
        model.validate_hyperparameter(run_id, name, value)
        self._model, self._run_id, self._name, self._gesture = model, run_id, name, gesture
        self._old, self._new = run.hyper[name], float(value)

    def id(self):
        return -1 if self._gesture is None else _HYPER_ID

    def mergeWith(self, other):
        if not isinstance(other, SetHyperparameterCommand) or other._gesture is None or \
                (other._run_id, other._name, other._gesture) != (self._run_id, self._name, self._gesture):
            return False
        self._new = other._new
        return True

    def redo(self):
        self._model.set_hyperparameter(self._run_id, self._name, self._new)

    def undo(self):
        self._model.set_hyperparameter(self._run_id, self._name, self._old)


class SetColourCommand(QUndoCommand):
    def __init__(self, model: RunsModel, run_id: int, colour: str):
        super().__init__("Change run colour")
        self._model, self._run_id = model, run_id
        self._old, self._new = model.run(run_id).colour, colour

    def redo(self):
        self._model.set_colour(self._run_id, self._new)

    def undo(self):
        self._model.set_colour(self._run_id, self._old)


class SetStartCommand(QUndoCommand):
    """Move the start of one or several runs (several runs may share a start)."""

    def __init__(self, model: RunsModel, run_ids, point):
        super().__init__("Move start point")
        self._model = model
        self._ids = tuple(run_ids)
        self._old = {i: model.run(i).start.copy() for i in self._ids}
        self._new = np.asarray(point, dtype=np.float64).reshape(-1)

    def redo(self):
        for i in self._ids:
            self._model.set_start(i, self._new)

    def undo(self):
        for i in self._ids:
            self._model.set_start(i, self._old[i])
