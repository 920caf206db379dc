"""What the user types into the Surface workspace: long bad formulas, ranges, points as formulas, and the messages
that must follow the current function (and disappear with the old one)."""
import math
import warnings

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.surface_helpers import choose_preset, settle, type_function

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def paste_function(qtbot, surface, text):
    """As a person enters a formula too long to type: paste it, press Enter."""
    QApplication.clipboard().setText(text)
    edit = surface.expressionEdit
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == text
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)


def type_into_spin(qtbot, spin, text):
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


@pytest.mark.parametrize("formula, reason", [
    ("x" + "+x" * 1500, "too long"),                   # 1,501 terms
    ("(" * 150 + "x" + ")" * 150, "nested deeper"),
    ("x" + "+x" * 80 + "+*y", "missing operand"),      # an 81-term formula with a mistake near its end
])
def test_a_long_bad_formula_keeps_the_window_size_and_shows_the_reason(qtbot, main_window, surface, formula,
                                                                       reason):
    width, minimum = main_window.width(), main_window.minimumSizeHint().width()
    paste_function(qtbot, surface, formula)
    error = surface.expressionError
    qtbot.waitUntil(error.isVisible, timeout=2000)
    QApplication.processEvents()
    assert abs(main_window.width() - width) <= 3
    assert main_window.minimumSizeHint().width() <= minimum + 3
    # the reason comes first, so it is on screen however the line is cut; the label lies inside the window
    assert error.text().startswith(reason) or reason in error.text().split("<code>")[0]
    right_edge = error.mapTo(main_window, error.rect().topRight()).x()
    assert right_edge <= main_window.width()
    assert len(error.text()) < 600          # an excerpt around the mistake, not the whole formula
    assert "background:#c62828" in error.text()
    assert main_window.session.text == "x*exp(-x^2 - y^2)"
    # fixing the formula leaves the window as it was
    type_function(qtbot, surface, "x^2 + y")
    assert not error.isVisible()
    assert main_window.minimumSizeHint().width() <= minimum + 3


def test_a_reversed_range_is_refused_with_a_message_and_tiny_ranges_work(qtbot, main_window, surface):
    session = main_window.session
    lo, hi = surface.controls.range_spins["x"]
    message = surface.controls.rangeError
    type_into_spin(qtbot, lo, "5")
    type_into_spin(qtbot, hi, "-5")
    assert message.isVisible()
    assert "below the high end" in message.text() and "5" in message.text()
    assert session.domain["x"] == (-2.0, 2.0)
    # a range narrower than 0.001 can be typed and is shown with its digits
    type_into_spin(qtbot, lo, "0")
    type_into_spin(qtbot, hi, "0.0004")
    settle(qtbot, surface)
    assert session.domain["x"] == (0.0, pytest.approx(0.0004, rel=1e-12))
    assert hi.text() == "0.0004"
    assert not message.isVisible()
    assert surface.field.xs[-1] == pytest.approx(0.0004)
    # constant formulas are accepted too
    type_into_spin(qtbot, hi, "pi/2")
    settle(qtbot, surface)
    assert session.domain["x"][1] == pytest.approx(math.pi / 2, rel=1e-9)


def test_the_point_field_accepts_constant_formulas(qtbot, main_window, surface):
    edit = surface.inspector.pointEdit
    edit.selectAll()
    qtbot.keyClicks(edit, "0, log(2)")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    np.testing.assert_allclose(main_window.session.point, [0.0, math.log(2)], rtol=1e-15)
    assert edit.text().startswith("0, 0.6931471")
    # a variable is not a coordinate: a clear message, the point stays
    edit.selectAll()
    qtbot.keyClicks(edit, "1, y")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    assert "coordinate 2" in surface.inspector.message.text() and "y" in surface.inspector.message.text()
    np.testing.assert_allclose(main_window.session.point, [0.0, math.log(2)])


def test_a_point_where_the_gradient_is_infinite_gives_no_numpy_warnings(qtbot, main_window, surface):
    type_function(qtbot, surface, "x/y")
    edit = surface.inspector.pointEdit
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        edit.selectAll()
        qtbot.keyClicks(edit, "0.5, 0")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        settle(qtbot, surface)
    assert [str(w.message) for w in caught] == []
    assert main_window.session.point.tolist() == [0.5, 0.0]
    assert "undefined" in surface.inspector.fields["directional"].text()


def test_a_preset_note_and_a_gaps_message_leave_with_their_function(qtbot, main_window, surface):
    note = surface.function_bar.note
    choose_preset(qtbot, surface, "chain")
    assert note.text().startswith("The chapter's composition")
    type_function(qtbot, surface, "x^2 + 2*y^2")
    assert note.text() == ""
    main_window.undo_action.trigger()          # back to the preset: its note comes back
    settle(qtbot, surface)
    assert note.text().startswith("The chapter's composition")

    bar = main_window.statusBar()
    type_function(qtbot, surface, "log(x) + y")
    assert "undefined" in bar.currentMessage()
    type_function(qtbot, surface, "x + y")
    assert "undefined" not in bar.currentMessage()
    # another message (not about gaps) is left alone by a clean redraw
    bar.showMessage("Saved somewhere")
    type_function(qtbot, surface, "x - y")
    assert bar.currentMessage() == "Saved somewhere"
