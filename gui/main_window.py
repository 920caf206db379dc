"""The main window: workspace tabs sharing one Session, menus, undo, files, status bar, saved window state.

Adding a workspace is one line in :meth:`MainWindow._build_workspaces`: ``self.add_workspace(widget, "Title")``.
The tab's key (for ``main.py --tab``) is the lower-cased title. ``add_lazy_workspace(factory, "Title")`` puts a
placeholder in the tab and builds the workspace (``factory(session, window)``) the first time it is shown or asked
for (:meth:`MainWindow.workspace`), so start-up builds only what the first picture needs; until then
``workspaces[key]`` is the placeholder (a plain QWidget, no Workspace): reach a tab through ``workspace(key)``.
Only the Surface is built at start; Descent, Graph and Matrix (and their imports) wait, and opening a file a waiting
tab handles (its ``file_filter``) builds that tab. A click on a tab in ``BUILT_AFTER_VISIT`` shows its placeholder and
builds it over the next turns (gui.tab_visits); ``workspace(key)`` still builds (or finishes) it at once.

The workspace protocol (what a tab offers the window) is typed in gui.workspace_protocol: every tab is a
``Workspace`` (undo stack, status messages, export view, shortcuts); a ``FileWorkspace`` also opens and saves files
and owns the path of its open file, which follows its undo history; ``ResetsView``, ``ShutsDown`` and ``HasPresets``
are the optional extras. ``python main.py FILE`` opens FILE in the first file workspace whose filter matches its name. A
file workspace whose stack is not clean has unsaved changes: the title shows "*" while it is the current tab, and
closing the window asks Save / Discard / Cancel for it (gui.window_files.UnsavedChangesGuard).
``add_workspace(..., shows_session_function=False)`` hides the status bar's "f = …" (the session's function) on a tab
that draws something else, such as the Graph.
"""
from __future__ import annotations

import os

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QUndoGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from gui import window_help
from gui.exit_teardown import delete_at_exit
from gui.graph.autosave_place import autosaves_exist
from gui.session import Session
from gui.tab_visits import TabVisits, build_at_once
from gui.window_files import (APP_NAME, UnsavedChangesGuard, has_file_protocol, is_modified, recent_files,
                              remove_stale_saves, restore_window_state, save_window_state)
from gui.window_file_commands import FileCommands
from gui.window_images import ImageExport
from gui.window_menus import build_menus, update_file_actions
from gui.workspace_protocol import FileWorkspace, ResetsView, ShutsDown, Workspace

FUNCTION_LABEL_WIDTH = 420   # the status bar's "f = …" is elided to this (full text in its tooltip)
# the files the tabs built on first use open (a built tab's own file_filter must be this: see MainWindow.workspace);
# written here rather than imported, which would load the Graph's and Matrix's engines at start
GRAPH_FILE_FILTER = "Gradscape graph (*.gsgraph.json)"
MATRIX_FILE_FILTER = "Gradscape matrix (*.gsmatrix.json)"
# what each tab built on first use imports (its factory below): prefetch_tabs() imports them while the window idles
TAB_MODULES = {"descent": ("gui.descent.first_visit", "gui.descent.workspace", "gui.descent.scene3d",
                           "gui.descent.scene2d", "gui.descent.loss_plot", "gui.descent.eigen_error_plot"),
               "graph": ("gui.graph.to_matrix", "gui.graph.workspace"),
               "matrix": ("gui.matrix.workspace", "numpy.random")}
BUILT_AFTER_VISIT = frozenset({"descent", "graph", "matrix"})   # a click (or the View menu) builds it over turns


def _descent_workspace(session: Session, parent: QWidget):
    """The Descent workspace, built a piece per ``yield`` (gui.tab_visits)."""
    from gui.descent.first_visit import in_pieces   # imported when the tab is first shown, not at start-up
    return (yield from in_pieces(session, parent))


def _matrix_workspace(_session: Session, parent: QWidget):
    """The Matrix workspace, built a piece per ``yield`` (gui.tab_visits)."""
    from gui.matrix.workspace import MatrixWorkspace
    pieces: list = []
    workspace = MatrixWorkspace(parent, pieces=pieces)
    yield from pieces[0]
    return workspace


