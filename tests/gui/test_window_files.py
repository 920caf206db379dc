"""The main window and unsaved work: the "Save changes?" question on close (Save / Discard / Cancel), the modified
mark and file name in the title, a surface that cannot be written as a formula, recent files that no longer open,
main.py's screenshot mode with a bad file, and the version in About."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QPushButton

from engine.graph.fileformat import load_graph
from tests.conftest import open_window
from tests.gui.surface_helpers import settle, type_function

pytestmark = [pytest.mark.gui]
ROOT = Path(__file__).resolve().parents[2]
Button = QMessageBox.StandardButton


@pytest.fixture
def window(qtbot, settings_dir, tmp_path):
    """The whole window on the Surface tab, the graph autosaving into the test's folder."""
    mw = open_window(qtbot, tmp_path / "autosave")
    mw.show_workspace("surface")
    settle(qtbot, mw.workspaces["surface"])
    yield mw
    mw.workspaces["surface"].shutdown()


def edit_both(qtbot, mw):
    """Unsaved work in both workspaces that have files: a typed function and a graph preset (autosaved)."""
    surface, graph = mw.workspaces["surface"], mw.workspace("graph")
    type_function(qtbot, surface, "x^3 - 3*x*y^2")
    mw.show_workspace("graph")
    graph.apply_preset("three-paths")
    assert graph.autosave.save_now() and graph.autosave.path.exists()
    return surface, graph


def question(mw) -> QMessageBox:
    box = mw.unsaved_guard.box
    assert box is not None and box.isVisible(), "no 'Save changes?' question is showing"
    return box


def answer(qtbot, mw, button) -> str:
    """Click ``button`` on the showing question; returns the question's text."""
    box = question(mw)
    text = box.text()
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
    return text


def menu_action(mw, text: str) -> QAction:
    return next(a for a in mw.findChildren(QAction) if a.text().replace("&", "") == text)


def test_a_fresh_window_closes_without_asking(qtbot, window):
    assert window.close()
    assert window.unsaved_guard.box is None and not window.isVisible()


def test_cancel_keeps_the_window_and_all_unsaved_work(qtbot, window):
    surface, graph = edit_both(qtbot, window)
    nodes = graph.document.graph.snapshot()
    assert not window.close()
    assert window.isVisible()
    assert window.workspaceTabs.currentWidget() is surface   # the question is about the tab it shows
    text = answer(qtbot, window, Button.Cancel)
    assert "Untitled surface" in text
    assert window.isVisible() and window.unsaved_guard.box is None
    assert window.session.text == "x^3 - 3*x*y^2" and graph.document.graph.snapshot() == nodes
    assert not surface.undo_stack.isClean() and not graph.undo_stack.isClean()
    assert graph.autosave.path.exists()                      # the crash copy of the graph is kept
    # Escape on the question is Cancel too
    window.close()
    qtbot.keyClick(question(window), Qt.Key.Key_Escape)
    assert window.isVisible() and graph.autosave.path.exists() and window.unsaved_guard.box is None


def test_discard_for_each_workspace_closes_and_removes_the_autosave(qtbot, window, tmp_path):
    surface, graph = edit_both(qtbot, window)
    autosave = graph.autosave.path
    window.close()
    assert "Untitled surface" in answer(qtbot, window, Button.Discard)
    assert window.isVisible() and window.workspaceTabs.currentWidget() is graph   # next: the graph
    assert "Untitled graph" in answer(qtbot, window, Button.Discard)
    assert not window.isVisible()
    assert not autosave.exists()
    assert not list(tmp_path.glob("*.gs*.json"))             # nothing was saved


def test_discard_then_cancel_forgets_the_discard(qtbot, window):
    surface, graph = edit_both(qtbot, window)
    window.close()
    answer(qtbot, window, Button.Discard)
    answer(qtbot, window, Button.Cancel)
    assert window.isVisible() and graph.autosave.path.exists()
    window.close()                                          # asks about the surface again
    assert "Untitled surface" in answer(qtbot, window, Button.Cancel)


