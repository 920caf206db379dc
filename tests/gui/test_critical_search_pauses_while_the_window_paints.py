"""The critical-point search runs on a worker that holds the interpreter most of the time; while it ran, each frame
of the window waited for it (105–180 ms event-loop gaps on a ~1,900-character formula). Now the worker stands
still at its next step while the window paints (gui/frame_gate.py), and the results are listed a slice per
event-loop turn, then marked on the views, and are exactly the engine's."""
import threading
import time

import numpy as np
from PySide6.QtWidgets import QWidget

import gui.surface.critical_panel as critical_module
from engine import parse
from engine.analysis.critical import critical_points
from gui.frame_gate import FrameGate
from gui.surface.critical_panel import LIST_SLICE, CriticalPanel
from tests.gui.surface_helpers import find_critical_points, settle, type_function


class SlowPaint(QWidget):
    """A widget whose paint takes a while (as a frame of OpenGL views does) and counts the worker's steps meanwhile."""

    def __init__(self, steps: list):
        super().__init__()
        self.steps, self.during = steps, []

    def paintEvent(self, _event):   # noqa: N802 (Qt's name)
        before = len(self.steps)
        time.sleep(0.05)   # releases the interpreter: an ungated worker would take many steps now
        self.during.append(len(self.steps) - before)


def test_a_gated_worker_takes_at_most_one_step_while_the_window_paints(qtbot):
    steps, stop = [], threading.Event()
    widget = SlowPaint(steps)
    qtbot.addWidget(widget)
    widget.resize(200, 100)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: len(widget.during) >= 1, timeout=5000)   # the show's own paint (an expose: not gated),
    widget.during.clear()                                            # done before the worker starts
    gate = FrameGate()
    gate.watch(widget)

    def work():
        while not stop.is_set():
            gate.checkpoint()
            steps.append(1)
            time.sleep(0.001)
    worker = threading.Thread(target=work)
    worker.start()
    try:
        for k in range(5):
            widget.update()
            qtbot.waitUntil(lambda: gate.is_open() and len(widget.during) > k, timeout=5000)
            qtbot.wait(20)
        assert len(widget.during) >= 5 and max(widget.during) <= 1
        assert len(steps) > 5   # between frames it ran
    finally:
        stop.set()
        gate.unwatch()
        worker.join()


def test_hold_closes_the_gate_until_the_turn_is_over_and_unwatch_opens_it(qtbot):
    gate = FrameGate()
    gate.hold()
    assert not gate.is_open()
    qtbot.waitUntil(gate.is_open, timeout=2000)
    gate.hold()
    gate.unwatch()
    assert gate.is_open()


def test_many_results_are_listed_a_slice_per_turn_then_marked_all_at_once(qtbot):
    f = parse("sin(4*x)*sin(4*y)")
    found = critical_points(f, [(-2, 2), (-2, 2)], ("x", "y"))
    assert len(found) > 2 * LIST_SLICE
    panel = CriticalPanel()
    qtbot.addWidget(panel)
    announced = []
    panel.results_changed.connect(lambda results: announced.append(list(results)))
    panel.axes = ("x", "y")
    panel.set_results(list(found), staged=True)
    assert panel.table.rowCount() == LIST_SLICE and panel.is_running() and announced == []
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    assert panel.table.rowCount() == len(found) and len(announced) == 1 and len(announced[0]) == len(found)
    listed = [panel.table.item(row, 0).text() for row in range(len(found))]
    assert len(set(listed)) == len(found)
    assert panel.status.text() == f"{len(found)} critical points in view."


def test_clearing_no_results_announces_nothing(qtbot):
    panel = CriticalPanel()
    qtbot.addWidget(panel)
    announced = []
    panel.results_changed.connect(announced.append)
    panel.clear_results("Searching…")
    assert announced == [] and panel.status.text() == "Searching…"


def test_the_search_in_the_window_lists_and_marks_the_engines_points(qtbot, main_window, surface):
    type_function(qtbot, surface, "sin(4*x)*sin(4*y)")
    s = main_window.session
    expected = critical_points(surface.plotted, s.box(), s.axes)
    assert len(expected) > 2 * LIST_SLICE
    results = find_critical_points(qtbot, surface)
    settle(qtbot, surface)
    assert len(results) == len(expected)
    assert np.allclose([c.point for c in results], [c.point for c in expected], rtol=0, atol=1e-9)
    assert [c.kind for c in results] == [c.kind for c in expected]
    assert surface.critical.table.rowCount() == len(expected)
    marked = surface.overlays._flat[surface.contourView]["critical"]
    xs, ys = marked.getData()
    assert marked.isVisible() and len(xs) == len(expected)
    assert np.allclose(np.column_stack([xs, ys]), [c.point for c in expected])
    lifted = surface.overlays._gl["critical"]
    assert lifted.visible() and len(lifted.pos) == len(expected)
    assert not surface.critical.gate.watching and surface.critical.gate.is_open()


def test_a_search_uses_the_gate_and_shows_its_progress_a_few_times(qtbot, monkeypatch):
    """The solver's cancelled() callback is the gate's checkpoint; progress reported 200 times reaches the bar only
    a few times (each value is a frame of the whole window)."""
    checkpoints, shown = [], []

    def solver(f, box, variables, progress, cancelled):
        for k in range(200):
            checkpoints.append(cancelled())
            progress((k + 1) / 201)
        return []
    monkeypatch.setattr(critical_module, "critical_points", solver)
    panel = CriticalPanel()
    qtbot.addWidget(panel)
    monkeypatch.setattr(panel.gate, "checkpoint", lambda: checkpoints.append("gate"))
    panel.progress.valueChanged.connect(shown.append)
    panel.start(parse("x^2 + y^2"), ("x", "y"), [(-1, 1), (-1, 1)])
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    assert checkpoints.count("gate") >= 200 and checkpoints.count(False) == 200
    assert 1 <= len([v for v in shown if 0 < v < 1000]) < 20 and shown[-1] == 1000
    assert panel.status.text() == "No critical points in view."
    panel.shutdown()
