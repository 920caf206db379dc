"""check_gradient names how a typed answer differs from the gradient, over several random instances."""
import numpy as np
import pytest

from engine import ParseError, parse_matrix
from engine.matrix import check_gradient, disagreeing_cells, finite_difference_gradient, instance, max_fd_error

FACTORIZATION = parse_matrix("norm2(X - U*V)^2", {"X": (5, 4), "U": (5, 2), "V": (2, 4)})


@pytest.mark.parametrize("candidate, verdict, factor", [
    ("-2*U'*(X - U*V)", "equal", 1.0),
    ("2*U'*(U*V - X)", "equal", 1.0),                 # written differently, same function
    ("2*U'*(X - U*V)", "sign", -1.0),                 # the chapter's printed answer
    ("-2*(X - U*V)'*U", "transpose", None),           # V is 2×4: a 4×2 answer
    ("-4*U'*(X - U*V)", "factor", 2.0),
    ("-U'*(X - U*V)", "factor", 0.5),
    ("U'*X", "different", None),
    ("-2*U'*X", "different", None),                   # right at U*V = 0 only
    ("-2*U'*(X - U*V)*eye(4)*eye(4)'", "equal", 1.0),
    ("V", "different", None),
    ("-2*U'*(X - U*V) + 1e-3*V", "different", None),
])
def test_verdicts_on_the_factorization(candidate, verdict, factor):
    result = check_gradient(FACTORIZATION, "V", candidate)
    assert result.verdict == verdict
    assert result.factor == factor


def test_wrong_shape():
    result = check_gradient(FACTORIZATION, "V", "U'*U")
    assert result.verdict == "shape" and result.relative_error is None
    assert "2×2" in result.words() and "2×4" in result.words()


def test_transpose_of_a_square_gradient():
    m = parse_matrix("tr(A*X*B)")
    assert check_gradient(m, "X", "A'*B'").verdict == "equal"
    assert check_gradient(m, "X", "B*A").verdict == "transpose"
    assert check_gradient(m, "X", "(A'*B')'").verdict == "transpose"


def test_relative_errors():
    m = parse_matrix("x'*A*x")
    assert check_gradient(m, "x", "(A + A')*x").relative_error < 1e-12
    assert check_gradient(m, "x", "-(A + A')*x").relative_error == pytest.approx(2.0)
    assert check_gradient(m, "x", "2*(A + A')*x").relative_error == pytest.approx(1.0)


def test_a_coincidence_at_one_point_does_not_pass():
    """2*A*x equals (A + A')*x when A happens to be symmetric; random instances tell them apart."""
    m = parse_matrix("x'*A*x")
    assert check_gradient(m, "x", "2*A*x").verdict == "different"
    symmetric = parse_matrix("x'*(A + A')*x")
    assert check_gradient(symmetric, "x", "2*(A + A')*x").verdict == "equal"


def test_verdict_words():
    words = {v: check_gradient(FACTORIZATION, "V", c).words() for v, c in [
        ("equal", "-2*U'*(X - U*V)"), ("sign", "2*U'*(X - U*V)"), ("factor", "-4*U'*(X - U*V)")]}
    assert words["equal"].startswith("Correct")
    assert "sign" in words["sign"]
    assert "factor" in words["factor"] and "2 times" in words["factor"]


def test_a_candidate_that_does_not_parse_raises():
    with pytest.raises(ParseError):
        check_gradient(FACTORIZATION, "V", "U'*(X - ")


def test_disagreeing_cells_outline_the_wrong_entries():
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    c = np.array([[1.0, 2.5], [3.0, -4.0]])
    assert disagreeing_cells(g, c).tolist() == [[False, True], [False, True]]
    assert not disagreeing_cells(g, g + 1e-12).any()
    assert not disagreeing_cells(g, np.ones((2, 3))).any()


def test_finite_differences_of_a_known_gradient():
    m = parse_matrix("sum(exp(x))")
    x = np.array([[0.1], [-0.3], [1.0]])
    np.testing.assert_allclose(finite_difference_gradient(m, "x", {"x": x}), np.exp(x), rtol=1e-9)
    assert max_fd_error(m, "x", {"x": x}) < 1e-8


def test_instances_are_finite_where_the_domain_needs_it():
    for text in ("sum(log(x))", "sum(sqrt(x))", "logdet(X)"):
        m = parse_matrix(text)
        values = instance(m, 0)
        assert np.isfinite(m.evaluate(values)), text
        assert np.all(np.isfinite(m.grad(m.variables and next(iter(m.variables))).evaluate(values)))
