"""Every bad graph file is refused with a message naming the file (CLI) and the field, through the engine's loader
and `python -m engine graph`; nothing escapes as an exception of another kind, nothing hangs."""
import json
import os
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli.main import main
from engine.files import FileError
from engine.graph.fileformat import GraphFileError, load_graph, loads_graph

GOOD_NODES = [{"name": "x", "value": 1.0, "pos": [0, 0]}, {"name": "f", "formula": "x^2", "pos": [180, 0]}]


def _text(**changes) -> str:
    data = {"format": "gradscape.graph", "version": 1, "output": "f", "nodes": GOOD_NODES}
    return json.dumps(data).replace(*changes["replace"]) if "replace" in changes else json.dumps(data)


BIG = "1" + "0" * 309   # 1e309: an integer no float can hold
BAD_FILES = {
    # name: (file text, words the message must contain)
    "nested 5,000 deep": ('{"format": "gradscape.graph", "version": 1, "nodes": ' + "[" * 5000 + "]" * 5000 + "}",
                          ["nested too deeply"]),
    "huge integer value": (_text(replace=('"value": 1.0', f'"value": {BIG}')), ["value of node 'x'", "too large"]),
    "huge integer position": (_text(replace=('"pos": [0, 0]', f'"pos": [0, {BIG}]')), ["node 'x'", "too large"]),
    "huge negative integer": (_text(replace=('"value": 1.0', f'"value": -{BIG}')), ["value of node 'x'", "too large"]),
    "integer of 5000 digits": (_text(replace=('"value": 1.0', '"value": ' + "7" * 5000)), ["node 'x'", "too large"]),
    "version 1.0": (_text(replace=('"version": 1', '"version": 1.0')), ["version 1.0"]),
    "version true": (_text(replace=('"version": 1', '"version": true')), ["version True"]),
    "value true": (_text(replace=('"value": 1.0', '"value": true')), ["value of node 'x'", "number"]),
    "position true": (_text(replace=('"pos": [0, 0]', '"pos": [true, 0]')), ["node 'x'", "number"]),
    "Arabic-Indic digit in a formula": (_text(replace=('"formula": "x^2"', '"formula": "\\u0661+x"')),
                                        ["formula for 'f'", "unexpected character"]),
    "full-width digit in a formula": (_text(replace=('"formula": "x^2"', '"formula": "x^\\uff12"')),
                                      ["formula for 'f'"]),
    "NaN literal": (_text(replace=('"value": 1.0', '"value": NaN')), ["NaN"]),
    "float overflow": (_text(replace=('"value": 1.0', '"value": 1e400')), ["value of node 'x'", "finite"]),
    "not UTF-8": ('{"format": "\xff"}', ["UTF-8"]),
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_file(request, tmp_path):
    text, needles = BAD_FILES[request.param]
    path = tmp_path / "bad.gsgraph.json"
    path.write_bytes(text.encode("latin-1") if request.param == "not UTF-8" else text.encode("utf-8"))
    return path, needles


def test_the_engine_loader_refuses_naming_the_field(bad_file):
    path, needles = bad_file
    with pytest.raises(GraphFileError) as caught:
        load_graph(path)
    assert all(n in str(caught.value) for n in needles), str(caught.value)


def test_the_cli_refuses_naming_the_file_and_the_field(bad_file, capsys):
    path, needles = bad_file
    assert main(["graph", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}") and all(n in err for n in needles) and "Traceback" not in err


def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "pipe.gsgraph.json"
    os.mkfifo(fifo)
    done = threading.Event()

    def run():
        main(["graph", str(fifo)])
        done.set()
    threading.Thread(target=run, daemon=True).start()
    assert done.wait(30)   # generous: the refusal is immediate; a blocking open would never return
    assert "not a regular file" in capsys.readouterr().err


def test_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.gsgraph.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileError, match="not a regular file"):
        load_graph(link)


def test_the_largest_float_integer_still_loads():
    text = _text(replace=('"value": 1.0', '"value": 1' + "0" * 308))   # 1e308 fits a float
    assert loads_graph(text.encode()).nodes["x"].value == 1e308


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-10 ** 400, max_value=10 ** 400),
              st.floats(allow_nan=False), st.text(max_size=5)),
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=5), kids, max_size=4)),
    max_leaves=20)


def _nested(depth: int, inner: str) -> str:
    return "[" * depth + inner + "]" * depth


@settings(max_examples=200, deadline=None)
@given(value=json_values, field=st.sampled_from(["value", "pos", "version", "output", "nodes", "name", "formula"]))
def test_fuzzed_fields_are_loaded_or_refused_with_a_graph_file_error(value, field):
    data = {"format": "gradscape.graph", "version": 1, "output": "f", "nodes": json.loads(json.dumps(GOOD_NODES))}
    if field in ("version", "output", "nodes"):
        data[field] = value
    else:
        data["nodes"][0][field] = value
    raw = json.dumps(data, allow_nan=True).encode()
    try:
        loads_graph(raw)
    except GraphFileError:
        pass


@settings(max_examples=50, deadline=None)
@given(depth=st.integers(2, 20000), inner=st.sampled_from(["", "1", BIG, '{"a": 1}', "-" + BIG]))
def test_fuzzed_nesting_is_loaded_or_refused_with_a_graph_file_error(depth, inner):
    raw = ('{"format": "gradscape.graph", "version": 1, "nodes": ' + _nested(depth, inner) + "}").encode()
    with pytest.raises(GraphFileError):
        loads_graph(raw)
