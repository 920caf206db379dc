"""A big graph's autosave is encoded and written on a worker thread from a copy of the graph as it was (the window
goes on taking edits meanwhile); the file holds that graph, and a Save that comes while it is being written still
leaves no autosave behind. A small graph's autosave is written at once, as before."""
from __future__ import annotations

import threading

import pytest

from engine.graph.fileformat import load_graph
from gui.graph import files
from tests.gui.test_graph_scale import big_file, settled

pytestmark = pytest.mark.gui


@pytest.fixture
def recorded_writes(monkeypatch):
    """Each autosave write: (the thread it ran on, the graph's snapshot when it started); writes wait for ``gate``."""
    gate, writes = threading.Event(), []
    save = files.save_graph

    def recorded(graph, path, *args, **kwargs):
        writes.append((threading.current_thread(), graph.snapshot()))
        gate.wait(60)
        return save(graph, path, *args, **kwargs)
    monkeypatch.setattr(files, "save_graph", recorded)
    return gate, writes


def big_graph_edited(qtbot, ws, tmp_path, value: str) -> str:
    """A 1,000-node graph opened (clean, as File → Open leaves it), then its first input set to ``value``."""
    ws.open_file(str(big_file(tmp_path)))
    ws.undo_stack.setClean()   # as the window's File → Open does: nothing to autosave yet
    settled(qtbot, ws)
    source = ws.document.graph.inputs[0]
    ws.document.edit_content(source, value)
    return source


def test_a_big_graphs_autosave_is_written_on_a_worker_from_the_graph_as_it_was(qtbot, graph_workspace, tmp_path,
                                                                              recorded_writes):
    gate, writes = recorded_writes
    ws = graph_workspace
    source, g = big_graph_edited(qtbot, ws, tmp_path, "0.125"), ws.document.graph
    edited = g.snapshot()
    ws.autosave.timer.timeout.emit()   # the timer fires
    qtbot.waitUntil(lambda: len(writes) == 1)
    assert writes[0][0] is not threading.main_thread()
    assert writes[0][1] == edited
    ws.document.edit_content(source, "0.25")   # the window takes edits while the file is written
    assert g.nodes[source].value == 0.25
    with qtbot.waitSignal(ws.autosave.saved, timeout=60_000):
        gate.set()
    assert load_graph(ws.autosave.path).snapshot() == edited
    assert not ws.autosave_warning.isVisible()


def test_a_save_during_a_background_autosave_leaves_no_autosave_file(qtbot, graph_workspace, tmp_path,
                                                                     recorded_writes):
    gate, writes = recorded_writes
    ws = graph_workspace
    big_graph_edited(qtbot, ws, tmp_path, "0.5")
    ws.autosave.timer.timeout.emit()
    qtbot.waitUntil(lambda: len(writes) == 1)
    threading.Timer(0.2, gate.set).start()   # the write ends while the Save waits for it
    ws.save_file(str(tmp_path / "saved.gsgraph.json"))
    ws.undo_stack.setClean()   # as the window's File → Save does: the autosave file is discarded
    assert not ws.autosave.path.exists()
    qtbot.wait(50)   # the worker's "written" arrives: it brings back no file
    assert not ws.autosave.path.exists() and ws.autosave.last_error == ""
    assert load_graph(tmp_path / "saved.gsgraph.json").snapshot() == ws.document.graph.snapshot()


def test_a_small_graphs_autosave_is_written_at_once(qtbot, graph_workspace, recorded_writes):
    gate, writes = recorded_writes
    gate.set()
    ws = graph_workspace
    ws.apply_preset(ws.preset_names()[0])
    ws.autosave.timer.timeout.emit()
    assert writes and writes[-1][0] is threading.main_thread() and ws.autosave.path.exists()
