"""Matrix formulas parse by the DESIGN.md syntax and conventions; shape errors name the operation, both shapes and
the position; user text is never run."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine import ParseError, ShapeError, parse_matrix
from engine.matrix.parser import MAX_DEPTH, MAX_LENGTH


def test_design_example():
    m = parse_matrix("norm2(X - U*V)^2", shapes={"X": (5, 4), "U": (5, 2), "V": (2, 4)})
    assert m.shape == (1, 1)
    assert m.variables == {"U": (5, 2), "V": (2, 4), "X": (5, 4)}
    assert list(m.variables) == ["U", "V", "X"]
    rng = np.random.default_rng(0)
    X, U, V = rng.standard_normal((5, 4)), rng.standard_normal((5, 2)), rng.standard_normal((2, 4))
    value = m.evaluate(X=X, U=U, V=V)
    assert isinstance(value, float) and value == pytest.approx(np.sum((X - U @ V) ** 2))
    g = m.grad("V")
    assert g.shape == (2, 4) and str(g) == "-2*U'*(X - U*V)"


def test_default_shapes_follow_the_convention():
    m = parse_matrix("a*x + A*y + Z*h")
    assert m.variables == {"A": (3, 3), "Z": (3, 3), "a": (1, 1), "h": (3, 1), "x": (3, 1), "y": (3, 1)}
    assert parse_matrix("g + f*e").shape == (1, 1)
    assert parse_matrix("x", shapes={"x": 5}).shape == (5, 1)
    assert parse_matrix("x", shapes={"x": (1, 4)}).shape == (1, 4)


def test_operators_and_their_shapes():
    s = {"A": (2, 3), "B": (2, 3), "C": (3, 4)}
    assert parse_matrix("A*C", s).shape == (2, 4)
    assert parse_matrix("A'", s).shape == (3, 2)
    assert parse_matrix("A.*B - A./B + A.^2", s).shape == (2, 3)
    assert parse_matrix("2*A + a", s).shape == (2, 3)          # a scalar broadcasts
    assert parse_matrix("A/2 + A*a", s).shape == (2, 3)
    for f in ("sum", "norm1", "norm2"):
        assert parse_matrix(f"{f}(A)", s).shape == (1, 1)
    assert parse_matrix("tr(X) + det(X) + logdet(X) + dot(x, y)").shape == (1, 1)
    assert parse_matrix("inv(X)*x").shape == (3, 1)
    assert parse_matrix("exp(A) + log(A) + sqrt(A) + sin(A) + cos(A) + tanh(A) + sigmoid(A) + relu(A) + abs(A) "
                        "+ softplus(A)", s).shape == (2, 3)


def test_evaluation_matches_numpy():
    rng = np.random.default_rng(1)
    A, x, b, c = rng.standard_normal((4, 3)), rng.standard_normal((3, 1)), rng.standard_normal((4, 1)), 0.7
    m = parse_matrix("A'*(A*x - b) .* exp(-x.^2) / c", {"A": (4, 3), "b": 4})
    expected = A.T @ (A @ x - b) * np.exp(-x ** 2) / c
    np.testing.assert_allclose(m.evaluate(A=A, x=x, b=b, c=c), expected, rtol=1e-13)
    np.testing.assert_allclose(m.evaluate(A=A, x=x.ravel(), b=b.ravel(), c=c), expected, rtol=1e-13)


def test_dot_star_is_not_a_number_with_a_point():
    """2.*x is 2 .* x, 2.^x is 2 .^ x (entrywise), and 1./x divides entrywise."""
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(parse_matrix("2.^x").evaluate(x=x), (2.0 ** x).reshape(3, 1))
    np.testing.assert_allclose(parse_matrix("1./x").evaluate(x=x), (1.0 / x).reshape(3, 1))
    np.testing.assert_allclose(parse_matrix("2.*x").evaluate(x=x), (2.0 * x).reshape(3, 1))
    assert parse_matrix("2.5*a").evaluate(a=2) == 5.0


@pytest.mark.parametrize("text, shapes, operation, pos, sizes", [
    ("X - U*V", {"X": (5, 4), "U": (5, 2), "V": (2, 3)}, "subtract", 2, ("5×4", "5×3")),
    ("A*x", {"A": (2, 3), "x": 4}, "multiply", 1, ("2×3", "4×1")),
    ("x + y", {"y": 4}, "add", 2, ("3×1", "4×1")),
    ("x.*A", {}, "multiply elementwise", 1, ("3×1", "3×3")),
    ("tr(B)", {"B": (2, 3)}, "tr", 0, ("2×3",)),
    ("dot(x, y)", {"y": 2}, "dot", 0, ("3×1", "2×1")),
    ("x^2", {}, "raise", 1, ("3×1",)),
    ("A/x", {}, "divide", 1, ("3×1",)),
])
def test_shape_errors_name_the_operation_both_shapes_and_the_position(text, shapes, operation, pos, sizes):
    with pytest.raises(ShapeError) as info:
        parse_matrix(text, shapes)
    error = info.value
    assert isinstance(error, ParseError)
    assert error.position == pos and error.operation == operation
    for size in sizes:
        assert size in str(error)
    assert f"at column {pos + 1}" in str(error)


def test_the_issue_example_message():
    with pytest.raises(ShapeError, match=r"cannot subtract a 5×4 matrix and a 5×3 matrix at column 3"):
        parse_matrix("X - U*V", shapes={"X": (5, 4), "U": (5, 2), "V": (2, 3)})


@settings(max_examples=40, deadline=None)
@given(st.tuples(st.integers(1, 6), st.integers(1, 6)), st.tuples(st.integers(1, 6), st.integers(1, 6)),
       st.sampled_from(["+", "-", ".*", "./"]))
def test_every_mismatched_entrywise_pair_names_both_shapes(a, b, op):
    if a == b or (1, 1) in (a, b):
        assert parse_matrix(f"P {op} Q", {"P": a, "Q": b}).shape == (a if b == (1, 1) else b)
        return
    with pytest.raises(ShapeError) as info:
        parse_matrix(f"P {op} Q", {"P": a, "Q": b})
    assert f"{a[0]}×{a[1]}" in str(info.value) and f"{b[0]}×{b[1]}" in str(info.value)
    assert info.value.position == 2


@pytest.mark.parametrize("text, message", [
    ("", "empty formula"), ("x +", "missing operand"), ("(x", "never closed"), ("x)", "unmatched"),
    ("foo(x)", "unknown function"), ("sum", "needs an argument"), ("x $ y", "unexpected character"),
    ("dot(x)", "takes 2 arguments"), ("ones(3)", "whole numbers"), ("eye(2.5)", "whole number"),
    ("x y", "missing operator"), ("[1, 2]", "use parentheses"), ("x*'", "missing operand"),
])
def test_syntax_errors_are_parse_errors_with_positions(text, message):
    with pytest.raises(ParseError, match=message) as info:
        parse_matrix(text)
    assert 0 <= info.value.position <= len(text)


def test_caps_on_length_and_depth():
    with pytest.raises(ParseError, match="too long"):
        parse_matrix("x+" * (MAX_LENGTH // 2) + "x")
    with pytest.raises(ParseError, match="nested deeper"):
        parse_matrix("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    assert parse_matrix("(" * 50 + "x" + ")" * 50).shape == (3, 1)


def test_user_text_is_never_run(monkeypatch):
    import builtins
    for forbidden in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, forbidden, lambda *a, **k: pytest.fail(f"{forbidden} was called"))
    for text in ("__import__('os').system('true')", "x.__class__", "lambda: 1"):
        with pytest.raises(ParseError):
            parse_matrix(text)


def test_bad_shapes_and_values_are_refused_with_names():
    with pytest.raises(ValueError, match="X"):
        parse_matrix("X", shapes={"X": (0, 3)})
    with pytest.raises(ValueError, match="shape"):
        parse_matrix("X", shapes={"X": "big"})
    with pytest.raises(ValueError, match="x is a 3×1 vector"):
        parse_matrix("x'*x").evaluate(x=np.ones(4))
    with pytest.raises(ValueError, match="no value for x"):
        parse_matrix("x'*x").evaluate()


def test_equal_subexpressions_are_one_node():
    m = parse_matrix("norm2(X - U*V)^2 + sum(X - U*V)")
    residuals = [n for n in m.nodes() if n.op == "sub"]
    assert len(residuals) == 1
