"""Hostile and odd formulas: refused with a message or evaluated to IEEE values, never run, never hung.

"Never hung" is shown by construction, not by timing: powers fold in float64 (never Python integers), the parser's
recursion is bounded by the nesting cap, and work grows with the (capped) text length.
"""
import builtins
import contextlib
import math
import sys
import warnings

import numpy as np
import pytest

from engine import ParseError, parse
from engine.expr import build as E
from engine.expr.parser import MAX_DEPTH

HOSTILE = [
    "__import__('os').system('echo hacked')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "lambda: 1",
    "lambda x: x",
    "exec('1')",
    "eval('1')",
    "open('/etc/passwd')",
    "\"x\"",
    "'x'",
    "x if y else 1",
    "[x for x in y]",
    "x; import os",
    "x = 1",
    "f'{x}'",
    "x\\",
    "\x00",
    "𝑥 + 1",
]


@contextlib.contextmanager
def no_code_execution():
    """Any call of eval/exec/compile inside the block fails the test (restored before pytest reports)."""
    def forbidden(*_args, **_kwargs):
        raise AssertionError("user text reached the Python interpreter")
    saved = {name: getattr(builtins, name) for name in ("eval", "exec", "compile")}
    for name in saved:
        setattr(builtins, name, forbidden)
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(builtins, name, original)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_formulas_are_refused_without_running_anything(text):
    modules_before = set(sys.modules)
    with pytest.raises(ParseError) as caught, no_code_execution():
        parse(text)
    assert caught.value.message
    assert 0 <= caught.value.position <= len(text)
    assert set(sys.modules) == modules_before


def test_dunder_names_are_plain_variables_not_attributes():
    with no_code_execution():
        f = parse("__class__ + __import__")
    assert f.variables == ("__class__", "__import__")
    assert float(f.evaluate(__class__=1.0, __import__=2.0)) == 3.0


@pytest.mark.parametrize("text, expected", [
    ("9^9^9", math.inf),
    ("9^9^9^9", math.inf),
    ("10^400", math.inf),
    ("(-9)^9^9", -math.inf),
    ("1e999999", math.inf),
    ("-1e999999", -math.inf),
    ("1e-999999", 0.0),
    ("2^-99999", 0.0),
    ("1" * 1000, math.inf),
    ("exp(exp(exp(100)))", math.inf),
])
def test_huge_constants_fold_to_ieee_values_at_parse_time(text, expected):
    f = parse(text)
    assert f.op == "const"
    assert isinstance(f.value, float)
    assert f.value == expected


def test_constant_folding_never_uses_python_integers():
    # Python's 9**9**9 would take hours; the builders always fold in float64.
    nine = E.const(9)
    assert isinstance(nine.value, float)
    assert E.pow(nine, E.pow(nine, nine)).value == math.inf


@pytest.mark.parametrize("text, x, expected", [
    ("1/x", 0.0, math.inf),
    ("-1/x", 0.0, -math.inf),
    ("log(x)", -1.0, math.nan),
    ("log(x)", 0.0, -math.inf),
    ("sqrt(x)", -4.0, math.nan),
    ("x^0.5", -4.0, math.nan),
    ("x^1000", 10.0, math.inf),
    ("exp(x)", 1000.0, math.inf),
    ("exp(x) - exp(x + 1)", 1000.0, math.nan),
    ("x/x + 1", 0.0, 2.0),   # the builders simplify x/x to 1, as a computer algebra system does
    ("0/0 + x", 1.0, math.nan),
    ("tan(x)", math.pi / 2, math.tan(math.pi / 2)),
])
def test_odd_but_legal_formulas_evaluate_to_ieee_values_quietly(text, x, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = float(parse(text).evaluate(x=np.float64(x)))
        grid = parse(text).evaluate(x=np.full((3, 3), x))
    assert result == pytest.approx(expected, nan_ok=True)
    assert np.array_equal(grid, np.full((3, 3), result), equal_nan=True)


def test_longest_sum_parses_evaluates_and_differentiates():
    text = "+".join(["x"] * 1000)
    f = parse(text)
    assert str(f) == "1000*x"  # like terms combine as they are built
    assert float(f.grad()[0].evaluate(x=3.0)) == 1000.0


def test_longest_mixed_formula_stays_small():
    text = "+".join(f"sin({i}*x)*y" for i in range(1, 160))[:2000].rstrip("+*y(sinx0123456789")
    f = parse(text)
    assert f.node_count() < len(text)
    assert np.isfinite(f.evaluate(x=0.3, y=0.2))


@pytest.mark.parametrize("text", [
    "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH,
    "-" * MAX_DEPTH + "x",
    "x" + "^x" * MAX_DEPTH,
    "sin(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH,
])
def test_parser_recursion_is_bounded_by_the_nesting_cap(text):
    """A formula at the nesting cap parses with a small Python stack: eight frames per level at most."""
    depth = len(_stack())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 8 * MAX_DEPTH + 50)
    try:
        assert parse(text).variables == ("x",)
    finally:
        sys.setrecursionlimit(limit)


def _stack():
    frames, frame = [], sys._getframe()
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


@pytest.mark.parametrize("text", ["(" * 5000 + "x", "-" * 1500 + "x", "x" + "^x" * 900, "sin(" * 400 + "x"])
def test_deeper_than_the_cap_is_refused_not_a_recursion_error(text):
    with pytest.raises(ParseError, match="nested deeper than 100 levels|too long"):
        parse(text)
