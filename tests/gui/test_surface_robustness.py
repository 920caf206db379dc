"""Third review: a critical-point search that outlives its panel or fails unexpectedly, surface files with wrong or
unusable fields, saved files' permissions, huge values and ranges, and undoing an Open."""
import json
import os
import stat
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

import gui.surface.critical_panel as critical_module
from engine import parse
from gui.session import Session
from gui.surface.critical_panel import CriticalPanel, CriticalSearch
from gui.surface.sampling import sample_surface
from gui.surface.workspace import SurfaceWorkspace
from gui.views.surface_view import value_range
from tests.gui.surface_helpers import settle, type_function

BASE = {"format": "gradscape.surface", "version": 1, "function": "x*exp(-x^2 - y^2)", "axes": ["x", "y"],
        "fixed": {}, "domain": {"x": [-2, 2], "y": [-2, 2]}, "point": None, "resolution": 101, "overlays": {}}


def _panel(qtbot):
    panel = CriticalPanel()
    qtbot.addWidget(panel)
    return panel


def test_shutdown_waits_for_a_cancelled_search(qtbot, monkeypatch):
    """The window's shutdown must not return while a cancelled search still runs (the panel is then destroyed)."""
    cancelled_seen, release = threading.Event(), threading.Event()

    def slow_search(f, box, variables, progress, cancelled):
        while not cancelled():
            release.wait(0.01)
        cancelled_seen.set()
        release.wait()          # still busy after the cancel, as a long Newton step would be
        raise critical_module.Cancelled()

    monkeypatch.setattr(critical_module, "critical_points", slow_search)
    panel = _panel(qtbot)
    panel.start(parse("x^2 + y^2"), ("x", "y"), [(-1, 1), (-1, 1)])
    qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    assert panel.status.text() == "Cancelled." and not panel.is_running()
    cancelled_seen.wait()
    timer = threading.Timer(0.2, release.set)   # lets the worker finish while shutdown() waits for it
    timer.start()
    try:
        panel.shutdown()
        assert not any(t.isRunning() for t in panel.findChildren(CriticalSearch))
    finally:
        release.set()
        timer.join()
        for thread in panel.findChildren(CriticalSearch):
            thread.wait()


