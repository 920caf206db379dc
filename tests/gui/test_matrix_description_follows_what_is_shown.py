"""The Matrix workspace's description line describes what is shown: a preset's description while its expression is
shown (through shape edits and a descent), "Your expression" once the user types another one, and undo/redo (Ctrl+Z,
Ctrl+Shift+Z in the field, as a person presses them) bring the preset's description back and take it away again."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.matrix.presets import find_preset
from gui.matrix.model import OWN_EXPRESSION_NOTE
from tests.gui.matrix_helpers import pixels, type_into

pytestmark = [pytest.mark.gui]


def note_of(workspace, key):
    return find_preset(workspace.presets, key).note


def choose_preset(workspace, key):
    box = workspace.bar.presetBox
    index = box.findData(key)
    box.setCurrentIndex(index)
    box.activated.emit(index)


def shown_note(workspace):
    assert workspace.note.text() == workspace.model.note   # the label shows the model's one description
    return workspace.note.text()


def test_typing_an_expression_replaces_the_presets_description_and_undo_brings_it_back(qtbot, matrix_workspace):
    w = matrix_workspace
    factorization = note_of(w, "factorization")
    assert shown_note(w) == factorization
    before = pixels(w.note)
    type_into(qtbot, w.bar.edit, "norm2(X - U*V)^2 + c*norm2(U)^2")
    assert w.model.state.expression == "norm2(X - U*V)^2 + c*norm2(U)^2"
    assert shown_note(w) == OWN_EXPRESSION_NOTE and "Your expression" in w.note.text()
    assert "sign is wrong" not in w.note.text()
    qtbot.wait(1)
    after = pixels(w.note)
    assert before.shape != after.shape or np.any(before != after)      # the line on screen changed too
    qtbot.keyClick(w.bar.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.model.state.expression == "norm2(X - U*V)^2" and shown_note(w) == factorization
    qtbot.keyClick(w.bar.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.model.state.expression.endswith("c*norm2(U)^2") and shown_note(w) == OWN_EXPRESSION_NOTE


def test_a_preset_after_an_own_expression_and_back_through_undo(qtbot, matrix_workspace):
    w = matrix_workspace
    choose_preset(w, "quadratic-form")
    assert w.model.state.expression == "x'*A*x" and shown_note(w) == note_of(w, "quadratic-form")
    type_into(qtbot, w.bar.edit, "x'*A*x + dot(x, x)")
    assert shown_note(w) == OWN_EXPRESSION_NOTE
    choose_preset(w, "logdet")
    assert shown_note(w) == note_of(w, "logdet")
    for expected in (OWN_EXPRESSION_NOTE, note_of(w, "quadratic-form"), note_of(w, "factorization")):
        w.undo_stack.undo()
        assert shown_note(w) == expected
    for expected in (note_of(w, "quadratic-form"), OWN_EXPRESSION_NOTE, note_of(w, "logdet")):
        w.undo_stack.redo()
        assert shown_note(w) == expected


def test_shapes_numbers_and_a_descent_keep_the_presets_description(qtbot, matrix_workspace):
    w = matrix_workspace
    factorization = note_of(w, "factorization")
    rows_u, cols_u = w.shapes.spins("U")
    rows_v, _ = w.shapes.spins("V")
    cols_u.setValue(3)
    rows_v.setValue(3)
    w.randomize()
    assert w.model.state.shape_of("U") == (6, 3) and shown_note(w) == factorization
    w.runner.start(("U", "V"), "gd")
    w.runner.tick()
    w.runner.stop()
    assert shown_note(w) == factorization
    w.undo_stack.undo()
    assert shown_note(w) == factorization
