"""Leaving the tour puts back exactly what the user had: the function, point, ranges and fixed values, the race's
runs, the graph, the overlays and the tab. Each scene is one undo step per workspace it touches."""
import numpy as np
from PySide6.QtCore import Qt

from gui.tour.install import open_tour
from tests.conftest import open_window
from tests.gui.surface_helpers import type_function
from tests.gui.tour_helpers import go_to, settle_window, step_index


def user_state(window):
    s = window.session
    surface, descent, graph = (window.workspace(k) for k in ("surface", "descent", "graph"))
    runs = [(r.method, dict(r.hyper), r.colour, tuple(r.start)) for r in descent.model.runs]
    matrix = window.workspace("matrix")
    m = matrix.model.state
    return {"text": s.text, "axes": s.axes, "fixed": dict(s.fixed), "domain": dict(s.domain),
            "point": None if s.point is None else tuple(s.point), "overlays": surface.inspector.overlays_shown(),
            "side": surface.side.currentIndex(), "field": surface.controls.gradientFieldBox.isChecked(),
            "runs": runs, "graph": graph.document.graph.snapshot(), "output": graph.document.graph.output,
            "tab": window.workspaceTabs.currentIndex(),
            "matrix": (m.expression, dict(m.shapes), m.answer, m.wrt, {k: v.tolist() for k, v in m.values.items()},
                       matrix.note.text())}


def set_up_user_work(qtbot, window):
    """What a user had made before opening the tour, through the widgets."""
    surface = window.workspace("surface")
    type_function(qtbot, surface, "sin(x)*y + z")
    surface.inspector.pointEdit.setText("0.3, -0.7")
    qtbot.keyClick(surface.inspector.pointEdit, Qt.Key.Key_Return)
    surface.inspector.set_overlay("tangent", True)
    window.workspace("graph").apply_preset("fan-out")
    window.workspace("matrix").apply_preset("least-squares")
    window.workspace("matrix").model.change("Type an answer", answer="2*A'*(A*x - b)")
    window.show_workspace("descent")
    descent = window.workspace("descent")
    descent.panel.add_run("adam")
    window.show_workspace("graph")
    settle_window(qtbot, window)


