"""Every Gradscape JSON file (graph, matrix, surface, tour, the shipped presets) checks its "format" and "version"
through the one helper, engine.files.check_header: another format, an unknown version, or a version that is not a
JSON integer (1.0, true, "1") is refused with the same words, naming what kind of file was expected."""
import json

import pytest

from engine.files import HeaderError, check_header
from engine.graph.fileformat import graph_from_dict
from engine.matrix import presets as matrix_presets
from engine.matrix.fileformat import state_from_json
from gui.surface import presets as function_presets
from gui.surface.document import document_from_json
from gui.tour.format import section_from_json


def _presets(module):
    def load(data, tmp_path):
        path = tmp_path / "presets.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return module.load_presets(path)
    return load


LOADERS = {  # kind: (format, readable versions, load(data, tmp_path))
    "graph": ("gradscape.graph", "1 and 2", lambda data, _: graph_from_dict(data)),
    "matrix": ("gradscape.matrix", "1", lambda data, _: state_from_json(data)),
    "surface": ("gradscape.surface", "1", lambda data, _: document_from_json(data)),
    "tour": ("gradscape.tour", "1", lambda data, _: section_from_json(data, "t")),
    "presets": ("gradscape.presets", "1", _presets(function_presets)),
    "matrix presets": ("gradscape.matrix-presets", "1", _presets(matrix_presets)),
}


@pytest.mark.parametrize("kind", LOADERS)
@pytest.mark.parametrize("header, words", [
    ({"format": "gradscape.elsewhere", "version": 1}, "not a Gradscape {kind} file (format 'gradscape.elsewhere'"),
    ({"format": None, "version": 1}, "not a Gradscape {kind} file (format None"),
    ({"version": 99}, "unsupported version 99 (this Gradscape reads {kind} files of version {versions})"),
    ({"version": 1.0}, "unsupported version 1.0"),
    ({"version": True}, "unsupported version True"),
    ({"version": "1"}, "unsupported version '1'"),
    ({"version": None}, "unsupported version None"),
])
def test_a_bad_header_is_refused_in_the_same_words(tmp_path, kind, header, words):
    fmt, versions, load = LOADERS[kind]
    data = {"format": fmt, **header}
    with pytest.raises(ValueError) as refused:
        load(data, tmp_path)
    assert words.format(kind=kind, versions=versions) in str(refused.value)


def test_the_helper_returns_the_version_and_names_the_field():
    assert check_header({"format": "f", "version": 2}, "f", (1, 2), "thing") == 2
    for data, field in [([1], "format"), ({"format": "g", "version": 1}, "format"),
                        ({"format": "f", "version": 3}, "version")]:
        with pytest.raises(HeaderError) as refused:
            check_header(data, "f", (1, 2), "thing")
        assert refused.value.field == field
    with pytest.raises(HeaderError, match=r"not a Gradscape thing file \(the top level is not a JSON object\)"):
        check_header([1], "f", (1,), "thing")
