"""``python -m engine graph`` run as a user runs it (a subprocess), checked against sympy as an independent oracle."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

ROOT = Path(__file__).resolve().parents[2]
PRESETS = ROOT / "resources" / "presets"
FOUR = str(PRESETS / "four-inputs.gsgraph.json")


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", "graph", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def run_json(*args) -> dict:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def chapter_oracle():
    """The chapter's formulas in sympy, composed by hand, evaluated at w, x, y, z = -1, 0, -2, 1."""
    w, x, y, z, a, b, u, v = sympy.symbols("w x y z a b u v")
    local = {"a": (w + x + y + z) ** 2, "b": (w + x - y - z) ** 2, "u": (a + b) ** 2, "v": (a - b) ** 2,
             "f": (u + v) ** 2}
    at = {w: -1, x: 0, y: -2, z: 1}
    at[a], at[b] = local["a"].subs(at), local["b"].subs(at)
    at[u], at[v] = local["u"].subs(at), local["v"].subs(at)
    composed = local["f"].subs({u: local["u"], v: local["v"]}).subs({a: local["a"], b: local["b"]})
    return local, at, composed, (w, x, y, z)


def test_the_chapter_example_gives_f_and_the_four_partials():
    local, at, composed, inputs = chapter_oracle()
    result = run_json(FOUR)
    assert result["output"] == "f"
    assert result["values"]["f"] == float(composed.subs(at)) == 1024.0
    for s in inputs:
        assert result["adjoints"][s.name] == float(sympy.diff(composed, s).subs(at)) == -4096.0
    assert result["adjoints"]["f"] == 1.0


def test_every_local_partial_is_listed_and_correct():
    local, at, _, _ = chapter_oracle()
    edges = run_json(FOUR)["edges"]
    expected = {(str(p), child): float(sympy.diff(formula, p).subs(at))
                for child, formula in local.items() for p in formula.free_symbols}
    assert {(e["from"], e["to"]): e["partial"] for e in edges} == expected
    assert len(edges) == len(expected) == 14


@pytest.mark.parametrize("source", ["w", "x", "y", "z"])
def test_the_paths_from_each_input_sum_to_its_adjoint(source):
    result = run_json(FOUR, "--from", source)
    paths = result["paths"]
    assert paths["count"] == 4 and len(paths["listed"]) == 4
    assert all(p["nodes"][0] == source and p["nodes"][-1] == "f" for p in paths["listed"])
    assert sum(p["product"] for p in paths["listed"]) == paths["sum"] == result["adjoints"][source] == -4096.0


def test_the_three_path_preset_shows_three_paths():
    paths = run_json(str(PRESETS / "three-paths.gsgraph.json"), "--from", "y")["paths"]
    assert paths["count"] == 3
    assert [p["nodes"] for p in paths["listed"]] == [["y", "u", "a", "f"], ["y", "u", "f"], ["y", "v", "b", "f"]]


def test_a_depth_60_layered_graph_reports_2_to_the_60_paths_exactly():
    paths = run_json(str(PRESETS / "layered-60.gsgraph.json"), "--from", "x", "--max-paths", "2")["paths"]
    assert paths["count"] == 2 ** 60 and isinstance(paths["count"], int)
    assert len(paths["listed"]) == 2


def test_set_changes_values_before_the_passes_and_accepts_negative_numbers():
    result = run_json(FOUR, "--set", "w=1", "--set", "z=-3")
    assert result["values"]["a"] == (1 + 0 - 2 - 3) ** 2
    assert result["values"]["w"] == 1.0 and result["values"]["z"] == -3.0


def test_the_table_lists_values_partials_and_paths():
    done = run(FOUR, "--from", "w", "--max-paths", "2")
    assert done.returncode == 0, done.stderr
    assert "output f = 1024" in done.stdout
    assert "w → a: -4" in done.stdout and "b → v: -8" in done.stdout
    assert "paths from w to f: 4 (showing 2)" in done.stdout
    assert "w → a → u → f: -2048" in done.stdout
    assert "sum over all paths: -4096 (adjoint of w: -4096)" in done.stdout


@pytest.mark.parametrize("args, needle", [
    (["missing.gsgraph.json"], "cannot read"),
    ([FOUR, "--set", "w"], "NAME=VALUE"),
    ([FOUR, "--set", "w=abc"], "not a number"),
    ([FOUR, "--set", "w=nan"], "finite"),
    ([FOUR, "--set", "ghost=1"], "no node named 'ghost'"),
    ([FOUR, "--from", "ghost"], "no node named 'ghost'"),
    ([FOUR, "--max-paths", "-1"], "--max-paths"),
])
def test_bad_input_is_an_error_line_and_status_2(args, needle):
    done = run(*args)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and needle in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_bad_file_is_refused_naming_the_problem(tmp_path):
    bad = tmp_path / "cycle.gsgraph.json"
    bad.write_text(json.dumps({"format": "gradscape.graph", "version": 1, "output": "a",
                               "nodes": [{"name": "a", "formula": "b"}, {"name": "b", "formula": "a"}]}))
    done = run(str(bad))
    assert done.returncode == 2 and "cycle: a → b → a" in done.stderr
