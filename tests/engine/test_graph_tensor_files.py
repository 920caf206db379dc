"""Graph files with vectors and matrices: version 2 is written only when a node holds one and round-trips exactly;
version-1 files open unchanged; every refusal is named. The graph CLI prints tensors as nested lists with shapes."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.graph.fileformat import GraphFileError, dumps_graph, graph_to_dict, load_graph, loads_graph, save_graph
from engine.graph.samples import PRESETS, mlp, mlp_batch

ROOT = Path(__file__).resolve().parents[2]
PRESETS_DIR = ROOT / "resources" / "presets"


def refused(data: dict, *needles) -> None:
    with pytest.raises(GraphFileError) as info:
        loads_graph(json.dumps(data).encode())
    for needle in needles:
        assert needle in str(info.value), str(info.value)


def test_a_version_2_file_round_trips_exactly(tmp_path):
    for build in (mlp, mlp_batch):
        graph = build()
        graph.set_value("W2", [[0.1 + 2e-17, -1e-300, 3.0]])   # every bit of every float survives
        path = tmp_path / "g.gsgraph.json"
        save_graph(graph, path)
        loaded = load_graph(path)
        assert loaded.snapshot() == graph.snapshot()
        assert dumps_graph(loaded) == path.read_text(encoding="utf-8")
        assert json.loads(path.read_text())["version"] == 2
        for name in graph.nodes:
            assert np.array_equal(loaded.forward()[name], graph.forward()[name])


def test_version_1_files_open_unchanged_and_scalar_graphs_still_write_version_1():
    for stem in ("four-inputs", "neural-net", "layered-60"):
        path = PRESETS_DIR / f"{stem}.gsgraph.json"
        graph = load_graph(path)
        assert not graph.is_tensor and graph.snapshot() == PRESETS[stem][2]().snapshot()
        assert graph_to_dict(graph)["version"] == 1
        assert dumps_graph(graph, *PRESETS[stem][:2]) == path.read_text(encoding="utf-8")


def tensor_file(**node_changes) -> dict:
    data = json.loads(dumps_graph(mlp()))
    for name, entry in node_changes.items():
        for node in data["nodes"]:
            if node["name"] == name:
                node.clear()
                node.update({"name": name, **entry})
    return data


def test_bad_tensor_files_are_refused_naming_the_problem():
    refused(tensor_file(W1={"value": [[1.0, 2.0], [3.0]]}), "W1", "same number of entries")
    refused(tensor_file(W1={"value": [[1.0, 2.0], [3.0, "a"]]}), "W1", "must be a number")
    refused(tensor_file(W1={"value": []}), "W1", "empty")
    refused(tensor_file(W1={"value": [1.0, [2.0]]}), "W1", "mixes")
    refused(tensor_file(h1={"formula": "W1*W2 + b1"}), "h1", "3×2", "1×3")
    refused(tensor_file(h1={"formula": "W1*q"}), "unknown", "q")
    v1 = tensor_file()
    v1["version"] = 1
    refused(v1, "W1", "must be a number")
    v3 = tensor_file()
    v3["version"] = 3
    refused(v3, "unsupported version 3")


def test_the_cli_prints_tensor_values_and_adjoints_with_shapes():
    done = subprocess.run([sys.executable, "-m", "engine", "graph", str(PRESETS_DIR / "mlp.gsgraph.json"), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    graph = mlp()
    adjoints = graph.backward()
    assert result["shapes"]["W1"] == [3, 2] and result["shapes"]["x"] == [2, 1]
    assert np.allclose(result["adjoints"]["W1"], adjoints["W1"], atol=1e-15)
    assert np.allclose(result["adjoints"]["b1"], adjoints["b1"].ravel(), atol=1e-15)
    assert result["values"]["W1"] == [[0.8, -0.4], [0.3, 0.9], [-0.6, 0.5]]
    edge = next(e for e in result["edges"] if (e["from"], e["to"]) == ("W1", "h1"))
    assert edge["jacobian_shape"] == [3, 6] and len(edge["partial"]) == 3
    assert result["formula"] == "norm2(W2*tanh(W1*x + b1) + b2 - y)^2"   # the output as one matrix formula
    table = subprocess.run([sys.executable, "-m", "engine", "graph", str(PRESETS_DIR / "mlp.gsgraph.json")],
                           cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    assert "W1 (3×2)" in table and "[[0.8, -0.4], [0.3, 0.9], [-0.6, 0.5]]" in table and "W1 → h1: 3×6" in table
    assert "= norm2(W2*tanh(W1*x + b1) + b2 - y)^2" in table
