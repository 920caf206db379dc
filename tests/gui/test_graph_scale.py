"""Big graphs in the Graph workspace: a 1,000-node file opens through File → Open and Backward shows the engine's
numbers; labels are drawn only at a readable zoom, a big graph zoomed out is drawn as an overview; an edit re-routes
only the edges it reaches; an open can be cancelled and leaves the graph as it was. (Timings are in
benchmarks/bench_graph_gui.py, never here.)"""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from engine.graph.fileformat import load_graph, save_graph
from engine.graph.samples import random_graph
from gui.graph import opening
from gui.graph.items import ADJOINT_TEXT, HEADER_HEIGHT, LABEL_TEXT, NODE_WIDTH, SPREAD, VALUE_TEXT
from gui.graph.detail import LABEL_SCALE
from tests.gui.graph_helpers import click_button, label_ink, labels_placed, menu_action, zoom_to

pytestmark = pytest.mark.gui


def big_file(folder, nodes: int = 1000, seed: int = 3):
    graph = random_graph(nodes - 8, seed=seed, inputs=8)
    graph.tidy()
    path = folder / f"big-{nodes}.gsgraph.json"
    save_graph(graph, path)
    return path


def ink(ws, rect, colour: QColor, tolerance: int = 40) -> int:
    """Pixels near ``colour`` inside the scene rect ``rect``, as the viewport draws it."""
    image = ws.canvas.viewport().grab().toImage()
    box = ws.canvas.mapFromScene(rect).boundingRect().intersected(image.rect())
    count = 0
    for x in range(box.left(), box.right()):
        for y in range(box.top(), box.bottom()):
            c = image.pixelColor(x, y)
            if max(abs(c.red() - colour.red()), abs(c.green() - colour.green()),
                   abs(c.blue() - colour.blue())) < tolerance:
                count += 1
    return count


def settled(qtbot, ws):
    qtbot.waitUntil(lambda: not ws.scene.building and not ws.scene.layout.pending, timeout=120_000)


def test_a_thousand_node_file_opens_through_the_menu_and_backward_shows_the_engines_numbers(
        qtbot, window_on_graph, tmp_path, monkeypatch):
    mw, ws = window_on_graph
    path = big_file(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ws.file_filter))
    menu_action(mw, "Open…").trigger()
    engine = load_graph(path)
    assert len(ws.scene.nodes) == 1000 == len(ws.document.graph)
    assert set(ws.scene.edges) == set(engine.edges())
    assert mw.windowTitle().startswith(path.name) and ws.undo_stack.isClean()

    click_button(qtbot, ws, "backwardButton")
    values, adjoints = engine.forward(), engine.backward()
    for name, item in ws.scene.nodes.items():
        assert item.value == pytest.approx(values[name], rel=1e-12, abs=1e-300), name
        assert item.adjoint == pytest.approx(adjoints[name], rel=1e-12, abs=1e-300), name
    # opened, it shows its start at a readable zoom (too big to read whole); zoomed out to all of it, it is an
    # overview: one item draws every node as a box, the node items are not drawn
    assert ws.canvas.transform().m11() >= LABEL_SCALE and ws.scene.layer.isVisible()
    everything = ws.scene.nodes_bounding_rect()
    zoom_to(ws, 0.8 * ws.canvas.viewport().width() / everything.width())
    ws.canvas.centerOn(everything.center())
    assert ws.scene.overview.isVisible() and not ws.scene.layer.isVisible()
    assert ink(ws, everything, QColor("#9ca3af"), 30) > 300   # the formula nodes drawn as boxes
    # zoomed in on the output, its value and adjoint are drawn as text
    output = ws.scene.nodes[engine.output]
    zoom_to(ws, 1.0)
    ws.canvas.centerOn(output.sceneBoundingRect().center())
    settled(qtbot, ws)
    assert not ws.scene.overview.isVisible() and ws.scene.layer.isVisible()
    body = output.sceneBoundingRect()
    value_line = body.adjusted(8, HEADER_HEIGHT + 17, -(body.width() - NODE_WIDTH) - 8, 0)
    value_line.setHeight(17)
    adjoint_line = value_line.translated(0, 17)
    assert ink(ws, value_line, VALUE_TEXT, 60) > 10
    assert ink(ws, adjoint_line, ADJOINT_TEXT, 60) > 10


