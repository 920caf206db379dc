"""Forward mode in the Graph side panel: pushing ∂/∂input forward gives every node's tangent; the output's tangent
agrees with backprop's adjoint of that input for every input, and with central differences; the panel counts the
passes each mode needs for the whole gradient (n forward vs 1 backward)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.graph_helpers import type_into_node

pytestmark = pytest.mark.gui


def central_difference(graph, source: str, h: float = 1e-6) -> float:
    base = {n: graph.nodes[n].value for n in graph.inputs}
    up, down = dict(base, **{source: base[source] + h}), dict(base, **{source: base[source] - h})
    return (graph.forward(up)[graph.output] - graph.forward(down)[graph.output]) / (2 * h)


def cell(panel, name: str, column: int) -> str:
    rows = [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]
    return panel.table.item(rows.index(name), column).text()


def number(text: str) -> float:
    return float(text.replace("−", "-"))   # the app prints a real minus sign


def test_every_derivative_agrees_between_forward_and_reverse_mode(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    panel, graph = ws.forward_mode, ws.document.graph
    ws.side_tabs.setCurrentWidget(panel)
    assert "needs 4 passes (one per input), reverse mode 1 backward pass" in panel.passes.text()
    adjoints = graph.backward()
    for source in graph.inputs:
        panel.source.setCurrentText(source)
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        out = graph.output
        assert panel.tangents[source] == 1.0
        assert panel.tangents[out] == pytest.approx(adjoints[source], rel=1e-12)
        assert panel.tangents[out] == pytest.approx(central_difference(graph, source), rel=1e-5, abs=1e-6)
        assert "✓ they agree" in panel.summary.text()
        assert panel.table.rowCount() == len(graph)
        assert number(cell(panel, out, 1)) == pytest.approx(panel.tangents[out], rel=1e-3)
        assert number(cell(panel, source, 2)) == pytest.approx(adjoints[source], rel=1e-3)
        other = next(n for n in graph.inputs if n != source)
        assert cell(panel, other, 1) == "0"   # another input does not move with this one


def test_the_tangents_follow_an_edit(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    panel, graph = ws.forward_mode, ws.document.graph
    ws.side_tabs.setCurrentWidget(panel)
    panel.source.setCurrentText("x")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    before = panel.tangents[graph.output]
    type_into_node(qtbot, ws, "x", "body", "2")
    assert panel.tangents[graph.output] != before
    assert panel.tangents[graph.output] == pytest.approx(graph.backward()["x"], rel=1e-12)
