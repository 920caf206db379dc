"""While any worker runs inside quick_thread_switches the interpreter switches threads every 0.5 ms (so a busy
Python worker does not starve Qt's timers); workers that overlap share that setting, and the last one out puts back
what it was, whatever order they finish in. The Surface's workers (a big function's preparation, the inspector's
formulas, the critical-point search) run inside it."""
import sys
import threading

import pytest
from PySide6.QtCore import Qt

import engine.expr.closed_form as closed_form
import gui.surface.critical_panel as critical_panel
import gui.surface.preparing as preparing
from engine.analysis.critical import critical_points
from gui.worker_pace import WORKER_SWITCH_INTERVAL_S, quick_thread_switches
from tests.engine.huge_formulas import huge_formula
from tests.gui.surface_helpers import find_critical_points, settle


@pytest.fixture
def interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_one_worker_lowers_the_interval_while_it_runs(interval):
    with quick_thread_switches():
        assert sys.getswitchinterval() == pytest.approx(WORKER_SWITCH_INTERVAL_S)
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_overlapping_workers_restore_the_interval_only_when_the_last_ends(interval):
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    seen = []

    def second():
        first_in.wait(10)
        with quick_thread_switches():
            second_in.set()
            first_out.wait(10)
            seen.append(sys.getswitchinterval())   # the first worker has ended; this one still runs

    thread = threading.Thread(target=second)
    thread.start()
    with quick_thread_switches():
        first_in.set()
        second_in.wait(10)
    first_out.set()
    thread.join(10)
    assert seen == [pytest.approx(WORKER_SWITCH_INTERVAL_S)]
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_an_error_in_the_worker_still_restores_the_interval(interval):
    with pytest.raises(ZeroDivisionError):
        with quick_thread_switches():
            1 / 0
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_the_surface_workers_run_with_quick_switches(qtbot, main_window, surface, monkeypatch):
    """The huge formula's preparation, its inspector formulas and the critical-point search each run their Python
    at the quick interval, and the GUI thread's own interval is back to what it was afterwards."""
    before, seen = sys.getswitchinterval(), {}

    def recording(name, real):
        def run(*args, **kwds):
            seen[name] = sys.getswitchinterval()
            return real(*args, **kwds)
        return run
    monkeypatch.setattr(preparing, "typical_scales", recording("preparing", preparing.typical_scales))
    monkeypatch.setattr(critical_panel, "critical_points", recording("critical", critical_points), raising=False)
    monkeypatch.setattr(closed_form, "derivative_formulas", recording("formulas", closed_form.derivative_formulas))
    text = huge_formula(shift=6.3)
    surface.expressionEdit.setText(text)
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: surface.session.text == text, timeout=30000)
    settle(qtbot, surface)
    qtbot.waitUntil(lambda: surface.inspector.formula_rows.formulas is not None, timeout=30000)
    find_critical_points(qtbot, surface)
    assert seen == {name: pytest.approx(WORKER_SWITCH_INTERVAL_S) for name in ("preparing", "formulas", "critical")}
    assert sys.getswitchinterval() == pytest.approx(before)
