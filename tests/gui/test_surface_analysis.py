"""Critical points, one and three variables, and the approximation panel, through the workspace's widgets."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import parse
from tests.gui.surface_helpers import (changed_fraction, choose_preset, find_critical_points, gl_pixels, label_numbers,
                                      settle, show_side_tab, widget_pixels)

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def test_himmelblau_critical_points_found_marked_and_listed(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "himmelblau")
    assert main_window.session.text.startswith("(x^2 + y - 11)^2")
    results = find_critical_points(qtbot, surface)
    kinds = sorted(c.kind for c in results)
    assert kinds == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4
    for c in results:   # each is a root of the hand-derived gradient
        x, y = c.point
        gx = 4 * x * (x * x + y - 11) + 2 * (x + y * y - 7)
        gy = 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)
        assert math.hypot(gx, gy) < 1e-6
    assert any(np.allclose(c.point, [3, 2], atol=1e-8) for c in results)
    # marked in both views and listed
    flat = surface.overlays._flat[surface.contourView]["critical"]
    assert flat.isVisible() and len(flat.data) == 9
    assert surface.overlays._gl["critical"].visible() and len(surface.overlays._gl["critical"].pos) == 9
    table = surface.critical.table
    assert table.rowCount() == 9
    # clicking a row selects that point
    row = next(i for i, c in enumerate(results) if np.allclose(c.point, [3, 2], atol=1e-6))
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, surface)
    np.testing.assert_allclose(main_window.session.point, [3, 2], atol=1e-8)
    assert "local minimum" in surface.inspector.fields["verdict"].text()


def test_a_search_can_be_cancelled_and_a_new_function_discards_old_results(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "himmelblau")
    find_critical_points(qtbot, surface)
    assert surface.critical.results
    surface.expressionEdit.selectAll()
    qtbot.keyClicks(surface.expressionEdit, "x^2 - y^2")
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    assert surface.critical.results == [] and surface.critical.table.rowCount() == 0
    qtbot.mouseClick(surface.critical.findButton, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(surface.critical.cancelButton, Qt.MouseButton.LeftButton)
    assert not surface.critical.is_running() and surface.critical.findButton.isEnabled()
    assert surface.critical.results == []


def test_one_variable_shows_a_curve_with_its_critical_points(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "quartic")
    assert main_window.session.axes == ("x",)
    assert surface.views.currentWidget() is surface.curveView
    before = widget_pixels(surface.curveView)
    results = find_critical_points(qtbot, surface)
    # f' = 12x(x − 2)(x + 1): x = −1, 0, 2 with f = −5, 0, −32
    assert [round(float(c.point[0]), 9) for c in results] == [-1.0, 0.0, 2.0]
    assert [c.value for c in results] == pytest.approx([-5.0, 0.0, -32.0], abs=1e-9)
    assert [c.kind for c in results] == ["minimum", "maximum", "minimum"]
    assert changed_fraction(before, widget_pixels(surface.curveView)) > 0.0002   # the markers appeared (~280 px)
    # click on the curve view to select x = 1: f = −13, f' = −24, f'' = −12
    qtbot.mouseClick(surface.curveView.viewport(), Qt.MouseButton.LeftButton,
                     pos=surface.curveView.map_to_widget(1.0, -13.0))
    settle(qtbot, surface)
    (x,) = main_window.session.point
    assert abs(x - 1.0) < 0.02
    fields = surface.inspector.fields
    assert label_numbers(fields["gradient"].text())[0] == pytest.approx(12 * x**3 - 12 * x**2 - 24 * x, rel=1e-5)
    assert label_numbers(fields["hessian"].text())[0] == pytest.approx(36 * x**2 - 24 * x - 24, rel=1e-5)


def test_three_variables_choose_axes_and_slide_the_others(qtbot, main_window, surface):
    session = main_window.session
    surface.expressionEdit.selectAll()
    qtbot.keyClicks(surface.expressionEdit, "x^2 + y^2 + sin(3*z)*x")
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    assert session.axes == ("x", "y") and session.fixed == {"z": 0.0}
    slider = surface.controls.sliders["z"][0]
    assert slider.isVisible()
    before = gl_pixels(surface.surfaceView)
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)     # one page = a tenth of the range
    settle(qtbot, surface)
    assert session.fixed["z"] == pytest.approx(0.4)   # default range −2…2
    np.testing.assert_allclose(surface.field.zs, surface.field.xs[:, None] ** 2 + surface.field.ys[None, :] ** 2
                               + math.sin(1.2) * surface.field.xs[:, None], atol=1e-12)
    assert changed_fraction(before, gl_pixels(surface.surfaceView)) > 0.01
    # put z on an axis instead of y
    combo = surface.controls.axis_combos[1]
    assert combo.isVisible()
    combo.setCurrentText("z")
    combo.activated.emit(combo.currentIndex())
    settle(qtbot, surface)
    assert session.axes == ("x", "z") and "y" in session.fixed
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.axes == ("x", "y")


def test_approximation_panel_reproduces_the_chapters_first_example(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "log-sum-exp")
    np.testing.assert_allclose(main_window.session.point, [0, math.log(2)])
    panel = surface.approximation
    show_side_tab(qtbot, surface, "Approximation")
    panel.stepEdit.selectAll()
    qtbot.keyClicks(panel.stepEdit, "0.01, -0.03")
    qtbot.keyClick(panel.stepEdit, Qt.Key.Key_Return)
    linear = math.log(3) + 0.01 / 3 - 0.03 * 2 / 3
    truth = math.log(math.exp(0.01) + math.exp(math.log(2) - 0.03))
    assert label_numbers(panel.labels["linear"].text())[0] == pytest.approx(linear, rel=1e-9)
    assert label_numbers(panel.labels["truth"].text())[0] == pytest.approx(truth, rel=1e-9)
    quadratic = label_numbers(panel.labels["quadratic"].text())[0]
    assert abs(quadratic - truth) < abs(linear - truth) / 10
    slope_linear, slope_quadratic = panel.slopes
    assert slope_linear == pytest.approx(2.0, abs=0.1)
    assert slope_quadratic == pytest.approx(3.0, abs=0.15)
    assert "slope 2.0" in panel.legend.getLabel(panel._linear_curve).text



def test_the_taylor_models_are_written_out_and_parse_back_to_the_hand_derived_polynomials(qtbot, main_window,
                                                                                          surface):
    choose_preset(qtbot, surface, "gaussian-bump")
    np.testing.assert_allclose(main_window.session.point, [-1.0, 0.0])
    show_side_tab(qtbot, surface, "Approximation")
    labels = surface.approximation.labels
    assert labels["quadratic_formula"].isVisible()
    # f = x e^(−x²−y²) at (−1, 0): f = −1/e, ∇f = (−1/e, 0), H = diag(2/e, 2/e), so with the ½ of the Taylor
    # formula Q = e⁻¹(−1 − (x+1) + (x+1)² + y²) (the chapter's 2(x+1)² + 2y² forgets the ½)
    linear, quadratic = parse(labels["linear_formula"].text()), parse(labels["quadratic_formula"].text())
    rng = np.random.default_rng(4)
    xs, ys = rng.uniform(-2, 2, 20), rng.uniform(-2, 2, 20)
    np.testing.assert_allclose(linear.evaluate(x=xs, y=ys), np.exp(-1) * (-1 - (xs + 1)), rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(quadratic.evaluate(x=xs, y=ys),
                               np.exp(-1) * (-1 - (xs + 1) + (xs + 1) ** 2 + ys ** 2), rtol=1e-10, atol=1e-11)
    # a new point, a new model
    show_side_tab(qtbot, surface, "Inspect")
    edit = surface.inspector.pointEdit
    edit.selectAll()
    qtbot.keyClicks(edit, "0.5, 0.5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    show_side_tab(qtbot, surface, "Approximation")
    moved = parse(labels["quadratic_formula"].text())
    assert moved.evaluate(x=0.5, y=0.5) == pytest.approx(0.5 * math.exp(-0.5), rel=1e-10)
