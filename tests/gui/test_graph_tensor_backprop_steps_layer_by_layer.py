"""Step backward and Play over the MLP's tensor nodes: node by node in reverse topological order, each node's adjoint
heatmap appears as its vector-Jacobian products are applied — after k steps exactly the first k nodes show an
adjoint, on the model and on screen — with the edges (and their Jacobian labels) being used lit, and the callout
naming the VJP's shapes."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QToolButton

from gui.graph.items import ACTIVE_PEN, HEADER_HEIGHT, NODE_HEIGHT, NODE_WIDTH
from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui


def adjoint_area(item) -> QRectF:
    """Where a face draws its adjoint heatmap (the right half of the face's body, in item coordinates)."""
    top = HEADER_HEIGHT + 2 + 19
    return QRectF(NODE_WIDTH / 2 + 24, top, NODE_WIDTH / 2 - 32, NODE_HEIGHT - top - 4)


def coloured_pixels(ws, image, item) -> int:
    """Pixels of the adjoint area that are not the node's own fill (a heatmap's cells or frame)."""
    fill = item.colours()[0]
    rect = item.mapToScene(adjoint_area(item)).boundingRect()
    top_left, bottom_right = ws.canvas.mapFromScene(rect.topLeft()), ws.canvas.mapFromScene(rect.bottomRight())
    count = 0
    for x in range(top_left.x() + 1, bottom_right.x() - 1):
        for y in range(top_left.y() + 1, bottom_right.y() - 1):
            c = image.pixelColor(x, y)
            count += abs(c.red() - fill.red()) + abs(c.green() - fill.green()) + abs(c.blue() - fill.blue()) > 40
    return count


def check_after(ws, order, totals, k):
    """Exactly the first k nodes of the reverse order show their adjoints: model, face and pixels."""
    image = ws.canvas.viewport().grab().toImage()
    for i, name in enumerate(order):
        item = ws.scene.nodes[name]
        face = item.tensor_face
        if i < k:
            np.testing.assert_array_equal(face.adjoint, totals[name])
            assert coloured_pixels(ws, image, item) > 20, (k, name)
        else:
            assert face.adjoint is None and item.adjoint is None, (k, name)
            assert coloured_pixels(ws, image, item) == 0, (k, name)
    assert ws.scene.nodes[order[k - 1]].current


def test_each_step_reveals_the_next_node_in_reverse_order(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    g = ws.document.graph
    steps = list(g.backward_steps())
    order = [s.node for s in steps]
    assert order[:4] == ["loss", "yhat", "a1", "h1"] and set(order) == set(g.nodes)
    totals = {s.node: s.total for s in steps}
    full = g.backward()
    for name in order:
        np.testing.assert_allclose(totals[name], full[name], atol=1e-15)
    for k in range(1, len(order) + 1):
        click_button(qtbot, ws, "stepBackwardButton")
        qtbot.wait(10)
        check_after(ws, order, totals, k)
        node = order[k - 1]
        lit = {key for key, edge in ws.scene.edges.items() if edge.active}
        assert lit == {(node, c) for c in g.children(node)}, node   # the edges its VJPs came along
        for key in lit:
            assert ws.scene.edges[key].tag.pen().color() == ACTIVE_PEN
        if k > 1:
            assert "Jacobian" in ws.backprop.callout_text.text()
        if k == 3:
            ws.canvas.viewport().grab().save("/tmp/tensor-backprop-step3.png")
    click_button(qtbot, ws, "stepBackwardButton")   # past the last step: every adjoint stays shown
    assert not ws.backprop.running
    assert all(ws.scene.nodes[n].tensor_face.adjoint is not None for n in g.nodes)
    assert not any(edge.active for edge in ws.scene.edges.values())


def test_play_pauses_after_k_steps_with_exactly_k_adjoints(qtbot, graph_workspace):
    ws = graph_workspace
    ws.backprop.timer.setInterval(25)
    ws.apply_preset("mlp-batch")
    g = ws.document.graph
    steps = list(g.backward_steps())
    order, totals = [s.node for s in steps], {s.node: s.total for s in steps}
    play = ws.findChild(QToolButton, "playBackwardButton")
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.backprop.index >= 3, timeout=5000)
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)   # pause
    assert not ws.backprop.playing
    k = ws.backprop.index + 1
    qtbot.wait(10)
    check_after(ws, order, totals, k)
    click_button(qtbot, ws, "stepBackwardButton")   # Step goes on from where Play paused
    check_after(ws, order, totals, k + 1)
