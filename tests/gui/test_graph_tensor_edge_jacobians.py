"""Partials on edges, in a graph of tensors: each edge's label gives its Jacobian's shape and, for a small one, its
heatmap beside the text — cells red where the entry is positive, blue where negative, white where 0 (tanh's
Jacobian is diagonal) — and hovering a cell names that entry; a 1×1 Jacobian reads as its number; turning "Partials
on edges" off hides them."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF

from engine.expr.numbers import format_number
from gui.graph.jacobian_map import MAP_SIDE
from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui


def pixel_of(ws, item, point: QPointF):
    view = ws.canvas.mapFromScene(item.mapToScene(point))
    return ws.canvas.viewport().grab().toImage().pixelColor(view.x(), view.y())


def cell_point(heatmap, i, j) -> QPointF:
    return QPointF((j + 0.5) * heatmap.cell, (i + 0.5) * heatmap.cell)


def test_small_jacobians_are_drawn_on_their_edges_with_their_signs(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    click_button(qtbot, ws, "backwardButton")
    ws.scene.ensure_layout()
    qtbot.wait(50)
    ws.canvas.viewport().grab().save("/tmp/tensor-edge-jacobians.png")
    partials = ws.scene.partials
    drawn = 0
    for key, edge in ws.scene.edges.items():
        jacobian, tag = partials[key], edge.tag
        assert tag.isVisible(), key
        rows, cols = jacobian.shape
        if (rows, cols) == (1, 1):
            assert tag.heatmap is None or not tag.heatmap.isVisible()
            assert format_number(jacobian.dense()[0, 0], 4) in tag.text.text()
            continue
        assert f"{rows}×{cols}" in tag.text.text()
        if rows <= MAP_SIDE and cols <= MAP_SIDE:
            drawn += 1
            np.testing.assert_array_equal(tag.heatmap.matrix, jacobian.dense())   # the model the map shows
            assert tag.heatmap.isVisible()
            assert tag.sceneBoundingRect().contains(tag.heatmap.sceneBoundingRect())
    assert drawn == 6   # W1, b1, x → h1; h1 → a1; W2, a1 → yhat

    # pixels of ∂a1/∂h1 = diag(1 − tanh²): positive on the diagonal, exactly 0 (white) elsewhere
    heatmap = ws.scene.edges["h1", "a1"].tag.heatmap
    for i in range(3):
        for j in range(3):
            colour = pixel_of(ws, heatmap, cell_point(heatmap, i, j))
            if i == j:
                assert colour.red() > colour.blue() + 20, (i, j, colour.getRgb())
            else:
                assert min(colour.red(), colour.green(), colour.blue()) > 235, (i, j, colour.getRgb())
    # ∂h1/∂x = W1: the signs of W1's entries
    heatmap, w1 = ws.scene.edges["x", "h1"].tag.heatmap, np.array(ws.document.graph.nodes["W1"].value)
    for (i, j), v in np.ndenumerate(w1):
        colour = pixel_of(ws, heatmap, cell_point(heatmap, i, j))
        assert (colour.red() > colour.blue() + 20) if v > 0 else (colour.blue() > colour.red() + 20), (i, j)


def test_hovering_a_cell_names_the_entry(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    click_button(qtbot, ws, "forwardButton")
    ws.scene.ensure_layout()
    heatmap = ws.scene.edges["W1", "h1"].tag.heatmap
    w1_x = ws.document.graph.nodes["x"].value
    # ∂h1[2]/∂W1[2,2]: row 2 of the Jacobian, column 4 (W1 read row by row) — equal to x[2]
    target = ws.canvas.mapFromScene(heatmap.mapToScene(cell_point(heatmap, 1, 3)))
    qtbot.mouseMove(ws.canvas.viewport(), target - QPoint(12, 0))
    qtbot.mouseMove(ws.canvas.viewport(), target)
    text = heatmap.toolTip()
    assert text.startswith(f"∂h1[2]/∂W1[2,2] = {format_number(w1_x[1][0], 12)} "), text
    assert "0" == heatmap.entry_text(cell_point(heatmap, 0, 3)).split(" = ")[1].split()[0]   # only h1[2] moves


def test_partials_on_edges_off_hides_the_jacobians(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp")
    ws.scene.ensure_layout()
    ws.scene.set_show_partials(False)
    assert not any(e.tag.isVisible() for e in ws.scene.edges.values())
    ws.scene.set_show_partials(True)
    ws.scene.ensure_layout()
    assert ws.scene.edges["W1", "h1"].tag.heatmap.isVisible()
