"""A big function applied while the Descent tab is shown is brought in over several turns of the event loop (the
window keeps answering), and ends exactly where the synchronous path ends: every run restarted on it with the
rates the engine chooses, the surface redrawn. Step finishes it at once; a newer function supersedes it; a small
function is still applied at once."""
import numpy as np
from PySide6.QtCore import Qt, QTimer

from gui.descent.staging import is_big
from tests.engine.huge_formulas import huge_formula
from tests.gui.descent_helpers import assert_restarted_with_the_engines_rates, open_descent, statuses

# shifts no other test uses: an Expression keeps its derivatives, and other tests build theirs on a worker
STAGES = ["gradient", "hessian", "curvature", "restart", "sample", "views", "text", "layer", "surface", "contours", "submit_rates",
          "rates", "frames", "race3d", "race2d", "loss", "race"]


def _watch(w):
    """The order of the 20 ms timer's ticks and the stages done, and the run list after the restart."""
    log, after_restart = [], []
    timer = QTimer(w)
    timer.setInterval(20)
    timer.timeout.connect(lambda: log.append("tick"))
    w.staged.connect(log.append)
    w.staged.connect(lambda name: after_restart.extend(statuses(w)) if name == "restart" else None)
    timer.start()
    return log, after_restart, timer


def _surface(w):
    from gui.descent.export import qimage_to_pil
    return np.asarray(qimage_to_pil(w.surface_view.grabFramebuffer())).astype(int)


def test_a_big_function_comes_in_stage_by_stage_while_the_timer_keeps_ticking(qtbot):
    w = open_descent(qtbot)
    qtbot.waitUntil(lambda: len(w.model.runs) == 4 and not w.staging, timeout=20000)
    before = _surface(w)
    log, after_restart, timer = _watch(w)
    text = huge_formula(shift=1.1)
    w.session.set_function(text, axes=("x", "y"))
    assert is_big(w.session.plotted_expression())
    assert w.staging and "gradient" not in log   # nothing of it was done inside set_function
    qtbot.waitUntil(lambda: not w.staging, timeout=30000)
    timer.stop()
    stages = [entry for entry in log if entry != "tick"]
    assert stages == STAGES    # every waiting run's rates in one turn, before the race is drawn
    # the timer kept firing while the function came in, between its stages (each stage is a turn of its own)
    first, last = log.index("gradient"), len(log) - 1 - log[::-1].index("race")
    assert "tick" in log[first:last]
    # while a run waited for its rate, its line said so
    assert sum("choosing its learning rate" in line for line in after_restart) == 4
    assert not any("choosing" in line for line in statuses(w))
    assert_restarted_with_the_engines_rates(w)
    changed = np.any(np.abs(_surface(w) - before) > 30, axis=-1)
    assert changed.mean() > 0.05   # the new surface is drawn


def test_step_finishes_the_staging_at_once(qtbot):
    w = open_descent(qtbot)
    qtbot.waitUntil(lambda: len(w.model.runs) == 4 and not w.staging, timeout=20000)
    w.session.set_function(huge_formula(shift=1.4), axes=("x", "y"))
    assert w.staging
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    assert not w.staging
    assert_restarted_with_the_engines_rates(w, steps=1)
    qtbot.wait(50)   # a late answer from the worker changes nothing
    assert_restarted_with_the_engines_rates(w, steps=1)


def test_a_newer_function_supersedes_an_unfinished_staging(qtbot):
    w = open_descent(qtbot)
    qtbot.waitUntil(lambda: len(w.model.runs) == 4 and not w.staging, timeout=20000)
    log, _after, timer = _watch(w)
    w.session.set_function(huge_formula(shift=1.7), axes=("x", "y"))
    qtbot.waitUntil(lambda: "restart" in log, timeout=20000)
    log.clear()
    w.session.set_function(huge_formula(shift=2.0), axes=("x", "y"))
    qtbot.waitUntil(lambda: not w.staging, timeout=30000)
    timer.stop()
    assert [entry for entry in log if entry != "tick"] == STAGES   # the first one's rest never ran
    assert_restarted_with_the_engines_rates(w)


def test_a_small_function_is_applied_at_once(qtbot):
    w = open_descent(qtbot)
    qtbot.waitUntil(lambda: len(w.model.runs) == 4 and not w.staging, timeout=20000)
    w.session.set_function("x^2 + 3*y^2 + x*y", axes=("x", "y"))
    assert not w.staging
    assert_restarted_with_the_engines_rates(w)


def test_shown_first_on_a_big_function_its_first_race_comes_in_staged(qtbot):
    from gui.session import Session
    session = Session()
    session.set_function(huge_formula(shift=2.3), axes=("x", "y"))
    w = open_descent(qtbot, session=session, settle=False)   # the catch-up when first shown
    assert w.staging and not w.model.runs
    qtbot.waitUntil(lambda: not w.staging, timeout=30000)
    assert [r.method for r in w.model.runs] == ["gd", "momentum", "adam", "newton"]
    assert_restarted_with_the_engines_rates(w)
