"""The Matrix/Vector tool asks for the shape when it places: a small popup with rows × columns, Enter accepts, the
shape is offered again next time, Esc places nothing (and adds no undo step); a double-click still edits the shape
and the numbers."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.graph_helpers import click_button, click_canvas, node_point, view_point, visible

pytestmark = pytest.mark.gui


def type_number(qtbot, spin, value: int):
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(value))


def test_the_matrix_tool_asks_rows_and_columns(qtbot, graph_workspace):
    ws = graph_workspace
    g = ws.document.graph
    click_button(qtbot, ws, "tool_matrix")
    click_canvas(qtbot, ws, visible(ws, 120, 120))
    popup = ws.canvas.shape_popup
    assert popup.isVisible() and popup.shape() == (2, 2) and len(g) == 0
    assert popup.rows.toolTip() and popup.cols.toolTip()
    popup.grab().save("/tmp/train-shape-popup.png")
    type_number(qtbot, popup.rows, 3)
    type_number(qtbot, popup.cols, 1)
    qtbot.keyClick(popup.cols, Qt.Key.Key_Return)
    assert list(g.nodes) == ["W1"] and g.shape("W1") == (3, 1)
    assert ws.undo_stack.count() == 1

    click_button(qtbot, ws, "tool_matrix")
    click_canvas(qtbot, ws, visible(ws, 120, 360))
    popup = ws.canvas.shape_popup
    assert popup.shape() == (3, 1)          # remembered
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert len(g) == 1 and ws.undo_stack.count() == 1 and not popup.isVisible()

    click_button(qtbot, ws, "tool_matrix")
    click_canvas(qtbot, ws, visible(ws, 120, 360))
    qtbot.keyClick(ws.canvas.shape_popup, Qt.Key.Key_Enter)
    assert g.shape("W2") == (3, 1)

    qtbot.mouseDClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(ws, node_point(ws, "W1", "body")))
    editor = ws.canvas.tensor_editor
    assert editor.isVisible() and (editor.rows.value(), editor.cols.value()) == (3, 1)
    editor.reject()
