"""Gradients print as a textbook writes them, simplified as a person would, and differentiate again."""
import numpy as np
import pytest

from engine import parse_matrix

FACTORIZATION = {"X": (5, 4), "U": (5, 2), "V": (2, 4)}


@pytest.mark.parametrize("text, shapes, wrt, expected", [
    ("norm2(X - U*V)^2", FACTORIZATION, "V", "-2*U'*(X - U*V)"),
    ("norm2(X - U*V)^2", FACTORIZATION, "U", "-2*(X - U*V)*V'"),
    ("x'*A*x", {}, "x", "(A + A')*x"),
    ("beta*x", {"beta": (1, 3)}, "x", "beta'"),
    ("x'*beta'", {"beta": (1, 3)}, "x", "beta'"),
    ("norm2(A*x - b)^2", {}, "x", "2*A'*(A*x - b)"),
    ("tr(A*X*B)", {}, "X", "A'*B'"),
    ("logdet(X)", {}, "X", "inv(X)'"),
    ("norm2(v)", {}, "v", "v/norm2(v)"),
    ("sum(log(1 + exp(-y.*(X*w))))", {}, "w", "-X'*(y.*sigmoid(-y.*(X*w)))"),
    ("norm2(X*w + b - y)^2", {}, "b", "2*sum(X*w + b - y)"),
])
def test_gradient_formulas_read_like_a_textbook(text, shapes, wrt, expected):
    assert str(parse_matrix(text, shapes).grad(wrt)) == expected


@pytest.mark.parametrize("text, expected", [
    ("x''", "x"), ("(A*B)'", "B'*A'"), ("1*A", "A"), ("A + A", "2*A"), ("A - A", "zeros(3,3)"),
    ("2*x + 2*y", "2*(x + y)"), ("a*x - a*y", "a*(x - y)"), ("-(-x)", "x"), ("0*A + B", "B"),
    ("eye(3)*A*eye(3)", "A"), ("3*A*2", "6*A"), ("(2*A)'", "2*A'"), ("A*x + A'*x", "(A + A')*x"),
    ("x/a*a", "x"), ("sum(2*x)", "2*sum(x)"), ("tr(eye(4))", "4"), ("inv(inv(A))", "A"),
])
def test_simplifications_a_person_would_make(text, expected):
    assert str(parse_matrix(text)) == expected


def test_hessian_of_the_quadratic_form_is_a_plus_a_transpose():
    m = parse_matrix("x'*A*x")
    h = m.hessian("x")
    assert str(h) == "A + A'"
    A = np.random.default_rng(2).standard_normal((3, 3))
    np.testing.assert_allclose(h.evaluate(A=A), A + A.T)


def test_the_gradient_is_differentiable_again():
    g = parse_matrix("norm2(A*x - b)^2").grad("x")
    assert str(parse_matrix("norm2(A*x - b)^2").hessian("x")) == "2*A'*A"
    second = parse_matrix(f"sum({g})").grad("x")          # the gradient's text is a formula like any other
    A = np.random.default_rng(3).standard_normal((3, 3))
    np.testing.assert_allclose(second.evaluate(A=A), (2 * A.T @ A).sum(axis=0).reshape(3, 1))


def test_hessian_without_a_matrix_formula_says_so():
    with pytest.raises(ValueError, match="no matrix formula"):
        parse_matrix("sum(exp(x))").hessian("x")


def test_gradient_needs_a_scalar_and_a_variable():
    with pytest.raises(ValueError, match="scalar expression"):
        parse_matrix("A*x").grad("x")
    with pytest.raises(ValueError, match="not a variable"):
        parse_matrix("x'*x").grad("y")
