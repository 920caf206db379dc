"""Surface → "Open as graph" starts the graph's inputs at the point selected on the surface (log-sum-exp at
(0, log 2) opens with x = 0, y = log 2 and f = log 3), not at zero."""
from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

pytestmark = pytest.mark.gui


def test_open_as_graph_starts_at_the_selected_point(qtbot, main_window, surface):
    surface.apply_preset("log-sum-exp")
    point_edit = surface.findChild(QLineEdit, "pointEdit")
    point_edit.selectAll()
    qtbot.keyClicks(point_edit, f"0, {math.log(2)!r}")
    qtbot.keyClick(point_edit, Qt.Key.Key_Return)
    assert list(main_window.session.point) == [0.0, math.log(2)]
    qtbot.mouseClick(surface.findChild(QPushButton, "openAsGraphButton"), Qt.MouseButton.LeftButton)
    graph_ws = main_window.workspace("graph")
    assert main_window.current_workspace() is graph_ws
    graph = graph_ws.document.graph
    assert {n: graph.nodes[n].value for n in graph.inputs} == {"x": 0.0, "y": math.log(2)}
    assert graph_ws.scene.values[graph.output] == pytest.approx(math.log(3), rel=1e-12)
