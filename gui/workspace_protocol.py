"""What the main window needs from a workspace tab, as typed protocols (checked with ``isinstance``).

Every tab is a :class:`Workspace`. A tab that reads and writes files is also a :class:`FileWorkspace`; the open
file's path belongs to the workspace (to its document and so to its undo history), never to the window: an Open is
an undo step that sets the path, its undo puts the previous path back, and the window reads ``file_path`` whenever
it saves or titles itself. The optional extras: :class:`ResetsView` (View → Reset view), :class:`ShutsDown` (cleanup
on exit), :class:`HasPresets` (``main.py --preset``) and :class:`HasDemo` (``main.py --demo``).
"""
from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget


@runtime_checkable
class Workspace(Protocol):
    """Edit → Undo/Redo act on the current tab's ``undo_stack`` (through the window's QUndoGroup).
    ``status_message(str)`` puts text in the status bar; "" withdraws the tab's last message if still showing."""
    undo_stack: QUndoStack
    status_message: SignalInstance

    def export_widget(self) -> QWidget:
        """The view File → Export image → Current view saves (a GLViewWidget is captured with grabFramebuffer())."""

    def shortcuts(self) -> list[tuple[str, str]]:
        """(keys, what they do) pairs listed in Help → Keyboard shortcuts."""


@runtime_checkable
class FileWorkspace(Workspace, Protocol):
    """``file_filter`` such as ``"Gradscape graph (*.gsgraph.json)"`` enables File → Open/Save/Save As/Recent.

    ``open_file`` loads into a new object and replaces the current one only on success, as one undo step that also
    sets ``file_path``; to refuse a file it raises ``ValueError`` or ``OSError`` with a readable message (nothing
    changes). ``save_file`` writes atomically, sets ``file_path`` and raises ``OSError``/``ValueError`` on failure
    (nothing written). ``file_path_changed(str)`` follows every change of the path, undo and redo included; "" means
    no file (Save then asks for a name). After a successful open or save the window marks ``undo_stack`` clean."""
    file_filter: str
    file_path: str
    file_path_changed: SignalInstance

    def open_file(self, path: str) -> None: ...

    def save_file(self, path: str) -> None: ...


@runtime_checkable
class ResetsView(Protocol):
    def reset_view(self) -> None:
        """View → Reset view (a tab with nothing to reset leaves it out)."""


@runtime_checkable
class ShutsDown(Protocol):
    def shutdown(self) -> None:
        """Called once the window really closes (after any unsaved changes were saved or discarded)."""


@runtime_checkable
class HasPresets(Protocol):
    def preset_names(self) -> list[str]: ...

    def apply_preset(self, name: str) -> None:
        """By title or key; ValueError (or KeyError) naming the choices for an unknown one."""


@runtime_checkable
class HasDemo(Protocol):
    def demo(self) -> None:
        """Put the workspace in a telling state for ``main.py --screenshot … --demo`` (docs images)."""


class FilePathCommand(QUndoCommand):
    """The path half of an Open, for a workspace whose model has its own undo commands: push it right after the
    model's step, inside one ``beginMacro``/``endMacro``, so undoing the Open puts the previous path back too."""

    def __init__(self, set_path: Callable[[str], None], before: str, after: str):
        super().__init__("Set the file")
        self._set_path, self._before, self._after = set_path, before, after

    def redo(self) -> None:
        self._set_path(self._after)

    def undo(self) -> None:
        self._set_path(self._before)
