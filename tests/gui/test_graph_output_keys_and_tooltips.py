"""The output follows the graph as it is built until the user marks one, a refusal's
red message goes once an edit succeeds, an edge label never covers an output port, and the Graph tab's keys work as
soon as the tab is shown, and every control has a tooltip."""
from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.graph.items import PORT_RADIUS
from tests.conftest import open_window
from tests.gui.graph_helpers import (button, click_button, click_canvas, connect, controls_without_tooltips, editor,
                                     hover_tooltip, node_point, place, type_into_node, view_point, visible)

pytestmark = pytest.mark.gui

X, Y, C = 0.5, -1.0, 2.0


def build_chain(qtbot, ws) -> list[str | None]:
    """x, y → prod1 → exp1 → sum1 ← c1 as the reviewer built it: every node placed first (prod1 and exp1 in
    the same row, 80 px apart), then wired by dragging. Returns the output after each edit."""
    outputs = []

    def record():
        outputs.append(ws.document.graph.output)

    for tool, where in (("input", (100, 100)), ("input", (100, 300)), ("mul", (400, 200)), ("exp", (650, 200)),
                        ("constant", (100, 500)), ("add", (650, 450))):
        place(qtbot, ws, tool, visible(ws, *where))
        record()
    click_button(qtbot, ws, "tool_select")
    for name, value in (("x", X), ("y", Y), ("c1", C)):
        type_into_node(qtbot, ws, name, "body", repr(value))
        record()
    for parent, child in (("x", "prod1"), ("y", "prod1"), ("prod1", "exp1"), ("exp1", "sum1"), ("c1", "sum1")):
        connect(qtbot, ws, parent, child)
        record()
    assert ws.document.graph.nodes["sum1"].formula == "exp1 + c1"
    return outputs


def select_node(qtbot, ws, name: str):
    click_canvas(qtbot, ws, node_point(ws, name, "header"))
    assert ws.canvas.selected_names() == [name]


def test_output_follows_the_sink_as_the_graph_is_built_and_backward_differentiates_it(qtbot, graph_workspace):
    ws = graph_workspace
    outputs = build_chain(qtbot, ws)
    g = ws.document.graph
    assert g.output == "sum1" and ws.scene.nodes["sum1"].is_output and not ws.scene.nodes["prod1"].is_output
    click_button(qtbot, ws, "backwardButton")
    # sum1 = exp(x*y) + c, differentiated by hand
    expected = {"x": math.exp(X * Y) * Y, "y": math.exp(X * Y) * X, "c1": 1.0, "exp1": 1.0, "sum1": 1.0,
                "prod1": math.exp(X * Y)}
    for name, value in expected.items():
        assert ws.scene.nodes[name].adjoint == pytest.approx(value, rel=1e-12), name
    status = ws.status_label.text()
    assert status.startswith("Backward pass: ∂sum1/∂x = ") and f"∂sum1/∂y = {math.exp(X * Y) * X:g}" in status
    # each undo step puts back exactly the output that edit found; redo replays them
    for before in reversed(outputs[:-1]):
        ws.undo_stack.undo()
        assert g.output == before
    assert outputs[:3] == [None, None, "prod1"]
    while ws.undo_stack.canRedo():
        ws.undo_stack.redo()
    assert g.output == "sum1"


def test_a_marked_output_sticks_and_undo_unmarks_it(qtbot, graph_workspace):
    ws = graph_workspace
    build_chain(qtbot, ws)
    select_node(qtbot, ws, "exp1")
    click_button(qtbot, ws, "markOutputButton")
    assert ws.document.graph.output == "exp1" and ws.scene.nodes["exp1"].is_output
    place(qtbot, ws, "sin", visible(ws, 900, 450))
    click_button(qtbot, ws, "tool_select")
    connect(qtbot, ws, "sum1", "sin1")
    assert ws.document.graph.output == "exp1"   # the user's choice, not the new sink
    click_button(qtbot, ws, "backwardButton")
    assert ws.scene.nodes["x"].adjoint == pytest.approx(math.exp(X * Y) * Y)
    assert ws.scene.nodes["c1"].adjoint == 0.0
    for _ in range(3):   # connect, place, mark
        click_button(qtbot, ws, "graphUndoButton")
    assert ws.document.graph.output == "sum1" and not ws.document.output_chosen
    # unmarked again, so the output follows a new node that uses it
    place(qtbot, ws, "tanh", visible(ws, 900, 450))
    click_button(qtbot, ws, "tool_select")
    connect(qtbot, ws, "sum1", "tanh1")
    assert ws.document.graph.output == "tanh1"


def test_a_refused_rename_message_goes_once_an_edit_succeeds(qtbot, graph_workspace):
    ws = graph_workspace
    place(qtbot, ws, "input", visible(ws, 100, 100))
    type_into_node(qtbot, ws, "x", "header", "a b")
    assert "refused" in ws.status_label.text() and "b91c1c" in ws.status_label.styleSheet()
    assert editor(ws).isVisible()   # kept open with the text, so nothing typed is lost
    qtbot.keyClick(editor(ws), Qt.Key.Key_Escape)
    assert not editor(ws).isVisible()
    type_into_node(qtbot, ws, "x", "header", "a")
    assert "a" in ws.document.graph.nodes
    assert "refused" not in ws.status_label.text() and "b91c1c" not in ws.status_label.styleSheet()


def port_rect(ws, name: str) -> QRectF:
    centre = ws.scene.nodes[name].output_anchor()
    return QRectF(centre - QPointF(PORT_RADIUS, PORT_RADIUS), centre + QPointF(PORT_RADIUS, PORT_RADIUS))


