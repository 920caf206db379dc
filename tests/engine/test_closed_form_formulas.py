"""Closed-form derivative formulas: every displayed text parses back to the derivative (sympy's, at points; the
engine's, at random points), over the presets, the chapter's examples and hypothesis-generated formulas; the
chapter's x·e^(−x²−y²) shows its collected form; named subexpressions stand for what they name."""
import json
import math
import zlib
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings

from engine import parse
from engine.expr import display as D
from engine.expr.closed_form import closed_form, derivative_formulas
from engine.expr.parser import MAX_LENGTH, _Parser
from tests.engine.core_strategies import formulas, points
from tests.engine.test_autodiff import FUNCTIONS, NESTED, sympy_value, to_sympy

ROOT = Path(__file__).resolve().parents[2]
PRESETS = [p["formula"] for g in json.loads((ROOT / "resources" / "functions.json").read_text())["groups"]
           for p in g["presets"]]
CHAPTER = ["log(exp(x) + exp(y))", "x*exp(-x^2 - y^2)", "3*x^4 - 4*x^3 - 12*x^2", NESTED, "x^2*y + x*y^2",
           "a + b1*x1 + b2*x2 + c11*x1^2 + c12*x1*x2 + c22*x2^2", "sqrt(v1^2 + v2^2 + v3^2)", "b1*x1 + b2*x2"]
ALL = list(dict.fromkeys(PRESETS + CHAPTER + [text for text, _ in FUNCTIONS]))


def parse_back(text: str):
    """engine.parse, whose 2,000-character cap on typed input a long derivative's text may pass: such a text is
    read by the same grammar without the cap."""
    return parse(text) if len(text) <= MAX_LENGTH else _Parser(text).parse()


def close(a, b, scale=1.0) -> bool:
    return abs(a - b) <= 1e-8 * (abs(a) + abs(b) + scale)


def entries(f):
    d = derivative_formulas(f)
    n = len(f.variables)
    grads, hess = f.grad(), f.hessian()
    pairs = [(g, d.gradient[i]) for i, g in enumerate(grads)]
    pairs += [(hess[i][j], d.hessian[i][j]) for i in range(n) for j in range(n)]
    return d, pairs


def agrees_at_random_points(expr, text, names, seed=0, count=40):
    rng = np.random.default_rng(seed)
    env = {v: rng.uniform(-1.8, 1.8, count) for v in names}
    with np.errstate(all="ignore"):
        want = np.broadcast_to(expr.evaluate(env), (count,))
        got = np.broadcast_to(parse_back(text).evaluate(env), (count,))
    defined = np.isfinite(want)
    scale = 1.0 + np.abs(want[defined]).max(initial=0.0)
    return bool(np.all(np.abs(want[defined] - got[defined]) <= 1e-8 * scale)), int(defined.sum())


@pytest.mark.parametrize("text", ALL)
def test_every_formula_parses_back_to_the_derivative(text):
    f = parse(text)
    _, pairs = entries(f)
    for expr, formula in pairs:
        ok, defined = agrees_at_random_points(expr, formula.text, f.variables)
        assert ok, (str(expr), formula.text)
        assert defined > 0 or text in {t for t, _ in FUNCTIONS}


@pytest.mark.parametrize("text, point", [(t, p) for t, pts in FUNCTIONS[:6] for p in pts[:2]]
                         + [(t, None) for t in PRESETS + CHAPTER])
def test_formulas_equal_sympys_derivatives_at_points(text, point):
    """At the given point (or a fixed one) and at two random points in the box [-1.5, 1.5]^n (seeded by the
    formula, so a failure repeats)."""
    f = parse(text)
    names = f.variables
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    first = point or tuple(0.3 + 0.37 * i * (-1) ** i for i in range(len(names)))
    oracle = to_sympy(f)
    symbols = [sp.Symbol(n, real=True) for n in names]
    d = derivative_formulas(f)
    pairs = [(sp.diff(oracle, symbols[i]), d.gradient[i]) for i in range(len(names))]
    pairs += [(sp.diff(oracle, symbols[i], symbols[j]), d.hessian[i][j])
              for i in range(len(names)) for j in range(i, len(names))]
    for at in [first] + [tuple(rng.uniform(-1.5, 1.5, len(names))) for _ in range(2)]:
        env = dict(zip(names, at))
        for derivative, formula in pairs:
            try:
                expected = sympy_value(derivative, names, at)
            except TypeError:   # a complex value: a random point outside the function's domain
                expected = math.nan
            if point is None and not math.isfinite(expected):
                continue
            assert close(float(parse_back(formula.text).evaluate(env)), expected), (formula.text, at)


