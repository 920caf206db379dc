"""Graph files: save → load is the identity, saving is atomic, every bad file is refused with a message naming the
problem, and the presets are what their builders make."""
import json
import os

import pytest
from hypothesis import given, settings

from engine.graph.fileformat import (MAX_FILE_BYTES, PRESET_DIR, GraphFileError, find_preset, graph_from_dict,
                             list_presets, load_graph, loads_graph, preset_details, save_graph)
from engine.graph.samples import PRESETS, four_inputs
from tests.engine.graph_helpers import random_dags

GOOD = {"format": "gradscape.graph", "version": 1, "output": "f",
        "nodes": [{"name": "x", "value": 2.0, "pos": [0, 0]}, {"name": "f", "formula": "x^2", "pos": [180, 0]}]}


def with_changes(**changes) -> dict:
    data = json.loads(json.dumps(GOOD))
    data.update(changes)
    return data


def refused_text(text, *needles) -> str:
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    with pytest.raises(GraphFileError) as info:
        loads_graph(raw)
    for needle in needles:
        assert needle in str(info.value), str(info.value)
    return str(info.value)


def refused_data(data, *needles) -> str:
    return refused_text(json.dumps(data), *needles)


@settings(max_examples=40, deadline=None)
@given(random_dags())
def test_save_then_load_is_the_identity(tmp_path_factory, g):
    path = tmp_path_factory.mktemp("graphs") / "g.gsgraph.json"
    g.move(g.output, (12.5, -3.25))
    save_graph(g, path)
    loaded = load_graph(path)
    assert loaded.snapshot() == g.snapshot()
    assert loaded.backward() == g.backward()


def test_the_file_format_is_the_documented_one(tmp_path):
    path = tmp_path / "four.gsgraph.json"
    save_graph(four_inputs(), path, title="Four")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "gradscape.graph" and data["version"] == 1 and data["output"] == "f"
    assert data["title"] == "Four"
    assert data["nodes"][0] == {"name": "w", "value": -1.0, "pos": data["nodes"][0]["pos"]}
    assert data["nodes"][4]["name"] == "a" and data["nodes"][4]["formula"] == "(w+x+y+z)^2"
    assert graph_from_dict(data).snapshot() == four_inputs().snapshot()


