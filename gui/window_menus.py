"""The main window's menu bar (File, Edit, View, Help) and the File menu's state: which file actions apply to the
current tab, and the Open Recent list. The actions call the window's methods; the window owns what they do."""
from __future__ import annotations

import os

from PySide6.QtGui import QAction, QKeySequence

from gui.tour.install import install_tour
from gui.window_files import APP_NAME, has_file_protocol, recent_files


def build_menus(window) -> None:
    """Fill ``window``'s menu bar. Sets ``window.undo_action``/``redo_action`` and the File actions that
    :func:`update_file_actions` enables and disables."""
    file_menu = window.menuBar().addMenu("&File")
    window._open_action = _action(window, file_menu, "&Open…", QKeySequence.StandardKey.Open, window.open_dialog)
    window._recent_menu = file_menu.addMenu("Open &Recent")
    window._save_action = _action(window, file_menu, "&Save", QKeySequence.StandardKey.Save, window.save)
    window._save_as_action = _action(window, file_menu, "Save &As…", QKeySequence.StandardKey.SaveAs,
                                     window.save_as)
    window._file_actions = [window._open_action, window._save_action, window._save_as_action, window._recent_menu]
    file_menu.addSeparator()
    export_menu = file_menu.addMenu("&Export Image")
    _action(window, export_menu, "Current &View…", "Ctrl+E", window.export_view_dialog)
    _action(window, export_menu, "Whole &Window…", "Ctrl+Shift+E", window.export_window_dialog)
    file_menu.addSeparator()
    _action(window, file_menu, "&Quit", QKeySequence.StandardKey.Quit, window.close)

    edit_menu = window.menuBar().addMenu("&Edit")
    undo = window.undo_group.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.undo_group.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit_menu.addActions([undo, redo])
    window.undo_action, window.redo_action = undo, redo

    view_menu = window.menuBar().addMenu("&View")
    _action(window, view_menu, "&Reset View", "Ctrl+0", window.reset_view)
    view_menu.addSeparator()
    for i, key in enumerate(window.workspaces):
        title = window.workspaceTabs.tabText(i)
        _action(window, view_menu, f"&{title}", f"Ctrl+{i + 1}" if i < 9 else None,
                lambda k=key: window.visit_workspace(k))

    help_menu = window.menuBar().addMenu("&Help")
    _action(window, help_menu, "&Keyboard Shortcuts", QKeySequence.StandardKey.HelpContents, window.show_shortcuts)
    _action(window, help_menu, f"&About {APP_NAME}", None, window.show_about)
    install_tour(window, help_menu)   # Help → Chapter tour, the first-launch "Tour" button, the tour dock
    refresh_recent_menu(window)
    update_file_actions(window)


def _action(window, menu, text, shortcut, slot) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda checked=False: slot())
    menu.addAction(action)
    return action


def update_file_actions(window) -> None:
    """Open, Save, Save As and Open Recent apply to tabs that handle files."""
    enabled = has_file_protocol(window.current_workspace())
    for action in window._file_actions:
        action.setEnabled(enabled)


def refresh_recent_menu(window) -> None:
    menu = window._recent_menu
    menu.clear()
    recent = recent_files()
    for path in recent:
        action = menu.addAction(os.path.basename(path))
        action.setToolTip(path)
        action.triggered.connect(lambda checked=False, p=path: window.open_recent(p))
    menu.menuAction().setVisible(bool(recent))
