"""Building the chapter's four-input graph by clicking and typing, then forward, backward, paths, undo and redo."""
from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox, QToolButton

from gui.graph.paths import PATH_ROLE
from tests.gui.graph_helpers import CHAPTER_POINT, build_chapter_graph, click_button, connect, editor, type_into_node

pytestmark = pytest.mark.gui

W, X, Y, Z = CHAPTER_POINT


def chapter_f(w, x, y, z):
    """The chapter's function written out by hand, for independent checks."""
    a, b = (w + x + y + z) ** 2, (w + x - y - z) ** 2
    u, v = (a + b) ** 2, (a - b) ** 2
    return (u + v) ** 2


def central_difference(i: int, h: float = 1e-5) -> float:
    point = [W, X, Y, Z]
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (chapter_f(*up) - chapter_f(*down)) / (2 * h)


def red_text_pixels(ws, name: str) -> int:
    """Pixels of the adjoint colour inside a node's rectangle on screen."""
    image = ws.canvas.viewport().grab().toImage()
    rect = ws.canvas.mapFromScene(ws.scene.nodes[name].sceneBoundingRect()).boundingRect()
    target, count = QColor("#b91c1c"), 0
    for px in range(max(rect.left(), 0), min(rect.right(), image.width())):
        for py in range(max(rect.top(), 0), min(rect.bottom(), image.height())):
            c = image.pixelColor(px, py)
            if abs(c.red() - target.red()) < 40 and c.green() < 90 and c.blue() < 90:
                count += 1
    return count


def test_build_by_clicking_then_forward_and_backward(qtbot, graph_workspace):
    ws = graph_workspace
    build_chapter_graph(qtbot, ws)
    g = ws.document.graph
    assert set(g.nodes) == set("wxyzabuvf") and g.output == "f"
    assert sorted(g.edges()) == sorted([(p, "a") for p in "wxyz"] + [(p, "b") for p in "wxyz"]
                                       + [("a", "u"), ("b", "u"), ("a", "v"), ("b", "v"), ("u", "f"), ("v", "f")])
    assert red_text_pixels(ws, "w") == 0

    click_button(qtbot, ws, "forwardButton")
    expected_f = chapter_f(W, X, Y, Z)
    assert expected_f == 1024.0
    assert ws.scene.nodes["f"].value == expected_f
    assert ws.scene.nodes["w"].adjoint is None

    click_button(qtbot, ws, "backwardButton")
    for i, name in enumerate("wxyz"):
        reference = central_difference(i)
        shown = ws.scene.nodes[name].adjoint
        assert shown == pytest.approx(reference, rel=1e-6)
        assert shown == -4096.0
    ws.canvas.viewport().repaint()
    assert red_text_pixels(ws, "w") > 20   # the adjoint line is drawn on the node
X


def test_paths_from_y_listed_and_highlighted(qtbot, graph_workspace):
    ws = graph_workspace
    build_chapter_graph(qtbot, ws)
    click_button(qtbot, ws, "backwardButton")
    ws.paths.source.setCurrentText("y")
    assert ws.paths.count_label.text().startswith("4 paths from y to f")
    # hand-derived local partials at the chapter's point: a = 4, b = 0, u = v = 16
    s1, s2 = W + X + Y + Z, W + X - Y - Z
    a, b = s1 ** 2, s2 ** 2
    u, v = (a + b) ** 2, (a - b) ** 2
    partial = {("y", "a"): 2 * s1, ("y", "b"): -2 * s2, ("a", "u"): 2 * (a + b), ("b", "u"): 2 * (a + b),
               ("a", "v"): 2 * (a - b), ("b", "v"): -2 * (a - b), ("u", "f"): 2 * (u + v), ("v", "f"): 2 * (u + v)}
    listed = ws.paths.list
    rows = [listed.item(i) for i in range(listed.count())]
    paths = {r.data(PATH_ROLE) for r in rows}
    assert paths == {("y", "a", "u", "f"), ("y", "a", "v", "f"), ("y", "b", "u", "f"), ("y", "b", "v", "f")}
    total = 0.0
    for row in rows:
        nodes = row.data(256)
        product = math.prod(partial[e] for e in zip(nodes, nodes[1:]))
        total += product
        assert row.text().endswith(f"product {product + 0.0:g}".replace("-", "−"))   # -0 shows as 0
    assert total == pytest.approx(central_difference(2), rel=1e-6)
    assert "−4096" in ws.paths.sum_label.text() and "agree" in ws.paths.sum_label.text()
    assert "14 edges" in ws.paths.why_label.text()

    chosen = next(r for r in rows if r.data(PATH_ROLE) == ("y", "a", "v", "f"))
    rect = listed.visualItemRect(chosen)
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    nodes, edges = ws.scene.highlighted_items()
    assert nodes == {"y", "a", "v", "f"}
    assert edges == {("y", "a"), ("a", "v"), ("v", "f")}
    assert all(e.highlighted == (k in edges) for k, e in ws.scene.edges.items())


def test_undo_to_empty_and_redo_to_full(qtbot, graph_workspace):
    ws = graph_workspace
    build_chapter_graph(qtbot, ws)
    full = ws.document.graph.snapshot()
    steps = ws.undo_stack.count()
    assert steps > 20
    undo = ws.findChild(QToolButton, "graphUndoButton")
    while undo.isEnabled():
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert len(ws.document.graph) == 0 and not ws.scene.nodes and not ws.scene.edges
    redo = ws.findChild(QToolButton, "graphRedoButton")
    while redo.isEnabled():
        qtbot.mouseClick(redo, Qt.MouseButton.LeftButton)
    assert ws.document.graph.snapshot() == full
    assert set(ws.scene.nodes) == set("wxyzabuvf") and len(ws.scene.edges) == 14


def test_cycle_refused_with_message_and_nothing_changes(qtbot, graph_workspace):
    ws = graph_workspace
    build_chapter_graph(qtbot, ws)
    before, steps = ws.document.graph.snapshot(), ws.undo_stack.count()
    type_into_node(qtbot, ws, "a", "body", "f + w")
    assert "cycle" in ws.status_label.text()
    assert editor(ws).isVisible() and editor(ws).text() == "f + w"   # what was typed is kept
    assert ws.document.graph.snapshot() == before and ws.undo_stack.count() == steps
    qtbot.keyClick(editor(ws), Qt.Key.Key_Escape)
    assert not editor(ws).isVisible()
    connect(qtbot, ws, "f", "w")
    assert "input" in ws.status_label.text()
    connect(qtbot, ws, "u", "a")
    assert "cycle" in ws.status_label.text()
    type_into_node(qtbot, ws, "v", "header", "u")   # a taken name: a swap is offered, and Cancel changes nothing
    box = ws.canvas.swap_box
    qtbot.waitUntil(box.isVisible)
    assert "already a node named 'u'" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert ws.document.graph.snapshot() == before and ws.undo_stack.count() == steps
