"""The backward animation: Play steps from the output back on a timer and pauses, Step backward goes on from where
Play paused, the callout never hides a node, and the shortcuts work inside the main window."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from gui.graph.files import SETTINGS_KEY
from tests.gui.graph_helpers import click_button

pytestmark = pytest.mark.gui

FAST_MS = 25   # the timer's interval, shortened so the test is quick; nothing below depends on timing


@pytest.fixture
def workspace(graph_workspace):
    graph_workspace.backprop.timer.setInterval(FAST_MS)
    return graph_workspace


def current_node(ws) -> str | None:
    found = [name for name, item in ws.scene.nodes.items() if item.current]
    return found[0] if found else None


def record_steps(ws) -> list[tuple[str, set[str], str]]:
    """Each step as it is shown: the node it is at, the nodes showing an adjoint, and the callout's text."""
    seen = []
    ws.backprop.stepped.connect(lambda _text: seen.append((
        current_node(ws), {n for n, i in ws.scene.nodes.items() if i.adjoint is not None},
        ws.backprop.callout_text.text())))
    return seen


def test_play_shows_every_step_from_the_output_back_then_every_adjoint(qtbot, workspace):
    ws = workspace
    ws.apply_preset("four-inputs")
    g = ws.document.graph
    expected = [step.node for step in g.backward_steps()]
    adjoints = g.backward()
    seen = record_steps(ws)
    play = ws.findChild(QToolButton, "playBackwardButton")
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    assert play.text() == "Pause" and play.isChecked()
    with qtbot.waitSignal(ws.backprop.finished, timeout=10000):
        pass
    assert [node for node, _, _ in seen] == expected
    for i, (node, shown, callout) in enumerate(seen):
        assert shown == set(expected[:i + 1])   # adjoints arrive one node at a time
        assert f"∂f/∂{node}" in callout
    # a feeds u and v: the two contributions and their sum, checked against the full backward pass
    a_callout = next(text for node, _, text in seen if node == "a")
    assert "via u" in a_callout and "via v" in a_callout and f"sum = {adjoints['a']:g}" in a_callout
    assert play.text() == "Play" and not play.isChecked()
    assert not ws.backprop.playing and not ws.backprop.callout.isVisible()
    assert all(ws.scene.nodes[n].adjoint == pytest.approx(adjoints[n]) for n in g.nodes)
    assert "complete" in ws.status_label.text()


def test_pause_keeps_the_step_and_step_backward_goes_on_from_it(qtbot, workspace):
    ws = workspace
    ws.apply_preset("three-paths")
    expected = [step.node for step in ws.document.graph.backward_steps()]
    seen = record_steps(ws)
    play = ws.findChild(QToolButton, "playBackwardButton")
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)   # pause
    assert not ws.backprop.playing and play.text() == "Play"
    paused_at = current_node(ws)
    at = expected.index(paused_at)
    assert ws.backprop.callout.isVisible()
    click_button(qtbot, ws, "stepBackwardButton")
    assert current_node(ws) == expected[at + 1]
    # the callout never covers a node (it goes below, above or beside the current one)
    callout = ws.backprop.callout.sceneBoundingRect()
    assert not any(callout.intersects(i.sceneBoundingRect()) for n, i in ws.scene.nodes.items()
                   if n != current_node(ws))


def test_an_edit_while_playing_ends_the_animation(qtbot, workspace):
    ws = workspace
    ws.apply_preset("fan-out")
    seen = record_steps(ws)
    click_button(qtbot, ws, "playBackwardButton")
    qtbot.waitUntil(lambda: len(seen) >= 1, timeout=5000)
    ws.document.edit_content("x", "0.25")
    assert not ws.backprop.playing and not ws.backprop.running
    assert ws.findChild(QToolButton, "playBackwardButton").text() == "Play"
    assert current_node(ws) is None and not ws.backprop.callout.isVisible()


def test_step_and_play_shortcuts_in_the_main_window(qtbot, settings_dir, tmp_path):
    QSettings("Gradscape", "Gradscape").setValue(SETTINGS_KEY, str(tmp_path / "autosave"))
    from gui.main_window import MainWindow
    mw = MainWindow(restore_state=False)
    qtbot.addWidget(mw)
    mw.show()
    qtbot.waitExposed(mw)
    mw.activateWindow()
    assert QTest.qWaitForWindowActive(mw)
    ws = mw.show_workspace("graph")
    ws.backprop.timer.setInterval(FAST_MS)
    ws.apply_preset("four-inputs")
    ws.canvas.setFocus()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert current_node(ws) == "f"
    assert "backprop starts at the output" in mw.statusBar().currentMessage()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    second = current_node(ws)
    assert second in ("u", "v")
    with qtbot.waitSignal(ws.backprop.finished, timeout=10000):
        qtbot.keyClick(ws.canvas, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "complete" in mw.statusBar().currentMessage()
    assert all(item.adjoint is not None for item in ws.scene.nodes.values())
