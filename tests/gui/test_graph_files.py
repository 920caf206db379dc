"""Files in the Graph workspace: save and reopen through the menu, hostile files refused, autosave and recovery,
export as PNG and SVG."""
from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from engine.graph.fileformat import find_preset, load_graph
from gui.graph.files import SETTINGS_KEY
from gui.graph.toolbar import export_dialog
from gui.graph.workspace import GraphWorkspace
from tests.gui.graph_helpers import menu_action, open_workspace, place, type_into_node, visible

pytestmark = pytest.mark.gui

DEAD_PID = 2 ** 22 + 4321   # above Linux's largest pid, so no process has it


@pytest.fixture
def window(qtbot, settings_dir, tmp_path):
    pytest.importorskip("gui.surface.workspace")
    QSettings("Gradscape", "Gradscape").setValue(SETTINGS_KEY, str(tmp_path / "window-autosave"))
    from gui.main_window import MainWindow
    mw = MainWindow(restore_state=False)
    qtbot.addWidget(mw)
    mw.show()
    qtbot.waitExposed(mw)
    mw.show_workspace("graph")
    return mw


def test_save_and_reopen_through_the_file_menu(qtbot, window, tmp_path, monkeypatch):
    ws = window.workspace("graph")
    ws.apply_preset("three-paths")
    saved = ws.document.graph.snapshot()
    target = tmp_path / "mine.gsgraph.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ws.file_filter))
    menu_action(window, "Save As…").trigger()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "gradscape.graph" and data["version"] == 1
    assert {n["name"] for n in data["nodes"]} == set(ws.document.graph.nodes)
    assert ws.undo_stack.isClean()

    ws.apply_preset("four-inputs")
    assert ws.document.graph.snapshot() != saved
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ws.file_filter))
    menu_action(window, "Open…").trigger()
    assert ws.document.graph.snapshot() == saved
    assert set(ws.scene.nodes) == set(ws.document.graph.nodes)


HOSTILE = {
    "not json": b"{nodes: [",
    "nan": b'{"format": "gradscape.graph", "version": 1, "output": "x", "nodes": [{"name": "x", "value": NaN}]}',
    "cycle": json.dumps({"format": "gradscape.graph", "version": 1, "output": "a", "nodes": [
        {"name": "a", "formula": "b + 1"}, {"name": "b", "formula": "a * 2"}]}).encode(),
    "code": json.dumps({"format": "gradscape.graph", "version": 1, "output": "a", "nodes": [
        {"name": "a", "formula": "__import__('os').system('touch /tmp/pwned-graph')"}]}).encode(),
    "other format": json.dumps({"format": "something.else", "version": 1, "nodes": []}).encode(),
    "future version": json.dumps({"format": "gradscape.graph", "version": 99, "nodes": []}).encode(),
    "bad utf-8": b'{"format": "gradscape.graph", "version": 1, "nodes": [{"name": "\xff"}]}',
    "huge": b'{"format": "gradscape.graph", "version": 1, "nodes": [' + b" " * (5 * 1024 * 1024) + b"]}",
}


def test_hostile_or_corrupt_files_are_refused_and_nothing_changes(qtbot, window, tmp_path, monkeypatch):
    ws = window.workspace("graph")
    ws.apply_preset("four-inputs")
    before, steps = ws.document.graph.snapshot(), ws.undo_stack.count()
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: warnings.append(text))
    for label, content in HOSTILE.items():
        path = tmp_path / f"{label.replace(' ', '-')}.gsgraph.json"
        path.write_bytes(content)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ws.file_filter))
        menu_action(window, "Open…").trigger()
        assert len(warnings) == 1, label
        assert path.name in warnings.pop(), label
        assert "Cannot open" in ws.status_label.text(), label
        assert ws.document.graph.snapshot() == before, label
        assert ws.undo_stack.count() == steps, label
    assert not os.path.exists("/tmp/pwned-graph")


