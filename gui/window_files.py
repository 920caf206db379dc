"""The main window's file bookkeeping: which workspaces handle files, file-name filters, the recent-files list, and
the "Save changes?" question asked before the window closes (see gui.main_window for the workspace protocol)."""
from __future__ import annotations

import fnmatch
import os
import re
from typing import Iterable

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from engine.files import remove_stale_temporaries
from gui.window_help import APP_NAME
from gui.workspace_protocol import FileWorkspace
MAX_RECENT = 8


def has_file_protocol(widget) -> bool:
    return isinstance(widget, FileWorkspace)


def is_modified(widget) -> bool:
    """Unsaved changes: a workspace with files whose undo stack has moved since the last open or save."""
    return isinstance(widget, FileWorkspace) and not widget.undo_stack.isClean()


def remove_stale_saves(folders: Iterable[str]) -> None:
    """Delete the temporaries that saves killed mid-way left in these folders (each folder once; a missing or
    unreadable folder is skipped)."""
    for folder in dict.fromkeys(f for f in folders if f):
        remove_stale_temporaries(folder)


def filter_patterns(file_filter: str) -> list[str]:
    return [p for group in re.findall(r"\(([^)]*)\)", file_filter) for p in group.split()]


def matches_filter(path: str, file_filter: str) -> bool:
    name = os.path.basename(path).lower()
    return any(fnmatch.fnmatch(name, p.lower()) for p in filter_patterns(file_filter))


def with_extension(path: str, file_filter: str) -> str:
    """Add the filter's first extension when the user typed a bare name (what a save dialog user expects)."""
    patterns = [p for p in filter_patterns(file_filter) if p.startswith("*.")]
    if not patterns or any(fnmatch.fnmatch(os.path.basename(path).lower(), p.lower()) for p in patterns):
        return path
    return path + patterns[0][1:]


def app_settings() -> QSettings:
    return QSettings(APP_NAME, APP_NAME)


def recent_files() -> list[str]:
    value = app_settings().value("recentFiles")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def remember_recent(path: str) -> None:
    app_settings().setValue("recentFiles", [path] + [p for p in recent_files() if p != path][:MAX_RECENT - 1])


def forget_recent(path: str) -> None:
    app_settings().setValue("recentFiles", [p for p in recent_files() if p != path])


def restore_window_state(window) -> str | None:
    """Put back the window's geometry and dock/toolbar state; returns the key of the tab that was shown."""
    settings = app_settings()
    geometry, state = settings.value("window/geometry"), settings.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)
    tab = settings.value("window/tab")
    return tab if isinstance(tab, str) else None


def save_window_state(window, tab: str | None) -> None:
    settings = app_settings()
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    if tab is not None:
        settings.setValue("window/tab", tab)


class UnsavedChangesGuard(QObject):
    """Asks, one workspace at a time, whether to save its unsaved changes before the window closes.

    The question is a window-modal box opened without a nested event loop, so a close that is not answered (a test
    tearing the window down, a second click on the close button) never blocks. Each answer closes the window again,
    which asks about the next workspace; Cancel, or a save that fails or is cancelled, keeps the window open and
    forgets the earlier "Discard" answers.
    """

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.box: QMessageBox | None = None
        self._discarded: set[int] = set()   # id()s of workspaces whose changes the user chose to throw away

    def unanswered(self) -> list[QWidget]:
        return [w for w in self.window.workspaces.values() if is_modified(w) and id(w) not in self._discarded]

    def allow_close(self) -> bool:
        """True when every workspace with unsaved changes has been saved or discarded; otherwise ask and say no."""
        if self.box is not None:
            self.box.raise_()
            self.box.activateWindow()
            return False
        unanswered = self.unanswered()
        if not unanswered:
            self._discarded.clear()
            return True
        self._ask(unanswered[0])
        return False

    def _ask(self, workspace: QWidget) -> None:
        self.window.workspaceTabs.setCurrentWidget(workspace)
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"Save the changes to {self.window.document_name(workspace)} before closing?",
                          buttons.Save | buttons.Discard | buttons.Cancel, self.window)
        box.setObjectName("unsavedChangesBox")
        box.setInformativeText("If you don't save them, the changes are lost.")
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _result: self._answered(workspace, box))
        self.box = box
        box.open()

    def _answered(self, workspace: QWidget, box: QMessageBox) -> None:
        buttons = QMessageBox.StandardButton
        clicked = box.clickedButton()   # none when the box was closed another way: that is Cancel
        button = box.standardButton(clicked) if clicked is not None else buttons.Cancel
        box.deleteLater()
        self.box = None
        if button == buttons.Discard:
            self._discarded.add(id(workspace))
        elif button != buttons.Save or not self.window.save_workspace(workspace):
            self._discarded.clear()
            return
        self.window.close()
