"""The main window around the Surface workspace: files, recent files, images, window state, main.py."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from tests.gui.surface_helpers import distinct_colours, image_array, settle

pytestmark = [pytest.mark.gui]
ROOT = Path(__file__).resolve().parents[2]


def test_save_and_reopen_a_surface_through_the_file_menu(qtbot, main_window, surface, tmp_path, monkeypatch):
    session = main_window.session
    surface.apply_preset("rosenbrock")
    settle(qtbot, surface)
    surface.inspector.set_overlay("tangent", True)
    target = tmp_path / "valley"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    main_window._save_as_action.trigger()
    saved = tmp_path / "valley.gssurface.json"          # the extension is added
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "gradscape.surface" and data["version"] == 1
    assert data["function"] == "(1 - x)^2 + 100*(y - x^2)^2" and data["point"] == [-1.0, 1.0]
    assert data["domain"]["y"] == [-1.0, 3.0] and data["overlays"]["tangent"] is True
    surface.apply_preset("saddle")
    settle(qtbot, surface)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    main_window._open_action.trigger()
    settle(qtbot, surface)
    assert session.text == "(1 - x)^2 + 100*(y - x^2)^2" and session.domain["y"] == (-1.0, 3.0)
    np.testing.assert_allclose(session.point, [-1, 1])
    # it is in the recent files
    recent = [a.toolTip() for a in main_window._recent_menu.actions()]
    assert recent[0] == str(saved)


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not valid JSON"),
    ('{"format": "gradscape.surface", "version": 9, "function": "x"}', "unsupported version"),
    ('{"format": "gradscape.surface", "version": 1, "function": "x +* y"}', "does not parse"),
    ('{"format": "gradscape.surface", "version": 1, "function": "x*y", "domain": {"x": [2, 1]}}', "low < high"),
    ('{"format": "other"}', "not a Gradscape surface file"),
])
def test_a_bad_file_is_refused_with_a_message_and_nothing_changes(qtbot, main_window, surface, tmp_path,
                                                                  monkeypatch, content, reason):
    bad = tmp_path / "bad.gssurface.json"
    bad.write_text(content, encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    before = (main_window.session.text, dict(main_window.session.domain), surface.undo_stack.count())
    assert not main_window.open_path(str(bad))
    assert len(shown) == 1 and reason in shown[0]
    assert (main_window.session.text, dict(main_window.session.domain), surface.undo_stack.count()) == before


@pytest.mark.gl
def test_export_images_of_the_view_and_the_window(qtbot, main_window, tmp_path):
    view_png, window_png = tmp_path / "view.png", tmp_path / "window.png"
    assert main_window.export_view(str(view_png))
    assert main_window.export_window(str(window_png))
    # the files are written on the saver's thread: the window says so once each is on disk
    qtbot.waitUntil(lambda: main_window.statusBar().currentMessage() == f"Image saved to {window_png}")
    view, window = QImage(str(view_png)), QImage(str(window_png))
    assert distinct_colours(image_array(view)) > 300
    assert window.width() == main_window.width() and distinct_colours(image_array(window)) > 300


@pytest.mark.gl
def test_an_image_that_cannot_be_written_is_reported_and_leaves_no_file(qtbot, main_window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    target = tmp_path / "missing folder" / "view.png"
    assert main_window.export_view(str(target))
    qtbot.waitUntil(lambda: bool(main_window.last_error))
    assert str(target) in main_window.last_error and "cannot save" in main_window.last_error.lower()
    assert not target.parent.exists()
    assert shown == [main_window.last_error]


@pytest.mark.gl
def test_closing_the_window_finishes_the_images_still_being_written(qtbot, main_window, tmp_path):
    paths = [tmp_path / f"window{i}.png" for i in range(3)]
    for path in paths:
        assert main_window.export_window(str(path))
    main_window.shutdown()   # what closing does before the window goes
    assert not main_window.image_saver.busy()
    assert all(QImage(str(path)).width() == main_window.width() for path in paths)


def test_window_state_and_tab_are_kept(qtbot, settings_dir):
    from gui.main_window import MainWindow
    first = MainWindow()
    qtbot.addWidget(first)
    first.resize(640, 470)
    keys = list(first.workspaces)
    first.workspaceTabs.setCurrentIndex(len(keys) - 1)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.size().width() == 640
    assert second.current_workspace() is second.workspaces[keys[-1]]
    second.close()


def test_the_help_lists_shortcuts(qtbot, main_window):
    main_window.show_shortcuts()
    box = next(w for w in main_window.findChildren(QMessageBox) if w.windowTitle() == "Keyboard shortcuts")
    assert "Ctrl+O" in box.text() and "Find critical points" in box.text()
    box.close()


@pytest.mark.gl
def test_main_py_screenshot_writes_a_picture(tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--screenshot", str(out), "--preset",
                             "himmelblau", "--tab", "surface", "--size", "1000x700"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pixels = image_array(QImage(str(out)))
    assert pixels.shape[:2] == (700, 1000)
    assert distinct_colours(pixels) > 500


def test_main_py_refuses_an_unknown_preset_clearly(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--screenshot", str(tmp_path / "x.png"),
                             "--preset", "nope"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "no preset 'nope'" in result.stderr and "Traceback" not in result.stderr


def test_open_as_graph_expands_the_drawn_function_in_the_graph_workspace(qtbot, main_window, surface):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton
    from engine import parse
    graph_ws = main_window.workspace("graph")
    before = sorted(graph_ws.document.graph.nodes)
    surface.expressionEdit.clear()
    qtbot.keyClicks(surface.expressionEdit, "x*exp(-x^2 - y^2)")
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)
    qtbot.mouseClick(surface.findChild(QPushButton, "openAsGraphButton"), Qt.MouseButton.LeftButton)
    assert main_window.workspaceTabs.currentWidget() is graph_ws
    graph = graph_ws.document.graph
    assert set(graph.inputs) == {"x", "y"}
    assert len(graph.nodes) >= 6          # x, y and one node per operation
    compiled = graph.compile()
    expected = parse("x*exp(-x^2 - y^2)")
    for point in [(-1.0, 0.0), (0.3, -0.7), (1.2, 0.4)]:
        values = dict(zip(("x", "y"), point))
        assert float(compiled.evaluate(values)) == pytest.approx(float(expected.evaluate(values)), rel=1e-12)
    main_window.undo_group.undo()        # the expansion is one undo step in the graph workspace
    assert sorted(graph_ws.document.graph.nodes) == before


@pytest.mark.gl
def test_a_screenshot_of_the_descent_tab_waits_for_its_first_race(qtbot, tmp_path):
    """The Descent's first show draws a piece per turn; ``main.py --screenshot`` draws the rest before grabbing,
    so the picture has the race and every run's learning rate, not "choosing its learning rate…"."""
    import main
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False, interactive=False)
    qtbot.addWidget(window)
    window.show_workspace("descent")
    descent = window.workspace("descent")
    assert main._screenshot(QApplication.instance(), window, str(tmp_path / "d.png"), (1200, 800)) == 0
    assert descent.settled and not descent.model.waiting
    assert QImage(str(tmp_path / "d.png")).size().toTuple() == (1200, 800)
    window.shutdown()
