"""A tour step that finds critical points does not search on the UI thread (issue 12: a search of ~170 ms blocked
the window): the Surface's own search runs on its worker, the step's text says "finding…" in the numbers' place, and
is filled once the results are listed; a function the user types within the step is searched again the same way.

References: f = 3x⁴ − 4x³ − 12x² has f′ = 12x(x − 2)(x + 1), so its critical points are x = −1 (f = −5, a minimum),
x = 0 (f = 0, maximum) and x = 2 (f = −32, minimum); g = x² − 2x has only x = 1 (g = −1); h = x has none."""
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

import gui.surface.critical_panel as critical_panel
from gui.tour.critical_finder import FINDING
from gui.views.capture import grab_with_gl
from tests.gui.surface_helpers import type_function
from tests.gui.tour_helpers import open_tour_window, settle_window, step_index

pytestmark = [pytest.mark.gui, pytest.mark.gl]
SHOTS = Path("/tmp/tour-shots")   # to be looked at


@pytest.fixture
def tour(qtbot, settings_dir, tmp_path, monkeypatch):
    window, panel = open_tour_window(qtbot, tmp_path)
    threads = []
    search = critical_panel.__getattr__("critical_points")   # the solver the panel's worker calls

    def watched(*args, **kwargs):
        threads.append(threading.current_thread())
        return search(*args, **kwargs)
    monkeypatch.setattr(critical_panel, "critical_points", watched)
    yield window, panel, threads
    window.workspace("surface").shutdown()


def text(panel) -> str:
    return panel.textLabel.text().replace("−", "-")


def test_the_step_says_finding_until_the_workers_results_are_listed(tour, qtbot):
    window, panel, threads = tour
    surface = window.workspace("surface")
    with qtbot.waitSignal(panel.scene_applied):
        panel.go(step_index(panel, "critical-points"))
    # the scene is applied and the search started, in this turn: the numbers wait for it
    assert surface.critical.is_running() and surface.critical.results == []
    assert f"The engine finds ({FINDING})" in panel.textLabel.text() and "{" not in panel.textLabel.text()
    SHOTS.mkdir(exist_ok=True)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)   # as laid out for the frame that follows
    grab_with_gl(window).save(str(SHOTS / "critical-points-finding.png"))
    with qtbot.waitSignal(surface.critical.results_changed, timeout=15000):
        pass
    settle_window(qtbot, window)
    assert FINDING not in text(panel)
    for where, verdict, value in (("x = -1", "minimum", "f = -5"), ("x = 0", "maximum", "f = 0"),
                                  ("x = 2", "minimum", "f = -32")):
        assert f"{where} ({verdict}, {value})" in text(panel)
    assert "x = 2 with f = -32" in text(panel)
    assert surface.critical.table.rowCount() == 3   # the same search's list, which the step points at
    grab_with_gl(window).save(str(SHOTS / "critical-points-found.png"))
    assert threads and threading.main_thread() not in threads


def test_a_function_typed_within_the_step_is_searched_on_the_worker_too(tour, qtbot):
    window, panel, threads = tour
    surface = window.workspace("surface")
    panel.go(step_index(panel, "critical-points"))
    settle_window(qtbot, window)
    type_function(qtbot, surface, "x^2 - 2*x")
    settle_window(qtbot, window)
    assert "The engine finds x = 1 (minimum, f = -1)." in text(panel)
    assert "x = 1 with f = -1" in text(panel)
    type_function(qtbot, surface, "x")
    settle_window(qtbot, window)
    assert "The engine finds none." in text(panel) and FINDING not in text(panel)
    assert "the global minimum: none (no critical points in view)." in text(panel)
    assert len(threads) >= 3 and threading.main_thread() not in threads   # (a typed curve also searches near its view)