def test_leave_tour_restores_every_workspace(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    set_up_user_work(qtbot, window)
    before = user_state(window)
    panel = open_tour(window)
    for step_id in ("partials", "descent", "pytorch-listing", "factorization-sign", "ex4-classify", "ex2-norm"):
        go_to(qtbot, panel, step_id)
    assert user_state(window) != before
    qtbot.mouseClick(panel.leaveButton, Qt.MouseButton.LeftButton)
    settle_window(qtbot, window)
    assert not panel.isVisible() and not panel.highlight.isVisible()
    after = user_state(window)
    assert after == before
    assert any(r.auto_start for r in window.workspace("descent").model.runs)   # the default race still follows the view


def test_each_scene_is_one_undo_step_per_workspace_it_touches(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    stacks = {k: window.workspace(k).undo_stack for k in ("surface", "descent", "graph", "matrix")}
    panel = open_tour(window)
    for step_id, touched in (("uphill", {"surface"}), ("descent", {"surface", "descent"}),
                             ("pytorch-listing", {"graph"}), ("three-paths", {"graph"}),
                             ("factorization-sign", {"matrix"}), ("ex1-beta-x", {"matrix"})):
        before = {k: s.index() for k, s in stacks.items()}
        go_to(qtbot, panel, step_id)
        moved = {k for k, s in stacks.items() if s.index() != before[k]}
        assert moved == touched, step_id
        assert all(stacks[k].index() == before[k] + 1 for k in touched), step_id
        assert stacks[next(iter(touched))].text(before[next(iter(touched))]).startswith("Tour: ")


def test_undo_takes_a_scene_back(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    panel = open_tour(window)
    go_to(qtbot, panel, "partials")
    go_to(qtbot, panel, "critical-points")
    assert window.session.text.startswith("3*x^4")
    window.workspace("surface").undo_stack.undo()
    settle_window(qtbot, window)
    assert window.session.text == "log(exp(x) + exp(y))"
    assert np.allclose(window.session.point, [0, np.log(2)])


def test_closing_the_dock_is_leaving_the_tour(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    text = window.session.text
    panel = open_tour(window)
    go_to(qtbot, panel, "critical-points")
    panel.close()
    settle_window(qtbot, window)
    assert window.session.text == text and panel.snapshot is None


def test_next_back_arrow_keys_and_the_progress_bar(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    panel = open_tour(window)
    assert panel.index == 0 and panel.progress.value() == 1 and not panel.backButton.isEnabled()
    qtbot.mouseClick(panel.nextButton, Qt.MouseButton.LeftButton)
    assert panel.index == 1 and panel.progress.value() == 2
    panel.stepList.setFocus()
    qtbot.keyClick(panel.stepList, Qt.Key.Key_Right)
    assert panel.index == 2
    qtbot.keyClick(panel.stepList, Qt.Key.Key_Left)
    assert panel.index == 1
    qtbot.mouseClick(panel.backButton, Qt.MouseButton.LeftButton)
    assert panel.index == 0
    panel.sectionList.setCurrentRow(3)
    assert panel.current_step().id == panel.tour.sections[3].steps[0].id
    assert panel.progress.value() == step_index(panel, panel.current_step().id) + 1
    panel.go(len(panel.steps) - 1)
    assert not panel.nextButton.isEnabled() and panel.progress.value() == panel.progress.maximum()


def test_help_menu_opens_the_tour_and_the_first_launch_button_hides(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    assert window.tour_button.isVisible()   # a fresh user: the Tour button is offered
    window.statusBar().showMessage("a message")
    assert window.tour_button.isVisible()   # and no status message covers it
    help_menu = next(m for m in window.menuBar().actions() if m.text() == "&Help").menu()
    assert window.tour_action in help_menu.actions()
    window.tour_action.trigger()
    assert window.tour_panel.isVisible() and window.tour_panel.index == 0
    assert not window.tour_button.isVisible()
    again = open_window(qtbot, tmp_path / "autosave2", (1600, 960))
    assert not again.tour_button.isVisible()   # offered once


def test_the_highlight_frames_the_control_of_the_step(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    panel = open_tour(window)
    go_to(qtbot, panel, "linear-approximation")
    qtbot.waitUntil(lambda: panel.highlight.isVisible(), timeout=2000)
    target = window.workspace("surface").approximation.stepEdit
    assert panel.highlight.target is target and target.isVisible()   # its side tab was brought forward
    frame = panel.highlight.geometry()
    assert frame.contains(target.mapTo(window, target.rect().center()))
    assert frame.width() >= target.width() and frame.height() >= target.height()


def test_closing_the_window_leaves_the_tour_so_only_the_users_work_counts_as_unsaved(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    panel = open_tour(window)
    go_to(qtbot, panel, "pytorch-listing")
    go_to(qtbot, panel, "partials")
    assert not window.workspace("graph").undo_stack.isClean()
    assert window.close()   # nothing of the user's is unsaved, so no question blocks the close
    assert window.workspace("graph").undo_stack.isClean() and panel.snapshot is None


def test_a_scene_that_changes_nothing_leaves_no_undo_step(qapp):
    from PySide6.QtGui import QUndoCommand, QUndoStack
    from gui.tour.scenes import one_step
    stack = QUndoStack()
    with one_step(stack, "Tour: nothing"):
        pass
    assert stack.index() == 0 and not stack.canUndo()
    with one_step(stack, "Tour: two edits"):
        stack.push(QUndoCommand("a"))
        stack.push(QUndoCommand("b"))
    assert stack.index() == 1 and stack.text(0) == "Tour: two edits"


def test_leaving_after_every_step_puts_back_a_race_that_fits_the_function(qtbot, settings_dir, tmp_path):
    # walked to its end, the tour leaves the hidden Descent tab behind on the last scene's function (a hidden tab
    # defers function changes); rewinding its runs before it caught up with the restored function re-added a run of
    # two coordinates to a function of one, and Qt crashed
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    window.show_workspace("descent")
    settle_window(qtbot, window)
    before = user_state(window)
    panel = open_tour(window)
    while panel.nextButton.isEnabled():
        qtbot.mouseClick(panel.nextButton, Qt.MouseButton.LeftButton)
        settle_window(qtbot, window)
    assert panel.index == len(panel.steps) - 1
    qtbot.mouseClick(panel.leaveButton, Qt.MouseButton.LeftButton)
    settle_window(qtbot, window)
    assert user_state(window) == before
    descent = window.workspace("descent")
    assert all(len(r.start) == len(window.session.axes) == 2 for r in descent.model.runs)
    assert not any(r.error for r in descent.model.runs)