def test_the_chapters_bump_shows_its_partials_collected():
    d = derivative_formulas(parse("x*exp(-x^2-y^2)"))
    assert d.gradient[0].text == "exp(-x^2 - y^2)*(1 - 2*x^2)"
    assert d.gradient[1].text == "-2*x*y*exp(-x^2 - y^2)"
    assert d.gradient[0].html == "e<sup>−x² − y²</sup>·(1 − 2x²)"
    assert d.hessian[0][1].text == d.hessian[1][0].text == "2*y*exp(-x^2 - y^2)*(2*x^2 - 1)"


def test_like_terms_powers_and_common_denominators_combine():
    assert closed_form(parse("x*x^2 + 2*x^3 - x^3")).text == "2*x^3"
    hxx = derivative_formulas(parse("log(exp(x) + exp(y))")).hessian[0][0]
    assert hxx.text == "exp(x + y)/(exp(x) + exp(y))^2"
    assert closed_form(parse("(x^2 - 1)/(x^2 - 1) + x/x")).text == "2"
    assert closed_form(parse("1/(x^2+y^2)")).text == "1/(x^2 + y^2)"


def test_shared_subexpressions_are_named_and_stand_for_what_they_name():
    f = parse("x*exp(-x^2-y^2)")
    d = derivative_formulas(f)
    assert [(b.name, b.text) for b in d.names] == [("p", "exp(-x^2 - y^2)")]
    assert d.gradient[0].body == "p*(1 - 2*x^2)"
    assert d.names[0].html == "e<sup>−x² − y²</sup>"
    for formula in [*d.gradient, *(h for row in d.hessian for h in row)]:
        assert agrees_at_random_points(unnamed(formula.body, d.names), formula.text, f.variables)[0]


def test_shared_names_never_read_as_the_inspectors_direction_u():
    d = derivative_formulas(parse("x*exp(-x^2-y^2) + y*exp(-x^2-y^2)*sin(x*y)"))
    assert d.names and all(b.name not in ("u", "v", "t") for b in d.names)


def unnamed(body: str, names):
    """A body with its names replaced by what they name, the last-defined first (it may use earlier names)."""
    expr = parse(body)
    for b in reversed(names):
        expr = expr.substitute({b.name: parse(b.text)})
    return expr


def test_names_are_defined_before_they_are_used_and_lettered_in_order():
    f = parse(NESTED)
    d = derivative_formulas(f, ("w", "x"))
    assert [b.name for b in d.names] == ["p", "q", "r"]
    assert [b.text for b in d.names[:2]] == ["w + x + y + z", "w + x - y - z"]
    defined = set()
    for b in d.names:
        assert set(parse(b.text).variables) - set(f.variables) <= defined
        defined.add(b.name)
    for formula in [*d.gradient, *(h for row in d.hessian for h in row)]:
        assert agrees_at_random_points(unnamed(formula.body, d.names), formula.text, f.variables)[0]


def test_names_never_shadow_a_variable():
    f = parse("u*exp(-u^2-v^2) + w")
    d = derivative_formulas(f)
    assert d.names and all(b.name not in f.variables for b in d.names)


def test_the_nested_chain_is_shorter_than_its_expanded_builder_text():
    f = parse(NESTED)
    d = derivative_formulas(f)
    assert len(d.gradient[0].text) < 150 < len(str(f.grad()[0]))


def test_rendered_html_uses_superscripts_dots_and_minus_signs():
    tree = D.product([D.num(2.0), D.name("x"), D.power(D.name("y"), 3.0), D.call("exp", D.neg(D.name("x")))])
    assert D.to_html(tree) == "2xy³·e<sup>−x</sup>"
    assert D.to_text(tree) == "2*x*y^3*exp(-x)"
    assert D.to_html(D.call("sqrt", D.name("x"))) == "√x"


