"""The function presets (Surface) and the matrix presets load through the engine's one presets loader: the file is
read capped and strictly, its format and version checked, and a bad entry is refused naming its key."""
import json

import pytest

from engine.matrix import presets as matrix_presets
from gui.surface import presets as function_presets

LOADERS = [(function_presets, "gradscape.presets", "presets"),
           (matrix_presets, "gradscape.matrix-presets", "matrix presets")]


def shipped(module) -> dict:
    return json.loads(module.PRESETS_FILE.read_text(encoding="utf-8"))


def entries(module, data: dict) -> list:
    return [e for g in data["groups"] for e in g["presets"]] if "groups" in data else data["presets"]


@pytest.mark.parametrize("module, fmt, kind", LOADERS)
def test_the_shipped_files_load(module, fmt, kind):
    presets = module.load_presets()
    assert [p.key for p in presets] == [e["key"] for e in entries(module, shipped(module))]
    assert module.find_preset(presets, presets[-1].name.upper()) is presets[-1]


@pytest.mark.parametrize("module, fmt, kind", LOADERS)
@pytest.mark.parametrize("change", [{"format": "gradscape.graph"}, {"version": 2}, {"version": "1"}])
def test_another_format_or_version_is_refused_naming_the_file(tmp_path, module, fmt, kind, change):
    path = tmp_path / "presets.json"
    path.write_text(json.dumps({**shipped(module), **change}), encoding="utf-8")
    with pytest.raises(ValueError, match=f"presets.json: (not a Gradscape {kind} file|unsupported version .* "
                                         f"{kind} files of version 1)"):
        module.load_presets(path)


@pytest.mark.parametrize("module, fmt, kind", LOADERS)
@pytest.mark.parametrize("field", ["name", "expression", "formula"])
def test_an_entry_without_a_field_is_refused_naming_its_key(tmp_path, module, fmt, kind, field):
    data = shipped(module)
    entry = entries(module, data)[1]
    if field not in entry:
        return
    del entry[field]
    path = tmp_path / "presets.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=f"preset '{entry['key']}'"):
        module.load_presets(path)


@pytest.mark.parametrize("module, fmt, kind", LOADERS)
def test_an_oversized_or_non_json_file_is_refused(tmp_path, module, fmt, kind):
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(shipped(module)) + " " * (2 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(ValueError, match="too large"):
        module.load_presets(huge)
    nan = tmp_path / "nan.json"
    nan.write_text(json.dumps(shipped(module)).replace('"version": 1', '"version": 1, "x": NaN'), encoding="utf-8")
    with pytest.raises(ValueError, match="non-finite number NaN"):
        module.load_presets(nan)


@pytest.mark.parametrize("module, what", [(function_presets, "no preset 'nope'"),
                                          (matrix_presets, "no matrix preset 'nope'")])
def test_an_unknown_name_lists_the_keys(module, what):
    presets = module.load_presets()
    with pytest.raises(KeyError, match=what) as caught:
        module.find_preset(presets, "nope")
    assert presets[0].key in str(caught.value)