class MainWindow(FileCommands, ImageExport, QMainWindow):
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
        self.workspaces: dict[str, Workspace] = {}
        self._without_session_function: set[int] = set()   # id()s of tabs where "f = …" would mislead
        self._last_status: dict[int, str] = {}
        self._lazy: dict[str, tuple] = {}   # key -> (factory, shows_session_function, file_filter) not built yet
        self._visits = TabVisits(self)   # the user's first visit of a tab builds it over the next turns
        self.workspaceTabs = QTabWidget(self)
        self.workspaceTabs.setObjectName("workspaceTabs")
        self.workspaceTabs.setDocumentMode(True)
        self.setCentralWidget(self.workspaceTabs)
        self._function_label = QLabel(self)
        self._function_label.setObjectName("functionStatusLabel")
        self.statusBar().addPermanentWidget(self._function_label)
        self._build_workspaces()
        build_menus(self)
        remove_stale_saves(os.path.dirname(p) for p in recent_files())
        self.workspaceTabs.currentChanged.connect(self._on_tab_changed)
        self.session.function_changed.connect(self._on_function_changed)
        self._on_function_changed()
        self._on_tab_changed(self.workspaceTabs.currentIndex())
        self.resize(1380, 860)
        delete_at_exit(self)   # a window kept until interpreter exit must not be torn down by PySide's cleanup
        if restore_state:
            self._restore_state()

    # --- workspaces -------------------------------------------------------------------------------------------
    def _build_workspaces(self) -> None:
        from gui.surface.workspace import SurfaceWorkspace
        surface = self.add_workspace(SurfaceWorkspace(self.session, self), "Surface")
        self.add_lazy_workspace(_descent_workspace, "Descent")
        self.add_lazy_workspace(self._graph_workspace, "Graph", shows_session_function=False,
                                file_filter=GRAPH_FILE_FILTER)
        self.add_lazy_workspace(_matrix_workspace, "Matrix", shows_session_function=False,
                                file_filter=MATRIX_FILE_FILTER)
        surface.open_as_graph_requested.connect(self._open_as_graph)
        if autosaves_exist():   # the Graph tab offers what a session that did not close normally autosaved
            self.workspace("graph")

    def _graph_workspace(self, _session: Session, parent: QWidget) -> QWidget:
        from gui.graph.to_matrix import receive_in_matrix
        from gui.graph.workspace import GraphWorkspace
        graph, surface = GraphWorkspace(parent), self.workspaces["surface"]
        graph.matrix_sent.connect(lambda problem: receive_in_matrix(self, self.workspace("matrix"), problem))
        graph.function_sent.connect(lambda expression, axes, fixed, source, point: self._receive_function(
            surface, expression, axes, fixed, source, point, "Send graph output to surface"))
        return graph

    def _receive_function(self, surface: QWidget, expression, axes, fixed, objective_source, point,
                          label: str) -> None:
        try:
            surface.set_function_from(expression, axes=axes, fixed=fixed, objective_source=objective_source,
                                      point=point, label=label)
        except ValueError as error:
            self._show_error("Cannot draw this function", str(error))
            return
        self.workspaceTabs.setCurrentWidget(surface)

    def _open_as_graph(self, expression) -> None:
        """The graph's inputs start at the point selected on the surface (the fixed variables' values included)."""
        self.workspace("graph").open_expression(expression, self.session.full_point() or dict(self.session.fixed))
        self.show_workspace("graph")

    def add_workspace(self, widget: Workspace, title: str, *, shows_session_function: bool = True) -> Workspace:
        key = title.lower()
        if key in self.workspaces:
            raise ValueError(f"a workspace called {title!r} already exists")
        if not isinstance(widget, Workspace):
            raise TypeError(f"{type(widget).__name__} is not a Workspace (see gui.workspace_protocol)")
        self.workspaces[key] = widget
        self.workspaceTabs.addTab(widget, title)
        return self._register(widget, shows_session_function)

    def add_lazy_workspace(self, factory, title: str, *, shows_session_function: bool = True,
                           file_filter: str = "") -> None:
        """A tab whose workspace is built by ``factory(session, window)`` when it is first shown or asked for.
        ``file_filter``: the files it opens (a FileWorkspace with that filter), so opening one builds it."""
        key = title.lower()
        if key in self.workspaces:
            raise ValueError(f"a workspace called {title!r} already exists")
        placeholder = QWidget(objectName=f"{key}Placeholder")
        self.workspaces[key] = placeholder
        self._lazy[key] = (factory, shows_session_function, file_filter)
        self.workspaceTabs.addTab(placeholder, title)

    def workspace(self, key: str) -> QWidget:
        """The workspace of a tab, built now if it was waiting to be shown (a visit's build finished now)."""
        if key not in self.workspaces:
            raise KeyError(f"no workspace {key!r}; choose from: {', '.join(self.workspaces)}")
        if key in self._lazy:
            widget = self._visits.finish(key)
            self.install_workspace(key, build_at_once(self._lazy[key][0](self.session, self))
                                   if widget is None else widget)
        return self.workspaces[key]

    def install_workspace(self, key: str, widget: QWidget) -> None:
        """Put the built workspace of the lazy tab ``key`` in place of its placeholder (shown if it is current)."""
        _factory, shows_session_function, file_filter = self._lazy.pop(key)
        placeholder = self.workspaces[key]
        if not isinstance(widget, Workspace):
            raise TypeError(f"{type(widget).__name__} is not a Workspace (see gui.workspace_protocol)")
        if file_filter and getattr(widget, "file_filter", None) != file_filter:
            raise TypeError(f"the {key} workspace does not open {file_filter!r}")
        self.workspaces[key] = widget
        index = self.workspaceTabs.indexOf(placeholder)
        current = self.workspaceTabs.currentIndex() == index
        self.workspaceTabs.blockSignals(True)
        self.workspaceTabs.insertTab(index, widget, self.workspaceTabs.tabText(index))
        self.workspaceTabs.removeTab(index + 1)
        if current:
            self.workspaceTabs.setCurrentIndex(index)
        self.workspaceTabs.blockSignals(False)
        placeholder.deleteLater()
        self._register(widget, shows_session_function)
        if current:
            self._on_tab_changed(index)

    def prefetch_tabs(self):
        """Import, one module per event-loop turn, what the tabs not built yet will import when first shown
        (gui.module_prefetch), so a first visit only builds its tab; the prefetch is returned, started."""
        from gui.module_prefetch import ModulePrefetch
        prefetch = ModulePrefetch([m for key in self._lazy for m in TAB_MODULES.get(key, ())], self)
        prefetch.start()
        return prefetch

    def _register(self, widget: Workspace, shows_session_function: bool) -> Workspace:
        self.undo_group.addStack(widget.undo_stack)
        widget.undo_stack.cleanChanged.connect(self._on_clean_changed)
        widget.status_message.connect(lambda text: self._show_status(widget, text))
        if isinstance(widget, FileWorkspace):   # its file follows undo of an Open ("": none, Save asks for one)
            widget.file_path_changed.connect(lambda _path: self._update_title())
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

    def current_workspace(self) -> Workspace | None:
        return self.workspaceTabs.currentWidget()

    def show_workspace(self, key: str) -> QWidget:
        """The tab ``key`` shown, its workspace built first (see :meth:`visit_workspace` for the user's way)."""
        widget = self.workspace(key)
        self.workspaceTabs.setCurrentWidget(widget)
        return widget

    def visit_workspace(self, key: str) -> None:
        """The tab ``key`` shown as a click on it shows it: one not built yet is built over the next turns."""
        self.workspaceTabs.setCurrentWidget(self.workspaces[key])

    def _on_tab_changed(self, index: int) -> None:
        widget = self.workspaceTabs.widget(index)
        lazy = next((k for k in self._lazy if self.workspaces[k] is widget), None)
        if lazy is not None and lazy not in BUILT_AFTER_VISIT:
            self.workspace(lazy)   # builds it in place and comes back here with the real widget
            return
        if lazy is not None:
            self._visits.visited(lazy, widget, self.workspaceTabs.tabText(index))
        self.undo_group.setActiveStack(widget.undo_stack if isinstance(widget, Workspace) else None)
        shows_function = self._lazy[lazy][1] if lazy is not None else id(widget) not in self._without_session_function
        self._function_label.setVisible(shows_function)
        update_file_actions(self)
        self._update_title()

    def document_name(self, workspace: QWidget) -> str:
        """The file the workspace was opened from or saved to, else "Untitled <tab>"."""
        path = workspace.file_path if isinstance(workspace, FileWorkspace) else ""
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

    # --- view and help ----------------------------------------------------------------------------------------
    def reset_view(self) -> None:
        workspace = self.current_workspace()
        if isinstance(workspace, ResetsView):
            workspace.reset_view()

    def show_shortcuts(self) -> None:
        window_help.show_shortcuts(self, self.current_workspace().shortcuts())

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

    def shutdown(self) -> None:
        """Stop what the workspaces run (searches, timers, workers): on close, and before deletion at exit. Image
        files still being written are finished first."""
        self.wait_for_images()
        self._visits.close()
        for workspace in self.workspaces.values():
            if isinstance(workspace, ShutsDown):
                workspace.shutdown()

    def closeEvent(self, event) -> None:
        if self.interactive and not self.unsaved_guard.allow_close():
            event.ignore()   # the guard asks, and closes the window again once the user has answered
            return
        self.shutdown()
        if self.interactive:   # a screenshot run leaves the user's window state alone
            keys, index = list(self.workspaces), self.workspaceTabs.currentIndex()
            save_window_state(self, keys[index] if 0 <= index < len(keys) else None)
        super().closeEvent(event)