@settings(max_examples=60, deadline=None)
@given(formulas(max_leaves=8), points())
def test_random_formulas_derivatives_parse_back(case, point):
    text, _ = case
    f = parse(text)
    if not f.variables:
        return
    env = {v: p for v, p in zip(("x", "y", "z"), point) if v in f.variables}
    _, pairs = entries(f)
    for expr, formula in pairs:
        with np.errstate(all="ignore"):
            want = float(expr.evaluate(env))
            got = float(np.broadcast_to(parse_back(formula.text).evaluate(env), ()))
        if math.isfinite(want):
            assert close(got, want, scale=1.0 + abs(want)), (text, formula.text)


def test_rewrites_stay_identities_where_the_function_is_defined():
    assert closed_form(parse("sqrt(x^2)")).text == "sqrt(x^2)"        # |x|, not x
    assert closed_form(parse("(x^2)^1.5")).text == "(x^2)^1.5"
    assert closed_form(parse("(x-y)/(y-x)")).text == "-1"
    assert closed_form(parse("(x-1)^3/(1-x)^2")).text == "x - 1"
    assert closed_form(parse("(4*x)^0.5")).text == "2*sqrt(x)"
    assert closed_form(parse("exp(2*x)/exp(x)")).text == "exp(x)"
    for text in ("sqrt(x^2)", "(x^2)^1.5", "(2*x)^0.5", "(x-1)^3/(1-x)^2", "log(exp(x+y))"):
        f = parse(text)
        assert agrees_at_random_points(f, closed_form(f).text, f.variables)[0], text


def tree_value(node, env):
    """What a display tree means, computed straight from the tree (an independent reading of the printer's input)."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind in ("name", "ref"):
        return env[node[1]]
    if kind == "neg":
        return -tree_value(node[1], env)
    if kind == "sum":
        return sum(tree_value(t, env) for t in node[1])
    if kind == "prod":
        return math.prod(tree_value(t, env) for t in node[1])
    if kind == "frac":
        return tree_value(node[1], env) / tree_value(node[2], env)
    if kind == "pow":
        return tree_value(node[1], env) ** tree_value(node[2], env)
    return {"exp": math.exp, "sqrt": math.sqrt, "sin": math.sin, "log": math.log}[node[1]](tree_value(node[2], env))


X, Y = D.name("x"), D.name("y")
TRICKY = [
    D.neg(D.power(X, 2.0)), D.power(D.neg(X), 2.0), D.fraction(X, D.fraction(Y, D.num(3.0))),
    D.fraction(D.fraction(X, Y), D.num(3.0)), D.power(D.fraction(X, Y), 2.0), D.power(X, -2.0),
    D.power(X, D.total([Y, D.num(1.0)])), D.product([D.num(2.0), D.neg(X)]), D.neg(D.total([X, D.neg(Y)])),
    D.total([X, D.neg(D.total([Y, D.num(2.0)]))]), D.total([D.total([X, Y]), D.neg(D.power(Y, 3.0))]),
    D.fraction(D.neg(X), D.product([Y, D.num(2.0)])), D.power(D.power(X, 2.0), 3.0),
    D.call("exp", D.neg(D.total([D.power(X, 2.0), D.power(Y, 2.0)]))), D.power(D.call("sqrt", X), 3.0),
    D.product([D.total([X, Y]), D.fraction(X, Y)]), D.fraction(D.num(1.0), D.power(D.total([X, Y]), 0.5)),
]


@pytest.mark.parametrize("tree", TRICKY, ids=D.to_text)
def test_printed_text_reads_back_as_the_tree_means(tree):
    env = {"x": 1.7, "y": 0.6}
    assert float(parse(D.to_text(tree)).evaluate(env)) == pytest.approx(tree_value(tree, env), rel=1e-14)
    assert "-" not in D.to_html(tree) and "*" not in D.to_html(tree)   # minus signs and dots for people


def test_a_formula_that_is_one_fraction_is_stacked_in_html():
    d = derivative_formulas(parse("1/(x^2+y^2)"))
    html = d.hessian[0][1].display_html("∂²f/∂x∂y = ")
    assert html.startswith("<table") and "border-bottom" in html and "8xy" in html
    assert d.gradient[0].display_html().count("<table") == 2   # −2x over u²: a sign cell and the stacked fraction


def test_a_derivative_too_long_to_write_is_marked_not_written():
    f = parse("sin(" * 95 + "x*y" + ")" * 95)
    d = derivative_formulas(f)
    assert d.gradient[0].complete and agrees_at_random_points(f.grad()[0], d.gradient[0].text, f.variables)[0]
    assert not d.hessian[0][1].complete and "too long" in d.hessian[0][1].text
