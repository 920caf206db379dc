"""Matrix workspace: typing an expression and changing a shape change the formula and the heatmaps (model and
pixels); a shape error is shown at its position and the last good result stays; every change undoes."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.matrix_helpers import colours, pixels, type_into

pytestmark = [pytest.mark.gui]


@pytest.fixture
def workspace(matrix_workspace):
    return matrix_workspace


def test_starts_on_the_factorization_with_the_correct_sign(workspace):
    assert workspace.gradient.formula.text() == "-2*U'*(X - U*V)"
    assert workspace.model.study.max_error < 1e-6
    assert colours(workspace.gradient.gradientMap) > 8


def test_typing_an_expression_changes_the_formula_and_heatmaps(qtbot, workspace):
    before = pixels(workspace.gradient.gradientMap)
    type_into(qtbot, workspace.bar.edit, "x'*A*x")
    assert workspace.model.state.expression == "x'*A*x"
    assert workspace.gradient.formula.text() == "(A + A')*x"
    assert workspace.model.study.gradient_values.shape == (3, 1)
    assert workspace.gradient.wrtBox.currentText() == "x"
    A, x = (workspace.model.state.values[n] for n in ("A", "x"))
    np.testing.assert_allclose(workspace.model.study.gradient_values, (A + A.T) @ x)
    after = pixels(workspace.gradient.gradientMap)
    assert before.shape != after.shape or np.any(before != after)
    assert set(workspace.values.heatmaps) == {"A", "x"}
    assert colours(workspace.values.heatmaps["A"]) > 8


def test_the_gradient_follows_the_chosen_variable(qtbot, workspace):
    workspace.gradient.wrtBox.setCurrentText("U")
    workspace.gradient.wrtBox.activated.emit(workspace.gradient.wrtBox.currentIndex())
    assert workspace.gradient.formula.text() == "-2*(X - U*V)*V'"
    assert workspace.gradient.shapeLabel.text() == "shape 6×2"


def test_changing_shapes_keeps_the_last_good_result_through_a_shape_error(qtbot, workspace):
    rows_u, cols_u = workspace.shapes.spins("U")
    cols_u.setValue(3)                                   # U is 6×3 but V still 2×5: U*V does not fit
    study = workspace.model.study
    assert study.expression is None and study.error.position == 11   # the * of U*V
    assert "6×3" in str(study.error) and "2×5" in str(study.error)
    error = workspace.bar.error
    assert error.isVisible() and "6×3" in error.text() and "background:#fecaca" in error.text()
    assert workspace.gradient.formula.text() == "-2*U'*(X - U*V)"   # the last good result stays
    assert "last good result" in workspace.gradient.valueLabel.text()
    rows_v, _ = workspace.shapes.spins("V")
    rows_v.setValue(3)
    assert workspace.model.study.expression is not None and not error.isVisible()
    assert workspace.model.study.gradient_values.shape == (3, 5)
    assert workspace.values.heatmaps["U"].values.shape == (6, 3)
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert workspace.model.state.shape_of("U") == (6, 2) and cols_u.value() == 2


def test_a_syntax_error_points_at_its_character(qtbot, workspace):
    type_into(qtbot, workspace.bar.edit, "norm2(X - U*V))^2")
    assert workspace.model.study.error.position == 14
    assert "unmatched" in workspace.bar.error.text()
    workspace.undo_stack.undo()
    assert workspace.bar.edit.text() == "norm2(X - U*V)^2" and not workspace.bar.error.isVisible()


def test_a_vector_expression_shows_its_value_and_no_gradient(qtbot, workspace):
    type_into(qtbot, workspace.bar.edit, "A*x")
    assert "3×1 vector" in workspace.gradient.valueLabel.text()
    assert workspace.gradient.formula.text() == "" and not workspace.gradient.copyButton.isEnabled()


def test_presets_load_with_their_shapes(qtbot, workspace):
    box = workspace.bar.presetBox
    index = box.findData("logdet")
    box.setCurrentIndex(index)
    box.activated.emit(index)
    X = workspace.model.state.values["X"]
    np.testing.assert_allclose(X, X.T)
    assert np.all(np.linalg.eigvalsh(X) > 0)
    assert workspace.gradient.formula.text() == "inv(X)'"
    assert "symmetric positive definite" in workspace.note.text()


def test_editing_a_cell_and_randomizing_are_undoable(qtbot, workspace):
    view = workspace.values.heatmaps["X"]
    editor = view.edit_cell(0, 1)
    editor.setText("2.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert workspace.model.state.values["X"][0, 1] == 2.5
    first = {k: v.copy() for k, v in workspace.model.state.values.items()}
    qtbot.mouseClick(workspace.values.randomizeButton, Qt.MouseButton.LeftButton)
    assert workspace.model.state.seed == 1
    assert not np.array_equal(workspace.model.state.values["X"], first["X"])
    workspace.undo_stack.undo()
    assert np.array_equal(workspace.model.state.values["X"], first["X"])
    workspace.undo_stack.undo()
    assert workspace.model.state.values["X"][0, 1] != 2.5


def test_a_bad_number_in_a_cell_is_refused_with_a_message(qtbot, workspace):
    messages = []
    workspace.status_message.connect(messages.append)
    editor = workspace.values.heatmaps["V"].edit_cell(1, 1)
    editor.setText("abc")
    editor.returnPressed.emit()
    assert messages and "not a finite number" in messages[-1]
    assert workspace.undo_stack.count() == 0
