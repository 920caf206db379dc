"""Every printed number and formula of the chapter, recomputed independently (sympy, finite differences, numpy) —
never trusted. Tests named ``..._is_right`` confirm the chapter; tests named ``..._is_wrong`` prove a discrepancy,
and each of those has a tour step whose erratum says so (checked at the end).
"""
import math

import numpy as np
import pytest
import sympy as sp

from gui.tour.format import load_tour

x, y, w, z, u, v, a, b, eps1, eps2 = sp.symbols("x y w z u v a b epsilon1 epsilon2", real=True)


# --- higher-dimensional differentiation -----------------------------------------------------------------------------
def test_log_sum_exp_gradient_value_and_linear_model_at_0_log2_are_right():
    f = sp.log(sp.exp(x) + sp.exp(y))
    grad = [sp.diff(f, s) for s in (x, y)]
    printed = [sp.exp(x) / (sp.exp(x) + sp.exp(y)), sp.exp(y) / (sp.exp(x) + sp.exp(y))]
    assert all(sp.simplify(g - p) == 0 for g, p in zip(grad, printed))
    at = {x: 0, y: sp.log(2)}
    assert sp.simplify(f.subs(at) - sp.log(3)) == 0
    assert [sp.simplify(g.subs(at)) for g in grad] == [sp.Rational(1, 3), sp.Rational(2, 3)]
    linear = sp.log(3) + eps1 / 3 + 2 * eps2 / 3
    taylor = f.subs(at) + sum(g.subs(at) * e for g, e in zip(grad, (eps1, eps2)))
    assert sp.simplify(linear - taylor) == 0


# --- geometry of gradients ------------------------------------------------------------------------------------------
def test_the_steepest_descent_equation_with_l_of_w_on_the_left_is_wrong():
    # printed: L(w) + v·∇L(w) = ‖∇L(w)‖cos θ. For a unit v only v·∇L equals ‖∇L‖cos θ; the printed one is off by L(w).
    L = x ** 2 + 3 * y ** 2
    point, unit = (1.2, 0.8), np.array([1.0, -1.0]) / math.sqrt(2)
    grad = np.array([float(sp.diff(L, s).subs({x: point[0], y: point[1]})) for s in (x, y)])
    cos_theta = grad @ unit / np.linalg.norm(grad)
    value = float(L.subs({x: point[0], y: point[1]}))
    assert grad @ unit == pytest.approx(np.linalg.norm(grad) * cos_theta)
    assert value + grad @ unit != pytest.approx(np.linalg.norm(grad) * cos_theta)


# --- a note on mathematical optimization ----------------------------------------------------------------------------
def test_the_quartic_derivative_critical_points_values_and_minimum_are_right():
    f = 3 * x ** 4 - 4 * x ** 3 - 12 * x ** 2
    assert sp.expand(sp.diff(f, x) - (12 * x ** 3 - 12 * x ** 2 - 24 * x)) == 0
    assert sp.expand(12 * x * (x - 2) * (x + 1) - (12 * x ** 3 - 12 * x ** 2 - 24 * x)) == 0
    roots = sorted(sp.solve(sp.diff(f, x), x))
    assert roots == [-1, 0, 2]
    assert [f.subs(x, r) for r in roots] == [-5, 0, -32]
    assert min(roots, key=lambda r: f.subs(x, r)) == 2


# --- chain rule and backpropagation ---------------------------------------------------------------------------------
A_ = (w + x + y + z) ** 2
B_ = (w + x - y - z) ** 2
F_ = ((A_ + B_) ** 2 + (A_ - B_) ** 2) ** 2
CHAPTER_POINT = {w: -1, x: 0, y: -2, z: 1}


