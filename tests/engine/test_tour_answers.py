"""The chapter's exercises, as the tour asks them: each accepts a correct answer written in several equivalent forms
and answers the usual mistakes with the verdict and hint that fit them — never just "wrong".

The exercise specs are read from the shipped tour file, so these tests check what a student actually meets.
"""
import pytest

from engine.analysis.answers import GradientExercise, check_answer, constant_factor, split_components
from gui.tour.format import load_tour


@pytest.fixture(scope="module")
def exercises():
    tour = load_tour()
    assert tour.errors == []
    return {step.id: step.exercise for _s, step in tour.steps() if step.exercise}


def verdict(exercises, step_id, answer):
    return check_answer(exercises[step_id], answer)


def test_the_five_exercises_are_all_in_the_tour(exercises):
    assert {"ex1-beta-x", "ex1-why", "ex2-norm", "ex3-gradient", "ex3-sum", "ex4-gradient", "ex4-classify",
            "ex5-sum"} <= set(exercises)


@pytest.mark.parametrize("step_id, answer", [
    ("ex1-beta-x", "beta'"),
    ("ex1-beta-x", "(beta)'"),
    ("ex1-beta-x", "(2*beta)'/2"),
    ("ex2-norm", "v/norm2(v)"),
    ("ex2-norm", "v/sqrt(v'*v)"),
    ("ex2-norm", "(1/norm2(v))*v"),
    ("ex3-gradient", "exp(x)/(exp(x)+exp(y)), exp(y)/(exp(x)+exp(y))"),
    ("ex3-gradient", "[1/(1+exp(y-x)), 1/(1+exp(x-y))]"),
    ("ex3-gradient", "sigmoid(x-y), sigmoid(y-x)"),
    ("ex3-gradient", "exp(x - log(exp(x)+exp(y))), 1 - exp(x)/(exp(x)+exp(y))"),
    ("ex3-sum", "1"),
    ("ex3-sum", "exp(x)/(exp(x)+exp(y)) + exp(y)/(exp(x)+exp(y))"),
    ("ex3-sum", "sigmoid(x-y) + sigmoid(y-x)"),
    ("ex4-gradient", "2*x*y + y^2, x^2 + 2*x*y"),
    ("ex4-gradient", "y*(2*x + y), x*(x + 2*y)"),
    ("ex4-gradient", "(x+y)^2 - x^2, (x+y)^2 - y^2"),
])
def test_a_correct_answer_is_accepted_in_equivalent_forms(exercises, step_id, answer):
    v = verdict(exercises, step_id, answer)
    assert v.correct and v.verdict == "equal", (answer, v)


@pytest.mark.parametrize("step_id, answer, kind, hint_words", [
    ("ex1-beta-x", "beta", "transpose", "transpose your answer"),
    ("ex1-beta-x", "-beta'", "sign", "minus sign"),
    ("ex1-beta-x", "x", "mistake", "fixed coefficient"),
    ("ex1-beta-x", "beta'*x'", "mistake", "3×3"),
    ("ex1-beta-x", "x*beta", "shape", "shape of the variable"),
    ("ex2-norm", "2*v", "mistake", "‖v‖²"),
    ("ex2-norm", "v", "mistake", "1/(2‖v‖)"),
    ("ex2-norm", "v/(v'*v)", "mistake", "length one"),
    ("ex2-norm", "2*v/norm2(v)", "factor", "counted twice"),
    ("ex3-gradient", "exp(x), exp(y)", "mistake", "divide by eˣ + eʸ"),
    ("ex3-gradient", "1/(exp(x)+exp(y)), 1/(exp(x)+exp(y))", "mistake", "derivative of the inside"),
    ("ex3-gradient", "exp(y)/(exp(x)+exp(y)), exp(x)/(exp(x)+exp(y))", "order", "∂f/∂x"),
    ("ex3-gradient", "exp(x)/(exp(x)+exp(y)), exp(x)/(exp(x)+exp(y))", "component", "chain rule"),
    ("ex3-sum", "exp(x) + exp(y)", "mistake", "numerators"),
    ("ex3-sum", "2", "factor", "constant"),
    ("ex4-gradient", "2*x*y, 2*x*y", "mistake", "y² must be added"),
    ("ex4-gradient", "2*x + y^2, x^2 + 2*y", "mistake", "constant factor"),
    ("ex4-gradient", "-(2*x*y + y^2), -(x^2 + 2*x*y)", "sign", "minus"),
])
def test_a_common_mistake_gets_the_hint_that_fits_it(exercises, step_id, answer, kind, hint_words):
    v = verdict(exercises, step_id, answer)
    assert not v.correct and v.verdict == kind, (answer, v)
    assert hint_words in v.hint or hint_words in v.message, v
    assert v.hint, "a wrong answer always comes with a hint"


