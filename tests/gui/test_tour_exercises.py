"""The exercises in the tour panel, driven like a student: type an answer or pick a choice, press Check (or Enter),
and read the verdict and its hint."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.gui.surface_helpers import widget_pixels
from tests.gui.tour_helpers import go_to, open_tour_window


def answer(qtbot, panel, text):
    box = panel.exercise
    box.answerEdit.clear()
    qtbot.keyClicks(box.answerEdit, text)
    qtbot.keyClick(box.answerEdit, Qt.Key.Key_Return)
    return box.verdictLabel.text()


def test_a_gradient_exercise_accepts_a_right_answer_and_explains_a_wrong_one(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    go_to(qtbot, panel, "ex3-gradient")
    box = panel.exercise
    assert box.isVisible() and box.answerEdit.isVisible() and not box.choices.isVisible()
    before = widget_pixels(box.verdictLabel)
    text = answer(qtbot, panel, "exp(x)/(exp(x)+exp(y)), exp(y)/(exp(x)+exp(y))")
    assert box.verdict.correct and "Correct" in text and "#34c759" in text
    text = answer(qtbot, panel, "exp(x), exp(y)")
    assert not box.verdict.correct and "divide by eˣ + eʸ" in text and "#ff6b6b" in text
    assert (widget_pixels(box.verdictLabel) != before).any()   # the verdict is drawn, not only stored
    text = answer(qtbot, panel, "exp(x)/(exp(x)+exp(y))")
    assert box.verdict.verdict == "shape" and "one component per variable" in text


def test_a_classification_is_chosen_with_radio_buttons(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    go_to(qtbot, panel, "ex4-classify")
    box = panel.exercise
    assert box.choices.isVisible() and not box.answerEdit.isVisible()
    qtbot.mouseClick(box.checkButton, Qt.MouseButton.LeftButton)
    assert box.verdict.verdict == "unreadable"
    minimum = box.findChild(type(box.group.buttons()[0]), "tourChoice_minimum")
    minimum.click()
    qtbot.mouseClick(box.checkButton, Qt.MouseButton.LeftButton)
    assert not box.verdict.correct and "negative for x &lt; 0" in box.verdictLabel.text()
    box.findChild(type(minimum), "tourChoice_neither").click()
    qtbot.mouseClick(box.checkButton, Qt.MouseButton.LeftButton)
    assert box.verdict.correct and "Hessian is zero" in box.verdictLabel.text()


def test_moving_to_another_exercise_clears_the_answer_and_verdict(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    go_to(qtbot, panel, "ex3-sum")
    answer(qtbot, panel, "1")
    assert panel.exercise.verdict.correct
    go_to(qtbot, panel, "ex4-gradient")
    assert panel.exercise.answerEdit.text() == "" and panel.exercise.verdictLabel.text() == ""
    go_to(qtbot, panel, "partials")
    assert not panel.exercise.isVisible()


def test_a_matrix_exercise_uses_the_matrix_verdicts(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    go_to(qtbot, panel, "ex2-norm")
    assert window.current_workspace() is window.workspace("matrix")
    assert "Correct" in answer(qtbot, panel, "v/sqrt(v'*v)")
    assert "‖v‖²" in answer(qtbot, panel, "2*v")
    assert "minus the gradient" in answer(qtbot, panel, "-v/norm2(v)")
    go_to(qtbot, panel, "ex1-beta-x")
    assert "transpose" in answer(qtbot, panel, "beta") and panel.exercise.verdict.verdict == "transpose"


def test_what_would_give_the_answer_away_is_hidden_until_it_is_answered(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    formula = window.workspace("matrix").gradient.formula
    go_to(qtbot, panel, "ex2-norm")
    assert not formula.isVisible()
    answer(qtbot, panel, "2*v")
    assert not formula.isVisible()   # a wrong answer keeps it hidden
    answer(qtbot, panel, "v/norm2(v)")
    assert formula.isVisible()       # right: now compare with the app's derivation
    go_to(qtbot, panel, "ex3-gradient")
    formulas = window.findChild(QWidget, "inspectorFormulas")
    assert formulas is not None and formulas.isHidden()
    panel.leave()
    assert not formulas.isHidden() and not formula.isHidden()