def test_save_for_each_workspace_writes_both_files_then_closes(qtbot, window, tmp_path, monkeypatch):
    surface, graph = edit_both(qtbot, window)
    expected_graph = graph.document.graph.snapshot()
    autosave = graph.autosave.path
    asked = []

    def choose(parent, caption, directory, file_filter):
        asked.append(file_filter)
        return str(tmp_path / ("mine-graph" if "graph" in file_filter else "mine-surface")), file_filter
    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    window.close()
    answer(qtbot, window, Button.Save)
    answer(qtbot, window, Button.Save)
    assert not window.isVisible() and len(asked) == 2
    saved_surface = json.loads((tmp_path / "mine-surface.gssurface.json").read_text(encoding="utf-8"))
    assert saved_surface["function"] == "x^3 - 3*x*y^2"
    assert load_graph(tmp_path / "mine-graph.gsgraph.json").snapshot() == expected_graph
    assert not autosave.exists()
    assert surface.undo_stack.isClean() and graph.undo_stack.isClean()


def test_a_cancelled_save_keeps_the_window_open(qtbot, window, monkeypatch):
    surface, graph = edit_both(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    window.close()
    answer(qtbot, window, Button.Save)
    assert window.isVisible() and window.unsaved_guard.box is None
    assert not surface.undo_stack.isClean() and graph.autosave.path.exists()


def test_an_already_saved_workspace_is_saved_to_its_file_without_a_dialog(qtbot, window, tmp_path, monkeypatch):
    surface = window.workspaces["surface"]
    target = tmp_path / "kept.gssurface.json"
    assert window.save_to(str(target), surface)
    type_function(qtbot, surface, "sin(x)*y")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("no dialog expected"))
    window.close()
    assert "kept.gssurface.json" in answer(qtbot, window, Button.Save)
    assert not window.isVisible()
    assert json.loads(target.read_text(encoding="utf-8"))["function"] == "sin(x)*y"


def test_the_title_shows_the_current_tabs_file_and_unsaved_mark(qtbot, window, tmp_path):
    surface, graph = window.workspaces["surface"], window.workspace("graph")
    assert window.windowTitle() == "Untitled surface[*] — Gradscape" and not window.isWindowModified()
    type_function(qtbot, surface, "x*y")
    assert window.isWindowModified()
    assert window.save_to(str(tmp_path / "saddle.gssurface.json"), surface)
    assert window.windowTitle() == "saddle.gssurface.json[*] — Gradscape" and not window.isWindowModified()
    window.undo_action.trigger()                            # back before the save: unsaved again
    assert window.isWindowModified()
    window.redo_action.trigger()
    assert not window.isWindowModified()
    window.show_workspace("graph")
    assert window.windowTitle() == "Untitled graph[*] — Gradscape" and not window.isWindowModified()
    graph.apply_preset("three-paths")
    assert window.isWindowModified()
    assert window.save_to(str(tmp_path / "paths.gsgraph.json"), graph)
    assert window.windowTitle() == "paths.gsgraph.json[*] — Gradscape" and not window.isWindowModified()
    window.show_workspace("surface")                       # each tab shows its own file
    assert window.windowTitle() == "saddle.gssurface.json[*] — Gradscape"
    window.show_workspace("descent")                       # no files on this tab
    assert window.windowTitle() == "Gradscape" and not window.isWindowModified()


def test_opening_a_file_marks_it_saved(qtbot, window, tmp_path):
    surface = window.workspaces["surface"]
    path = tmp_path / "bowl.gssurface.json"
    type_function(qtbot, surface, "x^2 + 3*y^2")
    assert window.save_to(str(path), surface)
    type_function(qtbot, surface, "x - y")
    assert window.open_path(str(path))
    settle(qtbot, surface)
    assert window.session.text == "x^2 + 3*y^2"
    assert surface.undo_stack.isClean() and not window.isWindowModified()
    assert window.close()                                  # nothing unsaved: no question