def test_labels_are_drawn_only_when_zoomed_in_enough_to_read_them(qtbot, graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    click_button(qtbot, ws, "backwardButton")
    labels_placed(qtbot, ws)
    assert ws.canvas.transform().m11() >= LABEL_SCALE   # fitted: the whole graph in view, readable
    assert ws.scene.labels_readable
    assert all(e.tag.isVisible() for e in ws.scene.edges.values())
    assert all(label_ink(ws, key) > 5 for key in ws.scene.edges)
    ws.canvas.zoom_by(0.3)   # a fifth of a label's height on screen: unreadable
    assert ws.canvas.transform().m11() < LABEL_SCALE and not ws.scene.labels_readable
    assert not any(e.tag.isVisible() for e in ws.scene.edges.values())
    edges_box = ws.scene.nodes_bounding_rect()
    assert ink(ws, edges_box, QColor(LABEL_TEXT)) == 0
    ws.canvas.zoom_by(1 / 0.3)
    ws.canvas.centerOn(edges_box.center())
    labels_placed(qtbot, ws)
    assert all(e.tag.isVisible() for e in ws.scene.edges.values())
    assert all(label_ink(ws, key) > 5 for key in ws.scene.edges)


def test_a_value_edit_routes_nothing_and_a_move_only_the_edges_it_reaches(qtbot, graph_workspace):
    ws = graph_workspace
    graph = random_graph(60, seed=5, inputs=4)
    graph.tidy()
    ws.document.replace(graph, "Open a medium graph")
    ws.scene.ensure_layout()
    routes = {key: edge.route for key, edge in ws.scene.edges.items()}
    source = ws.document.graph.inputs[0]
    ws.document.edit_content(source, "0.375")
    ws.scene.ensure_layout()
    assert all(edge.route is routes[key] for key, edge in ws.scene.edges.items())   # nothing re-routed

    mover = ws.scene.nodes["n30"]
    old = mover.sceneBoundingRect()
    new_pos = _free_spot_below(ws, "n30")
    ws.document.move({"n30": new_pos})
    ws.scene.ensure_layout()
    new = mover.sceneBoundingRect()
    changed = {key for key, edge in ws.scene.edges.items() if edge.route is not routes[key]}
    assert changed   # its own edges at least
    for key in changed:
        before = _bounds(routes[key])
        own = "n30" in key
        reached = before.intersects(old.adjusted(-8, -8, 8, 8)) or before.intersects(new.adjusted(-8, -8, 8, 8))
        shares_child = any(k[1] == key[1] and "n30" in k for k in ws.scene.edges)   # arrival order of a child
        assert own or reached or shares_child, f"{key} was routed again though the move does not reach it"
    for key, edge in ws.scene.edges.items():   # and routes still keep off every other node
        points = [edge.path().pointAtPercent(i / 200) for i in range(201)]
        for name, item in ws.scene.nodes.items():
            if name not in key:
                assert not any(item.sceneBoundingRect().contains(p) for p in points), (key, name)


def _free_spot_below(ws, name: str) -> tuple[float, float]:
    """A model position further down the node's column where it overlaps no other node."""
    x, y = ws.document.graph.nodes[name].pos
    others = [i.sceneBoundingRect().adjusted(-20, -20, 20, 20) for n, i in ws.scene.nodes.items() if n != name]
    for dy in range(50, 2000, 25):
        rect = ws.scene.nodes[name].sceneBoundingRect().translated(0, dy * SPREAD[1])
        if not any(rect.intersects(o) for o in others):
            return x, y + dy
    raise AssertionError("no free spot")


def _bounds(route):
    xs = [p[0] for seg in route for p in seg]
    ys = [p[1] for seg in route for p in seg]
    return QRectF(QPointF(min(xs), min(ys)), QPointF(max(xs), max(ys)))


def _click_cancel(qtbot, ws, then=None):
    dialog = ws.window().findChild(QProgressDialog, "graphOpenProgress")
    if dialog is None or not dialog.isVisible():
        QTimer.singleShot(10, lambda: _click_cancel(qtbot, ws, then))
        return
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    if then is not None:
        then()


def test_cancelling_an_open_while_the_file_is_read_leaves_the_graph_as_it_was(qtbot, graph_workspace, tmp_path,
                                                                               monkeypatch):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    before, steps = ws.document.graph.snapshot(), ws.undo_stack.count()
    path = big_file(tmp_path)
    release = threading.Event()
    read = opening.load_with_numbers
    monkeypatch.setattr(opening, "load_with_numbers", lambda p: (release.wait(30), read(p))[1])
    monkeypatch.setattr(opening, "PROGRESS_DELAY_MS", 0)
    QTimer.singleShot(0, lambda: _click_cancel(qtbot, ws, release.set))
    with pytest.raises(ValueError, match="cancelled"):
        ws.open_file(str(path))
    assert ws.document.graph.snapshot() == before and ws.undo_stack.count() == steps
    assert len(ws.scene.nodes) == len(before[0])


def test_cancelling_an_open_while_the_graph_is_built_takes_the_open_back(qtbot, graph_workspace, tmp_path,
                                                                         monkeypatch):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    before, steps = ws.document.graph.snapshot(), ws.undo_stack.count()
    monkeypatch.setattr(opening, "PROGRESS_DELAY_MS", 0)
    cancelled = []

    def cancel_on_first_slice(done, total):
        if not cancelled:
            cancelled.append(done)
            _click_cancel(qtbot, ws)
    ws.scene.progress.connect(cancel_on_first_slice)
    with pytest.raises(ValueError, match="cancelled"):
        ws.open_file(str(big_file(tmp_path, 3000)))
    assert cancelled and cancelled[0] < 3000
    assert ws.document.graph.snapshot() == before and ws.undo_stack.count() == steps
    assert not ws.undo_stack.canRedo()   # the Open left no step behind
    settled(qtbot, ws)
    assert set(ws.scene.nodes) == set(ws.document.graph.nodes)