def test_autosave_then_recovery_after_a_crash(qtbot, tmp_path):
    directory = tmp_path / "autosave"
    first = open_workspace(qtbot, directory)
    x = place(qtbot, first, "input", visible(first, 100, 100))
    type_into_node(qtbot, first, x, "body", "2.5")
    assert first.autosave.timer.isActive()   # an autosave is scheduled after an unsaved edit
    assert first.autosave.save_now()
    assert load_graph(first.autosave.path).snapshot() == first.document.graph.snapshot()
    # a crash leaves the file behind under a process that no longer runs
    crashed = directory / f"graph-autosave-{DEAD_PID}-1.gsgraph.json"
    first.autosave.path.rename(crashed)

    second = open_workspace(qtbot, directory)
    assert second.recovery_banner.isVisible()
    qtbot.mouseClick(second.findChild(QPushButton, "recoverButton"), Qt.MouseButton.LeftButton)
    assert second.document.graph.snapshot() == first.document.graph.snapshot()
    assert not crashed.exists() and not second.recovery_banner.isVisible()
    assert not second.undo_stack.isClean()   # restored work is unsaved until the user saves it

    third = GraphWorkspace(autosave_dir=directory)
    qtbot.addWidget(third)
    assert not third.recovery_banner.isVisibleTo(third)   # nothing left to recover


def test_discard_recovery_and_clean_exit_leave_nothing(qtbot, tmp_path):
    directory = tmp_path / "autosave"
    directory.mkdir()
    stale = directory / f"graph-autosave-{DEAD_PID}-2.gsgraph.json"
    stale.write_text("{}", encoding="utf-8")
    ws = open_workspace(qtbot, directory)
    qtbot.mouseClick(ws.findChild(QPushButton, "discardRecoveryButton"), Qt.MouseButton.LeftButton)
    assert not stale.exists()
    place(qtbot, ws, "input", visible(ws, 100, 100))
    assert ws.autosave.save_now() and ws.autosave.path.exists()
    ws.save_file(str(tmp_path / "kept.gsgraph.json"))
    ws.undo_stack.setClean()                # what the main window does after a save
    assert not ws.autosave.path.exists()    # saved: nothing to recover
    place(qtbot, ws, "input", visible(ws, 100, 300))
    assert ws.autosave.save_now()
    ws.shutdown()
    assert not ws.autosave.path.exists()


def test_export_png_and_svg(qtbot, graph_workspace, tmp_path, monkeypatch):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    ws.run_backward()
    png, svg = tmp_path / "graph.png", tmp_path / "graph.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(png), ""))
    assert export_dialog(ws, "png")
    image = QImage(str(png))
    assert image.width() > 400 and image.height() > 200
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(svg), ""))
    assert export_dialog(ws, "svg")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "(u+v)^2" in text and "−4096" in text


def test_recovery_banner_in_the_main_window(qtbot, settings_dir, tmp_path):
    """A real start after a crash: the window opens on another tab, says where the recovery is, and the Graph tab
    offers it; the restored graph is one step that Edit → Undo takes back."""
    directory = tmp_path / "autosave"
    directory.mkdir()
    QSettings("Gradscape", "Gradscape").setValue(SETTINGS_KEY, str(directory))
    crashed = directory / f"graph-autosave-{DEAD_PID}-3.gsgraph.json"
    crashed.write_bytes(find_preset("three-paths").read_bytes())
    from gui.main_window import MainWindow
    mw = MainWindow(restore_state=False)
    qtbot.addWidget(mw)
    mw.show()
    qtbot.waitExposed(mw)
    mw.show_workspace("surface")
    qtbot.waitUntil(lambda: "restored on the Graph tab" in mw.statusBar().currentMessage(), timeout=3000)
    ws = mw.show_workspace("graph")
    assert ws.recovery_banner.isVisible() and crashed.name in ws.recovery_label.text()
    qtbot.mouseClick(ws.findChild(QPushButton, "recoverButton"), Qt.MouseButton.LeftButton)
    assert ws.document.graph.snapshot() == load_graph(find_preset("three-paths")).snapshot()
    assert not ws.recovery_banner.isVisible() and not crashed.exists()
    assert "Restored" in mw.statusBar().currentMessage()
    mw.undo_action.trigger()
    assert len(ws.document.graph) == 0
    mw.redo_action.trigger()
    assert set(ws.document.graph.nodes) == {"y", "u", "v", "a", "b", "f"}
    mw.close()                                          # unsaved: the window asks first
    qtbot.waitUntil(lambda: mw.unsaved_guard.box is not None and mw.unsaved_guard.box.isVisible())
    qtbot.mouseClick(mw.unsaved_guard.box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not mw.isVisible())
    assert not list(directory.glob("*.gsgraph.json"))   # a clean exit leaves nothing to recover