@pytest.mark.parametrize("answer, kind", [("", "unreadable"), ("exp(x", "unreadable"), ("exp(x)", "shape"),
                                           ("exp(w), exp(y)", "unknown_variable")])
def test_an_answer_that_cannot_be_compared_says_why(exercises, answer, kind):
    v = verdict(exercises, "ex3-gradient", answer)
    assert not v.correct and v.verdict == kind and v.hint


def test_the_component_verdict_names_the_wrong_component_with_numbers_at_a_point(exercises):
    v = verdict(exercises, "ex4-gradient", "2*x*y + y^2, x^2")
    assert v.verdict == "component"
    assert "∂f/∂x right" in v.message and "∂f/∂y differs" in v.message and "At x = " in v.message


@pytest.mark.parametrize("choice, correct", [("neither", True), ("minimum", False), ("maximum", False)])
def test_the_classification_is_decided_by_the_engine_with_a_hint_for_every_choice(exercises, choice, correct):
    v = verdict(exercises, "ex4-classify", choice)
    assert v.correct is correct
    assert "2x³" in v.hint


def test_the_classification_truth_follows_the_function_not_the_file(exercises):
    spec = dict(exercises["ex4-classify"], function="x^2 + y^2")
    assert check_answer(spec, "minimum").correct
    assert not check_answer(spec, "neither").correct


@pytest.mark.parametrize("step_id, right, wrong", [("ex1-why", "same-function", ["symmetric", "transpose-rule",
                                                                                   "coincidence"]),
                                                   ("ex5-sum", "opposite", ["both-zero", "equal", "equal-values"])])
def test_every_choice_gets_its_own_hint(exercises, step_id, right, wrong):
    assert check_answer(exercises[step_id], right).correct
    hints = set()
    for key in wrong:
        v = check_answer(exercises[step_id], key)
        assert not v.correct and v.hint
        hints.add(v.hint)
    assert len(hints) == len(wrong)


def test_splitting_components_keeps_commas_inside_brackets_and_strips_outer_ones():
    assert split_components("[a, b]") == ["a", "b"]
    assert split_components("(a), (b)") == ["(a)", "(b)"]
    assert split_components("(a, b)") == ["a", "b"]


def test_a_constant_factor_is_found_only_when_it_is_constant():
    import numpy as np
    e = np.array([[1.0, 2.0, -3.0]])
    assert constant_factor(2.5 * e, e) == pytest.approx(2.5)
    assert constant_factor(e * np.array([1.0, 2.0, 3.0]), e) is None


def test_a_tour_file_exercise_is_validated_with_the_field_named():
    with pytest.raises(ValueError, match=r"mistakes\[0\]\.answer"):
        GradientExercise.validate({"kind": "gradient", "prompt": "p", "function": "x*y",
                                   "mistakes": [{"answer": "x, (", "hint": "h"}]})
    with pytest.raises(ValueError, match="function"):
        GradientExercise.validate({"kind": "gradient", "prompt": "p", "function": "x*"})
