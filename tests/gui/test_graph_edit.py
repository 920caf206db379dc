"""Editing gestures: operation slots, moving (one drag = one undo step), rubber-band selection and Delete, zoom,
the backward animation, presets and expanding a typed function."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from engine import parse
from gui.graph import detail
from gui.graph.items import SPREAD, to_scene
from tests.gui.graph_helpers import (click_button, click_canvas, connect, drag, label_ink, labels_placed, node_point,
                                     place, type_into_node, visible)

pytestmark = pytest.mark.gui


def test_operation_node_fills_its_operands_in_order(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 80))
    y = place(qtbot, ws, "input", visible(ws, 100, 300))
    type_into_node(qtbot, ws, "x", "body", "3")
    type_into_node(qtbot, ws, "y", "body", "5")
    sub = place(qtbot, ws, "sub", visible(ws, 400, 180))
    assert ws.scene.nodes[sub].content == "□ - □"
    connect(qtbot, ws, y, sub)
    assert ws.scene.nodes[sub].content == "y - □"
    assert ws.document.graph.nodes[sub].formula == "y - 0"
    connect(qtbot, ws, x, sub)
    assert ws.document.graph.nodes[sub].formula == "y - x"
    assert ws.scene.nodes[sub].content == "y - x"
    square = place(qtbot, ws, "square", visible(ws, 650, 180))
    connect(qtbot, ws, sub, square)
    assert ws.document.graph.nodes[square].formula == f"({sub})^2"
    click_button(qtbot, ws, "forwardButton")
    assert ws.scene.nodes[square].value == (5 - 3) ** 2
    # filling an operand is one undo step, and undo brings the empty slot back
    ws.undo_stack.undo()
    assert ws.scene.nodes[square].content == "(□)^2"
    ws.undo_stack.redo()
    assert ws.scene.nodes[square].content == f"({sub})^2"


def test_drag_moves_nodes_as_one_undo_step(qtbot, graph_workspace):
    ws = graph_workspace
    name = place(qtbot, ws, "input", visible(ws, 150, 150))
    start = ws.document.graph.nodes[name].pos
    steps = ws.undo_stack.count()
    drag(qtbot, ws, node_point(ws, name, "centre"), (node_point(ws, name, "centre")[0] + 200,
                                                    node_point(ws, name, "centre")[1] + 90), steps=10)
    end = ws.document.graph.nodes[name].pos
    assert end == pytest.approx((start[0] + 200 / SPREAD[0], start[1] + 90 / SPREAD[1]), abs=1.5)
    assert ws.undo_stack.count() == steps + 1
    ws.undo_stack.undo()
    assert ws.document.graph.nodes[name].pos == start
    assert ws.scene.nodes[name].pos() == to_scene(start)   # the view followed the model


def test_rubber_band_selection_and_delete(qtbot, graph_workspace):
    ws = graph_workspace
    names = [place(qtbot, ws, "input", visible(ws, 150, 100 + 130 * i)) for i in range(3)]
    click_button(qtbot, ws, "tool_select")
    top_left, bottom_right = visible(ws, 20, 20), visible(ws, 300, 300)   # covers the first two nodes
    drag(qtbot, ws, top_left, bottom_right)
    assert sorted(ws.canvas.selected_names()) == sorted(names[:2])
    ws.canvas.setFocus()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Delete)
    assert list(ws.document.graph.nodes) == names[2:]
    ws.undo_stack.undo()
    assert sorted(ws.document.graph.nodes) == sorted(names)


def test_delete_refused_while_used_and_nothing_changes(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 100))
    h = place(qtbot, ws, "formula", visible(ws, 400, 100))
    connect(qtbot, ws, x, h)
    before = ws.document.graph.snapshot()
    click_canvas(qtbot, ws, node_point(ws, x, "centre"))
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Delete)
    assert "used by" in ws.status_label.text()
    assert ws.document.graph.snapshot() == before


def test_wheel_zooms_and_fit_shows_everything(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    scale = ws.canvas.transform().m11()
    centre = QPointF(ws.canvas.viewport().rect().center())
    from PySide6.QtGui import QWheelEvent
    event = QWheelEvent(centre, ws.canvas.viewport().mapToGlobal(centre), QPoint(), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    ws.canvas.wheelEvent(event)
    assert ws.canvas.transform().m11() == pytest.approx(scale * 1.15 ** 2)
    click_button(qtbot, ws, "fitButton")
    visible_rect = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    assert visible_rect.contains(ws.scene.nodes_bounding_rect())


def test_step_backward_shows_contributions_arriving_and_their_sum(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    g = ws.document.graph
    expected = [step.node for step in g.backward_steps()]
    assert expected[0] == g.output
    seen = []
    for _ in expected:
        click_button(qtbot, ws, "stepBackwardButton")
        current = [n for n, item in ws.scene.nodes.items() if item.current]
        seen.append(current[0])
        shown = {n for n, item in ws.scene.nodes.items() if item.adjoint is not None}
        assert shown == set(seen)   # adjoints appear one node at a time, from the output back
        if current[0] == "a":
            # a feeds u and v: both contributions arrive along lit edges, and the callout adds them up
            text = ws.backprop.callout_text.text()
            assert "via u" in text and "via v" in text and "sum = 1024" in text
            lit = {k for k, e in ws.scene.edges.items() if e.active}
            assert lit == {("a", "u"), ("a", "v")}
    assert seen == expected
    click_button(qtbot, ws, "stepBackwardButton")   # past the end: every adjoint shown again
    assert all(item.adjoint is not None for item in ws.scene.nodes.values())
    assert not ws.backprop.callout.isVisible()


def test_open_expression_expands_a_typed_function(qtbot, graph_workspace):
    ws = graph_workspace
    f = parse("x*exp(-x^2-y^2)")
    ws.open_expression(f)
    g = ws.document.graph
    assert set(g.inputs) == {"x", "y"} and len(g) > 4
    compiled = g.compile()
    for point in ([0.3, -0.7], [1.1, 0.4]):
        assert compiled.evaluate(x=point[0], y=point[1]) == pytest.approx(f.evaluate(x=point[0], y=point[1]))
    assert set(ws.scene.nodes) == set(g.nodes)
    ws.undo_stack.undo()
    assert len(ws.document.graph) == 0


def test_edit_input_value_refuses_text_and_keeps_it(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 100))
    type_into_node(qtbot, ws, x, "body", "two")
    assert "not a number" in ws.status_label.text()
    assert ws.document.graph.nodes[x].value == 0.0


def test_an_input_takes_ascii_numbers_and_formulas_of_numbers_only(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 100))
    ws.document.edit_content(x, "\u0661")          # Arabic-Indic one: float() would read it as 1.0
    assert "not a number" in ws.status_label.text()
    assert ws.document.graph.nodes[x].value == 0.0
    type_into_node(qtbot, ws, x, "body", "pi/4")
    assert ws.document.graph.nodes[x].value == pytest.approx(0.7853981633974483, abs=0)



def test_partials_toggled_off_and_on_before_the_labels_are_placed_show_every_label(qtbot, graph_workspace,
                                                                                   monkeypatch):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    click_button(qtbot, ws, "backwardButton")
    labels_placed(qtbot, ws)
    monkeypatch.setattr(detail, "LABEL_TURN", 0.0)   # every placement goes on over the next turns
    click_button(qtbot, ws, "partialsToggle")
    click_button(qtbot, ws, "partialsToggle")        # on again before the labels were taken away
    labels_placed(qtbot, ws)
    assert all(e.label.isVisible() for e in ws.scene.edges.values())
    ws.canvas.viewport().repaint()
    assert all(label_ink(ws, key) > 5 for key in ws.scene.edges)


def test_partials_on_edges_toggle(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    click_button(qtbot, ws, "forwardButton")
    labels_placed(qtbot, ws)
    edge = ws.scene.edges[("a", "u")]
    s1, s2 = -1 + 0 - 2 + 1, -1 + 0 + 2 - 1
    assert edge.label.isVisible() and edge.label.text() == f"∂u/∂a = {2 * (s1 ** 2 + s2 ** 2):g}"
    click_button(qtbot, ws, "partialsToggle")
    assert not any(e.label.isVisible() for e in ws.scene.edges.values())
    click_button(qtbot, ws, "partialsToggle")
    labels_placed(qtbot, ws)
    assert all(e.label.isVisible() for e in ws.scene.edges.values())
