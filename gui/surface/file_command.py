"""The Surface workspace's file: which file it edits (its path, owned here and by the undo history), opening one as
one undo step, and saving.

A file sets more than the Session: the grid resolution, the overlays, and which file the workspace is editing. Undo
puts all three back along with the function, so the path follows undo and redo: after undoing an Open, File → Save
writes to the file edited before (or asks for a name, when there was none) and never overwrites the opened file
with the previous function. The grid and overlays are the workspace's view settings, kept by its widgets rather than
the Session, so the command sets them through the workspace.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from engine import parse
from gui.surface import document as doc
from gui.surface.commands import ChangeFunctionCommand


class SurfaceFile(QObject):
    """The one owner of the edited file's path ("" for none); only opening, saving and their undo change it."""

    path_changed = Signal(str)

    def __init__(self, workspace):
        super().__init__(workspace)
        self._workspace = workspace
        self.path = ""

    def set_path(self, path: str) -> None:
        if path != self.path:
            self.path = path
            self.path_changed.emit(path)

    def open(self, path: str) -> None:
        """Load into a new document first (ValueError/OSError: nothing changes), then apply it as one undo step; a
        big function is prepared first, the window answering meanwhile (a nested event loop: the window marks the
        file clean once this returns). Cancelled or superseded while prepared: ValueError, nothing changed."""
        document, w, opened = doc.load_document(path), self._workspace, []
        w.change_function(parse(document.function), lambda: OpenSurfaceCommand(w, self, document, path),
                          axes=document.axes, fixed=document.fixed, domain=document.domain, then=opened.append)
        w.preparer.wait()
        if not opened:
            raise ValueError("the opening was cancelled before its function was drawn; the surface is unchanged")

    def save(self, path: str) -> None:
        """ValueError (nothing written) when the function's text would not read back, e.g. a large graph's."""
        s, w = self._workspace.session, self._workspace
        doc.check_function_text(s.text, from_graph=s.objective_source is not None)
        resolution, overlays = w.view_settings()
        doc.save_document(doc.SurfaceDocument(
            s.text, s.axes, dict(s.fixed), {a: s.domain[a] for a in s.variables if a in s.domain},
            None if s.point is None else tuple(map(float, s.point)), resolution, overlays), path)
        self.set_path(path)


class OpenSurfaceCommand(ChangeFunctionCommand):
    def __init__(self, workspace, file: SurfaceFile, document, path: str):
        super().__init__(workspace.session, document.function, axes=document.axes, fixed=document.fixed,
                         domain=document.domain, point=document.point, selected=document.point is not None,
                         label="Open surface")
        self._workspace, self._file = workspace, file
        resolution, overlays = workspace.view_settings()
        self._view_before = (resolution, overlays)
        self._view_after = (document.resolution, {**overlays, **document.overlays})
        self._path_before, self._path_after = file.path, path

    def redo(self) -> None:
        super().redo()
        self._workspace.apply_view_settings(*self._view_after)
        self._file.set_path(self._path_after)

    def undo(self) -> None:
        super().undo()
        self._workspace.apply_view_settings(*self._view_before)
        self._file.set_path(self._path_before)
