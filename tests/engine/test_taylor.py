"""Taylor models and the second-derivative test, against hand-derived values and central differences."""
import math

import numpy as np
import pytest
import sympy

from engine import parse
from engine.optim.objective import Objective
from engine.analysis.taylor import analyze_point, model_from_derivatives, second_derivative_test, taylor_model
from tests.engine.differences import central_gradient

E1 = math.exp(-1.0)


def central_hessian(f, p, h=1e-4):
    p = np.asarray(p, dtype=float)
    n = len(p)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            di, dj = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[i, j] = (f.evaluate_at(p + di + dj) - f.evaluate_at(p + di - dj)
                         - f.evaluate_at(p - di + dj) + f.evaluate_at(p - di - dj)) / (4 * h * h)
    return out


def test_log_sum_exp_linear_estimate_matches_the_chapter():
    f = parse("log(exp(x) + exp(y))")
    model = taylor_model(f, [0.0, math.log(2)], order=1)
    step = (0.01, -0.03)
    expected = math.log(3) + (1 / 3) * 0.01 + (2 / 3) * (-0.03)
    assert model.at_offset(step) == pytest.approx(expected, abs=1e-14)
    true_value = math.log(math.exp(0.01) + math.exp(math.log(2) - 0.03))
    assert abs(model.at_offset(step) - true_value) < 1e-3   # a good estimate, not exact
    assert model.at_offset(step) != pytest.approx(true_value, abs=1e-6)
    assert np.all(model.hessian == 0) and model.order == 1