def test_the_composed_function_and_its_expanded_df_dw_are_right():
    composed = (((w + x + y + z) ** 2 + (w + x - y - z) ** 2) ** 2 + ((w + x + y + z) ** 2
                                                                      - (w + x - y - z) ** 2) ** 2) ** 2
    assert sp.expand(composed - F_) == 0
    p, q = w + x + y + z, w + x - y - z
    printed = 2 * (2 * (2 * p - 2 * q) * (p ** 2 - q ** 2) + 2 * (2 * q + 2 * p) * (q ** 2 + p ** 2)) * (
        (p ** 2 - q ** 2) ** 2 + (q ** 2 + p ** 2) ** 2)
    assert sp.expand(sp.diff(F_, w) - printed) == 0


def test_the_single_step_partials_and_the_listings_numbers_are_right():
    fuv, uab, vab = (u + v) ** 2, (a + b) ** 2, (a - b) ** 2
    assert [sp.diff(fuv, u), sp.diff(fuv, v)] == [2 * (u + v), 2 * (u + v)]
    assert [sp.diff(uab, a), sp.diff(uab, b)] == [2 * (a + b), 2 * (a + b)]
    assert [sp.expand(sp.diff(vab, a)), sp.expand(sp.diff(vab, b))] == [sp.expand(2 * (a - b)),
                                                                        sp.expand(-2 * (a - b))]
    assert [sp.expand(sp.diff(B_, s)) for s in (y, z)] == [sp.expand(-2 * (w + x - y - z))] * 2
    assert F_.subs(CHAPTER_POINT) == 1024
    assert [sp.diff(F_, s).subs(CHAPTER_POINT) for s in (w, x, y, z)] == [-4096] * 4


def test_the_pytorch_listing_prints_the_wrong_variables_gradients():
    # it prints y.grad as df/dw and x.grad as df/dy and df/dz: right only because all four agree at the chapter's point
    elsewhere = {**CHAPTER_POINT, w: sp.Rational(1, 2)}
    grads = {s: sp.diff(F_, s).subs(elsewhere) for s in (w, x, y, z)}
    assert grads[y] != grads[w] and grads[x] != grads[z]


# --- Hessians -------------------------------------------------------------------------------------------------------
def test_the_general_quadratics_gradient_and_hessian_at_zero_are_right():
    a0, b1, b2, c11, c12, c22 = sp.symbols("a b1 b2 c11 c12 c22")
    f = a0 + b1 * x + b2 * y + c11 * x ** 2 + c12 * x * y + c22 * y ** 2
    at = {x: 0, y: 0}
    assert [sp.diff(f, s).subs(at) for s in (x, y)] == [b1, b2]
    assert sp.hessian(f, (x, y)).subs(at) == sp.Matrix([[2 * c11, c12], [c12, 2 * c22]])
    X = sp.Matrix([x, y])
    rebuilt = f.subs(at) + (sp.Matrix([b1, b2]).T * X)[0] + (X.T * sp.hessian(f, (x, y)).subs(at) * X)[0] / 2
    assert sp.expand(rebuilt - f) == 0


GAUSS = x * sp.exp(-x ** 2 - y ** 2)


def test_the_gradient_and_hessian_of_x_exp_are_right():
    e = sp.exp(-x ** 2 - y ** 2)
    assert sp.simplify(sp.diff(GAUSS, x) - e * (1 - 2 * x ** 2)) == 0
    assert sp.simplify(sp.diff(GAUSS, y) - e * (-2 * x * y)) == 0
    printed = e * sp.Matrix([[4 * x ** 3 - 6 * x, 4 * x ** 2 * y - 2 * y], [4 * x ** 2 * y - 2 * y,
                                                                             4 * x * y ** 2 - 2 * x]])
    assert sp.simplify(sp.hessian(GAUSS, (x, y)) - printed) == sp.zeros(2, 2)


