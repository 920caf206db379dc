"""A big graph opened a slice at a time (items built, edges routed, arrival orders checked, a few per event-loop
turn) ends with every node and edge item present, every edge routed, and the same routes and picture as the same
file opened with slices long enough to do everything at once; an edge not yet routed is never asked to paint; an
export's file does not depend on how its drawing was spread over turns. (No timings: see
benchmarks/bench_graph_gui.py.)"""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QGraphicsItem

from gui.graph import build, exporting, slices
from gui.graph.exporting import export_png, export_svg
from tests.gui.graph_helpers import open_workspace, scene_picture
from tests.gui.test_graph_scale import big_file, settled

pytestmark = pytest.mark.gui

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def opened(qtbot, folder, path, slice_seconds: float, monkeypatch):
    """A workspace that opened ``path`` with work slices of ``slice_seconds``, once every edge is routed."""
    monkeypatch.setattr(build, "SLICE", slice_seconds)
    monkeypatch.setattr(slices, "SLICE", slice_seconds)
    ws = open_workspace(qtbot, folder)
    unrouted_painted = []

    def on_built(_whole):   # the items are all there; most edges are still waiting for their routes
        unrouted_painted.extend(e for e in ws.scene.edges.values()
                                if not e.route and not e.flags() & NO_CONTENTS)
    ws.scene.built.connect(on_built)
    ws.open_file(str(path))
    settled(qtbot, ws)
    ws.unrouted_painted = unrouted_painted
    return ws


def test_a_big_open_in_thin_slices_ends_as_the_same_open_done_at_once(qtbot, tmp_path, monkeypatch):
    path = big_file(tmp_path, nodes=600, seed=5)
    thin = opened(qtbot, tmp_path / "thin", path, 0.001, monkeypatch)       # many turns, cut mid-stage
    whole = opened(qtbot, tmp_path / "whole", path, 1000.0, monkeypatch)    # every stage within one slice
    graph = thin.document.graph
    for ws in (thin, whole):
        assert set(ws.scene.nodes) == set(graph.nodes)
        assert set(ws.scene.edges) == set(graph.edges())
        assert all(e.route and not e.flags() & NO_CONTENTS for e in ws.scene.edges.values())
    assert thin.unrouted_painted == [] and whole.unrouted_painted == []
    # the same routes, arriving in the same slots
    assert {k: (e.route, e.slot) for k, e in thin.scene.edges.items()} == \
        {k: (e.route, e.slot) for k, e in whole.scene.edges.items()}
    source = thin.scene.nodes_bounding_rect().adjusted(-200, -200, 200, 200)
    assert source == whole.scene.nodes_bounding_rect().adjusted(-200, -200, 200, 200)
    height = int(1200 * source.height() / source.width()) + 1
    a, b = scene_picture(thin.scene, source, 1200, height), scene_picture(whole.scene, source, 1200, height)
    assert a == b
    assert len({a.pixel(x, y) for x in range(0, a.width(), 7) for y in range(0, a.height(), 7)}) > 5


def test_an_export_is_the_same_file_however_its_drawing_is_spread_over_turns(qtbot, graph_workspace, tmp_path,
                                                                             monkeypatch):
    ws = graph_workspace
    ws.open_file(str(big_file(tmp_path, nodes=200, seed=7)))   # past SYNC_NODES: drawn a few items per turn
    settled(qtbot, ws)
    files = {}
    for name, seconds in (("one item a turn", 0.0), ("all in one turn", 1000.0)):
        monkeypatch.setattr(exporting, "BAND_SECONDS", seconds)
        for kind, export in (("svg", export_svg), ("png", export_png)):
            target = tmp_path / f"{name}.{kind}"
            export(ws.scene, str(target))
            files[name, kind] = target.read_bytes()
    for kind in ("svg", "png"):
        assert len(files["one item a turn", kind]) > 5000
        assert files["one item a turn", kind] == files["all in one turn", kind]