def test_x_exp_gradient_hessian_and_quadratic_model_at_minus_one_zero():
    f = parse("x*exp(-x^2-y^2)")
    a = analyze_point(f, [-1.0, 0.0])
    assert a.value == pytest.approx(-E1, rel=1e-15)
    np.testing.assert_allclose(a.gradient, [-E1, 0.0], atol=1e-15)
    np.testing.assert_allclose(a.hessian, E1 * np.array([[2.0, 0.0], [0.0, 2.0]]), rtol=1e-14, atol=1e-15)
    assert a.kind == "regular"
    # the quadratic model by hand: -1/e - (x+1)/e + ((x+1)^2 + y^2)/e
    X, Y = np.meshgrid(np.linspace(-2, 0, 7), np.linspace(-1, 1, 5))
    hand = -E1 - E1 * (X + 1) + E1 * ((X + 1) ** 2 + Y ** 2)
    np.testing.assert_allclose(a.quadratic(x=X, y=Y), hand, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(parse(a.quadratic.formula).evaluate(x=X, y=Y), hand, rtol=1e-10)
    np.testing.assert_allclose(a.quadratic.expression.evaluate(x=X, y=Y), hand, rtol=1e-13, atol=1e-15)
    assert set(parse(a.quadratic.formula).variables) == {"x", "y"}


@pytest.mark.parametrize("text, point", [
    ("x*exp(-x^2-y^2)", (0.3, -0.7)),
    ("log(exp(x) + exp(y))", (0.2, 1.1)),
    ("sin(x*y) + x^3 - y", (0.5, 1.5)),
    ("(x + 2*y - z)^2 * tanh(z)", (0.4, -0.3, 1.2)),
    ("sigmoid(3*x - 1)", (0.25,)),
])
def test_models_agree_with_central_differences_and_shrink_at_the_right_rate(text, point):
    f = parse(text)
    q = taylor_model(f, point, order=2)
    lin = taylor_model(f, point, order=1)
    np.testing.assert_allclose(q.gradient, central_gradient(f, point, h=1e-5), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(q.hessian, central_hessian(f, point), rtol=1e-5, atol=1e-6)
    direction = np.linspace(1.0, -0.5, len(point))
    errors_q, errors_l = [], []
    for h in (0.04, 0.02):
        p = np.asarray(point) + h * direction
        true = f.evaluate_at(p)
        errors_q.append(abs(true - q.at_offset(h * direction)))
        errors_l.append(abs(true - lin.at_offset(h * direction)))
    assert errors_q[0] / errors_q[1] > 5.0            # O(h^3) or better
    assert 3.0 < errors_l[0] / errors_l[1] < 5.0      # O(h^2)


def test_hessian_matches_sympy_oracle():
    x, y = sympy.symbols("x y")
    sf = x * sympy.exp(-x ** 2 - y ** 2)
    f = parse("x*exp(-x^2-y^2)")
    for p in [(0.1, 0.2), (-1.3, 0.4), (0.8, -0.9)]:
        expected = np.array(sympy.hessian(sf, (x, y)).subs({x: p[0], y: p[1]}).evalf(), dtype=float)
        np.testing.assert_allclose(taylor_model(f, p).hessian, expected, rtol=1e-12, atol=1e-14)


def test_formula_parses_back_to_the_model_everywhere():
    f = parse("x^3*y - 2*x*y^2 + exp(x)")
    q = taylor_model(f, [0.7, -1.3])
    g = parse(q.formula)
    X, Y = np.meshgrid(np.linspace(-3, 3, 9), np.linspace(-3, 3, 9))
    np.testing.assert_allclose(g.evaluate(x=X, y=Y), q(x=X, y=Y), rtol=1e-9, atol=1e-9)
    assert "x" in q.formula and "y" in q.formula


def test_call_broadcasts_accepts_mapping_or_sequence_and_names_missing_variables():
    q = taylor_model(parse("x^2 + x*y"), [1.0, 2.0])
    out = q(x=np.zeros((3, 1)), y=np.zeros((1, 4)))
    assert out.shape == (3, 4)
    assert q({"x": 1.0, "y": 2.0}) == pytest.approx(3.0)
    assert q([1.0, 2.0]) == pytest.approx(3.0)
    with pytest.raises(KeyError, match="y"):
        q(x=1.0)
    with pytest.raises(ValueError, match="2 value"):
        q.at_offset([0.1])


def test_variables_order_and_objective_with_fixed_values():
    f = parse("x^2*z + y")
    q = taylor_model(f, [2.0, 1.0, 3.0], variables=("z", "x", "y"))    # z=2, x=1, y=3
    np.testing.assert_allclose(q.gradient, [1.0, 4.0, 1.0])
    obj = Objective.from_expression(f, variables=("x", "y"), fixed={"z": 2.0})
    m = taylor_model(obj, [1.0, 3.0])
    assert m.variables == ("x", "y")
    np.testing.assert_allclose(m.gradient, [4.0, 1.0])
    np.testing.assert_allclose(m.hessian, [[4.0, 0.0], [0.0, 0.0]])
    assert parse(m.formula).variables == ("x", "y")


def test_order_and_size_errors():
    f = parse("x + y")
    with pytest.raises(ValueError, match="order"):
        taylor_model(f, [0, 0], order=3)
    with pytest.raises(ValueError, match="2 value"):
        taylor_model(f, [0])
    with pytest.raises(ValueError, match="y"):
        taylor_model(f, [0], variables=("x",))
    with pytest.raises(ValueError, match="Hessian"):
        model_from_derivatives(("x",), [0], 0.0, [1.0], None, order=2)


@pytest.mark.parametrize("hessian, expected", [
    ([[2, 0], [0, 3]], "minimum"),
    ([[-2, 1], [1, -2]], "maximum"),
    ([[2, 3], [3, 2]], "saddle"),               # eigenvalues -1 and 5
    ([[1, 0], [0, 0]], "degenerate"),
    ([[1, 0, 0], [0, -1, 0], [0, 0, 0]], "saddle"),   # mixed signs decide even with a zero
    ([[0, 0], [0, 0]], "degenerate"),
    ([[1e-12, 0], [0, 1e-12]], "degenerate"),   # rounding noise decides nothing
    ([[1e6, 0], [0, 1e-3]], "degenerate"),      # tiny relative to the Hessian's scale
    ([[1e6, 0], [0, 10.0]], "minimum"),
    ([[float("nan"), 0], [0, 1]], "undefined"),     # no finite second derivatives: nothing to test
    ([[5.0]], "minimum"),
])
def test_second_derivative_test(hessian, expected):
    assert second_derivative_test(hessian) == expected


@pytest.mark.parametrize("text, point, kind", [
    ("(1-x)^2 + 100*(y-x^2)^2", (1.0, 1.0), "minimum"),
    ("x^2 - y^2", (0.0, 0.0), "saddle"),
    ("-(x^2 + 2*y^2)", (0.0, 0.0), "maximum"),
    ("x^4 + y^4", (0.0, 0.0), "degenerate"),
    ("x^4 + y^4", (0.5, 0.0), "regular"),
])
def test_analyze_point_kind_and_eigen_decomposition(text, point, kind):
    a = analyze_point(parse(text), point)
    assert a.kind == kind
    assert np.all(np.diff(a.eigenvalues) >= 0)
    np.testing.assert_allclose(a.hessian @ a.eigenvectors, a.eigenvectors * a.eigenvalues, atol=1e-9)
    assert a.linear.order == 1 and a.quadratic.order == 2


def test_non_finite_point_gives_nan_not_an_exception():
    a = analyze_point(parse("sqrt(x) + y"), [-1.0, 0.0])
    assert math.isnan(a.value)
    assert a.kind == "undefined"
    assert np.all(np.isnan(a.eigenvalues))
