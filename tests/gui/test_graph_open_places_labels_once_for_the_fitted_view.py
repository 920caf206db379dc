"""Opening a graph places its labels once: for the view fitted to the new graph and with the new graph's partials,
not first for the previous graph's view, then without numbers, then again (a 40-node graph spent ~80 ms of one
event-loop turn placing them four times). The labels placed read the engine's partials. A file opened from another
tab is built over the open's own turns, before its tab is shown."""
from __future__ import annotations

import pytest

from engine.graph.fileformat import load_graph
from engine.expr.numbers import format_number
from gui.graph import build, detail, slices
from gui.graph.items import LABEL_DIGITS
from tests.gui.graph_helpers import labels_placed, zoom_to
from tests.gui.test_graph_scale import big_file

pytestmark = pytest.mark.gui


def counting_placements(monkeypatch, shown=None) -> list:
    """Every label placement the scene starts (one call of label_steps each): how many labels, or (``shown``)
    whether the canvas was shown then."""
    calls, real = [], detail.label_steps

    def counted(requests, *args, **kwargs):
        calls.append(len(requests) if shown is None else shown())
        return real(requests, *args, **kwargs)
    monkeypatch.setattr(detail, "label_steps", counted)
    return calls


@pytest.mark.parametrize("route", ["file", "preset"])
def test_a_graph_opened_over_another_is_labelled_once_for_its_fitted_view(qtbot, graph_workspace, tmp_path,
                                                                          monkeypatch, route):
    ws = graph_workspace
    ws.apply_preset("Sixty layers, 2⁶⁰ paths")   # another graph, the view zoomed in on its start
    zoom_to(ws, 1.4)
    qtbot.waitUntil(lambda: ws.scene.view_settled and ws.scene.numbers_current, timeout=60_000)
    before = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    calls = counting_placements(monkeypatch)
    if route == "file":
        path = big_file(tmp_path, nodes=40, seed=11)
        ws.open_file(str(path))
        engine = load_graph(path)
    else:
        ws.apply_preset("A tiny neural network with a squared loss")
        engine = ws.document.graph
    scene = ws.scene
    labels_placed(qtbot, ws)   # within the turn that opened it unless that takes over LABEL_TURN
    assert len(calls) == 1 and calls[0] > 0            # one placement
    after = ws.canvas.mapToScene(ws.canvas.viewport().rect()).boundingRect()
    assert after != before                            # the view was fitted to the new graph ...
    assert scene.region == scene._label_rect()        # ... and the labels were placed for that view
    partials = engine.local_partials() if route == "file" else scene.partials
    assert scene.shown_labels and all(e.tag.isVisible() for e in scene.shown_labels)
    for edge in scene.shown_labels:                   # each reads the engine's partial for its edge
        assert format_number(partials[edge.key], LABEL_DIGITS) in edge.tag.forms_text[2]


def test_a_graph_file_opened_from_another_tab_is_built_hidden_and_labelled_once_its_canvas_shows(
        qtbot, window_on_graph, tmp_path, monkeypatch):
    mw, ws = window_on_graph
    ws.apply_preset("Sixty layers, 2⁶⁰ paths")
    zoom_to(ws, 1.4)
    qtbot.waitUntil(lambda: ws.scene.view_settled and ws.scene.numbers_current, timeout=60_000)
    mw.show_workspace("surface")   # the Graph tab hidden, its canvas with it
    path = big_file(tmp_path, nodes=40, seed=11)
    calls = counting_placements(monkeypatch, shown=ws.canvas.isVisible)
    sliced = build.SLICE
    for module in (build, slices):
        monkeypatch.setattr(module, "SLICE", 0.0)   # a step per slice: every turn of the build shows
    events = []
    ws.scene.progress.connect(lambda *_: events.append(("a turn of the build", ws.canvas.isVisible())))
    ws.scene.built.connect(lambda _whole: events.append(("built", ws.canvas.isVisible())))
    assert mw.open_path(str(path))
    for module in (build, slices):
        monkeypatch.setattr(module, "SLICE", sliced)
    assert mw.current_workspace() is ws and ws.canvas.isVisible()   # the file went to its tab, now shown
    # built over the open's own turns while the tab was hidden, not in the turn that shows it
    assert len(events) > 10 and events[-1] == ("built", False)
    assert set(events[:-1]) == {("a turn of the build", False)}
    assert set(ws.scene.nodes) == set(ws.document.graph.nodes) and set(ws.scene.edges) == set(ws.document.graph.edges())
    labels_placed(qtbot, ws)
    # none for the hidden canvas's old view (then again for the fitted one): placed as routes near the view come
    assert calls and all(calls)
    scene = ws.scene
    assert scene.region == scene._label_rect()
    partials = load_graph(path).local_partials()
    assert scene.shown_labels and all(e.tag.isVisible() for e in scene.shown_labels)
    for edge in scene.shown_labels:
        assert format_number(partials[edge.key], LABEL_DIGITS) in edge.tag.forms_text[2]
