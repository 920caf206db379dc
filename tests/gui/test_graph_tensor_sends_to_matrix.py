"""A graph of tensors goes to the Matrix workspace as one formula: the Surface box becomes the Matrix box, its
button opens the Matrix tab on the compiled formula with the inputs' shapes and numbers, the gradient shown there
equals the graph's adjoint, and one undo there puts the Matrix tab back."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from engine.graph.tensor_compile import compiled_matrix_text

pytestmark = pytest.mark.gui


def distinct_colours(widget) -> int:
    image = widget.grab().toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)})


def test_send_to_matrix_shows_the_network_as_one_formula_with_the_graphs_gradient(qtbot, window_on_graph):
    mw, ws = window_on_graph
    matrix = mw.workspace("matrix")
    before = matrix.model.state
    ws.apply_preset("mlp")
    graph = ws.document.graph
    button = ws.findChild(QPushButton, "sendToSurfaceButton")
    assert button.text() == "Send to Matrix" and ws.sender_panel.title() == "Matrix"
    assert not ws.sender_panel.axis_x.isVisibleTo(ws)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert mw.workspaceTabs.currentWidget() is matrix
    state, study = matrix.model.state, matrix.model.study
    assert state.expression == compiled_matrix_text(graph) == "norm2(W2*tanh(W1*x + b1) + b2 - y)^2"
    assert matrix.findChild(QLineEdit, "matrixExpressionEdit").text() == state.expression
    assert state.shape_of("W1") == (3, 2) and state.shape_of("b1") == (3, 1)
    np.testing.assert_array_equal(state.values["W1"], np.array(graph.nodes["W1"].value))
    adjoints = graph.backward()
    assert study.wrt == "W1"
    np.testing.assert_allclose(study.gradient_values, adjoints["W1"], atol=1e-10)
    assert study.value[0, 0] == pytest.approx(graph.forward()["loss"][0, 0], rel=1e-12)
    qtbot.wait(50)
    mw.grab().save("/tmp/tensor-sent-to-matrix.png")
    assert distinct_colours(matrix.gradient.gradientMap) > 4   # the 3×2 gradient drawn as a heatmap
    assert "Graph workspace" in matrix.note.text()
    matrix.undo_stack.undo()
    assert matrix.model.state.expression == before.expression


def test_a_scalar_graph_still_offers_the_surface(qtbot, window_on_graph):
    mw, ws = window_on_graph
    ws.apply_preset("mlp")
    ws.apply_preset("neural-net")
    assert ws.findChild(QPushButton, "sendToSurfaceButton").text() == "Send to surface"
    assert ws.sender_panel.axis_x.isVisibleTo(ws)


def test_an_output_that_is_not_a_scalar_is_refused_with_its_shape(qtbot, window_on_graph):
    mw, ws = window_on_graph
    ws.apply_preset("mlp")
    ws.document.graph.set_output("h1")
    assert not ws.send_to_surface(())
    assert "3×1" in ws.status_label.text() and mw.workspaceTabs.currentWidget() is ws
