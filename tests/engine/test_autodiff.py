"""Derivatives: reverse-mode gradients and Hessians checked against sympy (an oracle built from our own tree) and
against central differences, over the chapter's functions, every primitive and hypothesis-generated formulas."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings

from engine import directional_derivative, parse
from engine.expr import build as E
from engine.expr.autodiff import adjoints, gradient, hessian, local_partial
from engine.expr.build import topological_order
from engine.expr.primitives import PRIMITIVES
from tests.engine.core_strategies import VARIABLES, formulas, points

NESTED = "(((w+x+y+z)^2+(w+x-y-z)^2)^2+((w+x+y+z)^2-(w+x-y-z)^2)^2)^2"

SYMPY_OF = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b, "neg": lambda a: -a, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "sigmoid": lambda a: 1 / (1 + sp.exp(-a)), "softplus": lambda a: sp.log(1 + sp.exp(a)),
    "relu": lambda a: sp.Max(a, 0), "abs": sp.Abs, "step": lambda a: sp.Heaviside(a, 0), "sign": sp.sign,
}


def to_sympy(expr):
    """The sympy expression of OUR tree (the oracle never sees user text)."""
    built = {}
    for node in topological_order([expr]):
        if node.op == "const":
            v = node.value
            built[id(node)] = sp.Integer(int(v)) if v.is_integer() else sp.Float(v, 30)
        elif node.op == "var":
            built[id(node)] = sp.Symbol(node.name, real=True)
        else:
            built[id(node)] = SYMPY_OF[node.op](*(built[id(a)] for a in node.args))
    return built[id(expr)]


def sympy_value(expr, names, point):
    subs = {sp.Symbol(n, real=True): sp.Float(v, 30) for n, v in zip(names, point)}
    return float(sp.N(expr.subs(subs), 25))


def central(fn, point, i, h=1e-3):
    """∂fn/∂x_i by Richardson-extrapolated central differences (error O(h^4))."""
    def d(step):
        up, down = list(point), list(point)
        up[i] += step
        down[i] -= step
        return (fn(up) - fn(down)) / (2 * step)
    return (4 * d(h / 2) - d(h)) / 3


def settled_central(fn, point, i):
    """Central differences at two step sizes; hypothesis drops the example where they disagree (a formula that
    oscillates faster than the step resolves), since there the differences, not the engine, are wrong."""
    coarse, fine = central(fn, point, i, h=2e-3), central(fn, point, i, h=5e-4)
    assume(math.isfinite(fine) and abs(coarse - fine) <= 1e-7 * (1 + abs(fine)))
    return fine


FUNCTIONS = [
    ("log(exp(x)+exp(y))", [(0.0, math.log(2)), (1.0, -2.0), (-0.5, 0.3)]),
    ("x*exp(-x^2-y^2)", [(-1.0, 0.0), (0.5, 0.5), (1.2, -0.7)]),
    ("3*x^4-4*x^3-12*x^2", [(-1.0,), (0.0,), (2.0,), (0.7,)]),
    ("x^2*y+x*y^2", [(0.0, 0.0), (1.0, -2.0), (0.3, 0.4)]),
    (NESTED, [(-1.0, 0.0, -2.0, 1.0), (0.1, 0.2, -0.3, 0.4)]),
    ("sigmoid(x*y) + tanh(x - y)^2", [(0.5, -1.0), (2.0, 1.5)]),
    ("sqrt(x^2 + y^2 + 1) / (1 + x^2)", [(0.3, 0.8), (-2.0, 1.0)]),
    ("x^y + y^x", [(1.5, 0.7), (2.0, 3.0)]),
    ("sin(x)*cos(y) - tan(x*y)", [(0.4, 0.6), (-1.0, 0.2)]),
    ("softplus(x - 2*y) + log(1 + x^2)", [(0.3, -0.2), (3.0, 1.0)]),
    ("relu(x)*y + abs(x - y) + sinh(x)*cosh(y)", [(0.5, -0.5), (-1.0, 0.4)]),
    ("x/y - y/x + 1/(x*y)^2", [(1.5, -0.5), (0.7, 2.0)]),
    ("(x - y)^3 + (2*x + y)^-2 - 5", [(1.0, 0.5), (-0.2, 1.3)]),
    ("exp(x)*step(y) + sign(y)*x^2", [(0.4, 1.0), (0.4, -1.0)]),
]
CASES = [(text, point) for text, pts in FUNCTIONS for point in pts]


@pytest.mark.parametrize("text, point", CASES)
def test_gradient_and_hessian_match_sympy(text, point):
    f = parse(text)
    names = f.variables
    oracle = to_sympy(f)
    symbols = [sp.Symbol(n, real=True) for n in names]
    for i, g in enumerate(f.grad()):
        expected = sympy_value(sp.diff(oracle, symbols[i]), names, point)
        assert g.evaluate_at(point, names) == pytest.approx(expected, rel=1e-10, abs=1e-10)
    for i, row in enumerate(f.hessian()):
        for j, h in enumerate(row):
            expected = sympy_value(sp.diff(oracle, symbols[i], symbols[j]), names, point)
            assert h.evaluate_at(point, names) == pytest.approx(expected, rel=1e-9, abs=1e-9), (i, j)


@pytest.mark.parametrize("text, point", CASES)
def test_gradient_and_hessian_match_central_differences(text, point):
    f = parse(text)
    names = f.variables
    grads = f.grad()
    for i, g in enumerate(grads):
        assert g.evaluate_at(point, names) == pytest.approx(
            central(lambda p: f.evaluate_at(p, names), point, i), rel=1e-6, abs=1e-6)
        for j, h in enumerate(f.hessian()[i]):
            assert h.evaluate_at(point, names) == pytest.approx(
                central(lambda p, g=grads[j]: g.evaluate_at(p, names), point, i), rel=1e-6, abs=1e-6)


def test_hessian_is_symmetric_and_is_the_gradient_of_the_gradient():
    f = parse("x^3*y + exp(x*y*z) - z/x")
    H = f.hessian()
    n = len(f.variables)
    assert all(H[i][j] is H[j][i] for i in range(n) for j in range(n))
    assert H == hessian(f, f.variables)
    assert H[0] == gradient(f.grad()[0], f.variables)[:1] + H[0][1:]


def test_chapter_chain_example_at_minus1_0_minus2_1():
    """Hand-derived: a=4, b=0, u=v=16, f=1024; df/da=1024, df/db=0, da/dw=-4, so every partial is -4096."""
    f = parse(NESTED)
    point = (-1.0, 0.0, -2.0, 1.0)
    assert f.variables == ("w", "x", "y", "z")
    assert f.evaluate_at(point) == 1024.0
    assert [g.evaluate_at(point) for g in f.grad()] == [-4096.0] * 4


def test_chapter_functions_have_their_known_derivatives():
    lse = parse("log(exp(x)+exp(y))")
    assert [g.evaluate_at([0.0, math.log(2)]) for g in lse.grad()] == pytest.approx([1 / 3, 2 / 3], rel=1e-15)
    bump = parse("x*exp(-x^2-y^2)")
    assert [g.evaluate_at([-1.0, 0.0]) for g in bump.grad()] == pytest.approx([-math.exp(-1), 0.0], abs=1e-16)
    # by hand: f_xx = (4x^3 - 6x)e^(-r), f_xy = -2y(1 - 2x^2)e^(-r), f_yy = x(4y^2 - 2)e^(-r): diag(2/e, 2/e)
    H = np.array([[h.evaluate_at([-1.0, 0.0]) for h in row] for row in bump.hessian()])
    assert np.allclose(H, [[2 / math.e, 0.0], [0.0, 2 / math.e]], rtol=1e-15, atol=1e-16)
    quartic = parse("3*x^4-4*x^3-12*x^2")
    assert str(quartic.grad()[0]) == "-24*x - 12*x^2 + 12*x^3"
    assert str(quartic.hessian()[0][0]) == "36*x^2 - 24*x - 24"


@pytest.mark.parametrize("text, derivatives", [
    ("x^2*y + x*y^2", ["y^2 + 2*x*y", "2*x*y + x^2"]),
    ("x*exp(-x^2-y^2)", ["exp(-x^2 - y^2) - 2*x*exp(-x^2 - y^2)*x", "-2*x*exp(-x^2 - y^2)*y"]),
    ("log(exp(x)+exp(y))", ["exp(x)/(exp(x) + exp(y))", "exp(y)/(exp(x) + exp(y))"]),
    ("sqrt(x^2 + y^2)", ["x/sqrt(x^2 + y^2)", "y/sqrt(x^2 + y^2)"]),
    ("x/y", ["1/y", "-x/y/y"]),   # not x/y^2: y^2 overflows where y does not
    ("tanh(x) + 3*y", ["1 - tanh(x)^2", "3"]),
    ("x^y", ["y*x^(y - 1)", "x^y*log(x)"]),
    ("2*x + 5", ["2"]),
])
def test_derivatives_read_like_hand_written_formulas(text, derivatives):
    assert [str(g) for g in parse(text).grad()] == derivatives


@pytest.mark.parametrize("op", sorted(PRIMITIVES))
def test_every_primitive_local_derivative_matches_sympy_and_differences(op):
    prim = PRIMITIVES[op]
    names = ("a", "b")[:prim.arity]
    point = (0.7, 1.3)[:prim.arity]
    node = E.apply(op, *(E.var(n) for n in names))
    if node.op != op:  # simplification rewrote it (it does not for variables, but keep the check honest)
        pytest.skip(f"{op} of variables simplifies")
    oracle = to_sympy(node)
    for i, name in enumerate(names):
        partial = local_partial(node, i)
        got = partial.evaluate_at(point, names)
        assert got == pytest.approx(sympy_value(sp.diff(oracle, sp.Symbol(name, real=True)), names, point),
                                    rel=1e-12, abs=1e-14)
        assert got == pytest.approx(central(lambda p: node.evaluate_at(p, names), point, i), rel=1e-7, abs=1e-9)


def test_derivatives_share_subexpressions_with_f():
    f = parse(NESTED)
    grads = f.grad()
    shared = len(topological_order([f, *grads]))
    assert shared <= 2 * f.node_count()
    assert sum(len(str(g)) for g in grads) > 50 * shared  # as text the same gradient is enormous
    f_nodes = {id(n) for n in topological_order([f])}
    assert any(id(n) in f_nodes for n in topological_order([grads[0]]) if n.op == "pow")


@settings(max_examples=60, deadline=None)
@given(formulas(max_leaves=8), points())
def test_generated_formulas_gradient_matches_central_differences(formula, point):
    text, _reference = formula
    f = parse(text)
    names = VARIABLES
    value = f.evaluate_at(point, names)
    grads = f.grad(names)
    for i, g in enumerate(grads):
        expected = settled_central(lambda p: f.evaluate_at(p, names), point, i)
        assert g.evaluate_at(point, names) == pytest.approx(expected, rel=1e-5, abs=1e-6 * (1 + abs(value))), text
    assert len(topological_order([f, *grads])) <= 6 * f.node_count() + 10


@settings(max_examples=30, deadline=None)
@given(formulas(max_leaves=6), points())
def test_generated_formulas_hessian_matches_differences_of_the_gradient(formula, point):
    text, _reference = formula
    f = parse(text)
    names = VARIABLES
    grads = f.grad(names)
    H = f.hessian(names)
    for i in range(3):
        for j in range(3):
            expected = settled_central(lambda p, g=grads[j]: g.evaluate_at(p, names), point, i)
            scale = 1 + abs(expected)
            assert H[i][j].evaluate_at(point, names) == pytest.approx(expected, rel=1e-5, abs=1e-6 * scale), text


def test_adjoints_hold_d_output_by_d_node():
    f = parse("(a + b)^2")
    adj = adjoints(f)
    inner = f.args[0]
    assert str(adj[id(inner)]) == "2*(a + b)"
    assert adj[id(f)] is E.ONE and adj[id(E.var("a"))] is adj[id(E.var("b"))]


def test_gradient_with_respect_to_absent_variable_is_zero():
    assert parse("x^2").grad(("x", "t")) == (parse("2*x"), E.ZERO)


@pytest.mark.parametrize("text, point, direction", [
    ("x*exp(-x^2-y^2)", (-1.0, 0.0), (1.0, 1.0)),
    ("log(exp(x)+exp(y))", (0.0, math.log(2)), (3.0, -4.0)),
    ("x^2*y + x*y^2", (1.0, 2.0), (0.0, -2.0)),
    (NESTED, (-1.0, 0.0, -2.0, 1.0), (1.0, 0.0, 0.0, 0.0)),
])
def test_directional_derivative_matches_differences_along_the_unit_direction(text, point, direction):
    f = parse(text)
    u = np.asarray(direction) / np.linalg.norm(direction)

    def along(t):
        return f.evaluate_at(np.asarray(point) + t[0] * u)
    expected = central(along, [0.0], 0)
    assert directional_derivative(f, point, direction) == pytest.approx(expected, rel=1e-7, abs=1e-9)


def test_directional_derivative_needs_a_nonzero_direction():
    with pytest.raises(ValueError, match="non-zero"):
        directional_derivative(parse("x*y"), (1.0, 2.0), (0.0, 0.0))


def test_log_sum_exp_hessian_stays_right_far_from_the_origin():
    # at (0, 360): exp(y)^2 overflows, but the true Hessian is e^-360 * [[1, -1], [-1, 1]] (about 4.5e-157)
    f = parse("log(exp(x) + exp(y))")
    hessian = np.array([[float(h.evaluate(x=0.0, y=360.0)) for h in row] for row in f.hessian()])
    assert np.all(np.isfinite(hessian))
    np.testing.assert_allclose(hessian, math.exp(-360) * np.array([[1.0, -1.0], [-1.0, 1.0]]), atol=1e-150)
