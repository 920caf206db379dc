"""Tensor nodes on the canvas: the MLP preset's nodes show their shapes and, after Backward, a heatmap of each
adjoint whose pixels follow the numbers (red positive, blue negative); edges give their Jacobians' shapes; hovering
a node lists its numbers."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui


def pixel(ws, item, point: QPointF):
    """The colour on screen at a point given in the item's coordinates."""
    view = ws.canvas.mapFromScene(item.mapToScene(point))
    image = ws.canvas.viewport().grab().toImage()
    return image.pixelColor(view.x(), view.y())


def cell_centre(rect, shape, i, j) -> QPointF:
    rows, cols = shape
    return QPointF(rect.left() + (j + 0.5) * rect.width() / cols, rect.top() + (i + 0.5) * rect.height() / rows)


def test_backward_shows_every_adjoint_as_a_heatmap_of_its_shape(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    g = ws.document.graph
    assert g.is_tensor
    click_button(qtbot, ws, "backwardButton")
    qtbot.wait(50)
    expected = g.backward()
    ws.canvas.viewport().grab().save("/tmp/tensor-mlp-backward.png")
    for name, item in ws.scene.nodes.items():
        face = item.tensor_face
        assert face is not None and face.shape == g.shape(name)
        np.testing.assert_array_equal(face.adjoint, expected[name])   # the model the face shows
        assert not face.value_rect.isEmpty() and not face.adjoint_rect.isEmpty()
    # pixels: W1's adjoint has positive and negative entries; each cell is red where positive, blue where negative,
    # and the largest magnitude is the most saturated
    item, adjoint = ws.scene.nodes["W1"], expected["W1"]
    rect = item.tensor_face.adjoint_rect
    for (i, j), v in np.ndenumerate(adjoint):
        colour = pixel(ws, item, cell_centre(rect, adjoint.shape, i, j))
        if v > 0:
            assert colour.red() > colour.blue() + 20, (i, j, v, colour.getRgb())
        else:
            assert colour.blue() > colour.red() + 20, (i, j, v, colour.getRgb())
    strongest = np.unravel_index(np.argmax(np.abs(adjoint)), adjoint.shape)
    weakest = np.unravel_index(np.argmin(np.abs(adjoint)), adjoint.shape)
    saturation = lambda c: max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue())  # noqa: E731
    assert saturation(pixel(ws, item, cell_centre(rect, adjoint.shape, *strongest))) > \
        saturation(pixel(ws, item, cell_centre(rect, adjoint.shape, *weakest))) + 60
    # the shape is written on the face, edges name their Jacobians' shapes, hovering lists the numbers
    assert "3×6" in ws.scene.edges["W1", "h1"].tag.text.text()
    assert "3×2" in item.toolTip() and "adjoint" in item.toolTip()
    assert f"{adjoint[0, 0]:.4g}"[:5] in item.toolTip()


def test_the_batch_preset_shows_matrices_and_step_backward_describes_vjps(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp-batch")
    click_button(qtbot, ws, "stepBackwardButton")
    click_button(qtbot, ws, "stepBackwardButton")
    text = ws.backprop.callout_text.text()
    assert "Yhat" in text and "Jacobian" in text
    assert ws.scene.nodes["H1"].tensor_face.shape == (3, 8)


def test_expand_to_scalars_shows_the_same_computation_and_undo_returns(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    g = ws.document.graph
    tensor_adjoints = g.backward()
    click_button(qtbot, ws, "expandScalarsButton")
    assert not g.is_tensor and "W1_3_2" in g.nodes and len(g) == 24
    ws.canvas.viewport().grab().save("/tmp/tensor-mlp-expanded.png")
    shown = ws.scene.adjoints   # Backward ran on the expanded graph: the adjoints on screen are the entries
    assert shown["W1_2_1"] == pytest.approx(tensor_adjoints["W1"][1, 0], abs=1e-12)
    assert shown["x_2"] == pytest.approx(tensor_adjoints["x"][1, 0], abs=1e-12)
    ws.document.undo_stack.undo()
    assert g.is_tensor and set(g.nodes) == {"W1", "b1", "W2", "b2", "x", "y", "h1", "a1", "yhat", "loss"}