def test_saving_replaces_atomically_and_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "g.gsgraph.json"
    save_graph(four_inputs(), path)
    old = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(GraphFileError, match="No space left"):
        save_graph(graph_from_dict(GOOD), path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["g.gsgraph.json"]   # no temporary file left behind


def test_saving_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(GraphFileError, match="cannot save"):
        save_graph(four_inputs(), tmp_path / "nowhere" / "g.gsgraph.json")


def test_nodes_without_positions_are_laid_out():
    data = with_changes(nodes=[{"name": "x", "value": 1.0}, {"name": "f", "formula": "x^2"}])
    g = graph_from_dict(data)
    assert g.nodes["x"].pos[0] < g.nodes["f"].pos[0]


def test_formulas_may_use_nodes_listed_later():
    data = with_changes(nodes=[{"name": "f", "formula": "x^2"}, {"name": "x", "value": 3.0}])
    assert graph_from_dict(data).forward()["f"] == 9.0


@pytest.mark.parametrize("data, needles", [
    (with_changes(format="something.else"), ["not a Gradscape graph file", "something.else"]),
    (with_changes(version=3), ["version 3", "unsupported", "graph files of version 1 and 2"]),
    (with_changes(version=True), ["version True"]),
    ([1, 2], ["not a JSON object"]),
    (with_changes(nodes={"x": 1}), ["'nodes' must be a list"]),
    (with_changes(nodes=[{"name": "x", "value": 1.0}, {"name": "x", "value": 2.0}]), ["duplicate", "'x'"]),
    (with_changes(nodes=[{"name": "f", "formula": "x + ghost"}, {"name": "x", "value": 1.0}]), ["unknown", "ghost"]),
    (with_changes(nodes=[{"name": "a", "formula": "b+1"}, {"name": "b", "formula": "c*2"},
                         {"name": "c", "formula": "a"}], output=None), ["cycle: a → c → b → a"]),
    (with_changes(nodes=[{"name": "x", "value": 1.0}, {"name": "f", "formula": "x +* 2"}]), ["bad formula", "'f'"]),
    (with_changes(nodes=[{"name": "x", "value": "1"}, {"name": "f", "formula": "x"}]), ["must be a number"]),
    (with_changes(nodes=[{"name": "x", "value": 1e400}, {"name": "f", "formula": "x"}]), ["finite"]),
    (with_changes(nodes=[{"name": "x"}, {"name": "f", "formula": "x"}]), ["exactly one of 'value'"]),
    (with_changes(nodes=[{"name": "x", "value": 1, "formula": "2"}, {"name": "f", "formula": "x"}]),
     ["exactly one of"]),
    (with_changes(nodes=[{"name": "1x", "value": 1.0}]), ["invalid name '1x'"]),
    (with_changes(nodes=[{"value": 1.0}]), ["node 1", "invalid name None"]),
    (with_changes(nodes=["x"]), ["node 1 is not a JSON object"]),
    (with_changes(nodes=[{"name": "x", "value": 1.0, "pos": [0]}, {"name": "f", "formula": "x"}]), ["two numbers"]),
    (with_changes(nodes=[{"name": "x", "value": 1.0, "pos": [0, "a"]}, {"name": "f", "formula": "x"}]),
     ["position y"]),
    (with_changes(output="nobody"), ["output 'nobody'", "not a node"]),
    (with_changes(output=3), ["output 3"]),
])
def test_bad_graph_data_is_refused_with_the_problem_named(data, needles):
    refused_data(data, *needles)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_literals_are_refused(literal):
    text = json.dumps(GOOD).replace('"value": 2.0', f'"value": {literal}')
    refused_text(text, "non-finite", literal)


def test_invalid_utf8_invalid_json_and_oversize_files_are_refused(tmp_path):
    refused_text(json.dumps(GOOD).encode("utf-8").replace(b'"x"', b'"\xff"', 1), "not UTF-8", "offset")
    refused_text('{"format": "gradscape.graph", "version": 1,', "not valid JSON", "line 1")
    refused_text("", "not valid JSON")
    refused_text("[" * 100000 + "]" * 100000, "nested too deeply")
    big = tmp_path / "big.gsgraph.json"
    big.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(GraphFileError, match="too large"):
        load_graph(big)
    with pytest.raises(GraphFileError, match="cannot read"):
        load_graph(tmp_path / "missing.gsgraph.json")
    with pytest.raises(GraphFileError, match="cannot read"):
        load_graph(tmp_path)


def test_a_utf8_byte_order_mark_is_accepted():
    assert loads_graph(b"\xef\xbb\xbf" + json.dumps(GOOD).encode()).forward()["f"] == 4.0


def test_presets_are_listed_chapter_first_and_match_their_builders():
    presets = list_presets()
    assert [p.name for _, p in presets[:2]] == ["four-inputs.gsgraph.json", "three-paths.gsgraph.json"]
    assert len(presets) == len(PRESETS) >= 6
    for (title, description, path) in preset_details():
        stem = path.name.removesuffix(".gsgraph.json")
        expected_title, expected_description, builder = PRESETS[stem]
        assert title == expected_title and description == expected_description
        assert load_graph(path).snapshot() == builder().snapshot(), f"{path.name} differs from its builder"
    assert find_preset("three-paths") == PRESET_DIR / "three-paths.gsgraph.json"
    assert find_preset("A TINY NEURAL NETWORK WITH A SQUARED LOSS").name == "neural-net.gsgraph.json"
    assert find_preset("nothing like it") is None


def test_the_neural_net_preset_gradient_matches_a_hand_written_backward_pass():
    import math
    g = load_graph(PRESET_DIR / "neural-net.gsgraph.json")
    v = {n: g.nodes[n].value for n in g.inputs}
    z1 = v["w11"] * v["x1"] + v["w12"] * v["x2"] + v["b1"]
    z2 = v["w21"] * v["x1"] + v["w22"] * v["x2"] + v["b2"]
    h1, h2 = math.tanh(z1), math.tanh(z2)
    y = v["v1"] * h1 + v["v2"] * h2 + v["c"]
    dy = 2 * (y - v["t"])
    dz1 = dy * v["v1"] * (1 - h1 ** 2)
    adjoint = g.backward()
    assert g.forward()["loss"] == pytest.approx((y - v["t"]) ** 2, rel=1e-14)
    assert adjoint["v1"] == pytest.approx(dy * h1, rel=1e-12)
    assert adjoint["w12"] == pytest.approx(dz1 * v["x2"], rel=1e-12)
    assert adjoint["t"] == pytest.approx(-dy, rel=1e-12)
