"""The main window: workspace tabs sharing one Session, menus, undo, files, status bar, saved window state.

Adding a workspace is one line in :meth:`MainWindow._build_workspaces`: ``self.add_workspace(widget, "Title")``.
The tab's key (for ``main.py --tab``) is the lower-cased title.

Workspace protocol — a workspace is a QWidget; everything below is optional and looked up by name:

``undo_stack: QUndoStack``
    Edit → Undo/Redo act on the current tab's stack (through a QUndoGroup).
``file_filter: str`` with ``open_file(path)`` and ``save_file(path)``
    enable File → Open/Save/Save As/Recent for that tab, e.g. ``"Gradscape graph (*.gsgraph.json)"``. ``open_file``
    loads into a new object and replaces the current one only on success; to refuse a file it raises ``ValueError``
    or ``OSError`` with a readable message (the window shows it; nothing changes). ``save_file`` writes atomically and
    raises ``OSError``/``ValueError`` on failure (nothing written). ``python main.py FILE`` opens FILE in the first
    workspace whose filter matches its name. After a successful open or save the window marks ``undo_stack`` clean;
    a workspace with files whose stack is not clean has unsaved changes: the title shows "*" while it is the current
    tab, and closing the window asks Save / Discard / Cancel for it (gui.window_files.UnsavedChangesGuard).
``export_widget() -> QWidget``
    the view File → Export image → Current view saves (a GLViewWidget is captured with grabFramebuffer()).
``reset_view()``
    View → Reset view.
``apply_preset(name)`` and ``preset_names() -> list[str]``
    used by ``main.py --preset NAME``.
``demo()``
    puts the workspace in a telling state for ``main.py --screenshot … --demo`` (docs images).
``status_message: Signal(str)``
    text shown in the status bar; an empty string withdraws that workspace's last message if it is still showing.
``shows_session_function``
    not looked up on the workspace: ``add_workspace(..., shows_session_function=False)`` hides the status bar's
    "f = …" (the session's function) on a tab that draws something else, such as the Graph.
``shortcuts() -> list[tuple[str, str]]``
    (keys, what they do) pairs listed in Help → Keyboard shortcuts.
``shutdown()``
    called once the window really closes (after any unsaved changes were saved or discarded).
"""
from __future__ import annotations

import os

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget)

from gui import window_help
from gui.session import Session
from gui.tour.install import install_tour
from gui.views.capture import grab_with_gl
from gui.window_files import (APP_NAME, UnsavedChangesGuard, forget_recent, has_file_protocol, is_modified,
                              matches_filter, recent_files, remember_recent, restore_window_state, save_window_state,
                              with_extension)

FUNCTION_LABEL_WIDTH = 420   # the status bar's "f = …" is elided to this (full text in its tooltip)


