"""A surface file says which point is selected, in every variable, or that none is: opening it shows exactly that,
undo brings back the point selected before, and saving writes the same point back."""
import json

import pytest

from tests.gui.surface_helpers import settle, type_point


def _write(path, **fields):
    base = {"format": "gradscape.surface", "version": 1, "function": "x + 2*y + 3*z^2", "axes": ["x", "z"],
            "fixed": {"y": -0.7}, "domain": {"x": [-2, 2], "z": [-2, 2]}, "point": None, "resolution": 61,
            "overlays": {}}
    path.write_text(json.dumps({**base, **fields}))
    return path


def test_a_file_without_a_point_opens_with_none_selected_and_undo_brings_the_old_one_back(main_window, qtbot,
                                                                                           tmp_path):
    session, surface = main_window.session, main_window.workspaces["surface"]
    type_point(qtbot, surface, "0.25, 0.5")
    assert main_window.open_path(str(_write(tmp_path / "none.gssurface.json", function="x^2 - y^2", axes=["x", "y"],
                                            fixed={}, domain={})))
    settle(qtbot, surface)
    assert session.point is None and surface.inspector.pointEdit.text() == ""
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.full_point() == pytest.approx({"x": 0.25, "y": 0.5})


def test_a_files_point_on_other_axes_is_the_same_point_after_save_and_reopen(main_window, qtbot, tmp_path):
    session, surface = main_window.session, main_window.workspaces["surface"]
    assert main_window.open_path(str(_write(tmp_path / "a.gssurface.json", point=[0.5, 0.4])))
    settle(qtbot, surface)
    assert session.full_point() == pytest.approx({"x": 0.5, "y": -0.7, "z": 0.4})
    saved = tmp_path / "b.gssurface.json"
    assert main_window.save_to(str(saved), surface)
    data = json.loads(saved.read_text())
    assert data["axes"] == ["x", "z"] and data["point"] == [0.5, 0.4] and data["fixed"] == {"y": -0.7}
