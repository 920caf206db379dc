"""On a big graph the Paths panel lists an input's paths a slice per event-loop turn ("Listing the paths…" until
then): it ends with the same rows, count, sum and "why" as the same listing done at once, the rows are the engine's
own first paths with the products the engine multiplies, and an edit made while the listing is under way (a value,
or the structure) ends with the listing of the graph as it is. (No timings: see benchmarks/bench_graph_gui.py.)"""
from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt

from engine.expr.numbers import format_number
from gui.graph import paths as paths_module
from tests.gui.graph_helpers import open_workspace
from tests.gui.test_graph_scale import big_file, settled

pytestmark = pytest.mark.gui


def shown(ws) -> dict:
    panel = ws.paths
    rows = [(panel.list.item(i).data(Qt.ItemDataRole.UserRole), panel.list.item(i).text(),
             panel.list.item(i).toolTip()) for i in range(panel.list.count())]
    return {"rows": rows, "count": panel.count_label.text(), "sum": panel.sum_label.text(),
            "why": panel.why_label.text()}


def listed(qtbot, ws, source: str) -> dict:
    ws.paths.set_source(source)
    qtbot.waitUntil(lambda: ws.paths._filling is None, timeout=60_000)
    return shown(ws)


def opened(qtbot, folder, path):
    ws = open_workspace(qtbot, folder)
    ws.open_file(str(path))
    settled(qtbot, ws)
    assert ws.paths.isVisible()
    return ws


def test_a_sliced_listing_is_the_listing_done_at_once(qtbot, tmp_path, monkeypatch):
    path = big_file(tmp_path, nodes=400, seed=4)
    sliced = opened(qtbot, tmp_path / "sliced", path)
    g = sliced.document.graph
    source = g.inputs[2]
    sliced.paths.set_source(source)
    assert sliced.paths.list.count() == 0 and sliced.paths.count_label.text().startswith("Listing the paths")
    in_slices = listed(qtbot, sliced, source)
    monkeypatch.setattr(paths_module, "SYNC_NODES", 10 ** 6)   # the same panel code, all at once
    at_once = opened(qtbot, tmp_path / "at-once", path)
    at_once.paths.set_source(source)
    assert at_once.paths._filling is None   # done within the choice
    assert in_slices == shown(at_once)
    # and it is the engine's listing: its first paths, with the products it multiplies, and its exact count
    engine = list(itertools.islice(g.paths(source), paths_module.MAX_LISTED))
    assert [nodes for nodes, _, _ in in_slices["rows"]] == [p.nodes for p in engine]
    assert all(text.endswith(f"product {format_number(p.product)}")
               for (_, text, _), p in zip(in_slices["rows"], engine))
    assert in_slices["count"].startswith(f"{g.path_count(source):,} paths from {source}")
    assert "agree" in in_slices["sum"]


def test_an_edit_during_the_listing_ends_with_the_listing_of_the_graph_as_it_is(qtbot, tmp_path):
    ws = opened(qtbot, tmp_path / "ws", big_file(tmp_path, nodes=400, seed=4))
    g = ws.document.graph
    source = g.inputs[1]
    ws.paths.set_source(source)
    assert ws.paths._filling is not None
    ws.document.edit_content(source, repr(g.nodes[source].value + 0.5))   # a value: the same paths
    qtbot.waitUntil(lambda: ws.paths._filling is None and ws.scene.numbers_current, timeout=60_000)
    qtbot.wait(200)   # the refresh that follows the new numbers
    partials = g.local_partials()
    for nodes, text, _ in shown(ws)["rows"][:20]:
        product = 1.0
        for a, b in zip(nodes, nodes[1:]):
            product *= partials[a, b]
        assert text.endswith(f"product {format_number(product)}")
    # a structural edit under way: the listing starts again on the new graph
    ws.paths.set_source(g.inputs[0])
    assert ws.paths._filling is not None
    child = g.children(g.inputs[0])[0]
    assert ws.document.edit_content(child, "0.5")   # the child no longer uses any input
    qtbot.waitUntil(lambda: ws.paths._filling is None and ws.paths._listed_for is not None
                    and ws.paths._listed_for[2] == g.structure_version, timeout=60_000)
    engine = list(itertools.islice(g.paths(g.inputs[0]), paths_module.MAX_LISTED))
    assert [nodes for nodes, _, _ in shown(ws)["rows"]] == [p.nodes for p in engine]
    assert shown(ws)["count"].startswith(f"{g.path_count(g.inputs[0]):,} path")
