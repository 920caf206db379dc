"""The selected point is one point in every variable: choosing other plotted axes of a function of three variables
re-reads the same point (nothing moves to another variable, nothing resets, f stays the same), and undo brings
back the axes with the same point."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.surface_helpers import label_numbers, settle, type_function, type_point

F = "x + 2*y + 3*z^2"


def f(x, y, z):
    return x + 2 * y + 3 * z ** 2



def _choose_axis(qtbot, surface, index, name):
    """Open the axis box's list, move to ``name`` with the arrow keys and press Enter."""
    combo = surface.controls.axis_combos[index]
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    target = combo.findText(name)
    while view.currentIndex().row() != target:
        qtbot.keyClick(view, Qt.Key.Key_Down if view.currentIndex().row() < target else Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    settle(qtbot, surface)


def test_choosing_other_axes_keeps_the_point_in_every_variable(qtbot, main_window, surface):
    session = main_window.session
    type_function(qtbot, surface, F)
    slider = surface.controls.sliders["z"][0]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)          # z = 0.4 (a tenth of −2…2)
    settle(qtbot, surface)
    type_point(qtbot, surface, "0.5, -0.7")
    before = session.full_point()
    assert before == pytest.approx({"x": 0.5, "y": -0.7, "z": 0.4})
    shown_before = label_numbers(surface.inspector.fields["value"].text())[0]
    assert shown_before == pytest.approx(f(0.5, -0.7, 0.4))

    _choose_axis(qtbot, surface, 1, "z")
    assert session.axes == ("x", "z")
    assert session.full_point() == pytest.approx(before)
    np.testing.assert_allclose(session.point, [0.5, 0.4])
    assert session.fixed == pytest.approx({"y": -0.7})
    # the slider now holds y at the point's y, and the inspector shows the same f
    label = surface.controls.sliders["y"][1]
    assert label_numbers(label.text())[0] == pytest.approx(-0.7)
    assert label_numbers(surface.inspector.fields["value"].text())[0] == pytest.approx(shown_before)
    assert surface.inspector.pointEdit.text() == "0.5, 0.4"
    # the drawn surface is f over (x, z) with y = −0.7
    field = surface.field
    np.testing.assert_allclose(field.zs, f(field.xs[:, None], -0.7, field.ys[None, :]), atol=1e-12)

    _choose_axis(qtbot, surface, 0, "y")                # (y, z): x is held at 0.5
    assert session.axes == ("y", "z") and session.fixed == pytest.approx({"x": 0.5})
    assert session.full_point() == pytest.approx(before)

    main_window.undo_action.trigger()
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.axes == ("x", "y") and session.full_point() == pytest.approx(before)
    assert label_numbers(surface.controls.sliders["z"][1].text())[0] == pytest.approx(0.4)


def test_a_held_variable_keeps_its_value_when_no_point_is_selected(qtbot, main_window, surface):
    session = main_window.session
    type_function(qtbot, surface, F)
    session.set_point(None)
    slider = surface.controls.sliders["z"][0]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)
    settle(qtbot, surface)
    _choose_axis(qtbot, surface, 0, "z")                # (z, y): swaps nothing, x becomes fixed
    assert session.axes == ("z", "y") and session.point is None
    assert "x" in session.fixed and "z" not in session.fixed
    _choose_axis(qtbot, surface, 0, "x")
    assert session.fixed == pytest.approx({"z": -0.4})


def test_a_new_function_of_other_variables_drops_the_point_rather_than_renaming_it(qtbot, main_window, surface):
    session = main_window.session
    type_function(qtbot, surface, "x^2 + y^2")
    type_point(qtbot, surface, "1, 2")
    type_function(qtbot, surface, "a^2 + b")
    assert session.point is None
    type_function(qtbot, surface, "x^2 - y")
    assert session.point is None


def test_the_first_picture_selects_the_point_its_note_names(main_window, surface):
    assert "expand at (−1, 0)" in surface.function_bar.note.text()
    assert main_window.session.full_point() == {"x": -1.0, "y": 0.0}
    assert surface.inspector.pointEdit.text() == "-1, 0"
    assert label_numbers(surface.inspector.fields["value"].text())[0] == pytest.approx(-math.exp(-1), rel=1e-5)
