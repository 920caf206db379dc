"""Start-up builds only what the first picture needs, and a hidden workspace does not compute: the Descent tab is
built the first time it is shown, and while hidden it neither resamples, contours nor probes learning rates — it
catches up with the session when shown."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.descent.workspace import DescentWorkspace
from tests.conftest import open_window
from tests.gui.descent_helpers import open_descent

pytestmark = pytest.mark.gui


def test_the_descent_tab_is_built_when_first_shown(qtbot, settings_dir):
    window = open_window(qtbot)
    assert not isinstance(window.workspaces["descent"], DescentWorkspace)   # a placeholder until shown
    tabs = window.workspaceTabs
    index = [tabs.tabText(i) for i in range(tabs.count())].index("Descent")
    tabs.setCurrentIndex(index)                                    # what clicking the tab does
    qtbot.waitUntil(lambda: isinstance(window.workspaces["descent"], DescentWorkspace))   # built in the next turns
    descent = window.workspaces["descent"]
    assert tabs.currentWidget() is descent
    assert tabs.tabText(index) == "Descent" and window.current_workspace() is descent
    assert len(descent.model.runs) == 4                           # its default race, on the session's function
    qtbot.mouseClick(descent.panel.step_button, Qt.MouseButton.LeftButton)   # it works: Step takes a step
    assert max(r.steps for r in descent.model.runs) == 1
    window.undo_action.trigger()                                  # its undo stack joined Edit → Undo
    assert window.undo_group.activeStack() is descent.undo_stack


def test_a_hidden_descent_does_not_compute_and_catches_up_when_shown(qtbot, monkeypatch):
    w = open_descent(qtbot)
    sampled = []
    real = w.sample_surface
    monkeypatch.setattr(w, "sample_surface", lambda *a: sampled.append(1) or real(*a))
    w.hide()
    w.session.set_function("x^2 + 3*y^2")
    w.session.set_range("x", -3.0, 3.0)
    w.session.set_point((1.0, 1.0))
    assert sampled == []                                           # nothing resampled, contoured or probed
    assert w.model.objective.variables == ("x", "y") and w.contour_view.extent[0] == -2.0
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.settled)                             # drawn over the turns after the show
    assert sampled == [1]                                          # once, for everything that changed
    assert w.contour_view.extent[:2] == (-3.0, 3.0)
    assert all(np.allclose(r.start, (1.0, 1.0)) for r in w.model.runs)   # the app's starts followed the point
    w.model.step(1)
    gd = w.model.runs[0]
    assert gd.descent.values[0] == pytest.approx(4.0)             # the runs descend the new function


def test_the_graph_and_matrix_tabs_are_built_when_first_asked_for(qtbot, settings_dir, tmp_path):
    from engine.graph import Graph
    from engine.graph.fileformat import save_graph
    window = open_window(qtbot)
    assert window.current_workspace() is window.workspaces["surface"]
    for key in ("descent", "graph", "matrix"):
        assert not hasattr(window.workspaces[key], "undo_stack")  # placeholders: nothing built yet
    graph = Graph()
    graph.add_input("a", 2.0)
    graph.add_formula("f", "a^2")
    path = tmp_path / "square.gsgraph.json"
    save_graph(graph, str(path))
    assert window.open_path(str(path))                             # File → Open of a graph builds its tab
    built = window.workspaces["graph"]
    assert hasattr(built, "undo_stack") and window.current_workspace() is built
    assert set(built.document.graph.nodes) == {"a", "f"}
    assert not hasattr(window.workspaces["matrix"], "undo_stack")  # still waiting: nobody asked for it
    matrix = window.show_workspace("matrix")
    assert window.workspaces["matrix"] is matrix and window.undo_group.activeStack() is matrix.undo_stack
    assert window.workspaceTabs.tabText(window.workspaceTabs.currentIndex()) == "Matrix"
