"""The chapter's worked examples, through the Python API and through ``python -m engine`` in a real process.

Expected numbers are derived here by hand (math.log/exp, the chapter's own derivative formulas), never copied from the
engine. Where the chapter's printed result is wrong, the test says so and checks the right one independently.
"""
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import parse
from engine.analysis.critical import critical_points
from engine.analysis.taylor import analyze_point, taylor_model

ROOT = Path(__file__).resolve().parents[2]
E1 = math.exp(-1.0)


def cli(*argv):
    done = subprocess.run([sys.executable, "-m", "engine", *argv, "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --- log(e^x + e^y) at (0, log 2), step (0.01, -0.03) ---------------------------------------------------------------
LSE_ESTIMATE = math.log(3) + (1 / 3) * 0.01 + (2 / 3) * (-0.03)
LSE_TRUE = math.log(math.exp(0.01) + math.exp(math.log(2) - 0.03))


def test_linear_approximation_of_log_sum_exp_api():
    model = taylor_model(parse("log(exp(x) + exp(y))"), [0.0, math.log(2)], order=1)
    np.testing.assert_allclose(model.gradient, [1 / 3, 2 / 3], rtol=1e-15)
    assert model.at_offset([0.01, -0.03]) == pytest.approx(LSE_ESTIMATE, abs=1e-15)


def test_linear_approximation_of_log_sum_exp_cli():
    r = cli("analyze", "log(exp(x)+exp(y))", "--at", f"0,{math.log(2)!r}", "--step", "0.01,-0.03")
    assert r["linear_estimate"] == pytest.approx(LSE_ESTIMATE, abs=1e-15)
    assert r["true_value"] == pytest.approx(LSE_TRUE, abs=1e-15)
    assert abs(r["linear_estimate"] - r["true_value"]) == pytest.approx(abs(LSE_ESTIMATE - LSE_TRUE), abs=1e-15)


# --- 3x^4 - 4x^3 - 12x^2: f' = 12x(x-2)(x+1) --------------------------------------------------------------------
QUARTIC = "3*x^4 - 4*x^3 - 12*x^2"


def quartic(x):
    return 3 * x ** 4 - 4 * x ** 3 - 12 * x ** 2


def test_critical_points_of_the_quartic_api_and_cli():
    api = critical_points(parse(QUARTIC), [(-3.0, 3.0)])
    r = cli("critical", QUARTIC, "--box", "-3,3")
    for points in ([c.point[0] for c in api], [p["point"][0] for p in r["points"]]):
        assert points == pytest.approx([-1.0, 0.0, 2.0], abs=1e-12)
    assert [p["value"] for p in r["points"]] == pytest.approx([quartic(-1), quartic(0), quartic(2)])
    assert [quartic(-1), quartic(0), quartic(2)] == [-5, 0, -32]
    assert [p["verdict"] for p in r["points"]] == ["minimum", "maximum", "minimum"]
    assert min(r["points"], key=lambda p: p["value"])["point"] == [2.0]   # the global minimum, as the chapter says


# --- x e^(-x^2 - y^2) at (-1, 0) -------------------------------------------------------------------------------------
def chapter_gradient(x, y):
    return math.exp(-x * x - y * y) * np.array([1 - 2 * x * x, -2 * x * y])


def chapter_hessian(x, y):
    return math.exp(-x * x - y * y) * np.array([[4 * x ** 3 - 6 * x, 4 * x * x * y - 2 * y],
                                                [4 * x * x * y - 2 * y, 4 * x * y * y - 2 * x]])


def correct_quadratic(x, y):
    # f(a) + g·d + ½ dᵀHd with H = 2/e·I: the ½ makes the squares' coefficient 1/e.
    return E1 * (-1 - (x + 1) + (x + 1) ** 2 + y ** 2)


def test_gradient_hessian_and_quadratic_of_x_exp_api():
    a = analyze_point(parse("x*exp(-x^2-y^2)"), [-1.0, 0.0])
    np.testing.assert_allclose(a.gradient, chapter_gradient(-1.0, 0.0), atol=1e-16)
    np.testing.assert_allclose(a.gradient, [-E1, 0.0], atol=1e-16)
    np.testing.assert_allclose(a.hessian, chapter_hessian(-1.0, 0.0), rtol=1e-14)
    np.testing.assert_allclose(a.hessian, [[2 * E1, 0.0], [0.0, 2 * E1]], rtol=1e-14)
    X, Y = np.meshgrid(np.linspace(-2, 2, 11), np.linspace(-2, 2, 11))
    np.testing.assert_allclose(a.quadratic(x=X, y=Y), correct_quadratic(X, Y), rtol=1e-13, atol=1e-15)


def test_the_chapter_printed_quadratic_misses_the_half_and_the_app_does_not():
    f = parse("x*exp(-x^2-y^2)")
    model = taylor_model(f, [-1.0, 0.0])

    def printed(x, y):   # the chapter's e^-1(-1 - (x+1) + 2(x+1)^2 + 2y^2)
        return E1 * (-1 - (x + 1) + 2 * (x + 1) ** 2 + 2 * y ** 2)

    errors = {}
    for h in (0.02, 0.01):
        x, y = -1.0 + h, h
        true = f.evaluate_at([x, y])
        errors[h] = (abs(true - model(x=x, y=y)), abs(true - printed(x, y)))
    assert errors[0.02][0] / errors[0.01][0] > 5     # the engine's model: third-order error
    assert errors[0.02][1] / errors[0.01][1] < 4.5   # the printed one: only second-order, so not the Taylor model


def test_quadratic_model_of_x_exp_cli():
    r = cli("analyze", "x*exp(-x^2-y^2)", "--at", "-1,0")
    assert r["gradient"] == pytest.approx([-E1, 0.0], abs=1e-16)
    np.testing.assert_allclose(r["hessian"], [[2 * E1, 0.0], [0.0, 2 * E1]], rtol=1e-14)
    quadratic = parse(r["quadratic"]["formula"])
    X, Y = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 9))
    np.testing.assert_allclose(quadratic.evaluate(x=X, y=Y), correct_quadratic(X, Y), rtol=1e-10, atol=1e-12)
    linear = parse(r["linear"]["formula"])
    np.testing.assert_allclose(linear.evaluate(x=X, y=Y), E1 * (-1 - (X + 1)), rtol=1e-10, atol=1e-12)


