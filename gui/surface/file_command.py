"""Opening a surface file as one undo step.

A file sets more than the Session: the grid resolution, the overlays, and which file the workspace is editing. Undo
puts all three back along with the function, so the workspace's file follows undo and redo: after undoing an Open,
File → Save writes to the file edited before (or asks for a name, when there was none) and never overwrites the
opened file with the previous function. The grid and overlays are the workspace's view settings, kept by its
widgets rather than the Session, so the command sets them through the workspace.
"""
from __future__ import annotations

from gui.surface.commands import ChangeFunctionCommand


class OpenSurfaceCommand(ChangeFunctionCommand):
    def __init__(self, workspace, document, path: str):
        super().__init__(workspace.session, document.function, axes=document.axes, fixed=document.fixed,
                         domain=document.domain, point=document.point, selected=document.point is not None,
                         label="Open surface")
        self._workspace = workspace
        resolution, overlays = workspace.view_settings()
        self._view_before = (resolution, overlays)
        self._view_after = (document.resolution, {**overlays, **document.overlays})
        self._path_before, self._path_after = workspace.file_path, path

    def redo(self) -> None:
        super().redo()
        self._workspace.apply_view_settings(*self._view_after)
        self._workspace.set_file_path(self._path_after)

    def undo(self) -> None:
        super().undo()
        self._workspace.apply_view_settings(*self._view_before)
        self._workspace.set_file_path(self._path_before)
