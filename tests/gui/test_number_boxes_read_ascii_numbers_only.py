"""The number boxes of the Descent and Surface workspaces read typed text alike, through gui.number_box: ASCII
numbers and constant formulas (1/20, pi/4) are taken; a digit of another script (١, ５), which float() would read as
1 or 5, is refused as it is typed and the value stays. A Matrix heatmap cell refuses it with its message."""
import math

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import QApplication

from gui.number_box import number_state, read_number
from gui.matrix.heatmap import HeatmapView
from gui.surface.controls import RangeSpin

Invalid, Intermediate, Acceptable = (QValidator.State.Invalid, QValidator.State.Intermediate,
                                     QValidator.State.Acceptable)


def type_into(qtbot, box, text):
    """Select all, type ``text`` key by key (as a keyboard whose layout has these digits sends them), press Enter.
    QTest only types ASCII, so each key is posted as the key event a keyboard sends, with its text."""
    box.setFocus()
    box.selectAll()
    type_keys(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def type_keys(box, text):
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(box, QKeyEvent(kind, Qt.Key.Key_unknown if not char.isascii() else ord(char.upper()),
                                                  Qt.KeyboardModifier.NoModifier, char))


@pytest.mark.parametrize("text, state", [
    ("0.05", Acceptable), ("1e-3", Acceptable), ("−2", Acceptable), ("pi/4", Acceptable), ("1/20", Acceptable),
    ("1e", Intermediate), ("-", Intermediate), ("pi/", Intermediate), ("", Intermediate), ("x", Intermediate),
    ("log(0)", Intermediate), ("١", Invalid), ("0.0١", Invalid), ("５", Invalid), ("1e３", Invalid),
])
def test_the_state_of_typed_text(text, state):
    assert number_state(text) == state


def test_read_number_takes_formulas_and_names_what_it_refuses():
    assert read_number("pi/4") == pytest.approx(math.pi / 4, rel=1e-15)
    assert read_number(" 2.5e-3 ") == 0.0025
    for text, words in [("١", "unexpected character"), ("x+1", "contains x"), ("1/0", "not a finite number")]:
        with pytest.raises(ValueError, match=words):
            read_number(text, "the rate")
    assert number_state("3", 0.0, 2.0) == Intermediate   # outside the box's range: not yet a value


def test_an_arabic_indic_digit_is_refused_by_the_learning_rate_box(qtbot, descent_workspace):
    w = descent_workspace
    w.panel.run_list.setCurrentRow(0)
    run, box = w.model.runs[0], w.panel.hyper_rows["lr"].box
    before, depth = run.hyper["lr"], w.undo_stack.count()
    type_into(qtbot, box, "١")
    assert "١" not in box.lineEdit().text()
    assert box.value() == before and run.hyper["lr"] == before and w.undo_stack.count() == depth
    type_into(qtbot, box, "0.0١5")   # typed inside a number: the digit is dropped, the ASCII ones stay
    assert box.value() == pytest.approx(0.05) and run.hyper["lr"] == pytest.approx(0.05)
    type_into(qtbot, box, "1/40")    # the shared reader takes constant formulas, as the Surface's boxes do
    assert run.hyper["lr"] == pytest.approx(0.025) and box.lineEdit().text() == "0.025"


def test_the_surface_range_box_refuses_it_alike(qtbot):
    spin = RangeSpin(None, "the low end")
    qtbot.addWidget(spin)
    spin.setValue(-2.0)
    spin.show()
    qtbot.waitExposed(spin)
    type_into(qtbot, spin, "-٣")
    assert spin.value() == -2.0 and "٣" not in spin.lineEdit().text()
    type_into(qtbot, spin, "-pi")
    assert spin.value() == pytest.approx(-math.pi)


def test_a_matrix_heatmap_cell_refuses_it_with_its_message(qtbot):
    view = HeatmapView("A", editable=True)
    qtbot.addWidget(view)
    view.set_data([[1.0, 2.0], [3.0, 4.0]])
    view.resize(200, 160)
    view.show()
    qtbot.waitExposed(view)
    edited, refused = [], []
    view.cell_edited.connect(lambda r, c, v: edited.append((r, c, v)))
    view.edit_refused.connect(refused.append)
    for text in ("٣", "pi/2"):
        editor = view.edit_cell(0, 1)
        editor.selectAll()
        type_keys(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert refused == ["'٣' is not a finite number: type one such as -1.5 or 2e-3"]
    assert edited == [(0, 1, pytest.approx(math.pi / 2))]
