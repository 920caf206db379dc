"""The Slices panel: the slice along x = x₀ has slope ∂f/∂x at the point (and along y = y₀, ∂f/∂y), the slice
along u has slope ∇f·u, the polar plot of D_u f is least along −∇f with value −‖∇f‖; the slices are drawn on the
contour map and the 3D surface; dragging the handle on the contour map turns u; clicking the 3D surface selects
the point under the cursor."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from engine import parse
from gui.surface.slice_panel import SLICE_COLOURS
from tests.gui.surface_helpers import (changed_fraction, gl_pixels, gl_project, label_numbers, settle,
                                       show_side_tab, type_function, type_point, widget_pixels)

F = "x*exp(-x^2 - y^2) + 0.3*y"
POINT = (-0.6, 0.4)


def _f(x, y):
    return x * math.exp(-x * x - y * y) + 0.3 * y


def _open_slices(qtbot, surface, point=POINT):
    type_function(qtbot, surface, F)
    type_point(qtbot, surface, f"{point[0]}, {point[1]}")
    show_side_tab(qtbot, surface, "Slices")
    settle(qtbot, surface)
    return surface.slices


def _slope(item) -> float:
    xs, ys = item.getData()
    return float((ys[-1] - ys[0]) / (xs[-1] - xs[0]))


def _near_colour(pixels, p, colour, radius=2, tolerance=60) -> bool:
    cx, cy = int(round(p.x())), int(round(p.y()))
    patch = pixels[cy - radius:cy + radius + 1, cx - radius:cx + radius + 1].astype(int)
    return bool(np.any(np.max(np.abs(patch - np.array(colour)), axis=-1) < tolerance))


def test_slice_slopes_are_the_partial_and_directional_derivatives(qtbot, main_window, surface):
    panel = _open_slices(qtbot, surface)
    h = 1e-6
    dfdx = (_f(POINT[0] + h, POINT[1]) - _f(POINT[0] - h, POINT[1])) / (2 * h)
    dfdy = (_f(POINT[0], POINT[1] + h) - _f(POINT[0], POINT[1] - h)) / (2 * h)
    plots = panel.slice_plots
    assert _slope(plots["x"].tangent) == pytest.approx(dfdx, rel=1e-6)
    assert _slope(plots["y"].tangent) == pytest.approx(dfdy, rel=1e-6)
    assert label_numbers(plots["x"].label.text())[-1] == pytest.approx(dfdx, rel=1e-5)
    # the curves are f along the lines through the point
    xs, values = plots["x"].curve.getData()
    np.testing.assert_allclose(values, [_f(x, POINT[1]) for x in xs], rtol=1e-12, atol=1e-15)
    # u = (1, 0) by default: the u slice's slope is ∂f/∂x; a typed u changes it to ∇f·u
    assert _slope(plots["u"].tangent) == pytest.approx(dfdx, rel=1e-6)
    direction = surface.inspector.directionEdit
    direction.selectAll()
    qtbot.keyClicks(direction, "3, 4")
    qtbot.keyClick(direction, Qt.Key.Key_Return)
    settle(qtbot, surface)
    assert _slope(plots["u"].tangent) == pytest.approx(0.6 * dfdx + 0.8 * dfdy, rel=1e-6)


def test_the_polar_plot_is_least_along_minus_the_gradient(qtbot, main_window, surface):
    panel = _open_slices(qtbot, surface)
    g = [float(d.evaluate({"x": POINT[0], "y": POINT[1]})) for d in parse(F).grad()]
    steepest = math.atan2(-g[1], -g[0]) % (2 * math.pi)
    least = panel.minimum_angle()
    assert abs(math.degrees((least - steepest + math.pi) % (2 * math.pi) - math.pi)) < 0.5
    assert float(np.min(panel.directional)) == pytest.approx(-math.hypot(*g), rel=1e-5)
    assert f"{math.degrees(steepest):.1f}°" in panel.polarLabel.text()
    # pixels: the −∇f marker is drawn where the plot puts −‖∇f‖ along θ (scrolled to, as a person would)
    plot = panel.polar
    surface.side.currentWidget().ensureWidgetVisible(plot)
    qtbot.waitUntil(lambda: plot.plotItem.vb.viewRect().width() < 10 * math.hypot(*g))
    widget_pixels(plot)   # a first paint settles the view's transform (pyqtgraph updates it lazily)
    tip = plot.plotItem.vb.mapViewToScene(pg_point(math.hypot(*g) * math.cos(least),
                                                   math.hypot(*g) * math.sin(least)))
    assert _near_colour(widget_pixels(plot), plot.mapFromScene(tip), (100, 181, 246), radius=3)


def pg_point(x, y):
    from PySide6.QtCore import QPointF
    return QPointF(x, y)


def test_slices_are_drawn_on_the_contour_map_and_the_surface_while_the_tab_is_open(qtbot, main_window, surface):
    before = gl_pixels(surface.surfaceView)
    _open_slices(qtbot, surface)
    contour = surface.contourView
    pixels = widget_pixels(contour)
    # the y slice is the vertical line x = x₀, drawn in its colour away from the point
    for y in (-1.5, -0.8, 1.2):
        assert _near_colour(pixels, contour.map_to_widget(POINT[0], y), SLICE_COLOURS["y"])
    # on the 3D surface: the y slice's curve (x₀, y, f(x₀, y)) lies where the view projects it
    view = surface.surfaceView
    qtbot.waitUntil(lambda: changed_fraction(before, gl_pixels(view)) > 0)
    gl = gl_pixels(view)
    ys = np.linspace(-1.6, 1.6, 9)
    ends = gl_project(view, view.to_scene([[POINT[0], y, _f(POINT[0], y)] for y in ys]))
    hits = [_near_colour(gl, QPoint(int(x), int(y)), SLICE_COLOURS["y"], radius=2, tolerance=70) for x, y in ends]
    assert sum(hits) >= 6
    # leaving the tab takes them off the views
    show_side_tab(qtbot, surface, "Inspect")
    settle(qtbot, surface)
    assert not surface.slice_overlay.lines["y"].isVisible() and not surface.slice_overlay.curves["y"].visible()


def test_dragging_the_handle_turns_u(qtbot, main_window, surface):
    _open_slices(qtbot, surface)
    contour, handle = surface.contourView, surface.slice_overlay.handle
    start = contour.map_to_widget(handle.pos().x(), handle.pos().y())
    end = contour.map_to_widget(POINT[0], POINT[1] + 1.0)         # straight up from the point: u = (0, 1)
    viewport = contour.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 11):
        qtbot.mouseMove(viewport, start + (end - start) * (k / 10))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    settle(qtbot, surface)
    u = surface.inspector.direction
    assert u == pytest.approx([0.0, 1.0], abs=0.03)
    assert main_window.session.point.tolist() == list(POINT)          # the point did not move
    h = 1e-6
    dfdy = (_f(POINT[0], POINT[1] + h) - _f(POINT[0], POINT[1] - h)) / (2 * h)
    assert _slope(surface.slices.slice_plots["u"].tangent) == pytest.approx(float(np.dot(u, [
        (_f(POINT[0] + h, POINT[1]) - _f(POINT[0] - h, POINT[1])) / (2 * h), dfdy])), rel=1e-6)


def test_clicking_the_3d_surface_selects_the_point_under_the_cursor(qtbot, main_window, surface):
    type_function(qtbot, surface, F)
    view = surface.surfaceView
    for target in [(0.7, -0.5), (-1.2, 1.1), (0.2, 0.3)]:
        (px, py), = gl_project(view, view.to_scene([[target[0], target[1], _f(*target)]]))
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(round(px)), int(round(py))))
        settle(qtbot, surface)
        picked = main_window.session.point
        # the picked point projects back onto the clicked pixel, and is the target up to a pixel's width
        (qx, qy), = gl_project(view, view.to_scene([[picked[0], picked[1], _f(*picked)]]))
        assert math.hypot(qx - round(px), qy - round(py)) < 0.5
        assert picked == pytest.approx(target, abs=0.06)   # a pixel spans this much where the view grazes f
