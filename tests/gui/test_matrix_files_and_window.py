"""Matrix workspace in the window: its tab, Save/Open of *.gsmatrix.json (versioned, atomic, refused when bad
with nothing changed), Edit → Undo on its stack, PNG export, shortcuts."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.matrix.fileformat import FORMAT, load_state, state_from_json, state_to_json
from tests.conftest import open_window
from tests.gui.matrix_helpers import colours, type_into

pytestmark = [pytest.mark.gui]


@pytest.fixture
def workspace(matrix_workspace):
    return matrix_workspace


def test_save_and_open_round_trip(qtbot, workspace, tmp_path):
    type_into(qtbot, workspace.gradient.answerEdit, "2*U'*(X - U*V)")
    workspace.randomize()
    saved = workspace.model.state
    path = tmp_path / "factorization.gsmatrix.json"
    workspace.save_file(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == 1 and data["wrt"] == "V"
    assert not list(tmp_path.glob(".*gradscape-tmp"))
    type_into(qtbot, workspace.bar.edit, "x'*A*x")
    workspace.open_file(str(path))
    state = workspace.model.state
    assert state.expression == saved.expression and state.answer == saved.answer and state.seed == saved.seed
    for name in saved.values:
        np.testing.assert_array_equal(state.values[name], saved.values[name])
    assert "Off by a sign" in workspace.gradient.verdict.text()
    workspace.undo_stack.undo()                                 # Open is one undo step
    assert workspace.model.state.expression == "x'*A*x"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(format="gradscape.graph"), "not a Gradscape matrix file"),
    (lambda d: d.update(version=2), "unsupported version"),
    (lambda d: d["values"].update(X=[[1, 2]]), "6 rows of 5 numbers"),
    (lambda d: d["values"].update(Q=[[1]]), "does not use"),
    (lambda d: d["shapes"].update(U=[6, 0]), "columns of U"),
    (lambda d: d.update(wrt="Z"), "does not use"),
    (lambda d: d["descend"].update(method="newton"), "descend.method"),
    (lambda d: d["descend"].update(lr=-1), "descend.lr"),
    (lambda d: d.update(expression=7), "expression must be text"),
    (lambda d: d.update(seed=True), "seed"),
])
def test_bad_files_are_refused_and_nothing_changes(workspace, tmp_path, change, message):
    data = state_to_json(workspace.model.state)
    change(data)
    path = tmp_path / "bad.gsmatrix.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = workspace.model.state
    with pytest.raises(ValueError, match=message):
        workspace.open_file(str(path))
    assert workspace.model.state is before and workspace.undo_stack.count() == 0


def test_non_json_and_non_finite_files_are_refused(workspace, tmp_path):
    path = tmp_path / "nan.gsmatrix.json"
    path.write_text(json.dumps(state_to_json(workspace.model.state)).replace("0.", "NaN, 0.", 1), encoding="utf-8")
    with pytest.raises(ValueError):
        workspace.open_file(str(path))
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        workspace.open_file(str(path))


def test_state_survives_the_file_format_exactly(workspace):
    state = workspace.model.state
    again = state_from_json(json.loads(json.dumps(state_to_json(state))))
    assert again.descend == state.descend and again.compare == state.compare and again.sampling == state.sampling


def test_the_window_has_a_matrix_tab_with_undo_files_and_export(qtbot, settings_dir, tmp_path):
    mw = open_window(qtbot, tmp_path / "autosave", (1500, 950))
    matrix = mw.show_workspace("matrix")
    assert mw.workspaceTabs.tabText(mw.workspaceTabs.currentIndex()) == "Matrix"
    assert mw._save_action.isEnabled()
    matrix.apply_preset("least-squares")
    assert matrix.gradient.formula.text() == "2*A'*(A*x - b)"
    assert mw.isWindowModified()
    mw.undo_action.trigger()
    assert matrix.gradient.formula.text() == "-2*U'*(X - U*V)"
    path = tmp_path / "view.png"
    assert mw.export_view(str(path))
    mw.wait_for_images()
    assert path.stat().st_size > 10_000
    saved = tmp_path / "m.gsmatrix.json"
    assert mw.save_to(str(saved), matrix) and not mw.isWindowModified()
    assert load_state(saved).expression == "norm2(X - U*V)^2"
    assert colours(matrix) > 50
    matrix.shutdown()


def test_shortcuts_act_on_the_tab(qtbot, workspace):
    workspace.windowHandle().requestActivate()      # shortcuts reach the active window only
    qtbot.waitUntil(workspace.isActiveWindow)
    target = workspace.shapes
    target.setFocus()
    seed = workspace.model.state.seed
    qtbot.keyClick(target, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert workspace.model.state.seed == seed + 1
    qtbot.keyClick(target, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert workspace.runner.running
    qtbot.keyClick(target, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not workspace.runner.running
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert workspace.bar.edit.hasFocus()
    assert ("Ctrl+D", "Matrix: descend / pause") in workspace.shortcuts()
