"""The Descent tab, first visited by a click on its tab, is built in the turns after the click (issue 12: no
event-loop gap > 100 ms): the click shows the tab's placeholder at once, the workspace is built a piece per turn and
put in its tab, and its first race then comes in over its staged first show. It ends as the synchronous way ends
(``show_workspace``, what the tour, exports and ``--screenshot`` use): the same race, the same pictures. Leaving
the tab before it is built, or while its first race is still coming, is safe; whoever asks for the workspace
(``window.workspace``) gets it built at once, the visit's build finished."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gui.descent.panel import RACE
from gui.descent.workspace import DescentWorkspace
from tests.conftest import open_window
from tests.gui.descent_helpers import assert_restarted_with_the_engines_rates, colour_pixels, hex_rgb

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def _click_tab(qtbot, window, title: str) -> None:
    bar = window.workspaceTabs.tabBar()
    titles = [bar.tabText(i) for i in range(bar.count())]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(titles.index(title)).center())


def _built(window) -> bool:
    return isinstance(window.workspaces["descent"], DescentWorkspace)


def _race_drawn(w) -> bool:
    return w.settled and len(w.model.runs) == len(RACE) and not w.model.waiting


def _rgb(image) -> np.ndarray:
    from gui.descent.export import qimage_to_pil
    return np.asarray(qimage_to_pil(image))[..., :3]


def _assert_first_race_shown(qtbot, window) -> DescentWorkspace:
    """The Descent tab is current, built, and shows its first race: the app's race on the session's function with
    the engine's rates (the model), the surface in 3D and the runs' markers on it and on the contour map (pixels)."""
    qtbot.waitUntil(lambda: _built(window), timeout=20000)
    w = window.workspaces["descent"]
    qtbot.waitUntil(lambda: _race_drawn(w), timeout=20000)
    assert window.current_workspace() is w and w.isVisible()
    assert [r.method for r in w.model.runs] == list(RACE)
    assert_restarted_with_the_engines_rates(w)
    assert all(np.array_equal(r.start, w.model.runs[0].start) for r in w.model.runs)   # the app's start
    assert w.surface_place.revealed and w.contour_place.revealed and w.loss_place.revealed
    surface = _rgb(w.surface_view.grabFramebuffer())
    assert len(np.unique(surface.reshape(-1, 3), axis=0)) > 200   # a lit, coloured surface, not a blank frame
    # the runs' markers at their shared start, in the colours no colour map of the views has (red, magenta)
    marks = [hex_rgb(r.colour) for r in w.model.runs if r.method in ("gd", "newton")]
    for image in (w.contour_view.grab().toImage(), w.surface_view.grabFramebuffer()):
        assert sum(colour_pixels(image, rgb) for rgb in marks) >= 5
    return w


def test_a_click_shows_a_placeholder_and_the_tab_comes_built_with_its_first_race(qtbot, settings_dir):
    window = open_window(qtbot)
    _click_tab(qtbot, window, "Descent")
    placeholder = window.workspaces["descent"]
    assert not _built(window)                                  # nothing built in the click's turn
    assert window.workspaceTabs.currentWidget() is placeholder
    label = placeholder.findChild(QLabel)
    assert label.text() == "Bringing in the Descent tab…" and label.isVisible()
    w = _assert_first_race_shown(qtbot, window)
    assert window.workspaceTabs.tabText(window.workspaceTabs.indexOf(w)) == "Descent"
    assert window.undo_group.activeStack() is w.undo_stack    # its undo stack joined Edit → Undo
    # the same race and pictures as the synchronous way (show_workspace, then everything drawn at once)
    other = open_window(qtbot)
    at_once = other.show_workspace("descent")
    at_once.flush()
    qtbot.wait(50)
    assert [(r.method, r.hyper, tuple(r.start)) for r in w.model.runs] == \
        [(r.method, r.hyper, tuple(r.start)) for r in at_once.model.runs]
    a, b = w.contour_view.grab().toImage(), at_once.contour_view.grab().toImage()
    assert a.size() == b.size() and a == b
    a, b = _rgb(w.surface_view.grabFramebuffer()), _rgb(at_once.surface_view.grabFramebuffer())
    assert a.shape == b.shape and np.count_nonzero(a != b) < 0.001 * a.size


def test_leaving_before_the_build_begins_puts_it_off_until_the_next_visit(qtbot, settings_dir):
    window = open_window(qtbot)
    _click_tab(qtbot, window, "Descent")
    _click_tab(qtbot, window, "Surface")                       # before the next turn
    qtbot.wait(100)
    assert not _built(window) and window.current_workspace() is window.workspaces["surface"]
    assert window.undo_group.activeStack() is window.workspaces["surface"].undo_stack
    _click_tab(qtbot, window, "Descent")
    _assert_first_race_shown(qtbot, window)


def test_leaving_while_it_is_built_leaves_it_hidden_in_its_tab_until_the_next_visit(qtbot, settings_dir):
    window = open_window(qtbot)
    _click_tab(qtbot, window, "Descent")
    qtbot.waitUntil(lambda: window._visits.under_way("descent"), timeout=10000)   # a piece built, more to come
    _click_tab(qtbot, window, "Graph")
    qtbot.waitUntil(lambda: _built(window), timeout=20000)   # finished, hidden: the Graph tab stays shown
    graph = window.workspaces["graph"]
    qtbot.wait(100)
    w = window.workspaces["descent"]
    assert window.current_workspace() is graph and not w.isVisible()
    assert w.first_race_due() and not w.model.runs               # hidden, it computed nothing
    _click_tab(qtbot, window, "Descent")
    assert _assert_first_race_shown(qtbot, window) is w


def test_leaving_while_its_first_race_comes_in_is_safe(qtbot, settings_dir):
    window = open_window(qtbot)
    _click_tab(qtbot, window, "Descent")
    qtbot.waitUntil(lambda: _built(window), timeout=20000)
    w = window.workspaces["descent"]
    assert not w.settled                                       # its views and race come over the next turns
    _click_tab(qtbot, window, "Surface")
    qtbot.wait(200)
    assert window.current_workspace() is window.workspaces["surface"]
    _click_tab(qtbot, window, "Descent")
    assert _assert_first_race_shown(qtbot, window) is w


def test_asking_for_the_workspace_during_the_visit_builds_it_at_once(qtbot, settings_dir):
    window = open_window(qtbot)
    _click_tab(qtbot, window, "Descent")
    qtbot.waitUntil(lambda: window._visits.under_way("descent"), timeout=10000)
    w = window.workspace("descent")                            # the tour, an export, a file it opens
    assert isinstance(w, DescentWorkspace) and window.workspaces["descent"] is w
    assert window.current_workspace() is w and not window._visits.under_way("descent")
    assert window.findChildren(DescentWorkspace) == [w]       # one build, finished: not a second one
    _assert_first_race_shown(qtbot, window)


def test_closing_the_window_while_the_tab_is_built_drops_the_build(qtbot, settings_dir):
    window = open_window(qtbot)
    _click_tab(qtbot, window, "Descent")
    qtbot.waitUntil(lambda: window._visits.under_way("descent"), timeout=10000)
    window.close()
    qtbot.wait(200)                                            # the turns that would have gone on: none does
    assert not _built(window) and not window._visits.under_way("descent")


def test_the_view_menu_visits_the_tab_as_a_click_does(qtbot, settings_dir):
    window = open_window(qtbot)
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    next(a for a in view.actions() if a.text() == "&Descent").trigger()
    assert not _built(window) and window.workspaceTabs.currentWidget() is window.workspaces["descent"]
    _assert_first_race_shown(qtbot, window)
