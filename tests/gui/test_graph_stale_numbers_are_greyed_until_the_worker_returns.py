"""On a big graph an edit's passes run on a worker; until its numbers arrive the numbers on screen are those of the
graph before the edit. They are greyed (node values and adjoints, edge labels, the Paths panel's sums) and a badge in
the canvas's corner says the numbers are being updated; when the worker returns, the new numbers are drawn in their
own colours and the badge goes. A value edit of a graph whose formulas are compiled is computed at once (about a
millisecond per thousand nodes) and greys nothing. After an open the same badge counts the edges left to route."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QRectF

from engine.graph import Graph
from engine.graph.fileformat import load_graph
from gui.graph import background
from gui.graph.items import ADJOINT_TEXT, HEADER_HEIGHT, LABEL_TEXT, NODE_WIDTH, STALE_TEXT, VALUE_TEXT
from tests.gui.graph_helpers import zoom_to
from tests.gui.test_graph_scale import big_file, ink, settled

pytestmark = pytest.mark.gui


@pytest.fixture
def held_worker(monkeypatch):
    """Edits go to the worker (as when their formulas need compiling first), whose passes wait until the test
    releases them."""
    monkeypatch.setattr(Graph, "passes_laid_out", lambda self: False)
    release = threading.Event()
    compute = background.compute

    def held(*args):
        release.wait(60)
        return compute(*args)
    monkeypatch.setattr(background, "compute", held)
    yield release
    release.set()


def open_at_an_input(qtbot, ws, tmp_path):
    """A 1,000-node graph opened, routed, Backward shown, the view at scale 1 on its first input."""
    path = big_file(tmp_path)
    ws.open_file(str(path))
    settled(qtbot, ws)
    ws.run_backward()
    source = ws.document.graph.inputs[0]
    zoom_to(ws, 1.0)
    ws.canvas.centerOn(ws.scene.nodes[source].sceneBoundingRect().center())
    qtbot.waitUntil(lambda: ws.scene.view_settled, timeout=60_000)
    return path, source


def number_lines(ws, name: str) -> tuple[QRectF, QRectF]:
    """The scene rects of a node's value line and adjoint line."""
    pos = ws.scene.nodes[name].pos()
    top = pos.y() + HEADER_HEIGHT + 2 + 17
    return QRectF(pos.x() + 8, top, NODE_WIDTH - 16, 17), QRectF(pos.x() + 8, top + 17, NODE_WIDTH - 16, 17)


def text_colours(label) -> set[str]:
    """The colours of a label's darkest pixels (its text's core, not its anti-aliased edges)."""
    image = label.grab().toImage()
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    darkest = min(p.lightness() for p in pixels)
    return {p.name() for p in pixels if p.lightness() == darkest}


def test_an_edit_greys_the_old_numbers_until_the_worker_brings_the_new_ones(qtbot, graph_workspace, tmp_path,
                                                                            held_worker):
    ws = graph_workspace
    path, source = open_at_an_input(qtbot, ws, tmp_path)
    scene, badge = ws.scene, ws.busy_badge
    value_line, adjoint_line = number_lines(ws, source)
    labelled = next(e for e in scene.shown_labels if source in e.key)
    assert ink(ws, value_line, VALUE_TEXT, 30) > 10 and ink(ws, adjoint_line, ADJOINT_TEXT, 30) > 10
    assert not badge.isVisible() and not scene.board.stale
    old_value, old_partial = scene.nodes[source].value, labelled.partial

    ws.document.edit_content(source, "0.625")
    qtbot.waitUntil(lambda: scene.passes.running)
    qtbot.waitUntil(badge.isVisible)
    # the model: numbers of the graph before the edit, marked stale, none current
    assert scene.board.stale and not scene.numbers_current
    assert scene.nodes[source].value == old_value and labelled.partial == old_partial
    # the screen: those numbers greyed, the badge saying why
    assert "Updating the numbers" in badge.text.text() and badge.bar.maximum() == 0   # a busy bar
    assert ink(ws, value_line, VALUE_TEXT, 30) == 0 and ink(ws, value_line, STALE_TEXT, 30) > 10
    assert ink(ws, adjoint_line, ADJOINT_TEXT, 30) == 0 and ink(ws, adjoint_line, STALE_TEXT, 30) > 10
    assert labelled.tag.text.brush().color() == STALE_TEXT
    assert ink(ws, labelled.tag.sceneBoundingRect(), LABEL_TEXT, 30) == 0
    assert text_colours(ws.paths.sum_label) == {STALE_TEXT.name()}

    held_worker.set()
    qtbot.waitUntil(lambda: scene.numbers_current and not badge.isVisible(), timeout=60_000)
    engine = load_graph(path)
    engine.set_value(source, 0.625)
    values, adjoints, partials = engine.forward(), engine.backward(), engine.local_partials()
    assert not scene.board.stale
    assert scene.nodes[source].value == pytest.approx(values[source], rel=1e-12)
    assert scene.nodes[source].adjoint == pytest.approx(adjoints[source], rel=1e-12, abs=1e-300)
    assert labelled.partial == pytest.approx(partials[labelled.key], rel=1e-12, abs=1e-300)
    qtbot.waitUntil(lambda: ink(ws, value_line, VALUE_TEXT, 30) > 10)   # the colours came back with the numbers
    assert ink(ws, value_line, STALE_TEXT, 30) == 0 and ink(ws, adjoint_line, ADJOINT_TEXT, 30) > 10
    assert labelled.tag.text.brush().color() == LABEL_TEXT
    assert STALE_TEXT.name() not in text_colours(ws.paths.sum_label)


