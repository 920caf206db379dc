"""Train: a new two-moons classifier from the panel, Play steps gradient descent until stopped; the loss curve
falls, the decision picture changes, Undo takes a step back and Reset puts the starting weights back."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui


def press(qtbot, panel, name):
    qtbot.mouseClick(panel.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def picture(panel) -> np.ndarray:
    image = panel.picture.pixmap().toImage()
    return np.array([[image.pixelColor(x, y).red() - image.pixelColor(x, y).blue() for x in range(0, 220, 11)]
                     for y in range(0, 220, 11)])


def test_training_lowers_the_loss_and_changes_the_picture(qtbot, graph_workspace):
    ws = graph_workspace
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    assert panel.isVisible()
    press(qtbot, panel, "trainNew")
    g = ws.document.graph
    assert g.is_tensor and set(panel.weights()) == {"W1", "b1", "W2", "b2"}
    start = {n: g.node(n).value for n in panel.weights()}
    before = picture(panel)
    press(qtbot, panel, "trainStep")
    after_one = {n: g.node(n).value for n in panel.weights()}
    assert after_one != start
    ws.document.undo_stack.undo()   # one step back
    assert {n: g.node(n).value for n in panel.weights()} == start
    ws.document.undo_stack.redo()
    press(qtbot, panel, "trainPlay")
    qtbot.waitUntil(lambda: len(panel.losses) >= 40, timeout=60000)
    press(qtbot, panel, "trainPlay")   # stop
    assert not panel.timer.isActive()
    assert panel.losses[-1] < 0.8 * panel.losses[0]
    xs, ys = panel.line.getData()
    assert list(ys) == panel.losses
    panel.grab().save("/tmp/tensor-train.png")
    assert np.mean(np.abs(picture(panel) - before)) > 5
    press(qtbot, panel, "trainReset")
    assert {n: g.node(n).value for n in start} == start and panel.losses == []
