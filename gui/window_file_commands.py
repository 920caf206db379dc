"""The main window's file commands: Open (a dialog, a path, a recent file), Save, Save As, and which workspace a
file goes to; mixed into gui.main_window.MainWindow, which provides ``current_workspace``, ``workspaces``,
``_lazy`` (the tabs not built yet, with the file filters they open), ``workspace``, ``workspaceTabs``,
``interactive``, ``_update_title``, ``_show_error`` and ``statusBar``."""
from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QWidget

from gui.window_files import (forget_recent, has_file_protocol, matches_filter, recent_files, remember_recent,
                              with_extension)
from gui.window_menus import refresh_recent_menu
from gui.workspace_protocol import FileWorkspace


class FileCommands:
    """Open and save through the workspace protocol (gui.workspace_protocol.FileWorkspace)."""

    def open_dialog(self) -> None:
        workspace = self.current_workspace()
        if not has_file_protocol(workspace):
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open", self._last_directory(), workspace.file_filter)
        if path:
            self.open_path(path, workspace)

    def open_path(self, path: str, workspace: QWidget | None = None) -> bool:
        """Open ``path`` in ``workspace`` (default: the first whose file filter matches). Errors are shown."""
        error = self._open(path, workspace)
        if error:
            self._show_error("Cannot open file", error)
        return not error

    def open_recent(self, path: str) -> bool:
        """Open a recent file; one that cannot be opened (moved, deleted, damaged) leaves the list."""
        error = self._open(path, None)
        if error:
            forget_recent(path)
            refresh_recent_menu(self)
            self._show_error("Cannot open file", f"{error}\n\nIt was removed from Open Recent.")
        return not error

    def _open(self, path: str, workspace: QWidget | None) -> str:
        """Open ``path``; the error message, or "" on success."""
        workspace = workspace or self._workspace_for(path)
        if workspace is None:
            return f"No workspace opens files like {os.path.basename(path)!r}."
        try:
            workspace.open_file(path)
        except (OSError, ValueError) as error:
            return f"{os.path.basename(path)}: {error}"
        except (RecursionError, OverflowError, MemoryError) as error:   # a loader's gap: still name the file
            return f"{os.path.basename(path)}: the file cannot be read ({type(error).__name__}: {error})"
        self.workspaceTabs.setCurrentWidget(workspace)
        self._remember_path(workspace, path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return ""

    def save(self) -> bool:
        return self.save_workspace(self.current_workspace())

    def save_workspace(self, workspace: QWidget) -> bool:
        """Save to the workspace's file, or ask for one. False if refused, failed or cancelled."""
        if not has_file_protocol(workspace):
            return False
        path = workspace.file_path
        return self.save_to(path, workspace) if path else self.save_as(workspace)

    def save_as(self, workspace: QWidget | None = None) -> bool:
        workspace = workspace or self.current_workspace()
        if not has_file_protocol(workspace):
            return False
        path, _ = QFileDialog.getSaveFileName(self, "Save As", workspace.file_path or self._last_directory(),
                                              workspace.file_filter)
        return self.save_to(path, workspace) if path else False

    def save_to(self, path: str, workspace: QWidget) -> bool:
        path = with_extension(path, workspace.file_filter)
        try:
            workspace.save_file(path)
        except (OSError, ValueError) as error:
            self._show_error("Cannot save file", f"{os.path.basename(path)}: {error}")
            return False
        self._remember_path(workspace, path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _workspace_for(self, path: str) -> FileWorkspace | None:
        for key, workspace in self.workspaces.items():
            if key in self._lazy:
                file_filter = self._lazy[key][2]
            else:
                file_filter = workspace.file_filter if has_file_protocol(workspace) else ""
            if file_filter and matches_filter(path, file_filter):
                return self.workspace(key)
        current = self.current_workspace()
        return current if has_file_protocol(current) else None

    def _remember_path(self, workspace: FileWorkspace, path: str) -> None:
        """After an open or a save (the workspace set its own path): a clean undo stack, recent files, the title."""
        workspace.undo_stack.setClean()
        if self.interactive:
            remember_recent(path)
        refresh_recent_menu(self)
        self._update_title()

    def _last_directory(self) -> str:
        recent = recent_files()
        return os.path.dirname(recent[0]) if recent else os.path.expanduser("~")