def test_an_unexpected_error_ends_the_search_with_a_message(qtbot, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("internal table")

    monkeypatch.setattr(critical_module, "critical_points", broken)
    panel = _panel(qtbot)
    qtbot.mouseClick(panel.findButton, Qt.MouseButton.LeftButton)   # the button only asks; the workspace starts
    panel.start(parse("x^2 + y^2"), ("x", "y"), [(-1, 1), (-1, 1)])
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    assert panel.status.text().startswith("Search failed: KeyError")
    assert panel.findButton.isEnabled() and not panel.cancelButton.isEnabled()
    panel.shutdown()


@pytest.mark.parametrize("change, words", [
    ({"fixed": [1, 2]}, "fixed"), ({"domain": [[-1, 1]]}, "domain"), ({"overlays": "on"}, "overlays"),
    ({"overlays": {"gradient": "yes"}}, "true or false"), ({"axes": 5}, "axes"), ({"axes": "xy"}, "axes"),
    ({"function": "x+y+z", "axes": ["x", "y", "z"]}, "one or two"), ({"axes": ["x", "x"]}, "distinct"),
    ({"function": "3", "axes": ["p", "q"]}, "one axis"), ({"axes": ["x", 2]}, "axes"),
    ({"domain": {"x": [-1e308, 1e308]}}, "within"), ({"domain": {"y": [0, 1e7]}}, "within"),
])
def test_a_bad_surface_file_gives_a_message_and_changes_nothing(main_window, tmp_path, change, words):
    path = tmp_path / "bad.gssurface.json"
    path.write_text(json.dumps(dict(BASE, **change)))
    session = main_window.session
    before = (session.text, session.axes, dict(session.domain))
    error = main_window._open(str(path), None)
    assert error.startswith("bad.gssurface.json:") and words in error, error
    assert (session.text, session.axes, dict(session.domain)) == before


def test_a_constant_function_file_saved_by_the_app_reopens(main_window, qtbot, tmp_path):
    surface = main_window.workspaces["surface"]
    type_function(qtbot, surface, "3")
    path = tmp_path / "c.gssurface.json"
    assert main_window.save_to(str(path), surface)
    assert main_window._open(str(path), None) == ""
    assert main_window.session.axes == ("x",)


def test_session_refuses_axes_it_cannot_plot():
    session = Session()
    for axes in (("x", "y", "z"), ("x", "x"), "xy", ()):
        with pytest.raises(ValueError):
            session.set_function("x + y + z", axes=axes)
    with pytest.raises(ValueError):
        session.set_function("3", axes=("p", "q"))
    assert session.text == "x*exp(-x^2 - y^2)" and session.axes == ("x", "y")
    with pytest.raises(ValueError, match="within"):
        session.set_range("x", -1e308, 1e308)
    assert session.domain["x"] == (-2.0, 2.0)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_a_saved_file_gets_the_usual_permissions_and_keeps_existing_ones(main_window, tmp_path):
    surface = main_window.workspaces["surface"]
    path = tmp_path / "s.gssurface.json"
    assert main_window.save_to(str(path), surface)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~_umask()
    os.chmod(path, 0o640)
    assert main_window.save_to(str(path), surface)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert json.loads(path.read_text())["function"] == "x*exp(-x^2 - y^2)"


def test_save_flushes_the_file_to_disk_before_replacing(main_window, tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    assert main_window.save_to(str(tmp_path / "s.gssurface.json"), main_window.workspaces["surface"])
    assert synced


def test_value_range_of_values_near_the_float_limit_does_not_overflow():
    with np.errstate(all="raise"):   # any overflow inside is an error, as under filterwarnings=error
        lo, hi, clipped = value_range(np.concatenate([np.full(50, -1e308), np.full(50, 1e308)]))
    assert (lo, hi, clipped) == (-1e308, 1e308, False)


def test_a_huge_function_is_drawn_without_overflow(qtbot):
    """1e308·x²·y² on ±2: values up to 1.6e309 (∞, shown as gaps) and the rest near the float limit. (The Surface
    workspace alone: the Descent workspace's start search is another owner's.)"""
    surface = SurfaceWorkspace(Session())
    qtbot.addWidget(surface)
    surface.resize(1000, 700)
    surface.show()
    qtbot.waitExposed(surface)
    type_function(qtbot, surface, "1e308*x^2*y^2")
    assert surface.field is not None and 0 < surface.field.nonfinite_count < surface.field.zs.size
    surface.shutdown()


def test_sampling_a_span_wider_than_a_float_stays_finite():
    with np.errstate(all="raise"):
        field = sample_surface(parse("x + y"), ("x", "y"), [(-1e308, 1e308), (-1.0, 1.0)], 11)
    assert np.all(np.isfinite(field.xs)) and field.xs[0] == -1e308 and field.xs[-1] == 1e308


def _view(surface):
    return surface.controls.resolutionSpin.value(), surface.inspector.overlays_shown()


def test_undoing_an_open_restores_the_view_and_save_does_not_overwrite_the_file(main_window, qtbot, tmp_path):
    surface = main_window.workspaces["surface"]
    previous = (main_window.session.text, _view(surface))
    path = tmp_path / "opened.gssurface.json"
    path.write_text(json.dumps(dict(BASE, function="x^2 - y^2", resolution=61,
                                    overlays={"gradient": True, "tangent": True})))
    assert main_window.open_path(str(path))
    assert _view(surface)[0] == 61 and _view(surface)[1]["tangent"]
    assert main_window.document_name(surface) == "opened.gssurface.json"
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert (main_window.session.text, _view(surface)) == previous
    assert main_window.document_name(surface) == "Untitled surface" and main_window.isWindowModified()
    saved_as = []
    main_window.save_as = lambda workspace=None: saved_as.append(workspace) or False   # the dialog, declined
    assert not main_window.save()
    assert saved_as == [surface]
    assert json.loads(path.read_text())["function"] == "x^2 - y^2"
    main_window.redo_action.trigger()
    assert main_window.document_name(surface) == "opened.gssurface.json"
    assert _view(surface)[0] == 61 and main_window.session.text == "x^2 - y^2"
