"""Autosave under steady work: a session edited once a second and then killed leaves its work to recover; a failing
autosave is shown; a live session's autosave is never offered to another window; temporaries of killed saves are
cleaned at the next start."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from engine.files import TEMP_SUFFIX
from engine.graph.fileformat import load_graph
from gui.graph import files
from tests.conftest import ROOT, open_window
from tests.gui.graph_helpers import open_workspace, place, type_into_node, visible

pytestmark = pytest.mark.gui

# A session that edits once a second (on a clock the script advances, so the test takes no 20 real seconds) for
# twenty seconds and is then killed, as a crash would: no shutdown, no clean exit.
STEADY_THEN_KILLED = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from gui.graph import tools
    from gui.graph.workspace import GraphWorkspace
    ws = GraphWorkspace(autosave_dir={directory!r})
    now = [1000.0]
    ws.autosave.clock = lambda: now[0]
    for second in range(20):
        now[0] += 1.0
        ws.document.place(tools.TOOLS_BY_KEY["formula"], (200.0 * second, 0.0))
        app.processEvents()
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_steady_edits_then_a_crash_leave_the_work_to_recover(qtbot, settings_dir, tmp_path):
    directory = tmp_path / "autosave"
    script = STEADY_THEN_KILLED.format(root=str(ROOT), directory=str(directory))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == -9, result.stderr   # killed, not exited

    mw = open_window(qtbot, directory)   # the next start
    ws = mw.show_workspace("graph")
    assert ws.recovery_banner.isVisible()
    qtbot.mouseClick(ws.findChild(QPushButton, "recoverButton"), Qt.MouseButton.LeftButton)
    recovered = len(ws.document.graph)
    # saved at least every MAX_WAIT_S seconds of steady work: at most that many of the 20 edits are lost
    assert recovered >= 20 - files.MAX_WAIT_S, recovered
    assert not list(directory.glob("*.lock"))   # the crashed session's lock went with its file
    ws.shutdown()


def test_a_failing_autosave_is_shown_until_one_succeeds(qtbot, settings_dir, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the autosave folder should be", encoding="utf-8")
    mw = open_window(qtbot, blocker / "autosave")
    ws = mw.show_workspace("graph")
    place(qtbot, ws, "input", visible(ws, 100, 100))
    assert not ws.autosave.save_now()   # what the timer does after the edit
    warning = ws.autosave_warning
    assert warning.isVisible() and "failed" in warning.text() and "not-a-folder" in warning.text()
    assert "Autosave into" in mw.statusBar().currentMessage()
    blocker.unlink()   # the folder can be made again (a disk remounted, space freed)
    type_into_node(qtbot, ws, "x", "body", "2")
    assert ws.autosave.save_now()
    assert not warning.isVisible()
    ws.shutdown()


def test_a_lock_left_by_a_crash_before_any_autosave_is_removed(qtbot, tmp_path):
    directory = tmp_path / "autosave"
    locked_then_killed = ("ws.autosave.directory.mkdir(parents=True)\nws.autosave.lock.tryLock(0)\n"
                          "for second in range(0):")
    script = STEADY_THEN_KILLED.format(root=str(ROOT), directory=str(directory)).replace(
        "for second in range(20):", locked_then_killed)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert len(list(directory.glob("*.lock"))) == 1
    ws = open_workspace(qtbot, directory)
    assert not list(directory.glob("*.lock")) and not ws.recovery_banner.isVisible()


def test_a_running_sessions_autosave_is_not_offered_to_a_second_window(qtbot, tmp_path):
    directory = tmp_path / "autosave"
    first = open_workspace(qtbot, directory)
    place(qtbot, first, "input", visible(first, 100, 100))
    assert first.autosave.save_now() and first.autosave.lock.isLocked()
    second = open_workspace(qtbot, directory)
    assert not second.recovery_banner.isVisible()
    first.shutdown()
    assert not first.autosave.path.exists() and not os.path.exists(first.autosave.lock.fileName())


def test_temporaries_of_killed_saves_are_removed_at_start(qtbot, settings_dir, tmp_path, monkeypatch):
    directory, documents = tmp_path / "autosave", tmp_path / "documents"
    directory.mkdir()
    documents.mkdir()
    old = time.time() - 3600
    leftovers = [directory / f".graph-autosave-1.gsgraph.json.abc{TEMP_SUFFIX}",
                 documents / f".mine.gsgraph.json.def{TEMP_SUFFIX}"]
    for path in leftovers:
        path.write_bytes(b"half a save")
        os.utime(path, (old, old))
    fresh = documents / f".other.gsgraph.json.ghi{TEMP_SUFFIX}"   # a save still running elsewhere
    fresh.write_bytes(b"being written")
    mine = documents / "mine.gsgraph.json"
    first = open_window(qtbot, directory)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(mine), ""))
    first.show_workspace("graph")
    first.save_as()   # puts the documents folder in Open Recent
    first.close()
    open_window(qtbot, directory)
    assert not any(p.exists() for p in leftovers) and fresh.exists() and mine.exists()
    assert load_graph(mine) is not None
