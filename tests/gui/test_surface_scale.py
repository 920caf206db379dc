"""Colour scales for fields whose values span decades (log colours and contour levels), the presets' data and the
Approximation panel's readable formulas."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from PySide6.QtCore import QPointF

from engine import parse
from gui.views.colour_scale import ColourScale
from gui.views.contour_view import ContourView
from gui.views.surface_view import SurfaceView
from tests.gui.surface_helpers import distinct_colours, shown, widget_pixels

pytestmark = [pytest.mark.gui]

PRESETS = {p["key"]: p for g in json.loads(Path("resources/functions.json").read_text())["groups"]
           for p in g["presets"]}


def _field(key, n=121):
    p = PRESETS[key]
    f, (a, b) = parse(p["formula"]), tuple(p["domain"])
    xs, ys = np.linspace(*p["domain"][a], n), np.linspace(*p["domain"][b], n)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    with np.errstate(all="ignore"):
        zs = np.broadcast_to(f.evaluate({a: gx, b: gy}), gx.shape).astype(float)
    return xs, ys, zs


def _rosenbrock_probe_points():
    """Points on the valley floor y = x² and points 1.2 above it, inside Rosenbrock's box."""
    x = np.linspace(-1.2, 1.2, 25)
    return np.column_stack([x, x**2]), np.column_stack([x, x**2 + 1.2])


def _rgb_at(view, pixels, points):
    out = []
    for x, y in points:
        p = view.map_to_widget(x, y)
        out.append(pixels[int(round(p.y())), int(round(p.x()))].astype(int))
    return np.array(out)


def test_rosenbrock_contour_map_shows_its_valley_on_a_log_scale(qtbot):
    view = shown(qtbot, ContourView(), (520, 440))
    xs, ys, zs = _field("rosenbrock")
    view.set_field(xs, ys, zs)
    qtbot.wait(50)
    pixels = widget_pixels(view)
    valley, around = _rosenbrock_probe_points()
    drawn = np.abs(_rgb_at(view, pixels, valley) - _rgb_at(view, pixels, around)).sum(axis=1)
    # what the old linear map gave at the same points: both ends in (nearly) the lowest colour
    f = parse(PRESETS["rosenbrock"]["formula"])
    lo, hi = np.percentile(zs, [0.5, 99.5])
    linear = [view.colormap.map(np.clip((f.evaluate(x=p[:, 0], y=p[:, 1]) - lo) / (hi - lo), 0, 1), mode="byte")
              for p in (valley, around)]
    old = np.abs(linear[0][:, :3].astype(int) - linear[1][:, :3].astype(int)).sum(axis=1)
    assert np.median(old) < 60                      # the review's "flat purple"
    assert np.median(drawn) > 150                   # the valley now stands out from the slopes beside it
    box = view.map_to_widget(-2, 3), view.map_to_widget(2, -1)
    plot = pixels[int(box[0].y()) + 3:int(box[1].y()) - 3, int(box[0].x()) + 3:int(box[1].x()) - 3]
    assert distinct_colours(plot) > 150
    assert view.scale.kind == "log" and view.colour_bar.axis.labelText == "f (log scale)"
    # contour levels are spread over the decades, so lines run along the valley and not only up the walls
    assert view.levels.min() <= 1.0 and view.levels.max() >= 1000 and len(view.levels) >= 10
    # the bar names true values of f at their places on the log scale
    ticks = dict((v, t) for v, t in view.scale.ticks())
    assert {1.0, 10.0, 100.0, 1000.0} <= set(ticks)
    assert ticks[100.0] - ticks[10.0] == pytest.approx(ticks[1000.0] - ticks[100.0], rel=0.05)


@pytest.mark.parametrize("key", ["bowl", "himmelblau", "gaussian-bump", "camel", "quartic-bowl"])
def test_ordinary_functions_keep_a_linear_scale(key):
    scale = ColourScale.for_values(_field(key, 61)[2])
    assert scale.kind == "linear"
    np.testing.assert_allclose(scale.fraction([scale.lo, (scale.lo + scale.hi) / 2, scale.hi]), [0, 0.5, 1])


@pytest.mark.parametrize("key", ["rosenbrock", "beale", "singular"])
def test_values_spanning_decades_get_log_levels_inside_the_range(key):
    zs = _field(key, 61)[2]
    scale = ColourScale.for_values(zs)
    levels = scale.levels()
    assert scale.kind == "log" and len(levels) >= 8
    assert np.all(np.diff(levels) > 0) and levels.min() > scale.lo and levels.max() < scale.hi
    spacing = np.diff(np.log10(levels - scale.lo))
    assert spacing.max() < 0.5                      # 1-2-5 per decade: no decade skipped


