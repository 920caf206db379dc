""""Open as graph" expands the function with its inputs at the selected point in every variable: the held-fixed
ones too (the plotted ones alone: tests/gui/test_open_as_graph_keeps_the_point.py)."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.gui.surface_helpers import type_function, type_point


def _open_as_graph(qtbot, main_window, surface):
    qtbot.mouseClick(surface.findChild(QPushButton, "openAsGraphButton"), Qt.MouseButton.LeftButton)
    graph_ws = main_window.workspace("graph")
    assert main_window.workspaceTabs.currentWidget() is graph_ws
    return graph_ws.document.graph


def test_held_variables_and_the_point_both_reach_the_graph(qtbot, main_window, surface):
    type_function(qtbot, surface, "x*y + z")
    slider = surface.controls.sliders["z"][0]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    type_point(qtbot, surface, "1.5, -2")
    graph = _open_as_graph(qtbot, main_window, surface)
    assert {n: graph.nodes[n].value for n in graph.inputs} == pytest.approx({"x": 1.5, "y": -2.0, "z": 0.4})
