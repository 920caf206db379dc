"""Train works on the user's own graph: on the batch MLP preset the user ticks the weight boxes on W1, b1, W2 and b2
(real clicks on the node headers); until then the panel says why it cannot train. Train binds X and Y to the toy set,
lowers the loss, changes the decision picture, shows progress and stops on Esc; the whole session is one undo step
that puts every weight (and X, Y) back exactly."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.gui.graph_helpers import click_button, controls_without_tooltips, editor, node_point, view_point
from tests.gui.test_graph_canvas_pan_and_menu import open_menu_and_choose

pytestmark = pytest.mark.gui

WEIGHTS = ("W1", "b1", "W2", "b2")


def press(qtbot, panel, name):
    qtbot.mouseClick(panel.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def tick(qtbot, ws, name):
    """Click the weight box on the node's header."""
    mark = ws.scene.nodes[name].weight_mark
    centre = mark.mapToScene(mark.box_rect().center())
    qtbot.mouseClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(ws, (centre.x(), centre.y())))


def picture(panel) -> np.ndarray:
    image = panel.picture.pixmap().toImage()
    return np.array([[image.pixelColor(x, y).red() - image.pixelColor(x, y).blue() for x in range(0, 220, 5)]
                     for y in range(0, 220, 5)], dtype=float)


def box_ink(ws, name) -> int:
    """Pixels of the tick's green inside the box, as drawn in the viewport."""
    mark = ws.scene.nodes[name].weight_mark
    rect = ws.canvas.mapFromScene(mark.mapToScene(mark.box_rect()).boundingRect()).boundingRect()
    image = ws.canvas.viewport().grab().toImage()
    return sum(1 for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom())
               if (c := image.pixelColor(x, y)).green() > c.red() + 40 and c.green() > c.blue() + 20)


def test_tick_the_weights_of_the_batch_mlp_and_train_it(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp-batch")
    g = ws.document.graph
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    assert "no input is marked as a weight" in panel.what.text()
    assert not panel.findChild(QPushButton, "trainPlay").isEnabled()
    for name in WEIGHTS:
        assert ws.scene.nodes[name].weight_mark.isVisible() and box_ink(ws, name) == 0
    undo_before_ticks = ws.undo_stack.index()
    for name in WEIGHTS:
        tick(qtbot, ws, name)
    assert g.weights == WEIGHTS and ws.undo_stack.index() == undo_before_ticks + 4
    ws.canvas.viewport().grab().save("/tmp/train-weights-ticked.png")
    assert all(box_ink(ws, name) > 5 for name in WEIGHTS)
    assert "W1 is a weight: Train changes it" in ws.scene.nodes["W1"].weight_mark.toolTip()
    mark = ws.scene.nodes["X"].weight_mark
    centre = mark.mapToScene(mark.box_rect().center())
    where = view_point(ws, (centre.x(), centre.y()))
    qtbot.mouseClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=where)   # a double-click: a click, then
    qtbot.mouseDClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=where)  # the double-click event
    assert g.weights == WEIGHTS and not editor(ws).isVisible()   # ticked and unticked, no rename editor
    assert ws.scene.nodes["X"].weight_mark.isVisible() and not ws.scene.nodes["X"].weight_mark.checked
    assert getattr(ws.scene.nodes["H1"], "weight_mark", None) is None   # formula nodes have no box
    qtbot.waitUntil(lambda: panel.findChild(QPushButton, "trainPlay").isEnabled())
    assert "prediction Yhat" in panel.what.text() and panel.prediction.currentText() == "Yhat"

    start = {n: g.node(n).value for n in (*WEIGHTS, "X", "Y")}
    before = picture(panel)
    panel.grab().save("/tmp/train-before.png")
    panel.steps.setValue(200)
    index = ws.undo_stack.index()
    press(qtbot, panel, "trainPlay")
    assert panel.progress.isVisible() and panel.findChild(QPushButton, "trainPlay").text() == "Stop"
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=300000)
    assert len(panel.losses) == 200 and panel.losses[-1] < 0.2 * panel.losses[0]
    assert list(panel.line.getData()[1]) == panel.losses
    panel.grab().save("/tmp/train-after.png")
    assert np.mean(np.abs(picture(panel) - before)) > 5
    assert ws.undo_stack.index() == index + 1        # the session: one undo step
    assert g.node("X").value != start["X"]           # the toy set is in X
    ws.undo_stack.undo()
    assert {n: g.node(n).value for n in start} == start
    ws.undo_stack.redo()
    assert g.node("W1").value != start["W1"]


def test_esc_stops_a_run_and_step_extends_the_session(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp-batch")
    for name in WEIGHTS:
        tick(qtbot, ws, name)
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    panel.steps.setValue(100000)
    index = ws.undo_stack.index()
    press(qtbot, panel, "trainPlay")
    qtbot.waitUntil(lambda: len(panel.losses) >= 3, timeout=300000)
    assert panel.progress.isVisible() and "training…" in panel.status.text()
    panel.grab().save("/tmp/train-running.png")
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    assert not panel.timer.isActive() and panel.isVisible()
    taken = len(panel.losses)
    press(qtbot, panel, "trainStep")
    assert len(panel.losses) == taken + 1 and ws.undo_stack.index() == index + 1
    press(qtbot, panel, "trainReset")
    assert panel.losses == [] and ws.undo_stack.index() == index
    panel.data.setCurrentText("XOR")   # another data set: the next step binds it, in a new session
    press(qtbot, panel, "trainStep")
    points = np.array(ws.document.graph.node("X").value)
    labels = np.array(ws.document.graph.node("Y").value)
    assert np.array_equal(labels, np.where(points[0] * points[1] >= 0, 1.0, -1.0)[None, :])
    assert ws.undo_stack.index() == index + 1 and len(panel.losses) == 1


def test_the_context_menu_marks_a_weight(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp-batch")
    entries = open_menu_and_choose(qtbot, ws, node_point(ws, "W1", "centre"), "Weight (Train changes it)")
    assert "Weight (Train changes it)" in entries and ws.document.graph.weights == ("W1",)
    ws.undo_stack.undo()
    assert ws.document.graph.weights == ()


def test_the_panel_says_why_a_graph_cannot_be_trained(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    assert getattr(ws.scene.nodes["w"], "weight_mark", None) is None   # scalar inputs: no box until marked
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    open_menu_and_choose(qtbot, ws, node_point(ws, "w", "centre"), "Weight (Train changes it)")
    assert ws.scene.nodes["w"].weight_mark.checked
    qtbot.waitUntil(lambda: "no data input" in panel.what.text())
    assert not panel.findChild(QPushButton, "trainStep").isEnabled()
    assert panel.what.text().startswith("Cannot train this graph: no data input: training needs an input matrix X")
    assert controls_without_tooltips(panel) == []


def test_new_network_gives_a_trainable_graph_at_once(qtbot, graph_workspace):
    ws = graph_workspace
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    assert panel.what.text().startswith("The graph is empty: New network")
    panel.grab().save("/tmp/train-empty.png")
    press(qtbot, panel, "trainNew")
    assert ws.document.graph.weights == WEIGHTS
    qtbot.wait(20)
    ws.grab().save("/tmp/train-new-network.png")
    press(qtbot, panel, "trainStep")
    assert len(panel.losses) == 1
    ws.undo_stack.undo()
    ws.undo_stack.undo()
    assert len(ws.document.graph) == 0
