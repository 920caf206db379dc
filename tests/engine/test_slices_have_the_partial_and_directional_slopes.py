"""The slices through a point: the x slice's slope is ∂f/∂x, the y slice's ∂f/∂y, the slice along u has slope
D_u f = ∇f·u; D_u f over every angle is least (−‖∇f‖) along −∇f and zero along the level curve. References: central
differences of plain numpy functions (no engine code) and values derived by hand."""
import math

import numpy as np
import pytest

from engine import analyze_point, parse
from engine.analysis.slices import directional_by_angle, directional_slope, slices, steepest_directions

H = 1e-6
CASES = [  # (formula, the same function in numpy, point)
    ("x*exp(-x^2 - y^2) + 0.3*y", lambda x, y: x * np.exp(-x * x - y * y) + 0.3 * y, (-0.6, 0.4)),
    ("x^2 + 3*y", lambda x, y: x * x + 3 * y, (1.0, 2.0)),
    ("sin(x)*cos(2*y) + x*y", lambda x, y: np.sin(x) * np.cos(2 * y) + x * y, (0.7, -1.1)),
    ("log(1 + x^2 + y^4)", lambda x, y: np.log(1 + x * x + y ** 4), (-1.3, 0.9)),
]
BOX = ((-2.0, 2.0), (-2.5, 2.5))


def _central(g, p, d):
    p, d = np.asarray(p, dtype=float), np.asarray(d, dtype=float)
    return float((g(*(p + H * d)) - g(*(p - H * d))) / (2 * H))


def _slices(formula, point, direction):
    f = parse(formula)
    gradient = analyze_point(f, point, ("x", "y")).gradient
    return slices(f, ("x", "y"), point, gradient, BOX, direction), gradient


@pytest.mark.parametrize("formula, g, point", CASES)
def test_axis_slices_are_f_along_the_lines_and_their_slopes_are_the_partials(formula, g, point):
    (sx, sy, _), _ = _slices(formula, point, (1.0, 0.0))
    np.testing.assert_allclose(sx.values, g(sx.t, point[1]), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sy.values, g(point[0], sy.t), rtol=1e-12, atol=1e-14)
    assert sx.slope == pytest.approx(_central(g, point, (1, 0)), rel=1e-6, abs=1e-8)
    assert sy.slope == pytest.approx(_central(g, point, (0, 1)), rel=1e-6, abs=1e-8)
    assert (sx.origin, sy.origin) == point and sx.value == pytest.approx(g(*point), rel=1e-14)
    assert (sx.t[0], sx.t[-1], sy.t[0], sy.t[-1]) == (*BOX[0], *BOX[1])


@pytest.mark.parametrize("formula, g, point", CASES)
@pytest.mark.parametrize("angle", [0.3, 2.0, 4.4])
def test_the_slice_along_u_has_slope_grad_dot_u(formula, g, point, angle):
    u = np.array([math.cos(angle), math.sin(angle)])
    (_, _, su), gradient = _slices(formula, point, u)
    np.testing.assert_allclose(su.points, np.asarray(point) + su.t[:, None] * u, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(su.values, g(su.points[:, 0], su.points[:, 1]), rtol=1e-12, atol=1e-14)
    assert su.slope == pytest.approx(_central(g, point, u), rel=1e-6, abs=1e-8)
    assert su.slope == pytest.approx(float(np.dot(gradient, u)), rel=1e-12, abs=1e-15)
    # the tangent line touches the curve at t = 0 with that slope
    t, ends = su.tangent(0.5)
    assert (ends[1] - ends[0]) / (t[1] - t[0]) == pytest.approx(su.slope) and su.origin == 0.0


def test_hand_derived_slopes_and_directions():
    # f = x² + 3y at (1, 2): ∂f/∂x = 2, ∂f/∂y = 3; u = (0.6, 0.8): D_u f = 1.2 + 2.4 = 3.6; ‖∇f‖ = √13
    (sx, sy, su), _ = _slices("x^2 + 3*y", (1.0, 2.0), (0.6, 0.8))
    assert (sx.slope, sy.slope) == pytest.approx((2.0, 3.0), rel=1e-14)
    assert su.slope == pytest.approx(3.6, rel=1e-14)
    assert directional_slope((2.0, 3.0), (0.6, 0.8)) == pytest.approx(3.6, rel=1e-15)
    steepest = steepest_directions((2.0, 3.0))
    assert steepest.least_value == pytest.approx(-math.sqrt(13), rel=1e-15)
    assert steepest.least_angle == pytest.approx(math.pi + math.atan(1.5), rel=1e-15)
    # the level curve x² + 3y = 7 has tangent (3, −2) at (1, 2): angles of ±(3, −2)
    assert sorted(steepest.level_angles) == pytest.approx(
        sorted([math.atan2(-2, 3) % (2 * math.pi), math.atan2(2, -3)]), rel=1e-14)


@pytest.mark.parametrize("formula, g, point", CASES)
def test_the_polar_plot_is_least_along_minus_the_gradient_and_zero_on_the_level_curve(formula, g, point):
    gradient = np.array([_central(g, point, (1, 0)), _central(g, point, (0, 1))])   # the reference ∇f
    theta, d = directional_by_angle(analyze_point(parse(formula), point, ("x", "y")).gradient)
    assert theta[0] == 0.0 and theta[-1] == pytest.approx(2 * math.pi)
    reference = math.atan2(-gradient[1], -gradient[0])
    off = (theta[int(np.argmin(d))] - reference + math.pi) % (2 * math.pi) - math.pi
    assert abs(math.degrees(off)) < 0.5
    assert float(d.min()) == pytest.approx(-np.linalg.norm(gradient), rel=1e-5)
    # every sampled D_u f is the difference quotient of f along (cos θ, sin θ)
    for k in range(0, len(theta), 97):
        assert d[k] == pytest.approx(_central(g, point, (math.cos(theta[k]), math.sin(theta[k]))), abs=1e-6)
    steepest = steepest_directions(gradient)
    assert math.degrees(abs((steepest.least_angle - reference + math.pi) % (2 * math.pi) - math.pi)) < 1e-9
    for angle in steepest.level_angles:
        assert _central(g, point, (math.cos(angle), math.sin(angle))) == pytest.approx(0.0, abs=1e-6)


def test_a_zero_gradient_has_no_slope_in_any_direction():
    theta, d = directional_by_angle((0.0, 0.0))
    assert np.all(d == 0.0)
    assert steepest_directions((0.0, 0.0)).least_value == 0.0
    (sx, sy, su), _ = _slices("x^2 + y^2", (0.0, 0.0), (math.sqrt(0.5), math.sqrt(0.5)))
    assert sx.slope == sy.slope == su.slope == 0.0