def test_3d_surface_colours_follow_the_same_log_scale(qtbot):
    view = SurfaceView()
    qtbot.addWidget(view)
    xs, ys, zs = _field("rosenbrock", 81)
    view.set_surface(xs, ys, zs)
    colours = view._mesh.opts["meshdata"].vertexColors()
    lowest = np.asarray(view.colormap.map(0.0, mode="float"))[:3]
    near_lowest = np.linalg.norm(colours[:, :3] - lowest, axis=1) < 0.15
    assert view.scale.kind == "log"
    assert near_lowest.mean() < 0.05                # a linear map put about half the surface here
    assert "f (log scale)" in view._legend.labels and "log" in view.toolTip()
    bowl = _field("bowl", 81)
    view.set_surface(*bowl)
    assert view.scale.kind == "linear" and "f" in view._legend.labels


def test_the_camel_preset_starts_at_a_telling_non_critical_point():
    p = PRESETS["camel"]
    f = parse(p["formula"])
    point = np.array(p["point"], dtype=float)
    h = 1e-6   # central differences, independent of the engine's autodiff
    grad = [(f.evaluate_at(point + h * e) - f.evaluate_at(point - h * e)) / (2 * h) for e in np.eye(2)]
    assert np.hypot(*grad) > 1.0                     # clearly not a critical point: descent has somewhere to go
    (x0, x1), (y0, y1) = p["domain"]["x"], p["domain"]["y"]
    assert x0 < point[0] < x1 and y0 < point[1] < y1
    assert "saddle" in p["note"]


def test_the_singular_preset_says_what_is_drawn_and_its_colours_show_the_spike():
    p = PRESETS["singular"]
    assert "clips" in p["note"] and "log scale" in p["note"]
    zs = _field("singular", 101)[2]
    scale = ColourScale.for_values(zs)
    assert scale.kind == "log"
    # a linear map painted 95 % of the box in the lowest tenth of its colours ("all purple except one dot")
    fractions = scale.fraction(zs[np.isfinite(zs)])
    assert np.mean(fractions < 0.1) < 0.05 and np.mean(fractions > 0.6) > 0.1


def test_the_approximation_panel_writes_readable_models_and_keeps_the_exact_text(qtbot):
    from engine.analysis.taylor import analyze_point
    from gui.surface.approximation import ApproximationPanel
    panel = ApproximationPanel()
    qtbot.addWidget(panel)
    f = parse("x*exp(-x^2 - y^2)")
    a = analyze_point(f, [-0.504975103837, 0.298060328811], ("x", "y"))
    panel.show_point(f, a)
    readable = panel.readable["quadratic_formula"].text()
    exact = panel.labels["quadratic_formula"].text()
    assert readable.startswith(f"{a.value:.6g} ")    # the constant first
    assert "(x + 0.504975)^2" in readable and "(x + 0.504975)*(y - 0.29806)" in readable
    assert readable.index("*(y - 0.29806) ") < readable.index("^2") < readable.index(")*(")   # by degree
    numbers = re.findall(r"\d+\.?\d*", readable)
    assert numbers and all(len(t.replace(".", "").lstrip("0")) <= 6 for t in numbers)
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(-1, 1, 10), rng.uniform(-1, 1, 10)
    model = a.quadratic(x=xs, y=ys)
    np.testing.assert_allclose(parse(exact).evaluate(x=xs, y=ys), model, rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(parse(readable).evaluate(x=xs, y=ys), model, rtol=1e-4, atol=1e-5)
    assert panel.labels["quadratic_formula"].isReadOnly() and "exact" in panel.labels["quadratic_formula"].toolTip()


def test_the_error_plot_legend_sits_clear_of_the_curves(qtbot):
    from engine.analysis.taylor import analyze_point
    from gui.surface.approximation import ApproximationPanel
    panel = shown(qtbot, ApproximationPanel(), (360, 700))
    f = parse("x*exp(-x^2 - y^2)")
    panel.show_point(f, analyze_point(f, [-0.504975103837, 0.298060328811], ("x", "y")))
    qtbot.wait(50)
    vb = panel.plot.getPlotItem().vb
    box = panel.legend.mapRectToItem(vb, panel.legend.boundingRect())
    for curve in (panel._linear_curve, panel._quadratic_curve):
        xs, ys = curve.getData()
        pts = [vb.mapFromView(QPointF(x, y)) for x, y in zip(xs, ys)]   # already log10 (log mode)
        assert not any(box.contains(p) for p in pts)