def test_the_printed_quadratic_at_minus_one_zero_is_wrong_by_the_missing_half():
    at = {x: -1, y: 0}
    d = sp.Matrix([x + 1, y])
    grad = sp.Matrix([sp.diff(GAUSS, s).subs(at) for s in (x, y)])
    true_model = GAUSS.subs(at) + (grad.T * d)[0] + (d.T * sp.hessian(GAUSS, (x, y)).subs(at) * d)[0] / 2
    printed = sp.exp(-1) * (-1 - (x + 1) + 2 * (x + 1) ** 2 + 2 * y ** 2)
    right = sp.exp(-1) * (-1 - (x + 1) + (x + 1) ** 2 + y ** 2)
    assert sp.expand(true_model - right) == 0
    assert sp.expand(printed - right) == sp.expand(sp.exp(-1) * ((x + 1) ** 2 + y ** 2))


# --- matrix calculus ------------------------------------------------------------------------------------------------
def test_the_derivative_of_beta_x_and_of_the_quadratic_form_are_right():
    xs = sp.Matrix(sp.symbols("x1:4"))
    beta = sp.Matrix([sp.symbols("b1:4")]).reshape(1, 3)
    assert sp.Matrix([sp.diff((beta * xs)[0], s) for s in xs]) == beta.T
    A = sp.Matrix(3, 3, sp.symbols("a11:14 a21:24 a31:34"))
    q = (xs.T * A * xs)[0]
    assert sp.expand(sp.Matrix([sp.diff(q, s) for s in xs]) - (A + A.T) * xs) == sp.zeros(3, 1)
    assert sp.diff(sp.Symbol("s") * x * x, x) == 2 * sp.Symbol("s") * x


def test_the_one_by_one_factorization_derivative_is_wrong_by_a_sign():
    assert sp.expand(sp.diff((x - u * v) ** 2, v) - (-2 * (x - u * v) * u)) == 0
    assert sp.expand(sp.diff((x - u * v) ** 2, v) - 2 * (x - u * v) * u) != 0


def test_the_matrix_factorization_gradient_is_wrong_by_a_sign():
    rng = np.random.default_rng(0)
    X, U, V = rng.normal(size=(5, 4)), rng.normal(size=(5, 2)), rng.normal(size=(2, 4))

    def loss(V_):
        return float(np.sum((X - U @ V_) ** 2))   # the Frobenius norm the derivation's sum over i, j means
    h, fd = 1e-6, np.zeros_like(V)
    for i in range(V.shape[0]):
        for j in range(V.shape[1]):
            e = np.zeros_like(V)
            e[i, j] = h
            fd[i, j] = (loss(V + e) - loss(V - e)) / (2 * h)
    np.testing.assert_allclose(fd, -2 * U.T @ (X - U @ V), rtol=1e-6, atol=1e-6)
    assert not np.allclose(fd, 2 * U.T @ (X - U @ V))


def test_the_derivative_of_a_squared_sum_is_right():
    xs = sp.symbols("x1:5")
    assert sp.expand(sp.diff(sum(xs) ** 2, xs[0]) - 2 * sum(xs)) == 0


# --- exercise 4 -----------------------------------------------------------------------------------------------------
def test_exercise_four_has_one_critical_point_that_is_neither():
    f = x ** 2 * y + x * y ** 2
    solutions = sp.solve([sp.diff(f, x), sp.diff(f, y)], [x, y], dict=True)
    assert solutions == [{x: 0, y: 0}]
    assert sp.expand(f.subs(y, x)) == 2 * x ** 3


# --- every discrepancy found has a step that says so ----------------------------------------------------------------
DISCREPANCIES = {"directional": "L(w) + v·∇L(w)", "pytorch-listing": "y.grad", "best-quadratic": "2(x+1)²",
                 "factorization-sign": "2Uᵀ(X − UV)", "factorization-one-by-one": "2(x − uv)u", "sum-over-paths": "∂w/∂u", "backward-pass": "∂f/∂u, ∂f/∂u",
                 "beta-x": "β₁"}


def test_every_discrepancy_has_an_erratum_step_quoting_the_chapter():
    steps = {step.id: step for _s, step in load_tour().steps()}
    for step_id, quoted in DISCREPANCIES.items():
        assert steps[step_id].erratum is not None, step_id
        assert quoted in steps[step_id].erratum["printed"], step_id
