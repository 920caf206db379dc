"""The step-backward callout covers no edge or label it explains and labels keep off
output ports and read "name = value" wherever that fits; a node placed at the canvas's edge is wholly in view; an
opened graph shows its numbers at once; and Send to surface makes the graph's input values the selected point."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from engine.graph.fileformat import save_graph
from engine.expr.numbers import format_number
from gui.graph.items import PORT_RADIUS
from tests.gui.graph_helpers import click_button, labels_placed, place, reviewer_graph, type_into_node, visible

pytestmark = pytest.mark.gui


def port_rect(ws, name: str) -> QRectF:
    centre = ws.scene.nodes[name].output_anchor()
    return QRectF(centre - QPointF(PORT_RADIUS, PORT_RADIUS), centre + QPointF(PORT_RADIUS, PORT_RADIUS))


def drawn_points(edge, count: int = 300) -> list[QPointF]:
    path = edge.path()
    return [path.pointAtPercent(i / count) for i in range(count + 1)]


def load_reviewer_graph(ws):
    ws._replace(reviewer_graph(), "Reviewer's graph")


def test_the_step_backward_callout_covers_no_node_edge_or_label(qtbot, graph_workspace):
    ws = graph_workspace
    load_reviewer_graph(ws)
    seen = []
    while True:
        click_button(qtbot, ws, "stepBackwardButton")
        if not ws.backprop.running:
            break
        seen.append(ws.backprop.steps[ws.backprop.index].node)
        callout = ws.backprop.callout.sceneBoundingRect()
        assert ws.backprop.callout.isVisible()
        for name, item in ws.scene.nodes.items():
            assert not callout.intersects(item.sceneBoundingRect()), f"at {seen[-1]}: callout on node {name}"
        for key, edge in ws.scene.edges.items():
            assert not callout.intersects(edge.tag.sceneBoundingRect()), f"at {seen[-1]}: callout on label {key}"
            assert not any(callout.contains(p) for p in drawn_points(edge)), f"at {seen[-1]}: callout on edge {key}"
            for name in ws.scene.nodes:
                assert not edge.tag.sceneBoundingRect().intersects(port_rect(ws, name)), \
                    f"at {seen[-1]}: label {key} on the output port of {name}"
    assert set(seen) == set(ws.document.graph.nodes)


def test_labels_read_name_equals_value_where_it_fits_and_the_tooltip_is_always_full(qtbot, graph_workspace):
    ws = graph_workspace
    load_reviewer_graph(ws)
    click_button(qtbot, ws, "backwardButton")
    labels_placed(qtbot, ws)
    partials = ws.document.graph.local_partials()
    bare = []
    for (parent, child), edge in ws.scene.edges.items():
        name = f"∂{child}/∂{parent}"
        shown = edge.tag.text.text().replace("\n", " ")
        assert edge.tag.toolTip().startswith(f"{name} = {format_number(partials[parent, child], 12)}:")
        for name2, item in ws.scene.nodes.items():
            assert not edge.tag.sceneBoundingRect().intersects(port_rect(ws, name2)), (parent, child, name2)
        if not shown.startswith(name):
            bare.append((parent, child))
    # u → a is the short edge the reviewer saw as a bare "1.632" sitting on u's port: it has room beside it
    assert ("u", "a") not in bare
    assert ws.scene.edges[("u", "a")].tag.text.text().replace("\n", " ") == "∂a/∂u = 1.632"
    # the value alone only where two nodes leave no room for the name at all (v → b, 45 px apart in a row)
    assert set(bare) <= {("v", "b")}


def test_a_node_placed_at_the_canvas_edge_is_wholly_in_view(qtbot, graph_workspace):
    ws = graph_workspace
    viewport = ws.canvas.viewport()
    view = ws.canvas.mapToScene(viewport.rect()).boundingRect()
    corners = [(viewport.width() - 8, viewport.height() - 8), (6, 6), (viewport.width() - 4, 10)]
    for i, (x, y) in enumerate(corners):
        name = place(qtbot, ws, "input" if i % 2 == 0 else "constant", visible(ws, x, y))
        rect = ws.scene.nodes[name].sceneBoundingRect()
        assert view.contains(rect), f"{name} at {rect} is cut off by the view {view}"
        # and still near the click: the node's box is pushed in, not moved somewhere else
        click = QPointF(*visible(ws, x, y))
        assert abs(rect.center().x() - click.x()) < rect.width() and abs(rect.center().y() - click.y()) < rect.height()


@pytest.mark.parametrize("how", ["file", "preset"])
def test_an_opened_graph_shows_its_values_and_adjoints_at_once(qtbot, graph_workspace, tmp_path, how):
    ws = graph_workspace
    if how == "file":
        path = tmp_path / "g.gsgraph.json"
        save_graph(reviewer_graph(), str(path))
        ws.open_file(str(path))
    else:
        ws.apply_preset("three-paths")
    g = ws.document.graph
    values, adjoints = g.forward(), g.backward()
    for name, item in ws.scene.nodes.items():
        assert item.value == pytest.approx(values[name], rel=1e-12), name
        assert item.adjoint == pytest.approx(adjoints[name], rel=1e-12), name
    labels_placed(qtbot, ws)
    assert all(edge.tag.isVisible() for edge in ws.scene.edges.values())


def build_saddle_at(qtbot, ws, x: float, y: float):
    for i in range(3):
        place(qtbot, ws, "input", visible(ws, 100, 80 + 140 * i))
    for name, value in (("x", x), ("y", y), ("z", 0.5)):
        type_into_node(qtbot, ws, name, "body", repr(value))
    h = place(qtbot, ws, "formula", visible(ws, 420, 200))
    type_into_node(qtbot, ws, h, "body", "x^2 - y^2 + z*x")


def send(qtbot, ws, x_axis: str, y_axis: str):
    ws.sender_panel.axis_x.setCurrentText(x_axis)
    ws.sender_panel.axis_y.setCurrentText(y_axis)
    qtbot.mouseClick(ws.findChild(QPushButton, "sendToSurfaceButton"), Qt.MouseButton.LeftButton)


def test_send_to_surface_selects_the_graphs_input_values(qtbot, window_on_graph):
    mw, ws = window_on_graph
    session = mw.session
    build_saddle_at(qtbot, ws, 0.3, -1.2)
    send(qtbot, ws, "y", "x")
    assert session.axes == ("y", "x")
    assert list(session.point) == [-1.2, 0.3]


def test_send_to_surface_in_the_window_shows_the_point_in_the_inspector(qtbot, window_on_graph):
    mw, ws = window_on_graph
    surface = mw.workspaces["surface"]
    try:
        build_saddle_at(qtbot, ws, 0.7, -0.4)
        steps = surface.undo_stack.count()
        send(qtbot, ws, "x", "y")
        assert mw.workspaceTabs.currentWidget() is surface
        assert surface.undo_stack.count() == steps + 1
        assert list(mw.session.point) == [0.7, -0.4] and mw.session.fixed == {"z": 0.5}
        point_edit = surface.findChild(QLineEdit, "pointEdit")
        # the inspector updates on the next turn (until then it shows the point selected before)
        qtbot.waitUntil(lambda: point_edit.text().replace(" ", "") == "0.7,-0.4", timeout=3000)
    finally:
        surface.shutdown()
