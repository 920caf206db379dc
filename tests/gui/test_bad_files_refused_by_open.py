"""File → Open refuses what is not a file of the app's format, with a message naming the file, and nothing else
changes: a FIFO (which would block a plain read forever), a link to /dev/zero (endless bytes), JSON nested 5,000
deep (RecursionError in a naive loader) and an integer of 310 digits (OverflowError as a float)."""
from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

pytestmark = pytest.mark.gui

HUGE = "1" + "0" * 309   # 1e309 written as an integer: larger than any float


def graph_text(value: str) -> str:
    return ('{"format": "gradscape.graph", "version": 1, "output": "f", "nodes": ['
            f'{{"name": "x", "value": {value}, "pos": [0, 0]}}, {{"name": "f", "formula": "x^2", "pos": [180, 0]}}]}}')


def surface_text(value: str) -> str:
    return ('{"format": "gradscape.surface", "version": 1, "function": "x^2 + y^2", "axes": ["x", "y"], '
            f'"point": [{value}, 0]}}')


def make(kind: str, tmp_path, tab: str):
    name = tmp_path / f"bad-{kind}.{'gsgraph' if tab == 'graph' else 'gssurface'}.json"
    if kind == "fifo":
        os.mkfifo(name)
    elif kind == "dev-zero":
        name.symlink_to("/dev/zero")
    elif kind == "deep":
        name.write_text('{"format": "gradscape.%s", "version": 1, "nodes": ' % tab + "[" * 5000 + "]" * 5000 + "}",
                        encoding="utf-8")
    else:
        name.write_text((graph_text if tab == "graph" else surface_text)(HUGE), encoding="utf-8")
    return name


def state(mw, ws):
    graph = ws.document.graph.snapshot() if ws is mw.workspace("graph") else None
    stack = ws.undo_stack
    return mw.session.text, graph, stack.count(), stack.index(), mw.document_name(ws), mw.windowTitle()


@pytest.mark.parametrize("tab", ["graph", "surface"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "deep", "huge-integer"])
def test_open_refuses_a_bad_file_naming_it_and_changes_nothing(qtbot, main_window, tmp_path, monkeypatch, tab,
                                                              kind):
    mw = main_window
    ws = mw.show_workspace(tab)
    if tab == "graph":
        ws.apply_preset("three-paths")
    before = state(mw, ws)
    path = make(kind, tmp_path, tab)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: warnings.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ws.file_filter))
    mw._open_action.trigger()   # File → Open; a FIFO read without care would hang right here
    assert len(warnings) == 1 and path.name in warnings[0], warnings
    assert path.name in mw.statusBar().currentMessage()
    assert state(mw, ws) == before
    assert mw.workspaceTabs.currentWidget() is ws


@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth exceeded"),
                                   OverflowError("int too large to convert to float")])
def test_a_loader_gap_is_still_a_message_naming_the_file(qtbot, main_window, tmp_path, monkeypatch, error):
    """Defence in depth: should a loader ever let such an exception out, Open still names the file and changes
    nothing (before, it escaped Open with no message)."""
    mw = main_window
    ws = mw.show_workspace("graph")
    before = state(mw, ws)
    path = tmp_path / "odd.gsgraph.json"
    path.write_text("{}", encoding="utf-8")

    def failing_open(_path):
        raise error
    monkeypatch.setattr(ws, "open_file", failing_open)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: warnings.append(text))
    assert not mw.open_path(str(path))
    assert len(warnings) == 1 and "odd.gsgraph.json" in warnings[0] and type(error).__name__ in warnings[0]
    assert state(mw, ws) == before
