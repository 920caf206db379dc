"""Sets of critical points (a line, an interval) found through the workspace: listed for what they are, drawn as
lines in the contour view, on the surface in the 3-D view, and along the curve in the one-variable view."""
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.surface.critical_panel import summary
from gui.surface.overlays import KIND_COLORS
from tests.gui.surface_helpers import (choose_preset, find_critical_points, gl_pixels, gl_project,
                                      nearest_colour_distance, settle, type_function, widget_pixels)

pytestmark = [pytest.mark.gui, pytest.mark.gl]

NEAR = 40    # a pixel this close (per channel) to a colour shows it
FAR = 100    # and one this far does not


def test_a_line_of_minima_is_listed_as_one_curve_and_drawn_along_y_equals_x(qtbot, main_window, surface):
    type_function(qtbot, surface, "(x - y)^2")
    contour = surface.contourView
    ts = np.concatenate([np.linspace(-1.8, -0.4, 6), np.linspace(0.4, 1.8, 6)])   # clear of the marker at 0
    before = widget_pixels(contour)
    results = find_critical_points(qtbot, surface)
    # ∇f = 2(x − y)(1, −1) vanishes exactly on y = x, which crosses the whole box: one set, not a point per start
    assert len(results) == 1
    (c,) = results
    assert c.is_set and c.dimension == 1
    np.testing.assert_allclose(c.samples[:, 0], c.samples[:, 1], atol=1e-6)
    np.testing.assert_allclose(c.extent, [[-2, 2], [-2, 2]], atol=1e-6)
    # listed with what it is
    table, critical = surface.critical.table, surface.critical
    assert table.rowCount() == 1
    header = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
    what = table.item(0, header.index("What"))
    assert what.text() == "curve"
    description = f"curve of critical points, x in [-2, 2], y in [-2, 2] ({len(c.samples)} samples)"
    assert description in what.toolTip()
    assert description in critical.details.text()
    assert critical.status.text() == "Critical points: 1 curve in view."
    assert "1 curve" in main_window.statusBar().currentMessage()
    # the line y = x takes the set's colour in the contour view; off the line, and before the search, it does not
    colour = KIND_COLORS[c.kind]
    after = widget_pixels(contour)
    for t in ts:
        on = contour.map_to_widget(t, t)
        off = contour.map_to_widget(t, t + 0.3 if t < 1.5 else t - 0.3)
        assert nearest_colour_distance(after, on.x(), on.y(), colour) < NEAR, t
        assert nearest_colour_distance(before, on.x(), on.y(), colour) > FAR, t
        assert nearest_colour_distance(after, off.x(), off.y(), colour) > FAR, t
    # and in the 3-D view the line lies on the surface: z = f = 0 along it
    view = surface.surfaceView
    lifted = view.to_scene(np.column_stack([ts, ts, (ts - ts) ** 2]))
    pixels = gl_pixels(view)
    hits = [nearest_colour_distance(pixels, x, y, colour, radius=2) < NEAR for x, y in gl_project(view, lifted)]
    assert sum(hits) >= len(ts) - 1   # one may sit under the representative's marker or the point
    # clicking the row selects the set's representative point
    rect = table.visualItemRect(table.item(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, surface)
    np.testing.assert_allclose(main_window.session.point, c.point)
    assert abs(main_window.session.point[0] - main_window.session.point[1]) < 1e-9


def test_relu_highlights_the_interval_of_critical_points_on_the_curve(qtbot, main_window, surface):
    type_function(qtbot, surface, "relu(x)")
    curve = surface.curveView
    assert surface.views.currentWidget() is curve
    before = widget_pixels(curve)
    results = find_critical_points(qtbot, surface)
    (c,) = results
    # relu' = 0 on x < 0 (and the engine's one-sided value at 0): the interval [−2, 0], where relu = 0
    assert c.is_set and c.describe(("x",)).startswith("interval of critical points, x in [-2, 0]")
    assert np.all(c.samples[:, 0] <= 1e-9) and c.value == 0.0
    assert surface.critical.table.item(0, 1).text() == "interval"
    colour = KIND_COLORS[c.kind]
    after = widget_pixels(curve)
    for x in [-1.8, -1.5, -1.3, -0.7, -0.5, -0.2]:      # along the flat part, clear of the marker at −1
        p = curve.map_to_widget(x, 0.0)
        assert nearest_colour_distance(after, p.x(), p.y(), colour) < NEAR, x
        assert nearest_colour_distance(before, p.x(), p.y(), colour) > FAR, x
    for x in [0.4, 1.0, 1.6]:                            # the rising part stays the curve's own colour
        p = curve.map_to_widget(x, x)
        assert nearest_colour_distance(after, p.x(), p.y(), colour) > FAR, x
        assert nearest_colour_distance(after, p.x(), p.y(), (120, 200, 255)) < NEAR, x


def test_himmelblau_lists_nine_isolated_points(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "himmelblau")
    results = find_critical_points(qtbot, surface)
    assert len(results) == 9 and not any(c.is_set for c in results)
    table = surface.critical.table
    assert [table.item(row, 1).text() for row in range(table.rowCount())] == ["point"] * 9
    assert surface.critical.status.text() == "9 critical points in view."
    assert not surface.overlays._flat[surface.contourView]["set outline"].isVisible()
    assert not surface.overlays._gl["sets"].visible()


def _entry(shape):
    if shape == "point":
        return SimpleNamespace(is_set=False, describe=lambda names=None: "isolated point")
    return SimpleNamespace(is_set=True, describe=lambda names=None: f"{shape} of critical points, x in [0, 1]")


@pytest.mark.parametrize("shapes, text", [
    (["point"] * 9, "9 points"),
    (["point", "curve", "point"], "1 curve and 2 points"),
    (["curve", "point", "region", "curve", "point", "point"], "2 curves, 1 region and 3 points"),
    (["interval"], "1 interval"),
])
def test_the_summary_counts_sets_and_points(shapes, text):
    assert summary([_entry(s) for s in shapes]) == text