class MainWindow(QMainWindow):
    """``interactive=False`` (``main.py --screenshot``) never opens a modal box: errors go to ``last_error`` and the
    status bar, and closing discards unsaved changes without asking."""

    def __init__(self, session: Session | None = None, *, restore_state: bool = True, interactive: bool = True,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.interactive = interactive
        self.last_error = ""
        self.unsaved_guard = UnsavedChangesGuard(self)
        self.session = session or Session(self)
        self.undo_group = QUndoGroup(self)
        self.workspaces: dict[str, QWidget] = {}
        self._without_session_function: set[int] = set()   # id()s of tabs where "f = …" would mislead
        self._last_status: dict[int, str] = {}
        self._paths: dict[int, str] = {}   # id(workspace) -> the file it was last opened from / saved to
        self.workspaceTabs = QTabWidget(self)
        self.workspaceTabs.setObjectName("workspaceTabs")
        self.workspaceTabs.setDocumentMode(True)
        self.setCentralWidget(self.workspaceTabs)
        self._function_label = QLabel(self)
        self._function_label.setObjectName("functionStatusLabel")
        self.statusBar().addPermanentWidget(self._function_label)
        self._build_workspaces()
        self._build_menus()
        self.workspaceTabs.currentChanged.connect(self._on_tab_changed)
        self.session.function_changed.connect(self._on_function_changed)
        self._on_function_changed()
        self._on_tab_changed(self.workspaceTabs.currentIndex())
        self.resize(1380, 860)
        if restore_state:
            self._restore_state()

    # --- workspaces -------------------------------------------------------------------------------------------
    def _build_workspaces(self) -> None:
        from gui.descent.workspace import DescentWorkspace
        from gui.graph.workspace import GraphWorkspace
        from gui.matrix.workspace import MatrixWorkspace
        from gui.surface.workspace import SurfaceWorkspace
        surface = self.add_workspace(SurfaceWorkspace(self.session, self), "Surface")
        self.add_workspace(DescentWorkspace(self.session, self), "Descent")
        graph = self.add_workspace(GraphWorkspace(self.session, self), "Graph", shows_session_function=False)
        self.add_workspace(MatrixWorkspace(self), "Matrix", shows_session_function=False)
        surface.open_as_graph_requested.connect(lambda expression: self._open_as_graph(graph, expression))
        if hasattr(graph, "function_sent"):
            graph.function_sent.connect(lambda expression, axes, fixed, source, point: self._receive_function(
                surface, expression, axes, fixed, source, point, "Send graph output to surface"))

    def _receive_function(self, surface: QWidget, expression, axes, fixed, objective_source, point,
                          label: str) -> None:
        try:
            surface.set_function_from(expression, axes=axes, fixed=fixed, objective_source=objective_source,
                                      point=point, label=label)
        except ValueError as error:
            self._show_error("Cannot draw this function", str(error))
            return
        self.workspaceTabs.setCurrentWidget(surface)

    def _open_as_graph(self, graph_workspace: QWidget, expression) -> None:
        graph_workspace.open_expression(expression)
        self.show_workspace("graph")

    def add_workspace(self, widget: QWidget, title: str, *, shows_session_function: bool = True) -> QWidget:
        key = title.lower()
        if key in self.workspaces:
            raise ValueError(f"a workspace called {title!r} already exists")
        self.workspaces[key] = widget
        self.workspaceTabs.addTab(widget, title)
        stack = getattr(widget, "undo_stack", None)
        if stack is not None:
            self.undo_group.addStack(stack)
            stack.cleanChanged.connect(self._on_clean_changed)
        message = getattr(widget, "status_message", None)
        if message is not None:
            message.connect(lambda text: self._show_status(widget, text))
        if hasattr(widget, "file_path_changed"):   # its file follows undo of an Open ("": none, Save asks for one)
            widget.file_path_changed.connect(
                lambda path: (self._paths.update({id(widget): path}), self._update_title()))
        if not shows_session_function:
            self._without_session_function.add(id(widget))
        return widget

    def _show_status(self, workspace: QWidget, text: str) -> None:
        bar = self.statusBar()
        if text:
            self._last_status[id(workspace)] = text
            bar.showMessage(text, 8000)
        elif bar.currentMessage() and bar.currentMessage() == self._last_status.pop(id(workspace), None):
            bar.clearMessage()

    def current_workspace(self) -> QWidget | None:
        return self.workspaceTabs.currentWidget()

    def show_workspace(self, key: str) -> QWidget:
        if key not in self.workspaces:
            raise KeyError(f"no workspace {key!r}; choose from: {', '.join(self.workspaces)}")
        self.workspaceTabs.setCurrentWidget(self.workspaces[key])
        return self.workspaces[key]

    def _on_tab_changed(self, index: int) -> None:
        widget = self.workspaceTabs.widget(index)
        stack = getattr(widget, "undo_stack", None)
        self.undo_group.setActiveStack(stack)
        self._function_label.setVisible(id(widget) not in self._without_session_function)
        if hasattr(self, "_file_actions"):
            self._update_file_actions()
        self._update_title()

    def document_name(self, workspace: QWidget) -> str:
        """The file the workspace was opened from or saved to, else "Untitled <tab>"."""
        path = self._paths.get(id(workspace))
        if path:
            return os.path.basename(path)
        index = self.workspaceTabs.indexOf(workspace)
        return f"Untitled {self.workspaceTabs.tabText(index).lower()}" if index >= 0 else "Untitled"

    def _on_clean_changed(self, _clean: bool) -> None:
        if shiboken6.isValid(self.workspaceTabs):   # stacks empty themselves while the window is destroyed
            self._update_title()

    def _update_title(self) -> None:
        """The current tab's file, with "*" while it has unsaved changes."""
        workspace = self.current_workspace()
        with_files = has_file_protocol(workspace)
        self.setWindowTitle(f"{self.document_name(workspace)}[*] — {APP_NAME}" if with_files else APP_NAME)
        self.setWindowModified(is_modified(workspace))   # after the title: Qt wants its "[*]" first

    def _on_function_changed(self) -> None:
        text = f"f = {self.session.text}"
        metrics = QFontMetrics(self._function_label.font())
        self._function_label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, FUNCTION_LABEL_WIDTH))
        self._function_label.setToolTip(text if len(text) < 2000 else text[:2000] + "…")

    # --- menus ------------------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._open_action = self._action(file_menu, "&Open…", QKeySequence.StandardKey.Open, self.open_dialog)
        self._recent_menu = file_menu.addMenu("Open &Recent")
        self._save_action = self._action(file_menu, "&Save", QKeySequence.StandardKey.Save, self.save)
        self._save_as_action = self._action(file_menu, "Save &As…", QKeySequence.StandardKey.SaveAs, self.save_as)
        self._file_actions = [self._open_action, self._save_action, self._save_as_action, self._recent_menu]
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export Image")
        self._action(export_menu, "Current &View…", "Ctrl+E", self.export_view_dialog)
        self._action(export_menu, "Whole &Window…", "Ctrl+Shift+E", self.export_window_dialog)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addActions([undo, redo])
        self.undo_action, self.redo_action = undo, redo

        view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "&Reset View", "Ctrl+0", self.reset_view)
        view_menu.addSeparator()
        for i, key in enumerate(self.workspaces):
            title = self.workspaceTabs.tabText(i)
            self._action(view_menu, f"&{title}", f"Ctrl+{i + 1}" if i < 9 else None,
                         lambda checked=False, k=key: self.show_workspace(k))

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", QKeySequence.StandardKey.HelpContents, self.show_shortcuts)
        self._action(help_menu, f"&About {APP_NAME}", None, self.show_about)
        install_tour(self, help_menu)   # Help → Chapter tour, the first-launch "Tour" button, the tour dock
        self._refresh_recent_menu()
        self._update_file_actions()

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda checked=False: slot())
        menu.addAction(action)
        return action

    def _update_file_actions(self) -> None:
        enabled = has_file_protocol(self.current_workspace())
        for action in self._file_actions:
            action.setEnabled(enabled)

    # --- files ------------------------------------------------------------------------------------------------
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
            self._refresh_recent_menu()
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
        path = self._paths.get(id(workspace))
        return self.save_to(path, workspace) if path else self.save_as(workspace)

    def save_as(self, workspace: QWidget | None = None) -> bool:
        workspace = workspace or self.current_workspace()
        if not has_file_protocol(workspace):
            return False
        path, _ = QFileDialog.getSaveFileName(self, "Save As", self._paths.get(id(workspace), self._last_directory()),
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

    def _workspace_for(self, path: str) -> QWidget | None:
        for workspace in self.workspaces.values():
            if has_file_protocol(workspace) and matches_filter(path, workspace.file_filter):
                return workspace
        current = self.current_workspace()
        return current if has_file_protocol(current) else None

    def _remember_path(self, workspace: QWidget, path: str) -> None:
        """After an open or a save: the workspace's file, a clean undo stack, the recent list and the title."""
        self._paths[id(workspace)] = path
        if getattr(workspace, "undo_stack", None) is not None:
            workspace.undo_stack.setClean()
        if self.interactive:
            remember_recent(path)
        self._refresh_recent_menu()
        self._update_title()

    def _refresh_recent_menu(self) -> None:
        self._recent_menu.clear()
        recent = recent_files()
        for path in recent:
            action = self._recent_menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_recent(p))
        self._recent_menu.menuAction().setVisible(bool(recent))

    def _last_directory(self) -> str:
        recent = recent_files()
        return os.path.dirname(recent[0]) if recent else os.path.expanduser("~")

    # --- images -----------------------------------------------------------------------------------------------
    def export_view_dialog(self) -> None:
        self._export_dialog("Export View Image", self.export_view)

    def export_window_dialog(self) -> None:
        self._export_dialog("Export Window Image", self.export_window)

    def _export_dialog(self, title: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, self._last_directory(), "PNG image (*.png)")
        if path:
            export(with_extension(path, "(*.png)"))

    def export_view(self, path: str) -> bool:
        workspace = self.current_workspace()
        widget = workspace.export_widget() if hasattr(workspace, "export_widget") else workspace
        image = widget.grabFramebuffer() if hasattr(widget, "grabFramebuffer") else widget.grab()
        return self._save_image(image, path)

    def export_window(self, path: str) -> bool:
        return self._save_image(grab_with_gl(self), path)

    def _save_image(self, image, path: str) -> bool:
        if image.save(path):
            self.statusBar().showMessage(f"Image saved to {path}", 5000)
            return True
        self._show_error("Cannot save image", f"Could not write {path}.")
        return False

    # --- view and help ----------------------------------------------------------------------------------------
    def reset_view(self) -> None:
        workspace = self.current_workspace()
        if hasattr(workspace, "reset_view"):
            workspace.reset_view()

    def show_shortcuts(self) -> None:
        workspace = self.current_workspace()
        window_help.show_shortcuts(self, workspace.shortcuts() if hasattr(workspace, "shortcuts") else [])

    def show_about(self) -> None:
        window_help.show_about(self)

    def _show_error(self, title: str, text: str) -> None:
        self.last_error = text
        self.statusBar().showMessage(text, 10000)
        if self.interactive:
            QMessageBox.warning(self, title, text)

    # --- window state -----------------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        tab = restore_window_state(self)
        if tab in self.workspaces:
            self.show_workspace(tab)

    def closeEvent(self, event) -> None:
        if self.interactive and not self.unsaved_guard.allow_close():
            event.ignore()   # the guard asks, and closes the window again once the user has answered
            return
        for workspace in self.workspaces.values():
            if hasattr(workspace, "shutdown"):
                workspace.shutdown()
        if self.interactive:   # a screenshot run leaves the user's window state alone
            keys, index = list(self.workspaces), self.workspaceTabs.currentIndex()
            save_window_state(self, keys[index] if 0 <= index < len(keys) else None)
        super().closeEvent(event)