def test_backward_pressed_while_the_worker_computes_shows_current_numbers_at_once(qtbot, graph_workspace, tmp_path,
                                                                                  held_worker):
    ws = graph_workspace
    path, source = open_at_an_input(qtbot, ws, tmp_path)
    ws.document.edit_content(source, "0.375")
    qtbot.waitUntil(lambda: ws.scene.passes.running and ws.scene.board.stale)
    ws.run_backward()   # computed here and now; the worker's run (for the same edit) is no longer awaited
    assert ws.scene.numbers_current and not ws.scene.board.stale and not ws.busy_badge.isVisible()
    engine = load_graph(path)
    engine.set_value(source, 0.375)
    assert ws.scene.nodes[source].adjoint == pytest.approx(engine.backward()[source], rel=1e-12, abs=1e-300)
    held_worker.set()
    qtbot.waitUntil(lambda: not ws.scene.passes.running, timeout=60_000)
    assert not ws.scene.board.stale and not ws.busy_badge.isVisible()


def test_a_value_edit_of_a_compiled_big_graph_is_computed_at_once_and_greys_nothing(qtbot, graph_workspace,
                                                                                      tmp_path, monkeypatch):
    ws = graph_workspace
    path, source = open_at_an_input(qtbot, ws, tmp_path)
    requests, stale = [], []
    monkeypatch.setattr(ws.scene.passes, "request", lambda *args: requests.append(args))
    ws.scene.numbers_stale.connect(stale.append)
    assert ws.document.graph.passes_laid_out()
    ws.document.edit_content(source, "0.875")
    qtbot.waitUntil(lambda: ws.scene.numbers_current)
    qtbot.wait(150)   # longer than greying waits: nothing is greyed
    assert requests == [] and stale == [] and not ws.busy_badge.isVisible()
    engine = load_graph(path)
    engine.set_value(source, 0.875)
    assert ws.scene.nodes[source].adjoint == pytest.approx(engine.backward()[source], rel=1e-12, abs=1e-300)
    value_line, _ = number_lines(ws, source)
    assert ink(ws, value_line, VALUE_TEXT, 30) > 10 and ink(ws, value_line, STALE_TEXT, 30) == 0


def test_a_value_typed_again_changes_nothing(qtbot, graph_workspace, tmp_path):
    ws = graph_workspace
    _, source = open_at_an_input(qtbot, ws, tmp_path)
    g, steps = ws.document.graph, ws.undo_stack.count()
    version = g.version
    ws.document.edit_content(source, repr(g.nodes[source].value))
    assert (g.version, ws.undo_stack.count(), ws.scene.board.stale) == (version, steps, False)
    assert ws.scene.numbers_current


def test_after_an_open_the_badge_counts_the_edges_left_to_route(qtbot, graph_workspace, tmp_path):
    ws = graph_workspace
    ws.open_file(str(big_file(tmp_path)))
    badge, edges = ws.busy_badge, len(ws.scene.edges)
    qtbot.waitUntil(lambda: badge.isVisible() and badge.routing[0] > 0, timeout=60_000)
    left = badge.routing[0]
    # as the scene's layout had it when it last told (a few times a second: the badge's repaint costs a big canvas)
    assert badge.routing[1] == edges and 0 < left <= edges
    assert f"{left:,} of {edges:,} left" in badge.text.text()
    assert (badge.bar.maximum(), badge.bar.value()) == (edges, edges - left)
    viewport = ws.canvas.viewport().geometry()
    assert viewport.contains(badge.geometry())
    assert badge.geometry().left() - viewport.left() < 20 and viewport.bottom() - badge.geometry().bottom() < 20
    picture = ws.canvas.grab().toImage()
    corner = badge.geometry()
    cream = [picture.pixelColor(x, y) for x in range(corner.left(), corner.right(), 2)
             for y in range(corner.top(), corner.bottom(), 2)]
    cream = [c for c in cream if c.red() > 245 and 240 < c.green() < 252 and 220 < c.blue() < 240]
    assert len(cream) > 50   # the badge is drawn over the canvas
    settled(qtbot, ws)
    qtbot.waitUntil(lambda: not badge.isVisible())
    assert badge.routing == (0, edges)
