"""What the canvas advertises and was untested: the middle button pans (the graph follows the hand, nothing in the
model moves, and the view stays where the user put it), and the right-click menu renames, edits, marks the output,
deletes, and fits the view."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from tests.gui.graph_helpers import editor, node_point, place, view_point, visible

pytestmark = pytest.mark.gui


def test_middle_drag_pans_the_view_and_changes_nothing_else(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")   # fitted in view, and kept fitted while the view is resized ...
    snapshot, steps = ws.document.graph.snapshot(), ws.undo_stack.count()
    viewport = ws.canvas.viewport()
    start, end = QPoint(400, 300), QPoint(250, 200)
    under_start = ws.canvas.mapToScene(start)
    qtbot.mousePress(viewport, Qt.MouseButton.MiddleButton, pos=start)
    for i in range(1, 7):
        qtbot.mouseMove(viewport, start + (end - start) * (i / 6))
    qtbot.mouseRelease(viewport, Qt.MouseButton.MiddleButton, pos=end)
    moved = ws.canvas.mapToScene(end) - under_start   # the point grabbed is under the pointer again
    assert abs(moved.x()) <= 2 and abs(moved.y()) <= 2
    assert ws.document.graph.snapshot() == snapshot and ws.undo_stack.count() == steps
    assert not ws.canvas.scene().selectedItems()
    panned = ws.canvas.mapToScene(QPoint(0, 0))
    ws.resize(ws.width() - 200, ws.height() - 100)   # ... until the user pans: then a resize keeps their view
    qtbot.waitUntil(lambda: ws.canvas.viewport().width() < 1100)
    assert ws.canvas.mapToScene(QPoint(0, 0)) == panned


def open_menu_and_choose(qtbot, ws, scene_point, choice: str) -> list[str]:
    """Right-click at scene_point; when the menu is up, note its entries and choose ``choice``."""
    seen: list[str] = []

    def choose():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        seen.extend(a.text() for a in menu.actions() if not a.isSeparator())
        chosen = next(a for a in menu.actions() if a.text() == choice)
        menu.setActiveAction(chosen)
        qtbot.keyClick(menu, Qt.Key.Key_Return)
    QTimer.singleShot(0, choose)
    viewport, where = ws.canvas.viewport(), view_point(ws, scene_point)
    # what the platform sends for a right click (the menu runs its own loop; choose() answers it from there)
    QApplication.sendEvent(viewport, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                                                       viewport.mapToGlobal(where)))
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activePopupWidget() is None)
    return seen


def test_the_context_menu_of_a_node(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 100))
    h = place(qtbot, ws, "formula", visible(ws, 450, 100))
    b = place(qtbot, ws, "formula", visible(ws, 450, 300))
    entries = open_menu_and_choose(qtbot, ws, node_point(ws, h, "centre"), "Mark as output")
    assert entries == ["Rename…", "Edit formula…", "Mark as output", "Delete", "Fit to view"]
    assert ws.document.graph.output == h and ws.document.output_chosen

    entries = open_menu_and_choose(qtbot, ws, node_point(ws, x, "centre"), "Edit value")
    assert entries[1] == "Edit value" and editor(ws).isVisible() and editor(ws).text() == "0.0"
    qtbot.keyClick(editor(ws), Qt.Key.Key_Escape)

    open_menu_and_choose(qtbot, ws, node_point(ws, h, "centre"), "Rename…")
    assert editor(ws).isVisible() and editor(ws).text() == h
    qtbot.keyClick(editor(ws), Qt.Key.Key_Escape)

    open_menu_and_choose(qtbot, ws, node_point(ws, b, "centre"), "Delete")
    assert b not in ws.document.graph.nodes
    ws.undo_stack.undo()
    assert b in ws.document.graph.nodes


def test_the_context_menu_of_the_empty_canvas_fits_the_view(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    ws.canvas.zoom_by(3.0)
    entries = open_menu_and_choose(qtbot, ws, ws.canvas.mapToScene(QPoint(5, 5)).toTuple(), "Fit to view")
    assert entries == ["Fit to view"]
    seen = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    assert seen.contains(ws.scene.nodes_bounding_rect())
