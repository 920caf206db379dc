"""The Surface workspace driven as a person would: typing, errors, clicking, the inspector, overlays, undo."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from tests.gui.surface_helpers import (changed_fraction, distinct_colours, gl_pixels, label_numbers, settle,
                                      type_function)

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def test_typing_a_function_updates_the_session_and_the_picture(qtbot, main_window, surface):
    session = main_window.session
    before = gl_pixels(surface.surfaceView)
    assert distinct_colours(before) > 300
    type_function(qtbot, surface, "sin(x)*cos(y)")
    assert session.text == "sin(x)*cos(y)"
    assert session.variables == ("x", "y")
    after = gl_pixels(surface.surfaceView)
    assert changed_fraction(before, after) > 0.05
    # the contour view shows the new field: its image holds sin(x)cos(y) on the grid
    xs, ys = surface.field.xs, surface.field.ys
    np.testing.assert_allclose(surface.field.zs, np.sin(xs)[:, None] * np.cos(ys)[None, :], atol=1e-12)


def test_a_bad_formula_shows_where_it_is_wrong_and_keeps_the_last_good_surface(qtbot, main_window, surface):
    session = main_window.session
    before = gl_pixels(surface.surfaceView)
    type_function(qtbot, surface, "x^2 + *y")
    error = surface.expressionError
    assert error.isVisible()
    assert "missing operand" in error.text()
    # the offending character (0-based position 6, the '*') is marked and its position named
    assert "background:#c62828;color:white'>*</span>" in error.text()
    assert "character 7" in error.text()
    assert surface.expressionEdit.cursorPosition() == 6
    assert session.text == "x*exp(-x^2 - y^2)"
    assert changed_fraction(before, gl_pixels(surface.surfaceView)) < 0.01
    # fixing it clears the message
    type_function(qtbot, surface, "x^2 + y")
    assert not error.isVisible() and session.text == "x^2 + y"


def test_clicking_the_contour_view_selects_a_point_and_the_inspector_shows_its_numbers(qtbot, main_window,
                                                                                       surface):
    contour = surface.contourView
    qtbot.mouseClick(contour.viewport(), Qt.MouseButton.LeftButton, pos=contour.map_to_widget(-1.0, 0.5))
    settle(qtbot, surface)
    x, y = main_window.session.point
    assert abs(x + 1.0) < 0.03 and abs(y - 0.5) < 0.03
    # f = x e^(−x²−y²), derived by hand: f_x = (1 − 2x²) e, f_y = −2xy e,
    # f_xx = (4x³ − 6x) e, f_xy = (4x²y − 2y) e, f_yy = (4xy² − 2x) e, with e = e^(−x²−y²)
    e = math.exp(-x * x - y * y)
    value, gx, gy = x * e, (1 - 2 * x * x) * e, -2 * x * y * e
    hxx, hxy, hyy = (4 * x**3 - 6 * x) * e, (4 * x * x * y - 2 * y) * e, (4 * x * y * y - 2 * x) * e
    fields = surface.inspector.fields
    assert label_numbers(fields["value"].text()) == pytest.approx([value], rel=1e-5)
    assert label_numbers(fields["gradient"].text()) == pytest.approx([gx, gy], rel=1e-5)
    assert label_numbers(fields["gradient_norm"].text()) == pytest.approx([math.hypot(gx, gy)], rel=1e-5)
    assert label_numbers(fields["steepest"].text()) == pytest.approx(
        [-gx / math.hypot(gx, gy), -gy / math.hypot(gx, gy)], rel=1e-5)
    assert label_numbers(fields["hessian"].text()) == pytest.approx([hxx, hxy, hxy, hyy], rel=1e-5)
    expected = sorted(np.linalg.eigvalsh([[hxx, hxy], [hxy, hyy]]))
    assert label_numbers(fields["eigenvalues"].text()) == pytest.approx(expected, rel=1e-5)
    assert "not a critical point" in fields["verdict"].text()
    # directional derivative along a typed direction (normalized): ∇f·(3, 4)/5
    edit = surface.inspector.directionEdit
    edit.selectAll()
    qtbot.keyClicks(edit, "3, 4")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert label_numbers(fields["directional"].text())[0] == pytest.approx((3 * gx + 4 * gy) / 5, rel=1e-5)
    # and the point is marked in the contour view at the same place
    marker = surface.overlays._flat[contour]["point"]
    assert marker.isVisible()
    assert marker.data["x"][0] == pytest.approx(x) and marker.data["y"][0] == pytest.approx(y)


def test_dragging_moves_the_point_in_one_undo_step(qtbot, main_window, surface):
    session, contour = main_window.session, surface.contourView
    start, end = contour.map_to_widget(-1.0, -1.0), contour.map_to_widget(1.0, 1.0)
    qtbot.mouseClick(contour.viewport(), Qt.MouseButton.LeftButton, pos=start)
    settle(qtbot, surface)
    steps_before = surface.undo_stack.count()
    first = session.point.copy()
    qtbot.mousePress(contour.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for t in np.linspace(0.1, 1.0, 8):
        pos = QPoint(round(start.x() + t * (end.x() - start.x())), round(start.y() + t * (end.y() - start.y())))
        qtbot.mouseMove(contour.viewport(), pos)
    qtbot.mouseRelease(contour.viewport(), Qt.MouseButton.LeftButton, pos=end)
    settle(qtbot, surface)
    assert np.allclose(session.point, [1.0, 1.0], atol=0.03)
    assert surface.undo_stack.count() == steps_before + 1
    main_window.undo_action.trigger()
    np.testing.assert_allclose(session.point, first)


def test_overlays_toggle_items_and_pixels(qtbot, main_window, surface):
    main_window.session.set_point((-0.45, 0.55))
    settle(qtbot, surface)
    view = surface.surfaceView
    plain = gl_pixels(view)
    items = surface.overlays._gl
    for key, gl_key in (("gradient", "gradient"), ("tangent", "plane"), ("quadratic", "quadratic"),
                        ("eigen", "eigen")):
        box = surface.inspector.overlay_boxes[key]
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        settle(qtbot, surface)
        assert box.isChecked() and items[gl_key].visible(), key
        shown = gl_pixels(view)
        assert changed_fraction(plain, shown) > 0.0004, key   # the thin arrow covers a few hundred pixels
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        settle(qtbot, surface)
        assert not items[gl_key].visible(), key
        assert changed_fraction(plain, gl_pixels(view)) < 0.0001, key


def test_function_changes_undo_and_redo(qtbot, main_window, surface):
    session = main_window.session
    type_function(qtbot, surface, "x^2 + 3*y^2")
    type_function(qtbot, surface, "x*y")
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.text == "x^2 + 3*y^2" and surface.expressionEdit.text() == "x^2 + 3*y^2"
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.text == "x*exp(-x^2 - y^2)"
    main_window.redo_action.trigger()
    settle(qtbot, surface)
    assert session.text == "x^2 + 3*y^2"


def test_undefined_values_are_gaps_with_a_note(qtbot, main_window, surface):
    type_function(qtbot, surface, "log(x) + y")
    assert surface.field.nonfinite_count > 0
    assert "gaps" in main_window.statusBar().currentMessage()
    # no triangle touches an undefined sample: the left half (x ≤ 0) is a hole
    faces = surface.surfaceView._mesh.opts["meshdata"].faces()
    xs = surface.field.xs
    vertex_x = np.repeat(xs, len(surface.field.ys))
    assert np.all(vertex_x[faces] > 0)
