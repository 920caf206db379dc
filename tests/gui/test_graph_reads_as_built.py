"""The graph reads right while it is built: every node shows its value without pressing Forward; renaming onto a
taken name offers to swap the two (the chapter's w, x, y, z from the automatic x, y, z, w); the 60-layer preset
opens readable, its paths tell themselves apart, its count reads "… = 2⁶⁰", and its surface axes are two
inputs."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QMessageBox, QPushButton

from gui.graph.canvas import READABLE_ZOOM
from gui.graph.items import INPUT_FILL
from gui.graph.paths import format_count
from tests.gui.graph_helpers import CHAPTER_POINT, click_button, place, type_into_node, visible

pytestmark = pytest.mark.gui


def near(colour, target, tolerance: int = 12) -> bool:
    """Equal up to the screen's colour depth (Xvfb may run at 16 bits)."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], target.getRgb()[:3]))


def node_image(ws, name: str) -> QImage:
    item = ws.scene.nodes[name]
    rect = item.sceneBoundingRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    ws.scene.render(painter, image.rect().toRectF(), rect)
    painter.end()
    return image


def test_new_nodes_show_their_values_without_pressing_forward(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 100))
    type_into_node(qtbot, ws, x, "body", "3")
    h = place(qtbot, ws, "formula", visible(ws, 450, 100))
    blank = node_image(ws, h)
    type_into_node(qtbot, ws, h, "body", "x^2 + 1")
    assert ws.scene.nodes[x].value == 3.0 and ws.scene.nodes[h].value == 10.0
    type_into_node(qtbot, ws, x, "body", "-2")      # a later edit updates the values at once
    assert ws.scene.nodes[h].value == 5.0
    assert node_image(ws, h) != blank                 # and the node draws them


def test_renaming_onto_a_taken_name_offers_a_swap_that_is_one_undo_step(qtbot, graph_workspace):
    ws = graph_workspace
    placed = [place(qtbot, ws, "input", visible(ws, 100, 60 + 150 * i)) for i in range(4)]
    assert placed == ["x", "y", "z", "w"]            # top to bottom; the chapter wants w, x, y, z
    for name, value in zip(placed, CHAPTER_POINT):
        type_into_node(qtbot, ws, name, "body", repr(value))
    h = place(qtbot, ws, "formula", visible(ws, 450, 200))
    type_into_node(qtbot, ws, h, "body", "x + 10*w")
    steps = ws.undo_stack.count()
    for top, wanted in zip(["x", "y", "z"], ["w", "x", "y"]):
        # the node at this height is called `top`; the user types the chapter's name for it
        current = next(n for n, item in ws.scene.nodes.items() if item.pos() == ws.scene.nodes[top].pos())
        type_into_node(qtbot, ws, current, "header", wanted)
        box = ws.canvas.swap_box
        qtbot.waitUntil(box.isVisible)
        assert f"already a node named '{wanted}'" in box.text()
        qtbot.mouseClick(box.findChild(QPushButton, "swapNamesButton"), Qt.MouseButton.LeftButton)
    tops = sorted(ws.document.graph.inputs, key=lambda n: ws.scene.nodes[n].pos().y())
    assert tops == ["w", "x", "y", "z"]
    values = {n: ws.document.graph.nodes[n].value for n in tops}
    assert values == dict(zip("wxyz", CHAPTER_POINT))   # each value went with its node
    assert ws.undo_stack.count() == steps + 3             # one step per swap
    # the formula followed the swaps: it still reads the node that was x (now w) and the one that was w (now z)
    assert ws.document.graph.nodes[h].formula.replace(" ", "") == "w+10*z"
    assert ws.scene.values[h] == pytest.approx(CHAPTER_POINT[0] + 10 * CHAPTER_POINT[3])
    click_button(qtbot, ws, "graphUndoButton")   # takes back the last swap alone: the third node is z again
    values = {n: ws.document.graph.nodes[n].value for n in "wxyz"}
    assert values == {"w": CHAPTER_POINT[0], "x": CHAPTER_POINT[1], "z": CHAPTER_POINT[2], "y": CHAPTER_POINT[3]}


def test_the_60_layer_preset_is_readable(qtbot, window_on_graph):
    mw, ws = window_on_graph
    mw.resize(1024, 700)
    ws.apply_preset("four-inputs")                # the chapter's w, x, y, z axes chosen first
    assert ws.sender_panel.axes() == ("w", "x")
    qtbot.waitUntil(lambda: not ws.canvas._part_note.isActive())   # the view has said what it shows
    assert "too large" not in mw.statusBar().currentMessage()   # the chapter's graph is shown whole
    ws.apply_preset("layered-60")
    assert ws.paths.count_label.text() == "Listing the paths from x to f…"   # not the last graph's "4 paths"
    qtbot.waitUntil(lambda: "too large to read whole: its start is shown" in mw.statusBar().currentMessage())
    zoom = ws.canvas.transform().m11()
    assert zoom >= READABLE_ZOOM                   # not a thin line at minimum zoom
    seen = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    assert seen.contains(ws.scene.nodes["x"].sceneBoundingRect())   # the start of the graph is in view
    picture = ws.canvas.viewport().grab().toImage()
    filled = sum(near(picture.pixelColor(x, y), INPUT_FILL) for x in range(0, picture.width(), 2)
                 for y in range(0, picture.height(), 2))
    assert filled * 4 > 2 * 1500   # the two input boxes are drawn at a readable size (≥ 1,500 px each)
    # a graph past SYNC_NODES has its paths listed over a few event-loop turns
    qtbot.waitUntil(lambda: ws.paths.count_label.text().startswith("1,") and ws.paths.list.count() == 200)
    count = ws.paths.count_label.text()
    assert count.startswith("1,152,921,504,606,846,976 = 2⁶⁰ paths from x to f")
    texts = [ws.paths.list.item(i).text() for i in range(ws.paths.list.count())]
    assert len(set(texts)) == len(texts) == 200    # every listed path reads differently ...
    assert all("⋯51 nodes⋯" in t for t in texts)  # ... with the stretch they share collapsed
    width = ws.paths.list.viewport().width()       # ... and wrapping within the list, not running off its edge
    assert all(ws.paths.list.visualItemRect(ws.paths.list.item(i)).width() <= width for i in range(5))
    assert ws.sender_panel.axes() == ("x", "y")    # not "x / x"


@pytest.mark.parametrize("n, text", [(3, "3"), (1000, "1,000"), (1024, "1,024 = 2¹⁰"), (2 ** 60 + 1,
                                                                                          "1,152,921,504,606,846,977")])
def test_path_counts_are_grouped_and_powers_of_two_named(n, text):
    assert format_count(n) == text


def test_no_message_box_is_left_open_after_a_swap(qtbot, graph_workspace):
    ws = graph_workspace
    place(qtbot, ws, "input", visible(ws, 100, 60))
    place(qtbot, ws, "input", visible(ws, 100, 220))
    type_into_node(qtbot, ws, "x", "header", "y")
    box = ws.canvas.swap_box
    qtbot.waitUntil(box.isVisible)
    qtbot.keyClick(box, Qt.Key.Key_Return)         # Enter takes the offer
    assert not box.isVisible()
    assert ws.scene.nodes["y"].pos().y() < ws.scene.nodes["x"].pos().y()
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in ws.findChildren(QMessageBox))
