"""A big graph's work keeps the window's event loop running and still ends where the synchronous work ended: an
edit's passes run on a worker (stale results dropped, every pass's numbers shown once they arrive), labels are
placed a slice at a time and still do not overlap, an export shows progress and can be cancelled, long edges
painted in pieces look the same, and a panned view shows what a full repaint shows. (No timings here: see
benchmarks/bench_graph_gui.py.)"""
from __future__ import annotations

import itertools
import threading

import pytest
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from engine.graph import Graph
from engine.graph.fileformat import load_graph
from gui.graph import background, opening
from gui.graph.exporting import export_png
from gui.graph.long_edges import RoutedEdge
from tests.gui.graph_helpers import scene_picture, zoom_to
from tests.gui.test_graph_scale import big_file, settled

pytestmark = pytest.mark.gui


@pytest.fixture
def big(qtbot, graph_workspace, tmp_path):
    ws = graph_workspace
    path = big_file(tmp_path)
    ws.open_file(str(path))
    return ws, path


def shown_numbers(ws) -> dict[str, float]:
    return {name: item.value for name, item in ws.scene.nodes.items()}


def test_an_edit_of_a_big_graph_computes_on_a_worker_and_shows_only_the_newest_numbers(qtbot, big, monkeypatch):
    ws, path = big
    monkeypatch.setattr(Graph, "passes_laid_out", lambda self: False)   # formulas to compile: the worker's work
    source = ws.document.graph.inputs[0]
    release, calls, runs = threading.Event(), itertools.count(), []
    compute = background.compute

    def held_first(graph, mode, generation, version):   # the first run waits until two more edits are made
        runs.append(graph.nodes[source].value)
        if next(calls) == 0:
            release.wait(30)
        return compute(graph, mode, generation, version)
    monkeypatch.setattr(background, "compute", held_first)
    shown = []
    ws.scene.numbers_changed.connect(lambda: shown.append(ws.scene.nodes[source].value))

    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(1)
    for value in ("0.5", "0.75", "1.25"):
        ws.document.edit_content(source, value)
        qtbot.waitUntil(lambda: ws.scene.passes.running)
    qtbot.waitUntil(lambda: len(ticks) > 5)   # the window's event loop runs while the first pass is held
    assert not ws.scene.numbers_current and shown == []
    release.set()
    qtbot.waitUntil(lambda: ws.scene.numbers_current, timeout=30_000)
    timer.stop()

    assert runs == [0.5, 1.25]   # the held run, then only the newest of the edits made meanwhile
    assert shown == [1.25]       # the held run's numbers were stale: never shown
    engine = load_graph(path)
    engine.set_value(source, 1.25)
    values, adjoints = engine.forward(), engine.backward()
    for name, item in ws.scene.nodes.items():
        assert item.value == pytest.approx(values[name], rel=1e-12, abs=1e-300), name
        assert item.adjoint == pytest.approx(adjoints[name], rel=1e-12, abs=1e-300), name
    # the live graph took the worker's results: the paths panel's sum agrees with backprop at once
    assert "agree" in ws.paths.sum_label.text()


def test_labels_placed_a_slice_at_a_time_on_a_big_graph_do_not_overlap(qtbot, big):
    ws, _ = big
    output = ws.scene.nodes[ws.document.graph.output]
    zoom_to(ws, 1.0)
    ws.canvas.centerOn(output.sceneBoundingRect().center())
    qtbot.waitUntil(lambda: ws.scene.view_settled, timeout=60_000)
    view = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    rects = [e.tag.sceneBoundingRect() for e in ws.scene.shown_labels if e.tag.isVisible()]
    seen = [r for r in rects if r.intersects(view)]
    assert len(seen) > 10
    for a, b in itertools.combinations(rects, 2):
        assert not a.adjusted(1, 1, -1, -1).intersects(b.adjusted(1, 1, -1, -1))


