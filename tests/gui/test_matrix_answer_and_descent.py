"""Matrix workspace: a typed answer gets its verdict in words with the disagreeing cells outlined; a descent on the
factorization makes the loss fall and U*V approach X (model and pixels), flags divergence, and is one undo step."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.matrix_helpers import outline_pixels, pixels, type_into

pytestmark = [pytest.mark.gui]


@pytest.fixture
def workspace(matrix_workspace):
    return matrix_workspace


@pytest.mark.parametrize("answer, words, outlined", [
    ("-2*U'*(X - U*V)", "Correct", False),
    ("2*U'*(X - U*V)", "Off by a sign", True),             # the chapter's printed answer
    ("-2*(X - U*V)'*U", "Transposed", False),              # 5×2 instead of 2×5: no cells to compare
    ("-4*U'*(X - U*V)", "2 times", True),
    ("U'*X", "Different", True),
    ("U'*U", "Wrong shape", False),
])
def test_a_typed_answer_gets_its_verdict_and_outlines(qtbot, workspace, answer, words, outlined):
    type_into(qtbot, workspace.gradient.answerEdit, answer)
    assert workspace.model.state.answer == answer
    verdict = workspace.gradient.verdict
    assert verdict.objectName() == "matrixVerdict" and words in verdict.text()
    assert (outline_pixels(workspace.gradient.answerMap) > 20) == outlined
    if workspace.model.study.check.relative_error is not None:
        assert "Relative error" in verdict.text()


def test_an_answer_that_does_not_read_says_so(qtbot, workspace):
    type_into(qtbot, workspace.gradient.answerEdit, "U'*(X -")
    assert "does not read" in workspace.gradient.verdict.text()


def test_the_answer_field_undoes_with_the_stack(qtbot, workspace):
    type_into(qtbot, workspace.gradient.answerEdit, "2*U'*(X - U*V)")
    workspace.undo_stack.undo()
    assert workspace.gradient.answerEdit.text() == "" and workspace.gradient.verdict.text() == ""


def _gap(workspace) -> float:
    """How far the U*V heatmap's pixels are from X's (same colour scale): smaller as U*V approaches X."""
    a, b = (pixels(v).astype(float) for v in workspace.descend.compareMaps)
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return float(np.mean(np.abs(a[:h, :w] - b[:h, :w])))


def test_descent_on_the_factorization_lowers_the_loss(qtbot, workspace):
    start = workspace.model.state
    start_value = float(workspace.model.study.value[0, 0])
    gap_before = _gap(workspace)
    curve_before = pixels(workspace.descend.lossPlot)
    assert [c.text() for c in workspace.descend.checks.values() if c.isChecked()] == ["U", "V"]
    qtbot.mouseClick(workspace.descend.descendButton, Qt.MouseButton.LeftButton)
    assert workspace.runner.running and workspace.descend.descendButton.text().startswith("Pause")
    qtbot.waitUntil(lambda: workspace.runner.descent.run.steps_taken >= 60, timeout=20000)
    qtbot.mouseClick(workspace.descend.descendButton, Qt.MouseButton.LeftButton)
    assert not workspace.runner.running
    losses = workspace.runner.descent.losses
    assert losses[-1] < 0.5 * losses[0] and losses[0] == pytest.approx(start_value)
    assert float(workspace.model.study.value[0, 0]) == pytest.approx(losses[-1])
    assert np.array_equal(workspace.model.state.values["X"], start.values["X"])   # X is not descended
    qtbot.wait(50)
    assert _gap(workspace) < 0.8 * gap_before
    assert np.any(pixels(workspace.descend.lossPlot) != curve_before)
    assert "step" in workspace.descend.status.text()
    workspace.undo_stack.undo()                                              # the whole run is one step
    assert np.array_equal(workspace.model.state.values["U"], start.values["U"])
    workspace.undo_stack.redo()
    assert float(workspace.model.study.value[0, 0]) == pytest.approx(losses[-1])


def test_adam_descends_too(qtbot, workspace):
    workspace.descend.methodBox.setCurrentIndex(workspace.descend.methodBox.findData("adam"))
    workspace.descend.methodBox.activated.emit(workspace.descend.methodBox.currentIndex())
    assert workspace.model.state.method == "adam"
    workspace.toggle_descent()
    for _ in range(20):
        workspace.runner.tick()
    workspace.toggle_descent()
    assert workspace.runner.descent.losses[-1] < workspace.runner.descent.losses[0]


def test_divergence_is_flagged_and_numbers_stay_finite(qtbot, workspace):
    type_into(qtbot, workspace.descend.rateEdit, "5")
    assert workspace.model.state.lr == 5.0
    workspace.toggle_descent()
    qtbot.waitUntil(lambda: not workspace.runner.running, timeout=20000)
    assert workspace.runner.descent.status == "diverged"
    assert "Diverged" in workspace.descend.status.text() and "#ff6b6b" in workspace.descend.status.text()
    assert all(np.all(np.isfinite(v)) for v in workspace.model.state.values.values())


def test_a_change_during_a_run_stops_it(qtbot, workspace):
    workspace.toggle_descent()
    workspace.runner.tick()
    type_into(qtbot, workspace.gradient.answerEdit, "V")
    assert not workspace.runner.running
    assert workspace.undo_stack.count() == 2                  # the run, then the answer


def test_a_descent_needs_a_variable_and_a_scalar(qtbot, workspace):
    for check in workspace.descend.checks.values():
        check.setChecked(False)
    workspace.toggle_descent()
    assert not workspace.runner.running and "at least one variable" in workspace.descend.status.text()