def send_large_graph_to_surface(qtbot, mw):
    graph_ws = mw.show_workspace("graph")
    graph_ws.apply_preset("layered-60")
    inputs = graph_ws.document.graph.inputs
    graph_ws.findChild(QComboBox, "sendAxisX").setCurrentText(inputs[0])
    graph_ws.findChild(QComboBox, "sendAxisY").setCurrentText(inputs[1])
    qtbot.mouseClick(graph_ws.findChild(QPushButton, "sendToSurfaceButton"), Qt.MouseButton.LeftButton)
    assert mw.current_workspace() is mw.workspaces["surface"]
    qtbot.waitUntil(lambda: "too long to write out" in mw.session.text, timeout=20000)   # a big one: prepared first


def test_a_surface_that_cannot_be_written_as_a_formula_is_not_saved(qtbot, window, tmp_path, monkeypatch):
    surface = window.workspaces["surface"]
    send_large_graph_to_surface(qtbot, window)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "big"), ""))
    recent_before = [a.toolTip() for a in window._recent_menu.actions()]
    menu_action(window, "Save As…").trigger()
    assert len(warnings) == 1
    assert "too long to write out as a formula" in warnings[0] and "Save the graph instead" in warnings[0]
    assert not list(tmp_path.glob("big*")) and not list(tmp_path.glob(".gradscape-*"))   # nothing written
    assert [a.toolTip() for a in window._recent_menu.actions()] == recent_before
    assert not surface.undo_stack.isClean() and window.isWindowModified()
    # the advice works: the graph saves, and reopens as the same graph
    graph_ws = window.show_workspace("graph")
    assert window.save_to(str(tmp_path / "big.gsgraph.json"), graph_ws)
    assert load_graph(tmp_path / "big.gsgraph.json").snapshot() == graph_ws.document.graph.snapshot()


def test_a_recent_file_that_no_longer_opens_leaves_the_list(qtbot, window, tmp_path, monkeypatch):
    surface = window.workspaces["surface"]
    good, broken = tmp_path / "good.gssurface.json", tmp_path / "broken.gssurface.json"
    assert window.save_to(str(good), surface)
    assert window.save_to(str(broken), surface)
    broken.write_text("{damaged", encoding="utf-8")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    entry = next(a for a in window._recent_menu.actions() if a.toolTip() == str(broken))
    entry.trigger()
    assert len(warnings) == 1
    assert "broken.gssurface.json" in warnings[0] and "not valid JSON" in warnings[0]
    assert "removed from Open Recent" in warnings[0]
    assert [a.toolTip() for a in window._recent_menu.actions()] == [str(good)]
    # an entry that opens stays
    next(a for a in window._recent_menu.actions() if a.toolTip() == str(good)).trigger()
    assert len(warnings) == 1 and [a.toolTip() for a in window._recent_menu.actions()] == [str(good)]


def test_about_shows_the_version(qtbot, window, monkeypatch):
    from gui import __version__
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    menu_action(window, "About Gradscape").trigger()
    assert len(shown) == 1 and f"version {__version__}" in shown[0]
    assert __version__.count(".") == 2 and all(part.isdigit() for part in __version__.split("."))


def run_main(*args, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    # the timeout bounds the run: a modal box waiting for a click would hang here, not pass slowly
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_main_py_version(tmp_path):
    from gui import __version__
    result = run_main("--version", tmp_path=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"gradscape {__version__}"


def test_main_py_screenshot_with_a_bad_file_says_why_and_exits_2(tmp_path):
    bad = tmp_path / "bad.gssurface.json"
    bad.write_text("{not json", encoding="utf-8")
    out = tmp_path / "x.png"
    result = run_main(str(bad), "--screenshot", str(out), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: bad.gssurface.json: ") and "not valid JSON" in result.stderr, \
        result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_main_py_screenshot_with_an_unknown_graph_preset_exits_2(tmp_path):
    result = run_main("--screenshot", str(tmp_path / "x.png"), "--tab", "graph", "--preset", "nope",
                      tmp_path=tmp_path)
    assert result.returncode == 2
    assert "no graph preset 'nope'" in result.stderr and "Traceback" not in result.stderr
