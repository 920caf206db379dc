"""A step's tab is shown in one turn and its scene applied in the next (issue 12: the whole window's frame and the
scene in one turn blocked the loop for ~150 ms). A scene that was not applied before the user moved on is never
applied: Next clicked twice quickly makes one undo step, the second step's; leaving before a scene's turn leaves
nothing of it."""
import pytest
from PySide6.QtCore import Qt, QTimer

from gui.tour.install import open_tour
from tests.conftest import open_window
from tests.gui.tour_helpers import go_to, settle_window, step_index

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def test_next_twice_quickly_applies_only_the_second_steps_scene(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    panel = open_tour(window)
    go_to(qtbot, panel, "uphill")
    surface, descent = window.workspace("surface"), window.workspace("descent")
    stacks = {"surface": surface.undo_stack, "descent": descent.undo_stack}
    before = {k: s.index() for k, s in stacks.items()}
    applied = []
    panel.scene_applied.connect(applied.append)
    qtbot.mouseClick(panel.nextButton, Qt.MouseButton.LeftButton)   # "directional": not applied yet
    assert panel.current_step().id == "directional" and surface.inspector.directionEdit.text() != "1, -1"
    qtbot.mouseClick(panel.nextButton, Qt.MouseButton.LeftButton)   # "descent"
    settle_window(qtbot, window)
    assert applied == [step_index(panel, "descent")]
    assert panel.current_step().id == "descent" and window.workspaceTabs.currentWidget() is descent
    added = {k: [s.text(i) for i in range(before[k], s.index())] for k, s in stacks.items()}
    title = panel.current_step().title
    assert added == {"surface": [f"Tour: {title}"], "descent": [f"Tour: {title}"]}
    assert surface.side.tabText(surface.side.currentIndex()).replace("&", "").lower().startswith("inspect")
    assert [r.hyper["lr"] for r in descent.model.runs] == [0.1]   # the step's text names its one run
    assert "{" not in panel.textLabel.text()


def test_leaving_before_the_scenes_turn_applies_nothing(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    text, tab = window.session.text, window.workspaceTabs.currentIndex()
    panel = open_tour(window)   # step 1's scene is due after the next frame
    applied = []
    panel.scene_applied.connect(applied.append)
    panel.leave()
    later = QTimer(window, singleShot=True, interval=20)   # due after the scene's two 1 ms hops would have run
    with qtbot.waitSignal(later.timeout):
        later.start()
    settle_window(qtbot, window)
    assert applied == []
    assert window.session.text == text and window.workspaceTabs.currentIndex() == tab
    assert window.workspace("surface").undo_stack.index() == 0 and panel.snapshot is None
