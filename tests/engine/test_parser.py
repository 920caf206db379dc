"""The formula language: what parses, how it groups, and every kind of error with its position and message."""
import math

import numpy as np
import pytest

from engine import ParseError, parse
from engine.expr.parser import MAX_DEPTH, MAX_LENGTH
from engine.expr.primitives import FUNCTIONS

X, Y = 0.7, -1.3


def value(text, **env):
    return float(parse(text).evaluate(env or {"x": X, "y": Y}))


@pytest.mark.parametrize("text, expected", [
    ("1", 1.0), ("2.5", 2.5), ("1e-3", 1e-3), ("1E+2", 100.0), (".5", 0.5), ("3.", 3.0), ("1.5e2", 150.0),
    ("pi", math.pi), ("e", math.e), ("2*pi", 2 * math.pi), ("e^2", math.e ** 2),
    ("x", X), ("x + y", X + Y), ("x - y", X - Y), ("x * y", X * Y), ("x / y", X / Y),
    ("x ^ 2", X ** 2), ("x ** 2", X ** 2), ("-x", -X), ("+x", X), ("--x", X), ("-+-x", X),
    ("(x + y) * 2", (X + Y) * 2), ("  x\t+\n y ", X + Y),
])
def test_accepted_syntax_evaluates_as_written(text, expected):
    assert value(text) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("text, reference", [
    ("-x^2", lambda x, y: -(x ** 2)),          # power binds tighter than unary minus
    ("-2^2", lambda x, y: -4.0),
    ("2^-1", lambda x, y: 0.5),                  # a signed exponent needs no parentheses
    ("2^-2^2", lambda x, y: 2 ** -(2 ** 2)),    # right-associative through the sign, as Python's **
    ("x^y^2", lambda x, y: x ** (y ** 2)),      # right-associative
    ("2^3^2", lambda x, y: 512.0),
    ("x**y**2", lambda x, y: x ** (y ** 2)),
    ("x - y - 1", lambda x, y: (x - y) - 1),    # left-associative
    ("x / y / 2", lambda x, y: (x / y) / 2),
    ("x - y * 2", lambda x, y: x - (y * 2)),
    ("x * -y", lambda x, y: x * (-y)),
    ("x^-y", lambda x, y: x ** (-y)),
    ("-x*y", lambda x, y: (-x) * y),
    ("2*x^2/4", lambda x, y: 2 * x ** 2 / 4),
    ("exp(x)^2", lambda x, y: math.exp(x) ** 2),
    ("-(x)^2", lambda x, y: -(x ** 2)),
])
def test_precedence_and_associativity(text, reference):
    assert value(text, x=1.7, y=1.2) == pytest.approx(reference(1.7, 1.2), rel=1e-14)


NUMPY_OF = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh,
    "cosh": np.cosh, "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "softplus": lambda v: np.log1p(np.exp(v)),
    "relu": lambda v: max(v, 0.0), "abs": abs, "step": lambda v: float(v > 0), "sign": np.sign,
}


def test_every_function_in_the_table_is_checked_here():
    assert set(FUNCTIONS) == set(NUMPY_OF)


@pytest.mark.parametrize("name", sorted(NUMPY_OF))
@pytest.mark.parametrize("at", [0.3, -0.4, 1.1])
def test_every_function_parses_and_evaluates(name, at):
    if name in ("log", "sqrt") and at < 0:
        at = -at
    assert value(f"{name}(x)", x=at) == pytest.approx(float(NUMPY_OF[name](at)), rel=1e-14)


def test_variables_are_sorted_names_and_constants_are_not_variables():
    assert parse("z + a*x + pi + e + x_1 + alpha2").variables == ("a", "alpha2", "x", "x_1", "z")


@pytest.mark.parametrize("text, message, position", [
    ("foo(x)", "unknown function 'foo'", 0),
    ("x + bar(2)", "unknown function 'bar'", 4),
    ("x % 2", "unknown operator '%'", 2),
    ("x // 2", "unknown operator '//'", 2),
    ("x == 1", "unknown operator '=='", 2),
    ("x < y", "unknown operator '<'", 2),
    ("~x", "unknown operator '~'", 0),
    ("x @ y", "unknown operator '@'", 2),
    ("(x + 1", "unbalanced parenthesis: '(' is never closed", 0),
    ("2*(x + (y)", "unbalanced parenthesis: '(' is never closed", 2),
    ("x + 1)", "unmatched ')'", 5),
    ("(x))", "unmatched ')'", 3),
    (")", "unmatched ')'", 0),
    ("x +", "missing operand after '+'", 2),
    ("x * ", "missing operand after '*'", 2),
    ("x ^", "missing operand after '^'", 2),
    ("x**", "missing operand after '**'", 1),
    ("-", "missing operand after '-'", 0),
    ("* x", "missing operand before '*'", 0),
    ("x * / y", "missing operand after '*'", 4),
    ("(x +)", "missing operand after '+'", 4),
    ("()", "empty parentheses", 0),
    ("2 x", "missing operator before 'x'", 2),
    ("x (y)", "unknown function 'x'", 0),
    ("(x)(y)", "missing operator before '('", 3),
    ("sin x", "function 'sin' needs an argument in parentheses", 0),
    ("sin()", "sin takes 1 argument, got 0", 0),
    ("x + exp(x, y)", "exp takes 1 argument, got 2", 4),
    ("log(1, 2, 3)", "log takes 1 argument, got 3", 0),
    ("", "empty formula", 0),
    ("   ", "empty formula", 0),
    ("x $ y", "unexpected character '$'", 2),
    ("x²", "unexpected character '²'", 1),
    ("x;y", "unexpected character ';'", 1),
    ("x.real", "unexpected character '.'", 1),
    ("'x'", "unexpected character \"'\"", 0),
    ("x[0]", "use parentheses, not '['", 1),
    ("x, y", "unexpected ','", 1),
])
def test_errors_name_the_reason_and_the_position(text, message, position):
    with pytest.raises(ParseError) as caught:
        parse(text)
    error = caught.value
    assert error.message.startswith(message)
    assert error.position == position
    assert f"(at character {position + 1})" in str(error)
    assert isinstance(error, ValueError)


def test_error_position_points_into_the_text_for_underlining():
    text = "x*exp(-x^2 - y^2) + foo(y)"
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert text[caught.value.position:].startswith("foo")


def test_length_cap_is_2000_characters_with_a_clear_message():
    longest = "+".join(["x"] * 1000)  # 1,999 characters
    assert len(longest) == MAX_LENGTH - 1 and parse(longest).evaluate(x=2.0) == 2000.0
    assert parse(longest + " ").variables == ("x",)
    with pytest.raises(ParseError) as caught:
        parse(longest + "+1")
    assert caught.value.message == "formula too long (2001 characters; the limit is 2000)"
    assert caught.value.position == MAX_LENGTH


@pytest.mark.parametrize("opener, closer", [("(", ")"), ("exp(", ")"), ("-", ""), ("2^", "")])
def test_nesting_cap_is_100_levels(opener, closer):
    at_cap = opener * MAX_DEPTH + "x" + closer * MAX_DEPTH
    assert parse(at_cap).variables == ("x",)
    too_deep = opener * (MAX_DEPTH + 1) + "x" + closer * (MAX_DEPTH + 1)
    with pytest.raises(ParseError) as caught:
        parse(too_deep)
    assert caught.value.message == "formula nested deeper than 100 levels"
    assert too_deep[caught.value.position] in "(-^"


def test_non_text_is_refused():
    with pytest.raises(ParseError, match="must be text"):
        parse(b"x+1")
    with pytest.raises(ParseError):
        parse(None)
