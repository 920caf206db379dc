"""The Descent tab's first show and a tour Descent scene make their model changes at once and draw the race once,
after, one piece per turn of the event loop (issue 12: no event-loop gap > 100 ms). A 0 ms timer ticks once per
pass of the event loop; two pieces with no tick between them ran in one turn. What ends on screen is what drawing
it all at once (flush) gives, and the tour's numbers read the scene's runs at once."""
import numpy as np
import pytest
from PySide6.QtCore import QTimer

from gui.descent.workspace import DescentWorkspace
from gui.session import Session
from tests.gui.tour_helpers import go_to, open_tour_window, settle_window, step_index

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def _watch(w):
    """A log of the pieces done ("part:<name>", "stage:<name>"), with "tick" once per pass of the event loop,
    and a count of the race's redraws."""
    log, draws = [], []
    timer = QTimer(w, interval=0)
    timer.timeout.connect(lambda: log.append("tick") if log and log[-1] != "tick" else None)
    timer.start()
    build = w._build_part
    w._build_part = lambda name: log.append(f"part:{name}") or build(name)
    w.staged.connect(lambda name: log.append(f"stage:{name}"))
    draw = w._draw_frame
    w._draw_frame = lambda: draws.append(1) or draw()
    return log, draws, timer


def _one_piece_per_turn(log) -> None:
    pieces = [entry for entry in log if entry != "tick"]
    assert pieces, log
    for a, b in zip(log, log[1:]):
        assert a == "tick" or b == "tick", (a, b, log)   # never two pieces in one turn


def _shown(qtbot, settle: bool):
    w = DescentWorkspace(Session())
    qtbot.addWidget(w)
    w.resize(1200, 760)
    log = _watch(w) if settle else None
    w.show()
    if settle:
        assert not w.settled and w.surface_place.label.text().startswith("Bringing in")   # nothing drawn yet
        qtbot.waitUntil(lambda: w.settled, timeout=20000)
    else:
        w.flush()   # all of it at once, as the first show was before
    qtbot.waitExposed(w)
    qtbot.wait(50)
    return w, log


def test_the_first_show_of_a_small_function_comes_in_turns_and_ends_as_drawn_at_once(qtbot):
    staged, (log, draws, timer) = _shown(qtbot, settle=True)
    timer.stop()
    _one_piece_per_turn(log)
    parts = [e for e in log if e.startswith("part:")]
    assert {"part:surface_view", "part:contour_view", "part:loss_plot", "part:eigen_plot"} <= set(parts)
    assert log.index(parts[-1]) < log.index("stage:views")   # the views are built before they are drawn
    assert sum(e.startswith("stage:one_rate") for e in log) == 4   # the default race's rates, a run a turn
    assert draws == [1]                                        # the race drawn once
    at_once, _ = _shown(qtbot, settle=False)
    # the same race, with the app's rates (none left waiting), on the same drawn views
    assert not staged.model.waiting and not at_once.model.waiting
    assert [(r.method, r.hyper, tuple(r.start)) for r in staged.model.runs] == \
        [(r.method, r.hyper, tuple(r.start)) for r in at_once.model.runs]
    assert staged.surface_place.revealed and staged.contour_place.revealed and staged.loss_place.revealed
    for name in ("contour_view", "loss_plot", "eigen_plot"):
        a, b = getattr(staged, name).grab().toImage(), getattr(at_once, name).grab().toImage()
        assert a.size() == b.size() and a == b, name
    a, b = staged.surface_view.grabFramebuffer(), at_once.surface_view.grabFramebuffer()
    assert np.count_nonzero(_rgb(a) != _rgb(b)) < 0.001 * a.width() * a.height() * 3


def _rgb(image):
    from gui.descent.export import qimage_to_pil
    return np.asarray(qimage_to_pil(image))[..., :3]


@pytest.fixture
def tour(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    yield window, panel
    window.workspace("surface").shutdown()


def test_a_tour_descent_scene_sets_its_race_at_once_and_draws_it_once_in_later_turns(tour, qtbot):
    window, panel = tour
    go_to(qtbot, panel, "descent")
    descent = window.workspace("descent")
    log, draws, timer = _watch(descent)
    with qtbot.waitSignal(panel.scene_applied):   # the scene in the turn after the frame that shows its tab
        panel.go(step_index(panel, "step-too-large"))
    # at once: the scene's runs, stepped, and the step's numbers read from them; the drawing is still to come
    calm, wild = descent.model.runs
    assert (calm.hyper["lr"], wild.hyper["lr"], calm.steps, wild.steps) == (0.1, 0.35, 25, 25)
    assert not descent.settled and draws == [] and "{" not in panel.textLabel.text()
    settle_window(qtbot, window)
    timer.stop()
    _one_piece_per_turn(log)
    assert draws == [1]   # the runs removed and added and the function set: one redraw of the race
    assert [descent.loss_plot.curve(r.run_id).getData()[0].size for r in (calm, wild)] == [26, 26]
    assert descent.contour_view.extent[:2] == (-2.0, 2.0)
    assert panel.highlight.isVisible() and panel.highlight.target is descent.loss_plot
    # one undo step per workspace still: undo brings back the previous scene's single run
    descent.undo_stack.undo()
    assert [r.hyper["lr"] for r in descent.model.runs] == [0.1]


def test_a_batch_that_supersedes_one_still_drawing_draws_its_new_function_too(qtbot):
    from tests.gui.descent_helpers import open_descent
    w = open_descent(qtbot)
    with w.batch():
        w.session.set_function("x^2 + 3*y^2")
        w.session.set_range("x", -3.0, 3.0)
    assert not w.settled
    with w.batch():   # before the first batch's views are drawn: only the runs change
        w.model.remove_run(w.model.runs[-1].run_id)
    qtbot.waitUntil(lambda: w.settled, timeout=20000)
    assert w.contour_view.extent[:2] == (-3.0, 3.0) and len(w.model.runs) == 3
