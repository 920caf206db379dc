"""A training session's loss curve goes with its values through undo and redo: Reset (or Undo) puts the starting
weights back and empties the curve; Redo puts the trained weights back and the same curve with them (model, plotted
data and red pixels of the curve); a Step after Redo extends that curve in the same session."""
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


def curve_ink(panel) -> int:
    """Pixels of the curve's red (#b91c1c) in the loss plot as drawn."""
    a = panel.curve.grab().toImage()
    return sum(1 for x in range(0, a.width(), 2) for y in range(0, a.height(), 2)
               if (c := a.pixelColor(x, y)).red() > 140 and c.green() < 80 and c.blue() < 80)


def shown(qtbot, panel):
    qtbot.wait(30)   # the panel redraws once per event-loop turn after graph events
    xs, ys = panel.line.getData()
    return ([] if ys is None else list(ys)), curve_ink(panel)


def test_redo_after_reset_brings_back_the_weights_and_the_curve(qtbot, graph_workspace):
    ws = graph_workspace
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    press(qtbot, panel, "trainNew")
    g = ws.document.graph
    start = {n: g.node(n).value for n in WEIGHTS}
    index = ws.undo_stack.index()
    for _ in range(12):
        press(qtbot, panel, "trainStep")
    trained, curve = {n: g.node(n).value for n in WEIGHTS}, list(panel.losses)
    assert len(curve) == 12 and curve[-1] < curve[0]
    ys, ink = shown(qtbot, panel)
    assert ys == curve and ink > 20 and panel.pass_mean.getData()[1] is None   # all points each step: no pass mean

    press(qtbot, panel, "trainReset")
    assert {n: g.node(n).value for n in WEIGHTS} == start and ws.undo_stack.index() == index
    ys, ink = shown(qtbot, panel)
    assert panel.losses == [] and ys == [] and ink == 0 and panel.status.text().startswith("Step or Train")

    ws.undo_stack.redo()
    assert {n: g.node(n).value for n in WEIGHTS} == trained
    ys, ink_redone = shown(qtbot, panel)
    assert panel.losses == curve and ys == curve and ink_redone > 20
    assert panel.status.text().startswith(f"step 12: loss {curve[-1]:.4g}")
    assert panel.findChild(QPushButton, "trainReset").isEnabled()

    ws.undo_stack.undo()
    assert shown(qtbot, panel)[0] == [] and panel.losses == []
    ws.undo_stack.redo()
    assert panel.losses == curve

    press(qtbot, panel, "trainStep")                 # the redone session goes on: one undo step, the curve extended
    assert ws.undo_stack.index() == index + 1 and len(panel.losses) == 13 and panel.losses[:12] == curve
    ws.undo_stack.undo()
    assert {n: g.node(n).value for n in WEIGHTS} == start and panel.losses == []
    ws.undo_stack.redo()
    assert len(panel.losses) == 13 and np.allclose(panel.losses[:12], curve)
