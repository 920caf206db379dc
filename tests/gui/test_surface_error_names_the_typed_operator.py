"""A formula error names the operator as the user typed it: ``x**`` is missing an operand after '**', not '^'."""
import html

from PySide6.QtCore import Qt


def test_typing_x_star_star_names_star_star(qtbot, main_window, surface):
    edit = surface.expressionEdit
    edit.selectAll()
    qtbot.keyClicks(edit, "x**")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(surface.expressionError.isVisible)
    assert "missing operand after '**'" in html.unescape(surface.expressionError.text())
    assert main_window.session.text == "x*exp(-x^2 - y^2)"   # nothing drawn