# --- exercise 4: x^2 y + x y^2 ---------------------------------------------------------------------------------------
def test_exercise_4_api_and_cli():
    f = parse("x^2*y + x*y^2")
    api = critical_points(f, [(-5, 5), (-5, 5)])
    r = cli("critical", "x^2*y+x*y^2", "--box", "-5,5,-5,5")
    assert [(c.point.tolist(), c.kind, c.verdict) for c in api] == [([0.0, 0.0], "degenerate", "neither")]
    assert [(p["point"], p["kind"], p["verdict"]) for p in r["points"]] == [([0.0, 0.0], "degenerate", "neither")]
    for t in (0.5, 0.1, 0.01):   # f(x, x) = 2x^3: above and below f(0, 0) arbitrarily close
        assert f.evaluate_at([t, t]) == pytest.approx(2 * t ** 3)
        assert f.evaluate_at([-t, -t]) == pytest.approx(-2 * t ** 3)


# --- the four-variable chain: f = (u+v)^2, u = (a+b)^2, v = (a-b)^2, a = (w+x+y+z)^2, b = (w+x-y-z)^2 ----------------
CHAIN = "(((w+x+y+z)^2 + (w+x-y-z)^2)^2 + ((w+x+y+z)^2 - (w+x-y-z)^2)^2)^2"


def test_chain_gradient_at_the_chapter_point():
    # by hand at (w, x, y, z) = (-1, 0, -2, 1): a = 4, b = 0, u = v = 16, f = 1024; df/da = 2(u+v)(2(a+b) + 2(a-b))
    # = 1024 and df/db = 0; da/dw = da/dx = 2(w+x+y+z) = -4 and da/dy = da/dz = -4, so every partial is -4096.
    r = cli("analyze", CHAIN, "--at", "-1,0,-2,1")
    assert r["variables"] == ["w", "x", "y", "z"]
    assert r["value"] == 1024.0
    assert r["gradient"] == [-4096.0] * 4
    assert analyze_point(parse(CHAIN), [-1, 0, -2, 1]).gradient.tolist() == [-4096.0] * 4
