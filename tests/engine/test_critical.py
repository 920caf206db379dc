"""Critical points: known sets of points (hand-derived or from the literature) and independent checks of each."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import json

from engine import parse
from engine.cli import main
from engine.analysis.critical import Cancelled, critical_points, start_points
from engine.optim.objective import Objective
from tests.engine.differences import central_gradient

BOX2 = [(-2.0, 2.0), (-2.0, 2.0)]


def central_gradient_norm(f, p):
    return float(np.linalg.norm(central_gradient(f, p, h=1e-6)))


def summary(points):
    return [(tuple(np.round(c.point, 6)), c.kind, c.verdict) for c in points]


def test_exercise_4_only_the_origin_and_it_is_neither():
    f = parse("x^2*y + x*y^2")
    points = critical_points(f, [(-3, 3), (-3, 3)])
    assert summary(points) == [((0.0, 0.0), "degenerate", "neither")]
    # the chapter's argument, independently: f(x, x) = 2x^3 changes sign through 0
    assert f.evaluate_at([0.1, 0.1]) == pytest.approx(2e-3) and f.evaluate_at([-0.1, -0.1]) == pytest.approx(-2e-3)


@pytest.mark.parametrize("text, verdict", [
    ("x^4 + y^4", "minimum"),
    ("-(x^4 + y^4)", "maximum"),
    ("x^3 - 3*x*y^2", "neither"),     # monkey saddle
    ("x^2 + y^4", "minimum"),         # one eigenvalue positive, one zero
    ("x^2 - y^4", "neither"),         # the zero direction goes down
    ("x^2 + y^3", "neither"),
])
def test_degenerate_points_are_decided_by_the_probe(text, verdict):
    points = critical_points(parse(text), BOX2)
    assert summary(points) == [((0.0, 0.0), "degenerate", verdict)]
    assert points[0].value == 0.0
    # continuing along the Hessian's null directions finds nothing more: still one isolated point
    assert points[0].dimension == 0 and not points[0].is_set and points[0].samples.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("text, verdict", [("x^3", "neither"), ("x^4", "minimum"), ("-x^6", "maximum")])
def test_degenerate_points_in_one_variable(text, verdict):
    assert summary(critical_points(parse(text), [(-1.0, 1.5)])) == [((0.0,), "degenerate", verdict)]


def test_chapter_quartic_three_points_with_values():
    points = critical_points(parse("3*x^4 - 4*x^3 - 12*x^2"), [(-3.0, 3.0)])
    assert [float(c.point[0]) for c in points] == pytest.approx([-1.0, 0.0, 2.0], abs=1e-12)
    assert [c.value for c in points] == pytest.approx([-5.0, 0.0, -32.0], abs=1e-10)
    assert [c.kind for c in points] == ["minimum", "maximum", "minimum"]
    assert [c.verdict for c in points] == ["minimum", "maximum", "minimum"]
    # f'' = 36x^2 - 24x - 24, by hand: 36, -24, 72
    assert [float(c.eigenvalues[0]) for c in points] == pytest.approx([36.0, -24.0, 72.0])


def test_only_points_inside_the_box():
    f = parse("3*x^4 - 4*x^3 - 12*x^2")
    assert [round(float(c.point[0]), 9) for c in critical_points(f, [(0.5, 3.0)])] == [2.0]
    assert [round(float(c.point[0]), 9) for c in critical_points(f, [(-0.5, 0.5)])] == [0.0]
    assert critical_points(f, [(2.5, 3.0)]) == []


HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]


def test_himmelblau_four_minima_four_saddles_one_maximum():
    f = parse("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    points = critical_points(f, [(-5, 5), (-5, 5)])
    kinds = [c.kind for c in points]
    assert kinds.count("minimum") == 4 and kinds.count("saddle") == 4 and kinds.count("maximum") == 1
    minima = sorted(tuple(c.point) for c in points if c.kind == "minimum")
    np.testing.assert_allclose(minima, sorted(HIMMELBLAU_MINIMA), atol=1e-5)
    assert all(c.value == pytest.approx(0.0, abs=1e-12) for c in points if c.kind == "minimum")
    maximum = next(c for c in points if c.kind == "maximum")
    np.testing.assert_allclose(maximum.point, [-0.270845, -0.923039], atol=1e-5)
    assert maximum.value == pytest.approx(181.617, abs=1e-3)
    for c in points:
        assert central_gradient_norm(f, c.point) < 1e-5
    assert [tuple(c.point) for c in points] == sorted(tuple(c.point) for c in points)
    assert all(c.dimension == 0 and c.describe() == "isolated point" for c in points)


def test_rosenbrock_single_minimum_at_one_one():
    points = critical_points(parse("(1-x)^2 + 100*(y-x^2)^2"), [(-2, 2), (-1, 3)])
    assert summary(points) == [((1.0, 1.0), "minimum", "minimum")]
    assert points[0].point.tolist() == [1.0, 1.0]     # snapped, not 0.9999999999
    assert points[0].value == 0.0


@pytest.mark.parametrize("factor", [1e-9, 1.0, 1e9])
def test_the_scale_of_f_does_not_change_the_answer(factor):
    f = parse(f"{factor!r}*((x^2 + y - 11)^2 + (x + y^2 - 7)^2)")
    points = critical_points(f, [(-5, 5), (-5, 5)])
    assert [c.kind for c in points].count("minimum") == 4 and len(points) == 9
    bowl = critical_points(parse(f"{factor!r}*(x^2 + y^2)"), BOX2)
    assert summary(bowl) == [((0.0, 0.0), "minimum", "minimum")]


def test_three_variables():
    f = parse("x^2 - y^2 + z^2 + x*z")
    points = critical_points(f, [(-1, 1)] * 3)
    assert summary(points) == [((0.0, 0.0, 0.0), "saddle", "neither")]
    np.testing.assert_allclose(points[0].eigenvalues, [-2.0, 1.0, 3.0])


def test_objective_and_variable_order():
    f = parse("(x - 1)^2 + (y + 0.5)^2")
    by_order = critical_points(f, [(-2, 2), (0, 2)], variables=("y", "x"))
    assert summary(by_order) == [((-0.5, 1.0), "minimum", "minimum")]
    obj = Objective.from_expression(parse("(x - 1)^2 + (y + 0.5)^2 + z"), variables=("x", "y"), fixed={"z": 3.0})
    points = critical_points(obj, [(-2, 2), (-2, 2)])
    assert summary(points) == [((1.0, -0.5), "minimum", "minimum")] and points[0].value == pytest.approx(3.0)


def test_deterministic_progress_and_cancel():
    f = parse("sin(x)*cos(y)")
    seen = []
    first = critical_points(f, [(-4, 4), (-4, 4)], progress=seen.append)
    second = critical_points(f, [(-4, 4), (-4, 4)])
    assert [c.point.tolist() for c in first] == [c.point.tolist() for c in second]
    assert len(first) == 12   # (±π/2, 0), (±π/2, ±π) extrema; (0, ±π/2), (±π, ±π/2) saddles
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3
    calls = []

    def cancel_on_third():
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(Cancelled):
        critical_points(f, [(-4, 4), (-4, 4)], cancelled=cancel_on_third)
    assert len(calls) == 3


def test_time_bound_stops_the_search_and_the_probe():
    # With no time at all only the starts themselves are examined: the box's centre is (0, 0), already critical,
    # and there is no time left to probe it, so its verdict is honest about that.
    points = critical_points(parse("x^4 + y^4"), [(-1, 1), (-1, 1)], max_seconds=0.0)
    assert summary(points) == [((0.0, 0.0), "degenerate", "unknown")]
    assert critical_points(parse("(x - 0.3)^2 + y^2"), BOX2, max_seconds=0.0) == []


@pytest.mark.parametrize("box, message", [
    ([(-1, 1)], "pair"), ([(1, -1), (0, 1)], "low < high"), ([(-1, math.inf), (0, 1)], "finite"),
])
def test_bad_boxes_are_refused(box, message):
    with pytest.raises(ValueError, match=message):
        critical_points(parse("x*y"), box)


def test_missing_variable_and_constant_function():
    with pytest.raises(ValueError, match="y"):
        critical_points(parse("x*y"), [(-1, 1)], variables=("x",))
    with pytest.raises(ValueError, match="no variables"):
        critical_points(parse("3"), [])


def test_start_points_cover_the_box_deterministically():
    box = np.array([(-1.0, 1.0), (0.0, 4.0)])
    s = start_points(box)
    assert s.shape[1] == 2 and np.all(s >= box[:, 0]) and np.all(s <= box[:, 1])
    assert np.array_equal(s, start_points(box))
    high = start_points(np.array([(0.0, 1.0)] * 6), max_starts=100)
    assert high.shape == (100, 6) and len(np.unique(high, axis=0)) == 100


@settings(max_examples=15, deadline=None)
@given(a=st.floats(-3, 3), b=st.floats(-3, 3), c=st.floats(-3, 3),
       cx=st.floats(-1.5, 1.5), cy=st.floats(-1.5, 1.5))
def test_random_quadratics_have_their_centre_as_only_critical_point(a, b, c, cx, cy):
    hessian = np.array([[2 * a, b], [b, 2 * c]])
    eig = np.linalg.eigvalsh(hessian)
    if np.min(np.abs(eig)) < 0.05 * max(1.0, np.max(np.abs(eig))):
        return   # nearly singular: a valley of critical points, not one
    f = parse(f"{a!r}*(x - {cx!r})^2 + {b!r}*(x - {cx!r})*(y - {cy!r}) + {c!r}*(y - {cy!r})^2")
    points = critical_points(f, BOX2)
    assert len(points) == 1
    np.testing.assert_allclose(points[0].point, [cx, cy], atol=1e-8)
    expected = "minimum" if eig[0] > 0 else "maximum" if eig[1] < 0 else "saddle"
    assert points[0].kind == expected


# --- sets of critical points that are not isolated -------------------------------------------------------------

def connected(c) -> bool:
    """Breadth-first search over the set's edges, independent of the engine's own union-find."""
    neighbours = {i: set() for i in range(len(c.samples))}
    for a, b in c.edges:
        neighbours[int(a)].add(int(b))
        neighbours[int(b)].add(int(a))
    seen, todo = {0}, [0]
    while todo:
        for j in neighbours[todo.pop()] - seen:
            seen.add(j)
            todo.append(j)
    return len(seen) == len(c.samples)


def largest_gap(values) -> float:
    v = np.sort(np.asarray(values, dtype=float))
    return float(np.max(np.diff(v))) if len(v) > 1 else math.inf


def test_a_line_of_minima_is_one_set_not_a_cloud_of_points():
    f = parse("(x - y)^2")
    points = critical_points(f, BOX2)
    assert len(points) == 1     # was 47 separate points
    line = points[0]
    assert line.dimension == 1 and line.is_set and line.kind == "degenerate"
    assert line.verdict == "minimum" and not line.flat    # every point of y = x is a non-strict minimum
    assert line.value == 0.0 and line.point.tolist() == [0.0, 0.0]   # the sample nearest the middle of the line
    assert all(central_gradient_norm(f, p) < 1e-8 for p in line.samples)
    np.testing.assert_allclose(line.samples[:, 0], line.samples[:, 1], atol=1e-9)
    np.testing.assert_allclose(line.extent, [[-2, 2], [-2, 2]], atol=1e-6)   # spans the box, ends included
    assert largest_gap(line.samples[:, 0]) <= 4 / 16      # no holes: samples about 1/32 of the box apart
    assert connected(line) and "curve" in line.describe(("x", "y"))


def test_both_axes_of_x2y2_are_found_though_newton_only_reaches_the_origin():
    f = parse("x^2*y^2")
    points = critical_points(f, BOX2)
    assert len(points) == 1
    cross = points[0]
    assert cross.dimension == 1 and cross.verdict == "minimum" and cross.point.tolist() == [0.0, 0.0]
    s = cross.samples
    on_x_axis, on_y_axis = np.abs(s[:, 1]) < 1e-9, np.abs(s[:, 0]) < 1e-9
    assert np.all(on_x_axis | on_y_axis)      # nothing spurious off the axes
    for along in (s[on_x_axis, 0], s[on_y_axis, 1]):
        assert along.min() == pytest.approx(-2.0, abs=1e-6) and along.max() == pytest.approx(2.0, abs=1e-6)
        assert largest_gap(along) <= 4 / 16
    assert all(central_gradient_norm(f, p) < 1e-8 for p in s) and connected(cross)
    again = critical_points(f, BOX2)[0]
    assert np.array_equal(again.samples, s) and np.array_equal(again.edges, cross.edges)   # deterministic


@pytest.mark.parametrize("text, verdict", [("relu(x)", "minimum"), ("-relu(x)", "maximum")])
def test_a_flat_interval_in_one_variable(text, verdict):
    points = critical_points(parse(text), [(-1.0, 1.0)])
    assert len(points) == 1     # was 301 points
    interval = points[0]
    assert interval.dimension == 1 and interval.verdict == verdict and interval.value == 0.0
    # f' = 0 exactly on [-1, 0]: the ends are found to 1/32 of the box / 2^4, the interior without holes
    np.testing.assert_allclose(interval.extent, [[-1.0, 0.0]], atol=2 / 32 / 16)
    assert largest_gap(interval.samples[:, 0]) <= 2 / 16 and np.all(interval.samples <= 0.0)
    assert interval.describe(("x",)).startswith("interval of critical points, x in [-1, ")


def test_a_region_of_the_plane_and_a_plateau():
    f = parse("relu(x)*relu(y)")    # ∇f = (step(x)·relu(y), relu(x)·step(y)) = 0 exactly where x ≤ 0 or y ≤ 0
    points = critical_points(f, [(-1, 1), (-1, 1)])
    assert len(points) == 1
    region = points[0]
    assert region.dimension == 2 and region.verdict == "minimum" and not region.flat
    s = region.samples
    assert np.all(np.minimum(s[:, 0], s[:, 1]) <= 1e-9)
    for corner in ([-1, -1], [-1, 1], [1, -1], [0, 0]):
        assert np.min(np.linalg.norm(s - corner, axis=1)) < 0.1
    plateau = critical_points(parse("relu(x - 5) + relu(y - 5)"), [(-1, 1), (-1, 1)])   # 0 on the whole box
    assert len(plateau) == 1 and plateau[0].dimension == 2 and plateau[0].flat
    assert plateau[0].verdict == "minimum"   # the documented name for a plateau: a non-strict minimum (and maximum)
    np.testing.assert_allclose(plateau[0].extent, [[-1, 1], [-1, 1]], atol=1e-9)


def test_a_circle_of_minima_and_the_isolated_maximum_inside_it():
    f = parse("(x^2 + y^2 - 1)^2")
    points = critical_points(f, BOX2)
    assert [c.dimension for c in points] == [1, 0]
    circle, centre = points
    assert centre.point.tolist() == [0.0, 0.0] and centre.verdict == "maximum" and centre.value == 1.0
    assert circle.verdict == "minimum" and circle.value == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(np.hypot(circle.samples[:, 0], circle.samples[:, 1]), 1.0, atol=1e-6)
    angles = np.sort(np.arctan2(circle.samples[:, 1], circle.samples[:, 0]))
    assert largest_gap(np.append(angles, angles[0] + 2 * np.pi)) < 0.3   # all the way round
    assert connected(circle)


def test_lines_in_three_variables_and_a_set_that_is_minima_in_part_maxima_in_part():
    saddles = critical_points(parse("x^2 - y^2"), [(-1, 1)] * 3, variables=("x", "y", "z"))
    assert len(saddles) == 1
    line = saddles[0]
    assert line.dimension == 1 and line.kind == "saddle" and line.verdict == "neither"
    np.testing.assert_allclose(line.samples[:, :2], 0.0, atol=1e-9)
    np.testing.assert_allclose(line.extent[2], [-1, 1], atol=1e-9)
    # x^2*y: the y-axis is critical; minima where y > 0, maxima where y < 0: as a whole, 'neither'
    mixed = critical_points(parse("x^2*y"), BOX2)
    assert len(mixed) == 1 and mixed[0].dimension == 1 and mixed[0].verdict == "neither"
    np.testing.assert_allclose(mixed[0].extent, [[0, 0], [-2, 2]], atol=1e-6)


def test_a_bowl_is_still_one_isolated_minimum():
    points = critical_points(parse("x^2 + y^2"), BOX2)
    assert summary(points) == [((0.0, 0.0), "minimum", "minimum")]
    assert points[0].dimension == 0 and points[0].edges.shape == (0, 2)
    assert points[0].extent.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_cli_json_keeps_its_keys_and_adds_the_set(capsys):
    assert main(["critical", "(x-y)^2", "--box", "-2,2", "--json"]) == 0
    (line,) = json.loads(capsys.readouterr().out)["points"]
    assert {"point", "value", "kind", "verdict", "eigenvalues"} <= set(line)
    assert line["dimension"] == 1 and line["extent"] == [[-2.0, 2.0], [-2.0, 2.0]]
    assert all(abs(x - y) < 1e-9 for x, y in line["samples"]) and line["description"].startswith("curve")
    assert main(["critical", "(x-y)^2", "--box", "-2,2"]) == 0
    assert "curve of critical points, x in [-2, 2], y in [-2, 2]" in capsys.readouterr().out


def test_tracing_a_set_reports_progress_and_can_be_cancelled():
    seen = []
    critical_points(parse("x^2*y^2"), BOX2, progress=seen.append)
    tracing = [t for t in seen if 0.7 <= t < 0.85]    # Newton reports below 0.7, classification from 0.85
    assert tracing and seen == sorted(seen)
    seen.clear()
    with pytest.raises(Cancelled):
        critical_points(parse("x^2*y^2"), BOX2, progress=seen.append, cancelled=lambda: bool(seen) and seen[-1] >= 0.7)
    assert 0.7 <= seen[-1] < 0.85


def test_huge_gradients_in_the_box_raise_no_overflow_warnings():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        points = critical_points(parse("1e300*x^3*y"), [(-2, 2), (-2, 2)], max_seconds=5.0)
    assert all(np.all(np.abs(p.point) <= 2) for p in points)
