"""The palette's placing tools place one node, then Select is back: a stray click after a placement (or after Undo)
adds nothing and keeps the redo history. Shift-click or a double-clicked tool keeps placing; Esc returns to Select."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.graph_helpers import button, click_button, click_canvas, place, visible

pytestmark = pytest.mark.gui


def test_after_a_placement_and_undo_a_click_on_the_canvas_adds_nothing(qtbot, graph_workspace):
    ws = graph_workspace
    place(qtbot, ws, "input", visible(ws, 100, 100))
    assert ws.canvas.tool.key == "select" and ws.tool_actions["select"].isChecked()
    assert button(ws, "tool_select").isChecked()
    click_button(qtbot, ws, "graphUndoButton")
    assert len(ws.document.graph) == 0 and ws.undo_stack.canRedo()
    click_canvas(qtbot, ws, visible(ws, 300, 300))   # the click a user makes to deselect
    assert len(ws.document.graph) == 0
    assert ws.undo_stack.canRedo()                   # the redo history is still there
    click_button(qtbot, ws, "graphRedoButton")
    assert list(ws.document.graph.nodes) == ["x"]


def test_shift_click_keeps_the_tool(qtbot, graph_workspace):
    ws = graph_workspace
    click_button(qtbot, ws, "tool_input")
    for i in range(3):
        click_canvas(qtbot, ws, visible(ws, 100, 80 + 140 * i), Qt.KeyboardModifier.ShiftModifier)
    assert list(ws.document.graph.nodes) == ["x", "y", "z"] and ws.canvas.tool.key == "input"
    click_canvas(qtbot, ws, visible(ws, 400, 80))    # a plain click places the last one and ends
    assert len(ws.document.graph) == 4 and ws.canvas.tool.key == "select"


def test_a_double_clicked_tool_stays_until_esc(qtbot, graph_workspace):
    ws = graph_workspace
    qtbot.mouseDClick(button(ws, "tool_constant"), Qt.MouseButton.LeftButton)
    assert button(ws, "tool_constant").isChecked()
    for i in range(3):
        click_canvas(qtbot, ws, visible(ws, 100, 80 + 140 * i))
    assert len(ws.document.graph) == 3 and ws.canvas.tool.key == "constant"
    assert "kept" in ws.status_label.text() or ws.canvas.tool_kept
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Escape)
    assert ws.canvas.tool.key == "select" and button(ws, "tool_select").isChecked()
    click_canvas(qtbot, ws, visible(ws, 400, 400))
    assert len(ws.document.graph) == 3
    click_button(qtbot, ws, "tool_constant")          # a single click on the tool is one placement again
    click_canvas(qtbot, ws, visible(ws, 400, 80))
    click_canvas(qtbot, ws, visible(ws, 400, 400))
    assert len(ws.document.graph) == 4


def test_undo_ends_even_a_kept_tool(qtbot, graph_workspace):
    ws = graph_workspace
    qtbot.mouseDClick(button(ws, "tool_input"), Qt.MouseButton.LeftButton)
    click_canvas(qtbot, ws, visible(ws, 100, 80))
    click_canvas(qtbot, ws, visible(ws, 100, 220))
    click_button(qtbot, ws, "graphUndoButton")
    assert ws.canvas.tool.key == "select"
    click_canvas(qtbot, ws, visible(ws, 400, 400))
    assert list(ws.document.graph.nodes) == ["x"] and ws.undo_stack.canRedo()