def test_a_big_export_shows_progress_can_be_cancelled_and_then_writes_the_whole_graph(qtbot, big, tmp_path,
                                                                                     monkeypatch):
    ws, _ = big
    monkeypatch.setattr(opening, "PROGRESS_DELAY_MS", 0)
    target = tmp_path / "big.png"
    progress = []

    def cancel_when_shown():
        dialog = ws.window().findChild(QProgressDialog, "graphExportProgress")
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(5, cancel_when_shown)
            return
        progress.append(dialog.labelText())
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, cancel_when_shown)
    with pytest.raises(ValueError, match="cancelled"):
        export_png(ws.scene, str(target))
    assert progress and "big.png" in progress[0]   # "Exporting big.png…", "Routing edges for big.png…", …
    assert not target.exists()

    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(0)
    export_png(ws.scene, str(target))
    timer.stop()
    assert len(ticks) > 3   # the event loop ran while the graph was routed, drawn and encoded
    image = QImage(str(target))
    assert image.width() > 2000
    colours = {image.pixel(x, y) for x in range(0, image.width(), 13) for y in range(0, image.height(), 13)}
    assert len(colours) > 20
    assert not ws.scene._everywhere   # the view's own labels are placed again


def test_long_edges_painted_in_pieces_look_as_painted_whole(qtbot, big):
    ws, _ = big
    settled(qtbot, ws)
    scene = ws.scene
    long_edges = [e for e in scene.edges.values() if isinstance(e, RoutedEdge) and e.pieces]
    assert long_edges
    box = long_edges[0].sceneBoundingRect()
    source = QRectF(box.center().x() - 1500, box.center().y() - 900, 3000, 1800)

    in_pieces = scene_picture(scene, source, 750, 450)
    kept = {e: e.pieces for e in long_edges}
    for edge in long_edges:
        edge.pieces = None
    whole = scene_picture(scene, source, 750, 450)
    for edge, pieces in kept.items():
        edge.pieces = pieces
    differing = sum(in_pieces.pixel(x, y) != whole.pixel(x, y) for x in range(0, 750, 3) for y in range(0, 450, 3))
    assert differing < 0.002 * 250 * 150   # the same strokes (a few anti-aliased pixels may round differently)
    assert len({in_pieces.pixel(x, y) for x in range(0, 750, 3) for y in range(0, 450, 3)}) > 5


def test_a_panned_big_graph_shows_what_a_full_repaint_shows(qtbot, big):
    ws, _ = big
    canvas = ws.canvas
    qtbot.waitUntil(lambda: ws.scene.view_settled, timeout=60_000)
    for step in range(12):   # scrolling repaints only the strip that comes into view
        canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().value() + 47)
        canvas.verticalScrollBar().setValue(canvas.verticalScrollBar().value() + 13)
        qtbot.wait(5)
    settled(qtbot, ws)   # every edge routed and the numbers of the graph as it is shown (not greyed, none on their
    # way from the worker): the badge is gone and nothing changes between the grabs but what the repaint redraws
    qtbot.waitUntil(lambda: ws.scene.view_settled and ws.scene.numbers_current and not ws.busy_badge.isVisible(),
                    timeout=60_000)
    screen = QApplication.primaryScreen()

    def grab():
        return screen.grabWindow(canvas.viewport().winId()).toImage()

    def differing(a, b):
        assert a.size() == b.size()
        return sum(a.pixel(x, y) != b.pixel(x, y) for x in range(0, a.width(), 2) for y in range(0, a.height(), 2))

    on_screen = grab()
    for _ in range(20):   # the strips painted while scrolling, once nothing else is still arriving on screen
        qtbot.wait(100)
        again = grab()
        if differing(on_screen, again) == 0:
            break
        on_screen = again
    canvas.viewport().repaint()
    qtbot.wait(50)
    repainted = grab()
    w, h = on_screen.width(), on_screen.height()
    assert differing(on_screen, repainted) < 0.002 * (w // 2) * (h // 2)
