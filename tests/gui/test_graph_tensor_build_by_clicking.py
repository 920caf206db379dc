"""A one-layer network built by clicking: two Matrix inputs given their shapes and numbers in the grid editor
(Randomize), a matrix product, tanh and ‖·‖² from the palette wired by dragging; Backward then shows every adjoint
as a heatmap whose pixels follow the numbers, and the adjoints are the hand-derived ones."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from tests.gui.graph_helpers import click_button, connect, node_point, place, type_into_node, view_point, visible
from tests.gui.test_graph_tensor_faces import cell_centre, pixel

pytestmark = pytest.mark.gui


def edit_tensor(qtbot, ws, name: str, rows: int, cols: int):
    """Double-click the input's body, set its shape, Randomize, OK."""
    qtbot.mouseDClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(ws, node_point(ws, name, "body")))
    dialog = ws.canvas.tensor_editor
    assert dialog.isVisible()
    dialog.rows.setValue(rows)
    dialog.cols.setValue(cols)
    qtbot.mouseClick(dialog.findChild(QPushButton, "tensorRandomize"), Qt.MouseButton.LeftButton)
    shown = dialog._numbers()
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    return shown


def test_build_a_layer_by_clicking_then_backward_shows_the_adjoints(qtbot, graph_workspace):
    ws = graph_workspace
    g = ws.document.graph
    W = place(qtbot, ws, "matrix", visible(ws, 60, 60))
    x = place(qtbot, ws, "matrix", visible(ws, 60, 330))
    assert (W, x) == ("W1", "W2")
    type_into_node(qtbot, ws, x, "header", "x")
    W_numbers = edit_tensor(qtbot, ws, "W1", 3, 2)
    x_numbers = edit_tensor(qtbot, ws, "x", 2, 1)
    assert g.shape("W1") == (3, 2) and g.shape("x") == (2, 1)
    np.testing.assert_array_equal(np.array(g.node("W1").value), W_numbers)
    mm = place(qtbot, ws, "matmul", visible(ws, 330, 180))
    connect(qtbot, ws, "W1", mm)
    connect(qtbot, ws, "x", mm)
    assert g.node(mm).formula == "W1 * x" and g.shape(mm) == (3, 1)
    act = place(qtbot, ws, "tanh", visible(ws, 560, 180))
    connect(qtbot, ws, mm, act)
    loss = place(qtbot, ws, "norm2", visible(ws, 790, 180))
    connect(qtbot, ws, act, loss)
    assert g.output == loss and g.shape(loss) == (1, 1)
    click_button(qtbot, ws, "backwardButton")
    qtbot.wait(50)
    ws.canvas.viewport().grab().save("/tmp/tensor-built-layer.png")
    a = np.tanh(W_numbers @ x_numbers)   # L = ‖tanh(W x)‖²: dL/dW = (2a ⊙ (1 − a²)) xᵀ
    expected_W = (2 * a * (1 - a ** 2)) @ x_numbers.T
    np.testing.assert_allclose(g.backward()["W1"], expected_W, atol=1e-12)
    face = ws.scene.nodes["W1"].tensor_face
    np.testing.assert_allclose(face.adjoint, expected_W, atol=1e-12)
    for (i, j), v in np.ndenumerate(expected_W):
        if abs(v) < 0.05 * np.max(np.abs(expected_W)):
            continue   # nearly white: no colour to check
        colour = pixel(ws, ws.scene.nodes["W1"], cell_centre(face.adjoint_rect, expected_W.shape, i, j))
        assert (colour.red() > colour.blue()) == (v > 0), (i, j, v, colour.getRgb())
    # one undo puts W1's previous value back
    before = g.node("x").value
    qtbot.mouseDClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(ws, node_point(ws, "x", "body")))
    ws.canvas.tensor_editor.reject()
    assert g.node("x").value == before
