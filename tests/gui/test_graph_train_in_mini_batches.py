"""Train on the batch MLP preset (X holds 8 points) goes through the whole 64-point toy set, 8 points per step: the
panel says so, each Step puts the next batch in X and Y (8 Steps show X every point once), the picture draws all 64
points and the status counts how many of the 64 are classified right; the session is still one undo step that puts
the preset's own X, Y and weights back exactly."""
from __future__ import annotations

import numpy as np
import pytest

from engine.graph.train import batch_of, toy_set
from gui.graph.train_panel import EXTENT, PICTURE
from tests.gui.graph_helpers import click_button
from tests.gui.test_graph_train_marked_weights import WEIGHTS, press, tick

pytestmark = pytest.mark.gui

RED, BLUE = (0x99, 0x1B, 0x1B), (0x1E, 0x3A, 0x8A)   # the picture's dots: label +1, label −1


def dot_colour_at(image, x, y):
    """The dot colour drawn where the point (x, y) is (None: neither)."""
    c = image.pixelColor(int((x + EXTENT) / (2 * EXTENT) * PICTURE), int((EXTENT - y) / (2 * EXTENT) * PICTURE))
    rgb = (c.red(), c.green(), c.blue())
    for name, ref in (("red", RED), ("blue", BLUE)):
        if all(abs(a - b) < 30 for a, b in zip(rgb, ref)):
            return name
    return None


def test_steps_go_through_the_whole_toy_set_a_batch_at_a_time(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("mlp-batch")
    g = ws.document.graph
    preset = {n: g.node(n).value for n in (*WEIGHTS, "X", "Y")}
    for name in WEIGHTS:
        tick(qtbot, ws, name)
    click_button(qtbot, ws, "trainButton")
    panel = ws.train_panel
    qtbot.waitUntil(lambda: panel.setup is not None)
    assert "X holds 8 points: the Two moons set's 64 go through it 8 at a time" in panel.what.text()
    points, labels = toy_set("Two moons", panel.setup)
    assert points.shape == (2, 64)

    index, seen = ws.undo_stack.index(), []
    for step in range(8):
        press(qtbot, panel, "trainStep")
        X, Y = np.array(g.node("X").value), np.array(g.node("Y").value)
        xs, ys = batch_of(panel.setup, points, labels, step)
        assert np.array_equal(X, xs) and np.array_equal(Y, ys)
        seen += [tuple(p) for p in X.T]
    assert sorted(seen) == sorted(map(tuple, points.T)) and ws.undo_stack.index() == index + 1
    assert len(panel.losses) == 8

    panel.steps.setValue(400)
    press(qtbot, panel, "trainPlay")
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=300000)
    assert len(panel.losses) == 408 and ws.undo_stack.index() == index + 1
    right = int(panel.status.text().split("; ")[1].split("/")[0])
    assert panel.status.text().endswith("/64 points classified right") and right >= 56
    mean = np.mean(panel.losses[-8:])
    assert panel.status.text().startswith(f"step 408: loss {mean:.4g} over the last 8 batches")
    xs, ys = panel.pass_mean.getData()                           # the curve of the mean over each pass, drawn
    assert len(ys) == 401 and ys[-1] == pytest.approx(mean) and ys[-1] < 0.3 * ys[0]
    panel.grab().save("/tmp/train-mini-batches.png")
    image = panel.picture.pixmap().toImage()
    drawn = [dot_colour_at(image, x, y) for x, y in points.T]
    expected = ["red" if label > 0 else "blue" for label in labels.ravel()]
    assert sum(d == e for d, e in zip(drawn, expected)) >= 56   # every point drawn (a few hidden under neighbours)

    ws.undo_stack.undo()
    assert {n: g.node(n).value for n in preset} == preset and panel.losses == []
