"""The open file's path has one owner, the workspace's document, and follows its undo history: Save after undoing an
Open asks for a name and never overwrites the opened file with what was there before. The window talks to its tabs
through typed protocols."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolButton, QWidget

from engine.graph.fileformat import find_preset, load_graph
from engine.matrix.fileformat import save_state
from gui.workspace_protocol import FileWorkspace, Workspace
from tests.gui.graph_helpers import place, type_into_node, visible

pytestmark = pytest.mark.gui


def test_save_after_undoing_an_open_asks_for_a_name(qtbot, window_on_graph, tmp_path, monkeypatch):
    mw, ws = window_on_graph
    opened = tmp_path / "three.gsgraph.json"
    opened.write_bytes(find_preset("three-paths").read_bytes())
    original = opened.read_bytes()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(opened), ws.file_filter))
    mw._open_action.trigger()   # File → Open
    assert "three.gsgraph.json" in mw.windowTitle()

    mw.undo_action.trigger()    # Edit → Undo takes back the Open, and with it the file
    assert len(ws.document.graph) == 0
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(1) or ("", ""))
    assert not mw.save()        # File → Save: asks for a name (cancelled here) ...
    assert asked == [1]
    assert opened.read_bytes() == original   # ... and the opened file is untouched
    assert ws.file_path == "" and "Untitled graph" in mw.windowTitle()

    mw.redo_action.trigger()    # redo brings the file back: Save writes there without asking
    assert ws.file_path == str(opened) and "three.gsgraph.json" in mw.windowTitle()
    type_into_node(qtbot, ws, "y", "body", "2.5")
    assert mw.save() and asked == [1]
    assert load_graph(opened).nodes["y"].value == 2.5


def test_save_as_after_an_open_keeps_the_new_name_through_later_undo(qtbot, window_on_graph, tmp_path,
                                                                     monkeypatch):
    mw, ws = window_on_graph
    first, second = tmp_path / "first.gsgraph.json", tmp_path / "second.gsgraph.json"
    first.write_bytes(find_preset("three-paths").read_bytes())
    mw.open_path(str(first))
    type_into_node(qtbot, ws, "y", "body", "2.5")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(second), ws.file_filter))
    mw._save_as_action.trigger()
    mw.undo_action.trigger()    # undoing the edit is not undoing the Save As: the file stays second
    assert ws.file_path == str(second)


def test_undoing_a_matrix_open_takes_its_file_back_too(qtbot, main_window, tmp_path, monkeypatch):
    ws = main_window.show_workspace("matrix")
    saved = tmp_path / "mine.gsmatrix.json"
    save_state(ws.model.state, saved)   # a file made elsewhere
    ws.randomize()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ws.file_filter))
    main_window._open_action.trigger()
    assert ws.file_path == str(saved) and "mine.gsmatrix.json" in main_window.windowTitle()
    original = saved.read_bytes()
    main_window.undo_action.trigger()   # one step: the values and the file
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(1) or ("", ""))
    assert not main_window.save() and asked == [1] and saved.read_bytes() == original
    main_window.redo_action.trigger()
    assert ws.file_path == str(saved)


def test_every_tab_is_a_workspace_and_the_window_refuses_other_widgets(qtbot, main_window):
    built = {key: main_window.workspace(key) for key in list(main_window.workspaces)}   # lazy tabs built now
    assert all(isinstance(w, Workspace) for w in built.values())
    assert all(isinstance(built[k], FileWorkspace) for k in ("graph", "surface", "matrix"))
    assert not isinstance(built["descent"], FileWorkspace)
    with pytest.raises(TypeError, match="not a Workspace"):
        main_window.add_workspace(QWidget(), "Plain")


def test_the_graph_undo_buttons_are_the_stacks_own_actions(qtbot, window_on_graph, monkeypatch):
    mw, ws = window_on_graph
    undo, redo = (ws.findChild(QToolButton, n) for n in ("graphUndoButton", "graphRedoButton"))
    assert not undo.isEnabled() and not redo.isEnabled()
    name = place(qtbot, ws, "input", visible(ws, 100, 100))
    assert undo.isEnabled() and undo.text() == "Undo"
    assert undo.toolTip() == f"Undo Add Input node {name} (Ctrl+Z)"
    undo.click()
    assert len(ws.document.graph) == 0 and redo.isEnabled()
    assert redo.toolTip() == f"Redo Add Input node {name} (Ctrl+Shift+Z)"
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail("no message expected"))
