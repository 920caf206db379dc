"""Commands reaching the Surface workspace from elsewhere: Ctrl+F from any side tab, a function sent by another
workspace as one undo step, and the status bar's "f = …" only where it describes what is shown."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from engine import parse
from engine.optim.objective import Objective
from tests.gui.surface_helpers import settle, show_side_tab

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def test_ctrl_f_from_the_inspect_tab_finds_the_critical_points(qtbot, main_window, surface):
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow, timeout=5000)   # shortcuts reach only the active window
    show_side_tab(qtbot, surface, "Inspect")
    edit = surface.inspector.pointEdit
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClick(edit, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert surface.side.currentWidget().widget() is surface.critical
    qtbot.waitUntil(lambda: bool(surface.critical.results) and not surface.critical.is_running(), timeout=20000)
    # x e^(−x²−y²): ∂f/∂x = (1 − 2x²)e^(…) and ∂f/∂y = −2xy e^(…) vanish at (±1/√2, 0) only
    points = sorted(tuple(c.point) for c in surface.critical.results)
    np.testing.assert_allclose(points, [(-2 ** -0.5, 0.0), (2 ** -0.5, 0.0)], atol=1e-8)


class Source:
    """An objective supplier standing in for a chain-rule graph's backward pass; it records that it was used."""

    def __init__(self, text):
        self.expression, self.calls = parse(text), 0

    def __call__(self, axes, fixed):
        self.calls += 1
        return Objective.from_expression(self.expression, axes, fixed)


def test_a_function_sent_from_elsewhere_is_one_undo_step_with_its_objective(qtbot, main_window, surface):
    session = main_window.session
    first, second = Source("x^2 - y^2 + z*x"), Source("x*y*w")
    surface.set_function_from(first.expression, axes=("x", "y"), fixed={"z": 0.5}, objective_source=first,
                              label="Send graph output to surface")
    settle(qtbot, surface)
    surface.set_function_from(second.expression, axes=("w", "y"), fixed={"x": 2.0}, objective_source=second,
                              label="Send graph output to surface")
    settle(qtbot, surface)
    assert session.axes == ("w", "y") and session.fixed == {"x": 2.0}
    assert surface.undo_stack.undoText() == "Send graph output to surface"
    # the drawn field is the sent function over the chosen axes: f(w, y) = 2wy
    field = surface.field
    np.testing.assert_allclose(field.zs, 2.0 * field.xs[:, None] * field.ys[None, :], atol=1e-12)

    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.expression is first.expression and session.axes == ("x", "y") and session.fixed == {"z": 0.5}
    assert session.objective_source is first
    calls = first.calls
    assert session.objective().value(np.array([1.0, 2.0])) == pytest.approx(1 - 4 + 0.5)
    assert first.calls == calls + 1

    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.text == "x*exp(-x^2 - y^2)" and session.objective_source is None
    assert surface.expressionEdit.text() == "x*exp(-x^2 - y^2)"

    main_window.redo_action.trigger()
    main_window.redo_action.trigger()
    settle(qtbot, surface)
    assert session.expression is second.expression and session.objective_source is second
    assert session.axes == ("w", "y") and session.fixed == {"x": 2.0}


def test_a_function_with_axes_it_does_not_have_is_refused_and_nothing_changes(qtbot, main_window, surface):
    count = surface.undo_stack.count()
    with pytest.raises(ValueError, match="cannot plot over"):
        surface.set_function_from(parse("x + y"), axes=("x", "q"), fixed={}, objective_source=None, label="Send")
    assert surface.undo_stack.count() == count and main_window.session.text == "x*exp(-x^2 - y^2)"


def test_the_graphs_send_is_undone_on_the_surface_tab(qtbot, main_window, surface):
    graph = main_window.workspace("graph")
    if not hasattr(graph, "function_sent"):
        pytest.skip("the Graph workspace does not send functions by signal")
    source = Source("a*b + c")
    graph.function_sent.emit(source.expression, ("a", "b"), {"c": 1.5}, source, [0.25, -0.5])
    settle(qtbot, surface)
    session = main_window.session
    assert main_window.workspaceTabs.currentWidget() is surface
    assert session.expression is source.expression and session.objective_source is source
    assert list(session.point) == [0.25, -0.5]
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.text == "x*exp(-x^2 - y^2)" and session.objective_source is None
    main_window.redo_action.trigger()
    settle(qtbot, surface)
    assert session.expression is source.expression and session.fixed == {"c": 1.5}
    assert list(session.point) == [0.25, -0.5]   # the sent point is part of the same undo step


def test_the_status_bar_function_is_shown_only_where_it_is_drawn(qtbot, main_window, surface):
    label = main_window.findChild(QLabel, "functionStatusLabel")
    assert label.isVisible() and label.text() == "f = x*exp(-x^2 - y^2)"
    bar = main_window.workspaceTabs.tabBar()
    titles = [bar.tabText(i) for i in range(bar.count())]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(titles.index("Graph")).center())
    assert not label.isVisible()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(titles.index("Descent")).center())
    assert label.isVisible()
    # a long function is cut in the middle, so the window keeps its width; the tooltip has all of it
    width = main_window.width()
    long_text = " + ".join(f"{k}*x^{k}*y" for k in range(1, 120))
    main_window.session.set_function(long_text)
    assert label.width() <= 0.4 * width and "…" in label.text()
    assert label.toolTip() == f"f = {long_text}"
    assert main_window.width() == width
