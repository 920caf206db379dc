"""Forward mode on the node faces: after "Push ∂/∂… forward" every node shows its tangent — a green heatmap on a
tensor node (one entry of a vector or matrix input pushed per pass), a green number on a scalar node — beside the
value and the adjoint; the output's tangent for each entry equals that entry of the input's adjoint (the transposed
reading of one backward pass), and the panel counts n forward passes against one backward pass."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gui.graph.items import HEADER_HEIGHT, NODE_WIDTH, TANGENT_TEXT
from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui


def screen(ws):
    return ws.canvas.viewport().grab().toImage()


def colour_at(ws, image, item, point: QPointF):
    view = ws.canvas.mapFromScene(item.mapToScene(point))
    return image.pixelColor(view.x(), view.y())


def cell_centre(rect, shape, i, j) -> QPointF:
    rows, cols = shape
    return QPointF(rect.left() + (j + 0.5) * rect.width() / cols, rect.top() + (i + 0.5) * rect.height() / rows)


def push(qtbot, panel, source, entry=None):
    panel.source.setCurrentText(source)
    if entry is not None:
        panel.set_entry(*entry)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)


def on_preset(ws, preset: str):
    """The preset loaded and the Forward mode tab shown: (graph, panel)."""
    ws.apply_preset(preset)
    ws.side_tabs.setCurrentWidget(ws.forward_mode)
    return ws.document.graph, ws.forward_mode


def test_tangents_on_tensor_faces_read_the_adjoints_transposed(qtbot, graph_workspace):
    ws = graph_workspace
    g, panel = on_preset(ws, "mlp")
    click_button(qtbot, ws, "backwardButton")
    assert "16 entries" in panel.passes.text() and "needs 16 passes" in panel.passes.text()
    adjoints = g.backward()
    push(qtbot, panel, "W1", (1, 0))
    assert panel.entry.isVisible() and panel.button.text() == "Push ∂/∂W1[2,1] forward"
    expected = g.forward_mode("W1", entry=(1, 0))
    qtbot.wait(10)
    ws.canvas.viewport().grab().save("/tmp/tensor-forward-mode-faces.png")
    for name, item in ws.scene.nodes.items():
        face = item.tensor_face
        np.testing.assert_array_equal(face.tangent, expected[name])   # the model each face shows
        assert not face.tangent_rect.isEmpty() and face.adjoint is not None
        assert face.value_rect.right() < face.tangent_rect.left() < face.adjoint_rect.left()
    # pixels: h1's tangent by W1[2,1] is x[1] = 0.5 in row 2 and 0 elsewhere: red there, white above and below
    image, item = screen(ws), ws.scene.nodes["h1"]
    rect = item.tensor_face.tangent_rect
    centre = colour_at(ws, image, item, cell_centre(rect, (3, 1), 1, 0))
    assert centre.red() > centre.blue() + 60
    for i in (0, 2):
        c = colour_at(ws, image, item, cell_centre(rect, (3, 1), i, 0))
        assert min(c.red(), c.green(), c.blue()) > 235, c.getRgb()
    assert "tangent ∂h1/∂W1[2,1]" in item.toolTip()
    # every entry of every input: the output's tangent is that entry of the adjoint, on the face and in the summary
    for source in g.inputs:
        for entry in np.ndindex(*g.shape(source)):
            push(qtbot, panel, source, entry)
            shown = ws.scene.nodes["loss"].tensor_face.tangent
            assert shown[0, 0] == pytest.approx(adjoints[source][entry], abs=1e-12, rel=1e-10)
            assert "✓ they agree" in panel.summary.text()


def test_scalar_nodes_show_their_tangent_in_green_and_it_can_be_hidden(qtbot, graph_workspace):
    ws = graph_workspace
    g, panel = on_preset(ws, "four-inputs")
    push(qtbot, panel, "x")
    assert not panel.entry.isVisible()
    tangents = g.forward_mode("x")
    for name, item in ws.scene.nodes.items():
        assert item.tangent == pytest.approx(tangents[name]) and item.tangent_label == "∂/∂x"
    qtbot.wait(10)

    def green_pixels(item) -> int:
        image = screen(ws)
        count = 0
        for x in range(int(NODE_WIDTH / 2), int(NODE_WIDTH) - 8):
            for y in range(int(HEADER_HEIGHT) + 21, int(HEADER_HEIGHT) + 35):
                c = colour_at(ws, image, item, QPointF(x, y))
                count += c.green() > c.red() + 40 and c.green() > c.blue() + 20
        return count
    out = ws.scene.nodes[g.output]
    assert green_pixels(out) > 10 and TANGENT_TEXT.green() > TANGENT_TEXT.red()
    panel.on_nodes.setChecked(False)
    assert all(item.tangent is None for item in ws.scene.nodes.values())
    qtbot.wait(10)
    assert green_pixels(out) == 0


def test_the_tangents_survive_a_backward_pass_and_follow_an_edit(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    g, panel = ws.document.graph, ws.forward_mode
    push(qtbot, panel, "x", (1, 0))
    click_button(qtbot, ws, "backwardButton")   # the scene rebuilds its faces: the tangents are drawn again
    assert ws.scene.nodes["a1"].tensor_face.tangent is not None
    ws.document.edit_content("x", "[0.25, 2]")
    np.testing.assert_allclose(ws.scene.nodes["loss"].tensor_face.tangent, g.forward_mode("x", entry=(1, 0))["loss"])
    assert g.nodes["x"].value == ((0.25,), (2.0,))
