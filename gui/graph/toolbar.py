"""The workspace's toolbar (undo, passes, output, view, presets, export) and the palette of placing tools.

Shortcuts here are scoped to the workspace (WidgetWithChildrenShortcut) so they never clash with other tabs or
with the main window's Edit menu; Undo/Redo keys belong to the main window.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QToolBar, QToolButton

from engine.graph.fileformat import list_presets
from gui.graph import tools as T
from gui.graph.files import export_png, export_svg


def _add(toolbar: QToolBar, workspace, text: str, name: str, tooltip: str, slot, shortcut: str = "",
         checkable: bool = False) -> QAction:
    action = QAction(text, workspace)
    action.setObjectName(name)
    action.setToolTip(tooltip + (f" ({shortcut})" if shortcut else ""))
    action.setCheckable(checkable)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        workspace.addAction(action)
    if checkable:
        action.toggled.connect(slot)
    else:
        action.triggered.connect(lambda checked=False: slot())
    toolbar.addAction(action)
    toolbar.widgetForAction(action).setObjectName(name)
    return action


def build_toolbar(ws) -> QToolBar:
    bar = QToolBar("Graph")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    stack = ws.undo_stack
    for action, name, keys, text_changed in (
            (stack.createUndoAction(ws, "Undo"), "graphUndoButton", "Ctrl+Z", stack.undoTextChanged),
            (stack.createRedoAction(ws, "Redo"), "graphRedoButton", "Ctrl+Shift+Z", stack.redoTextChanged)):
        # the stack's own actions follow it (enabled when there is a step, text "Undo <what>"); the button reads
        # just "Undo", the step is in the tooltip; the keys belong to the main window's Edit menu
        action.setObjectName(name)
        action.setIconText(action.text().split(" ", 1)[0] or name)
        text_changed.connect(lambda _text, a=action, k=keys: _tooltip_from_text(a, k))
        _tooltip_from_text(action, keys)
        bar.addAction(action)
        bar.widgetForAction(action).setObjectName(name)
    bar.addSeparator()
    _add(bar, ws, "Forward", "forwardButton", "Compute every node's value, inputs to output", ws.run_forward)
    _add(bar, ws, "Backward", "backwardButton", "Compute every adjoint ∂output/∂node, output to inputs",
         ws.run_backward)
    _add(bar, ws, "Step backward", "stepBackwardButton",
         "Backprop one node at a time from the output, showing the contributions that arrive", ws.step_backward,
         "Ctrl+B")
    play = _add(bar, ws, "Play", "playBackwardButton", "Animate the backward pass node by node; press again to "
                "pause", ws.set_playing, "Ctrl+P", checkable=True)
    ws.backprop.playing_changed.connect(lambda playing: _show_playing(play, playing))
    partials = _add(bar, ws, "Partials on edges", "partialsToggle", "Show each edge's local partial ∂child/∂parent",
                    ws.set_show_partials, checkable=True)
    partials.setChecked(True)
    bar.addSeparator()
    _add(bar, ws, "Mark output", "markOutputButton", "Make the selected node the output", lambda: _mark_output(ws),
         "O")
    _add(bar, ws, "Delete", "deleteButton", "Delete the selected nodes", ws.canvas.delete_selection, "Delete")
    _add(bar, ws, "Fit", "fitButton", "Fit the graph in view", ws.canvas.fit_to_view, "Home")
    bar.addSeparator()
    bar.addWidget(_menu_button("Presets", "graphPresetsButton", _presets_menu(ws),
                               "Replace the graph with a ready-made one (the chapter's four-input graph, a small "
                               "network, deep chains…); undo brings yours back"))
    bar.addWidget(_menu_button("Export", "graphExportButton", _export_menu(ws),
                               "Save a picture of the whole graph as a PNG image or an SVG drawing"))
    return bar


def _tooltip_from_text(action: QAction, keys: str):
    if shiboken6.isValid(action):   # the stack may announce its last change while the workspace is destroyed
        action.setToolTip(f"{action.text()} ({keys})")


def _show_playing(action: QAction, playing: bool):
    action.blockSignals(True)
    action.setChecked(playing)
    action.setText("Pause" if playing else "Play")
    action.blockSignals(False)


def _mark_output(ws):
    names = ws.canvas.selected_names()
    if len(names) != 1:
        ws.show_status("Mark output: select exactly one node first", error=True)
        return
    ws.document.set_output(names[0])


def _menu_button(text: str, name: str, menu: QMenu, tooltip: str) -> QToolButton:
    button = QToolButton(objectName=name)
    button.setText(text)
    button.setToolTip(tooltip)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    return button


def _presets_menu(ws) -> QMenu:
    menu = QMenu(ws)

    def fill():
        menu.clear()
        for title, _path in list_presets():
            menu.addAction(title, lambda t=title: ws.apply_preset(t))
    menu.aboutToShow.connect(fill)
    fill()
    return menu


def _export_menu(ws) -> QMenu:
    menu = QMenu(ws)
    menu.addAction("PNG image…", lambda: export_dialog(ws, "png"))
    menu.addAction("SVG drawing…", lambda: export_dialog(ws, "svg"))
    return menu


def export_dialog(ws, kind: str) -> bool:
    filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
    path, _ = QFileDialog.getSaveFileName(ws, f"Export graph as {kind.upper()}", "graph." + kind, filters[kind])
    if not path:
        return False
    if not path.lower().endswith("." + kind):
        path += "." + kind
    try:
        (export_png if kind == "png" else export_svg)(ws.scene, path)
    except (OSError, ValueError) as exc:
        ws.show_status(f"Export failed: {exc}", error=True)
        return False
    ws.show_status(f"Exported {path}")
    return True


class _KeepToolOnDoubleClick(QObject):
    """A double-click on a palette tool keeps it for several placements (until Esc or another tool)."""

    def __init__(self, ws):
        super().__init__(ws)
        self.ws = ws

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.MouseButtonDblClick and watched.objectName().startswith("tool_"):
            self.ws.canvas.set_tool(watched.objectName().removeprefix("tool_"), keep=True)
            return True
        return False


def build_palette(ws) -> tuple[QToolBar, dict[str, QAction]]:
    bar = QToolBar("Palette", objectName="graphPalette")
    bar.setOrientation(Qt.Orientation.Vertical)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    group = QActionGroup(ws)
    group.setExclusive(True)
    actions = {}
    keeper = _KeepToolOnDoubleClick(ws)
    for tool in T.TOOLS:
        action = QAction(tool.label, ws, checkable=True)
        action.setObjectName(f"tool_{tool.key}")
        tip = tool.tooltip
        if tool.shortcut:
            action.setShortcut(QKeySequence(tool.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            ws.addAction(action)
        if tool.kind != "select":
            tip += ". Places one node, then Select is back; Shift-click the canvas or double-click here to keep it"
        action.setToolTip(tip)
        action.triggered.connect(lambda checked=False, k=tool.key: ws.canvas.set_tool(k))
        group.addAction(action)
        bar.addAction(action)
        button = bar.widgetForAction(action)
        button.setObjectName(f"tool_{tool.key}")
        button.installEventFilter(keeper)
        actions[tool.key] = action
        if tool.key in ("select", "constant", "relu"):
            bar.addSeparator()
    actions["select"].setChecked(True)
    return bar, actions
