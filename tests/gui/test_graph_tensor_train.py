"""Train from "New network": a ready-made XOR classifier (its weights ticked) in one click; Step and Train run
gradient descent, the loss curve falls, the decision picture changes, the session is one undo step, and Reset puts
the starting weights back (Redo brings the trained ones)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui

WEIGHTS = ("W1", "b1", "W2", "b2")


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
    panel.data.setCurrentText("XOR")
    press(qtbot, panel, "trainNew")
    g = ws.document.graph
    assert g.is_tensor and g.weights == WEIGHTS and panel.setup.count == 60
    start = {n: g.node(n).value for n in WEIGHTS}
    before = picture(panel)
    index = ws.undo_stack.index()
    press(qtbot, panel, "trainStep")
    assert {n: g.node(n).value for n in WEIGHTS} != start and ws.undo_stack.index() == index + 1
    panel.steps.setValue(300)
    press(qtbot, panel, "trainPlay")
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=300000)
    assert len(panel.losses) == 301 and ws.undo_stack.index() == index + 1
    assert panel.losses[-1] < 0.8 * panel.losses[0]
    xs, ys = panel.line.getData()
    assert list(ys) == panel.losses
    panel.grab().save("/tmp/train-xor-after.png")
    assert np.mean(np.abs(picture(panel) - before)) > 5
    trained = {n: g.node(n).value for n in WEIGHTS}
    press(qtbot, panel, "trainReset")
    assert {n: g.node(n).value for n in WEIGHTS} == start and panel.losses == []
    assert not panel.findChild(QPushButton, "trainReset").isEnabled()
    ws.undo_stack.redo()
    assert {n: g.node(n).value for n in WEIGHTS} == trained
    qtbot.waitUntil(lambda: panel.findChild(QPushButton, "trainReset").isEnabled())
