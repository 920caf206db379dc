"""Edge geometry on the canvas: no edge runs under a node, and every local-partial label sits on its own edge, clear
of every node and of every other label, and can be read on screen."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF

from engine.graph.fileformat import list_presets
from tests.gui.graph_helpers import (build_chapter_graph, click_button, drag, label_ink, labels_placed, node_point,
                                     place, visible, zoom_to)

pytestmark = pytest.mark.gui

PRESETS = [path.name.split(".")[0] for _, path in list_presets()]


def drawn_points(edge, count: int = 400) -> list[QPointF]:
    """Points along the curve the edge item actually draws (its painter path, arrowhead included)."""
    path = edge.path()
    return [path.pointAtPercent(i / count) for i in range(count + 1)]


def label_rects(ws) -> dict[tuple[str, str], QRectF]:
    return {key: edge.tag.sceneBoundingRect() for key, edge in ws.scene.edges.items() if edge.label.isVisible()}


def check_geometry(qtbot, ws):
    """The overlaps the defect report found, measured in scene coordinates, at a zoom where labels are readable
    (zoomed out, labels are not drawn at all: test_graph_scale), with every label placed."""
    zoom_to(ws, 1.0)
    qtbot.waitUntil(lambda: ws.scene.numbers_current)   # a graph past SYNC_NODES gets them from a worker
    ws.scene.ensure_layout()
    labels, nodes = label_rects(ws), {n: i.sceneBoundingRect() for n, i in ws.scene.nodes.items()}
    assert len(labels) == len(ws.document.graph.edges())   # every partial is shown
    keys = sorted(labels)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            assert not labels[a].intersects(labels[b]), f"labels {a} and {b} overlap"
        for name, rect in nodes.items():
            assert not labels[a].intersects(rect), f"label {a} overlaps node {name}"
    for key, edge in ws.scene.edges.items():
        points = drawn_points(edge)
        for name, rect in nodes.items():
            if name not in key:
                inside = [p for p in points if rect.contains(p)]
                assert not inside, f"edge {key} passes under node {name}"
        # a label sits on its own edge: the edge passes through (or within a few pixels of) its box
        box = labels[key].adjusted(-12, -12, 12, 12)
        assert any(box.contains(p) for p in points), f"label {key} is away from its edge"


@pytest.mark.parametrize("preset", PRESETS)
def test_labels_clear_of_nodes_and_each_other_in_every_preset(qtbot, graph_workspace, preset):
    ws = graph_workspace
    ws.apply_preset(preset)
    click_button(qtbot, ws, "forwardButton")
    click_button(qtbot, ws, "backwardButton")
    check_geometry(qtbot, ws)


@pytest.mark.parametrize("preset", ["four-inputs", "three-paths"])
def test_every_label_can_be_read_on_screen(qtbot, graph_workspace, preset):
    ws = graph_workspace
    ws.apply_preset(preset)
    click_button(qtbot, ws, "backwardButton")
    labels_placed(qtbot, ws)
    ws.canvas.viewport().repaint()
    for key in ws.scene.edges:
        assert label_ink(ws, key) > 5, f"label {key} is not drawn where it can be seen"
    click_button(qtbot, ws, "partialsToggle")   # the measure sees labels, not something else in their boxes
    ws.canvas.viewport().repaint()
    assert all(label_ink(ws, key) == 0 for key in ws.scene.edges)
    # in the three-paths graph, u → f used to run under a (hiding its label); now it bends around a
    if preset == "three-paths":
        a = ws.scene.nodes["a"].sceneBoundingRect()
        assert not any(a.contains(p) for p in drawn_points(ws.scene.edges[("u", "f")]))


def test_the_chapter_graph_built_by_hand_has_clear_labels(qtbot, graph_workspace):
    ws = graph_workspace
    build_chapter_graph(qtbot, ws)
    click_button(qtbot, ws, "forwardButton")
    click_button(qtbot, ws, "backwardButton")
    check_geometry(qtbot, ws)


def test_dragging_a_node_into_an_edge_bends_the_edge_around_it(qtbot, graph_workspace):
    ws = graph_workspace
    x = place(qtbot, ws, "input", visible(ws, 100, 200))
    h = place(qtbot, ws, "formula", visible(ws, 800, 200))
    ws.document.edit_content(h, f"2*{x}")
    z = place(qtbot, ws, "input", visible(ws, 450, 450))
    click_button(qtbot, ws, "tool_select")
    click_button(qtbot, ws, "forwardButton")
    edge = ws.scene.edges[(x, h)]
    z_rect = lambda: ws.scene.nodes[z].sceneBoundingRect()  # noqa: E731
    assert not any(z_rect().contains(p) for p in drawn_points(edge))
    straight = drawn_points(edge)
    # drop z onto the straight edge: the edge must go round it, label included
    target = visible(ws, 450, 200)
    drag(qtbot, ws, node_point(ws, z, "centre"), (target[0], target[1] + 10))
    assert any(z_rect().contains(p) for p in straight)   # z now sits where the edge used to run
    qtbot.waitUntil(lambda: not any(z_rect().contains(p) for p in drawn_points(edge)), timeout=3000)
    check_geometry(qtbot, ws)
