""""Open as graph" expands the function with its inputs at the selected point, in every variable (the held-fixed
ones included), so the graph's output is f there."""
import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.gui.surface_helpers import choose_preset, type_function, type_point


def _open_as_graph(qtbot, main_window, surface):
    qtbot.mouseClick(surface.findChild(QPushButton, "openAsGraphButton"), Qt.MouseButton.LeftButton)
    graph_ws = main_window.workspaces["graph"]
    assert main_window.workspaceTabs.currentWidget() is graph_ws
    return graph_ws.document.graph


def test_log_sum_exp_at_0_log2_opens_with_x_0_and_y_log2(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "log-sum-exp")
    graph = _open_as_graph(qtbot, main_window, surface)
    assert graph.nodes["x"].value == 0.0 and graph.nodes["y"].value == pytest.approx(math.log(2), abs=1e-15)
    assert graph.forward()[graph.output] == pytest.approx(math.log(3), rel=1e-12)


def test_held_variables_and_the_point_both_reach_the_graph(qtbot, main_window, surface):
    type_function(qtbot, surface, "x*y + z")
    slider = surface.controls.sliders["z"][0]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    type_point(qtbot, surface, "1.5, -2")
    graph = _open_as_graph(qtbot, main_window, surface)
    assert {n: graph.nodes[n].value for n in graph.inputs} == pytest.approx({"x": 1.5, "y": -2.0, "z": 0.4})
