"""Send to surface: the graph's output over two chosen inputs becomes the session's function, drawn in the Surface
workspace, and a descent there takes its gradients from the graph's own backward pass."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTabWidget, QWidget

from engine.graph import Graph
from gui.graph.workspace import GraphWorkspace
from tests.gui.graph_helpers import open_workspace, place, type_into_node, visible

pytestmark = pytest.mark.gui


def build_saddle(qtbot, ws):
    """x, y, z inputs and h = x^2 - y^2 + z*x, by clicking and typing."""
    for i in range(3):
        place(qtbot, ws, "input", visible(ws, 100, 80 + 140 * i))
    type_into_node(qtbot, ws, "z", "body", "0.5")
    h = place(qtbot, ws, "formula", visible(ws, 420, 200))
    type_into_node(qtbot, ws, h, "body", "x^2 - y^2 + z*x")
    return h


def send(qtbot, ws, x_axis: str, y_axis: str):
    ws.sender_panel.axis_x.setCurrentText(x_axis)
    ws.sender_panel.axis_y.setCurrentText(y_axis)
    qtbot.mouseClick(ws.findChild(QPushButton, "sendToSurfaceButton"), Qt.MouseButton.LeftButton)


def test_send_to_surface_sets_the_session(qtbot, window_on_graph, monkeypatch):
    mw, ws = window_on_graph
    session = mw.session
    build_saddle(qtbot, ws)
    with qtbot.waitSignal(session.function_changed, timeout=1000):
        send(qtbot, ws, "y", "x")
    assert session.axes == ("y", "x") and session.fixed == {"z": 0.5}
    for x, y in [(0.3, -1.2), (1.5, 0.25)]:
        assert session.expression.evaluate(x=x, y=y, z=0.5) == pytest.approx(x * x - y * y + 0.5 * x)

    calls = []
    original = Graph.backward
    monkeypatch.setattr(Graph, "backward", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    objective = session.objective()
    point = np.array([0.7, -0.4])   # (y, x)
    gradient = objective.gradient(point)
    assert calls, "the descent's gradient must come from the graph's backward pass"
    h = 1e-6
    f = lambda y, x: x * x - y * y + 0.5 * x  # noqa: E731
    reference = [(f(point[0] + h, point[1]) - f(point[0] - h, point[1])) / (2 * h),
                 (f(point[0], point[1] + h) - f(point[0], point[1] - h)) / (2 * h)]
    assert gradient == pytest.approx(reference, rel=1e-6)

    ws.document.edit_content("z", "3")   # later edits do not change what was sent
    assert objective.value(point) == pytest.approx(f(*point))


def surface_colours(surface) -> int:
    surface.flush()   # the surface draws on the next event-loop turn; draw now
    frame = surface.surfaceView.grabFramebuffer()
    return len({frame.pixel(x, y) for x in range(0, frame.width(), 5) for y in range(0, frame.height(), 5)})


def test_send_to_surface_is_drawn_in_the_main_window(qtbot, window_on_graph):
    mw, ws = window_on_graph
    view = mw.workspaces["surface"].surfaceView
    assert view.objectName() == "surfaceView"
    build_saddle(qtbot, ws)
    send(qtbot, ws, "x", "y")
    assert mw.workspaceTabs.currentWidget() is mw.workspaces["surface"]
    assert mw.session.fixed == {"z": 0.5}
    qtbot.waitExposed(view)
    assert surface_colours(mw.workspaces["surface"]) > 50   # a coloured surface, not a blank frame


def test_a_graph_with_2_to_the_60_paths_goes_to_the_surface_without_writing_out_its_formula(qtbot, window_on_graph):
    # its compiled formula would be ~10^19 characters of text: the surface must draw it from the shared DAG
    mw, ws = window_on_graph
    ws.apply_preset("layered-60")
    graph = ws.document.graph
    assert graph.path_count(graph.inputs[0]) == 2 ** 60
    send(qtbot, ws, graph.inputs[0], graph.inputs[1])
    assert mw.workspaceTabs.currentWidget() is mw.workspaces["surface"]
    qtbot.waitUntil(lambda: "too long to write out" in mw.session.text, timeout=20000)   # a big one: prepared first
    values = {n: graph.nodes[n].value for n in graph.inputs}
    assert float(mw.session.expression.evaluate(values)) == pytest.approx(graph.forward()[graph.output], rel=1e-12)
    assert surface_colours(mw.workspaces["surface"]) > 50


def test_send_to_surface_is_one_undoable_step_on_the_surface(qtbot, window_on_graph):
    mw, ws = window_on_graph
    surface = mw.workspaces["surface"]
    before_text, before_axes = mw.session.text, mw.session.axes
    build_saddle(qtbot, ws)
    steps = surface.undo_stack.count()
    send(qtbot, ws, "x", "y")
    assert mw.workspaceTabs.currentWidget() is surface
    assert surface.undo_stack.count() == steps + 1
    assert mw.session.axes == ("x", "y") and mw.session.fixed == {"z": 0.5}
    sent = mw.session.objective()
    mw.undo_action.trigger()   # Edit → Undo on the Surface tab takes back exactly the send
    assert mw.session.text == before_text and mw.session.axes == before_axes
    mw.redo_action.trigger()
    assert mw.session.axes == ("x", "y") and mw.session.fixed == {"z": 0.5}
    point = np.array([0.6, -1.1])
    assert mw.session.expression.evaluate(x=0.6, y=-1.1, z=0.5) == pytest.approx(0.36 - 1.21 + 0.3)
    # redo brings the graph's own backward pass back as the descent's gradient source
    assert mw.session.objective().gradient(point) == pytest.approx(sent.gradient(point))
    assert mw.session.objective().gradient(point) == pytest.approx([2 * 0.6 + 0.5, 2 * 1.1])


def test_a_workspace_on_its_own_has_no_surface_to_send_to(qtbot, tmp_path):
    ws = open_workspace(qtbot, tmp_path)
    build_saddle(qtbot, ws)
    assert not ws.send_to_surface(("x", "y"))
    assert "No surface to send to" in ws.status_label.text()


def test_the_workspace_never_switches_tabs_itself(qtbot, tmp_path):
    """Routing is the window's: a graph workspace inside some other tab widget emits and leaves the tabs alone."""
    tabs = QTabWidget()
    tabs.setObjectName("workspaceTabs")
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "Surface")
    ws = GraphWorkspace(autosave_dir=tmp_path)
    tabs.addTab(ws, "Graph")
    tabs.resize(1500, 900)
    tabs.setCurrentWidget(ws)
    tabs.show()
    qtbot.waitExposed(tabs)
    build_saddle(qtbot, ws)
    received = []
    ws.function_sent.connect(lambda *args: received.append(args))
    send(qtbot, ws, "x", "y")
    assert len(received) == 1 and tabs.currentWidget() is ws


def test_a_connected_receiver_gets_the_function_and_a_gradient_source(qtbot, tmp_path):
    ws = open_workspace(qtbot, tmp_path)
    build_saddle(qtbot, ws)
    received = []
    ws.function_sent.connect(lambda *args: received.append(args))
    send(qtbot, ws, "y", "x")
    (expression, axes, fixed, source, point), = received
    assert axes == ("y", "x") and fixed == {"z": 0.5}
    assert point == [ws.document.graph.nodes["y"].value, ws.document.graph.nodes["x"].value]
    assert expression.evaluate(x=1.5, y=0.25, z=0.5) == pytest.approx(1.5 ** 2 - 0.25 ** 2 + 0.75)
    objective = source(axes, fixed)
    assert objective.gradient(np.array([0.25, 1.5])) == pytest.approx([-0.5, 2 * 1.5 + 0.5])
    # an axis the output does not depend on is refused here, with a message, and nothing is sent
    output = ws.document.graph.output
    ws.document.edit_content(output, "x^2 + z*x")
    send(qtbot, ws, "x", "y")
    assert len(received) == 1
    assert "does not depend on y" in ws.status_label.text()