def test_edge_labels_never_cover_an_output_port(qtbot, graph_workspace):
    ws = graph_workspace
    build_chain(qtbot, ws)
    click_button(qtbot, ws, "backwardButton")
    ws.scene.ensure_layout()
    ports = {name: port_rect(ws, name) for name in ws.scene.nodes}
    for key, edge in ws.scene.edges.items():
        label = edge.tag.sceneBoundingRect()
        for name, rect in ports.items():
            assert not label.intersects(rect), f"label {key} covers the output port of {name}"


# --- keys on the Graph tab of the whole window ----------------------------------------------------------------------
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, settings_dir, tmp_path):
    mw = open_window(qtbot, tmp_path / "autosave", (1400, 880))
    mw.activateWindow()
    assert QTest.qWaitForWindowActive(mw)
    yield mw
    mw.workspaces["surface"].shutdown()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key as the keyboard sends it: to whichever widget has the focus, once pending events are handled."""
    QApplication.processEvents()
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def graph_tab_from_the_tab_bar(qtbot, mw):
    """Ctrl+3 while the keyboard focus is on the tab bar, which is outside every workspace."""
    mw.workspaceTabs.tabBar().setFocus()
    press(qtbot, Qt.Key.Key_3, CTRL)
    assert mw.current_workspace() is mw.workspace("graph")


def test_graph_keys_work_as_soon_as_the_tab_is_shown(qtbot, window):
    mw, ws = window, window.workspace("graph")
    ws.apply_preset("four-inputs")
    graph_tab_from_the_tab_bar(qtbot, mw)
    press(qtbot, Qt.Key.Key_I)
    assert ws.canvas.tool.key == "input" and ws.tool_actions["input"].isChecked()
    click_button(qtbot, ws, "tool_constant")
    press(qtbot, Qt.Key.Key_Escape)
    assert ws.canvas.tool.key == "select" and ws.tool_actions["select"].isChecked()
    press(qtbot, Qt.Key.Key_B, CTRL)
    assert [n for n, item in ws.scene.nodes.items() if item.current] == ["f"]
    assert "backprop starts at the output" in mw.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_P, CTRL)
    assert ws.backprop.playing and button(ws, "playBackwardButton").text() == "Pause"
    press(qtbot, Qt.Key.Key_P, CTRL)
    assert not ws.backprop.playing and button(ws, "playBackwardButton").text() == "Play"
    ws.canvas.zoom_by(3.0)
    press(qtbot, Qt.Key.Key_Home)
    assert ws.canvas.transform().m11() <= 1.0
    shown = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    assert shown.contains(ws.scene.nodes_bounding_rect())


def test_output_and_delete_keys_after_coming_back_to_the_tab(qtbot, window):
    mw, ws = window, window.workspace("graph")
    ws.apply_preset("four-inputs")
    mw.show_workspace("graph")
    for name, key in (("u", Qt.Key.Key_O), ("f", Qt.Key.Key_Delete)):
        select_node(qtbot, ws, name)
        press(qtbot, Qt.Key.Key_2, CTRL)   # to the Descent tab and back
        graph_tab_from_the_tab_bar(qtbot, mw)
        assert ws.canvas.selected_names() == [name]
        press(qtbot, key)
    assert "f" not in ws.document.graph.nodes and "f" not in ws.scene.nodes
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert "f" in ws.scene.nodes
    assert ws.document.graph.output == "u" and ws.scene.nodes["u"].is_output


def test_esc_and_delete_work_from_anywhere_in_the_workspace(qtbot, graph_workspace):
    ws = graph_workspace
    ws.activateWindow()
    assert QTest.qWaitForWindowActive(ws)
    ws.apply_preset("four-inputs")
    select_node(qtbot, ws, "f")
    paths = ws.paths.list
    qtbot.mouseClick(paths.viewport(), Qt.MouseButton.LeftButton, pos=paths.viewport().rect().center())
    assert QApplication.focusWidget() is paths
    click_button(qtbot, ws, "tool_constant")
    press(qtbot, Qt.Key.Key_Escape)
    assert ws.canvas.tool.key == "select" and ws.tool_actions["select"].isChecked()
    press(qtbot, Qt.Key.Key_Delete)
    assert "f" not in ws.document.graph.nodes and "f" not in ws.scene.nodes
    # in the inline editor Esc still cancels the edit (it is not taken by the workspace's shortcut)
    qtbot.mouseDClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton,
                      pos=view_point(ws, node_point(ws, "u", "header")))
    assert editor(ws).isVisible() and QApplication.focusWidget() is editor(ws)
    qtbot.keyClicks(editor(ws), "info")   # letters that are tool shortcuts elsewhere
    assert editor(ws).text() == "info" and ws.canvas.tool.key == "select"
    press(qtbot, Qt.Key.Key_Escape)
    assert not editor(ws).isVisible() and "u" in ws.document.graph.nodes


def test_every_graph_control_explains_itself_on_hover(qtbot, graph_workspace):
    ws = graph_workspace
    assert controls_without_tooltips(ws) == []
    assert hover_tooltip(button(ws, "graphPresetsButton")).startswith("Replace the graph with a ready-made one")
    assert "PNG image or an SVG drawing" in hover_tooltip(button(ws, "graphExportButton"))
    for combo in (ws.sender_panel.axis_x, ws.sender_panel.axis_y):
        assert "axis" in hover_tooltip(combo)
