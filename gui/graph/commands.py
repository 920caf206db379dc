"""Undoable edits of a chain-rule graph.

The engine's mutations return an *Undo*: a zero-argument callable that reverts the change and returns the callable
that re-applies it. So one command class covers every edit: ``undo()`` calls the stored Undo, ``redo()`` calls the
stored Redo. An edit is applied (and possibly refused) before its command is pushed, so a refusal never leaves a
command on the stack.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtGui import QUndoCommand

Undo = Callable[[], "Undo"]


def combined(undos: Sequence[Undo]) -> Undo:
    """One Undo for several applied mutations: reverts them last-first; what it returns re-applies them in order."""
    undos = list(undos)

    def revert():
        redos = [u() for u in reversed(undos)]
        return combined(redos)   # already last-first, so it replays first-last
    return revert


def apply_all(mutations: Sequence[Callable[[], Undo]]) -> Undo:
    """Apply mutations in order; if one is refused, revert the ones already applied and re-raise."""
    done: list[Undo] = []
    try:
        for m in mutations:
            done.append(m())
    except Exception:
        for u in reversed(done):
            u()
        raise
    return combined(done)


class GraphEdit(QUndoCommand):
    """An edit already applied to the model, with the editor's own state (operand slots, whether the user chose the
    output) before and after it."""

    def __init__(self, document, text: str, undo: Undo, state_before, state_after):
        super().__init__(text)
        self._document = document
        self._undo: Undo | None = undo
        self._redo: Undo | None = None
        self._before, self._after = state_before, state_after
        self._applied = True   # push() calls redo() once; the edit is already in the model then

    def redo(self):
        if self._applied:
            self._applied = False
            return
        self._undo = self._redo()
        self._document.set_state(self._after)

    def undo(self):
        self._redo = self._undo()
        self._document.set_state(self._before)
