"""The Surface workspace, each case driven through the widgets as a person would:
undo keys in the formula field, derivatives named by variable (and the full gradient when variables are fixed),
regions of critical points drawn lightly, huge and tiny gradients, axis swapping, stale status messages, tiny value
ranges, and the contour map's last x tick."""
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from engine.analysis.taylor import vector_norm
from gui.session import Session
from gui.surface.overlays import KIND_COLORS
from gui.surface.workspace import SurfaceWorkspace
from tests.gui.surface_helpers import (changed_fraction, distinct_colours, find_critical_points, gl_pixels,
                                      label_numbers, settle, type_function, type_point, widget_pixels)

pytestmark = [pytest.mark.gui, pytest.mark.gl]

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
ROOT = Path(__file__).resolve().parents[2]


def type_into_spin(qtbot, spin, text):
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def set_box(qtbot, surface, lo, hi):
    for axis in ("x", "y"):
        low, high = surface.controls.range_spins[axis]
        type_into_spin(qtbot, low, lo)
        type_into_spin(qtbot, high, hi)
    settle(qtbot, surface)


# --- defect 3: the undo keys in the formula field -------------------------------------------------------------------
def test_undo_keys_in_the_formula_field_undo_the_drawn_function_and_resync_the_box(qtbot, main_window, surface):
    session, edit = main_window.session, surface.expressionEdit
    default = session.text
    type_function(qtbot, surface, "x^2+y^2")
    bowl = gl_pixels(surface.surfaceView)
    type_function(qtbot, surface, "x*y")
    edit.setFocus()
    steps = [((Qt.Key.Key_Z, CTRL), "x^2+y^2"), ((Qt.Key.Key_Z, CTRL), default),
             ((Qt.Key.Key_Z, CTRL | SHIFT), "x^2+y^2"), ((Qt.Key.Key_Y, CTRL), "x*y")]
    for (key, modifiers), expected in steps:
        qtbot.keyClick(edit, key, modifiers)
        settle(qtbot, surface)
        assert session.text == expected, (key, modifiers)
        assert edit.text() == expected        # the box shows what is drawn, never an older formula
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)
    settle(qtbot, surface)
    assert changed_fraction(bowl, gl_pixels(surface.surfaceView)) < 0.01   # the bowl is drawn again

    # while a new formula is being typed, the keys undo the typing first, as in any text field
    edit.end(False)
    qtbot.keyClicks(edit, "+1")
    assert edit.text() == "x^2+y^2+1"
    for _ in range(2):
        if edit.text() != "x^2+y^2":
            qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)
    assert edit.text() == "x^2+y^2" and session.text == "x^2+y^2"
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)       # now the drawn function itself
    settle(qtbot, surface)
    assert session.text == default and edit.text() == default


# --- defect 5: derivatives named by variable; fixed variables said and the full gradient shown ---------------------
def test_with_fixed_variables_the_inspector_names_the_axes_and_shows_the_full_gradient(qtbot, main_window, surface):
    session, inspector = main_window.session, surface.inspector
    type_function(qtbot, surface, "x^2*y + sin(z)*t + exp(x*t)/4")
    assert session.axes == ("x", "y") and session.fixed == {"t": 0.0, "z": 0.0}
    slider = surface.controls.sliders["z"][0]
    slider.setFocus()
    for _ in range(5):                     # −2 … 2 in 1000 steps, a page is 100: five pages from 0 reach z = 2
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    settle(qtbot, surface)
    assert session.fixed == {"t": 0.0, "z": pytest.approx(2.0)}
    type_point(qtbot, surface, "0.5, -1")
    fields = inspector.fields
    x, y, z, t = 0.5, -1.0, 2.0, 0.0
    # by hand: ∂x = 2xy + t·e^(xt)/4, ∂y = x², ∂z = t·cos z, ∂t = sin z + x·e^(xt)/4
    full = {"t": math.sin(z) + x * math.exp(x * t) / 4, "x": 2 * x * y + t * math.exp(x * t) / 4, "y": x * x,
            "z": t * math.cos(z)}
    assert fields["gradient"].text().split("<br>")[0].startswith("∂f/∂x = ")
    assert fields["gradient"].text().split("<br>")[1].startswith("∂f/∂y = ")
    assert label_numbers(fields["gradient"].text()) == pytest.approx([full["x"], full["y"]], rel=1e-9)
    assert inspector.row_labels["gradient"].text() == "∇f in (x, y)"
    scope = inspector.scopeNote
    assert scope.isVisible()
    assert "plotted axes x, y only" in scope.text() and "t = 0" in scope.text() and "z = 2" in scope.text()
    assert fields["full_gradient"].isVisible()
    lines = fields["full_gradient"].text().split("<br>")
    assert [line.split(" = ")[0] for line in lines] == ["∂f/∂t", "∂f/∂x", "∂f/∂y", "∂f/∂z"]
    for line, name in zip(lines, "txyz"):
        assert label_numbers(line.split("(")[0])[0] == pytest.approx(full[name], rel=1e-5, abs=1e-12), name
    assert "(t fixed at 0)" in lines[0] and "(z fixed at 2)" in lines[3] and "fixed" not in lines[1]
    # the Hessian's rows and columns carry the axes' names (H = [[2y, 2x], [2x, 0]] with t = 0)
    hessian = fields["hessian"].text()
    assert ">&nbsp;x&nbsp;<" in hessian and ">&nbsp;y&nbsp;<" in hessian
    assert label_numbers(hessian) == pytest.approx([2 * y, 2 * x, 2 * x, 0.0])

    # plotting x against z: the point field asks for x, z
    combo = surface.controls.axis_combos[1]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)     # t, x, y, z: from y to z
    settle(qtbot, surface)
    assert session.axes == ("x", "z")
    assert inspector.pointEdit.placeholderText() == "click the contour view, or type x, z"
    assert inspector.pointLabel.text() == "Point (x, z)"


def test_without_fixed_variables_there_is_no_scope_note_and_one_variable_says_df_dx(qtbot, main_window, surface):
    type_point(qtbot, surface, "0.5, 0.5")
    assert not surface.inspector.scopeNote.isVisible()
    assert not surface.inspector.fields["full_gradient"].isVisible()
    type_function(qtbot, surface, "x^3")
    type_point(qtbot, surface, "2")
    assert surface.inspector.fields["gradient"].text() == "df/dx = 12"
    assert surface.inspector.pointEdit.placeholderText() == "click the curve, or type x"


# --- defect 6: a region of critical points is drawn lightly ---------------------------------------------------------
def test_a_region_of_critical_points_is_a_light_tint_with_an_outline_not_a_dense_mesh(qtbot, main_window, surface):
    type_function(qtbot, surface, "step(x)*sign(y)")
    contour, view = surface.contourView, surface.surfaceView
    flat_before, gl_before = widget_pixels(contour), gl_pixels(view)
    results = find_critical_points(qtbot, surface)
    assert len(results) == 1 and results[0].dimension == 2      # ∇f = 0 wherever f is defined: one region
    colour = np.array(KIND_COLORS[results[0].kind])
    flat_after, gl_after = widget_pixels(contour), gl_pixels(view)

    def box_pixels(pixels):
        top_left, bottom_right = contour.map_to_widget(-1.9, 1.9), contour.map_to_widget(1.9, -1.9)
        return pixels[top_left.y():bottom_right.y(), top_left.x():bottom_right.x()].astype(int)

    near_colour = lambda pixels: np.mean(np.max(np.abs(pixels - colour), axis=-1) < 40)   # noqa: E731
    inside = box_pixels(flat_after)
    assert near_colour(inside) < 0.05               # the colour map still shows through everywhere
    # but the region is tinted: every pixel inside moved towards the kind's colour
    shift = inside - box_pixels(flat_before)
    towards = np.sum(shift * (colour - box_pixels(flat_before)), axis=-1) > 0
    assert np.mean(towards) > 0.9
    # its outline runs along the box's sides (the region reaches them) in the kind's colour
    for x, y in [(-1.0, 2.0), (1.0, -2.0), (-2.0, -1.0), (2.0, 1.0)]:
        p = contour.map_to_widget(x, y)
        patch = flat_after[p.y() - 2:p.y() + 3, p.x() - 2:p.x() + 3].astype(int)
        assert np.min(np.max(np.abs(patch - colour), axis=-1)) < 40, (x, y)
    # in 3-D, an outline on the surface: few pixels of the kind's colour, not a mesh covering the surface
    changed = np.any(np.abs(gl_after.astype(int) - gl_before.astype(int)) > 12, axis=-1)
    assert 0.002 < np.mean(changed) < 0.05
    assert near_colour(gl_after.astype(int)) < 0.05


# --- defect 8: a gradient that overflows is not ∇f = 0, and no numpy warnings ---------------------------------------
def test_a_huge_gradient_is_not_zero_and_draws_without_warnings(qtbot, settings_dir):
    # the workspace on its own: the window's other workspaces follow the same point with code of their own
    surface = SurfaceWorkspace(Session())
    qtbot.addWidget(surface)
    surface.resize(1300, 760)
    surface.show()
    qtbot.waitExposed(surface)
    settle(qtbot, surface)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        type_function(qtbot, surface, "exp(100*x)*y")
        set_box(qtbot, surface, "-1e5", "1e5")
        for key in ("gradient", "tangent", "quadratic", "eigen"):
            box = surface.inspector.overlay_boxes[key]
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        type_point(qtbot, surface, "5, 0")
    assert [(str(w.message), w.filename, w.lineno) for w in caught] == []
    fields = surface.inspector.fields
    gy = math.exp(500.0)   # ∂f/∂y = e^(100x) at x = 5, about 1.4e217; ∂f/∂x = 100·e^500·y = 0
    assert label_numbers(fields["gradient"].text()) == pytest.approx([0.0, gy], rel=1e-5)
    assert label_numbers(fields["gradient_norm"].text()) == pytest.approx([gy], rel=1e-5)
    assert label_numbers(fields["steepest"].text()) == pytest.approx([0.0, -1.0])
    assert "not a critical point" in fields["verdict"].text()
    assert surface.overlays._gl["gradient"].visible()
    assert np.all(np.isfinite(surface.overlays._gl["gradient"].pos))
    surface.shutdown()


def test_vector_norm_does_not_overflow():
    assert vector_norm([0.0, 1.4e217]) == 1.4e217
    assert vector_norm([3e300, 4e300]) == pytest.approx(5e300)
    assert vector_norm([3.0, 4.0]) == 5.0 and vector_norm([]) == 0.0 and vector_norm([0.0, 0.0]) == 0.0
    assert vector_norm([1.0, math.inf]) == math.inf and math.isnan(vector_norm([1.0, math.nan]))


def test_the_cli_analysis_of_a_huge_gradient_prints_no_warning():
    run = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m", "engine", "analyze", "exp(100*x)*y",
                          "--at", "5,0"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "1.403592218e+217" in run.stdout


# --- defect 9: choosing the other axis's variable swaps the axes ----------------------------------------------------
def test_choosing_the_other_axis_variable_swaps_the_axes(qtbot, main_window, surface):
    session = main_window.session
    type_function(qtbot, surface, "x^2 + 2*y^2 + 3*z^2 + x*z")
    assert session.axes == ("x", "y")
    first, second = surface.controls.axis_combos
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Down)       # x, y, z: from x to y, which the other axis shows
    settle(qtbot, surface)
    assert session.axes == ("y", "x") and session.fixed == {"z": 0.0}
    assert (first.currentText(), second.currentText()) == ("y", "x")
    assert surface.contourView.plotItem.getAxis("bottom").labelText == "y"
    # f(y, x) over the grid: the field is the transposed one
    xs = surface.field.xs
    np.testing.assert_allclose(surface.field.zs, xs[None, :] ** 2 + 2 * xs[:, None] ** 2, atol=1e-12)
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert session.axes == ("x", "y") and (first.currentText(), second.currentText()) == ("x", "y")


# --- defect 10: the critical-points message leaves with its function -----------------------------------------------
def test_the_critical_points_status_message_is_withdrawn_for_a_new_function(qtbot, main_window, surface):
    bar = main_window.statusBar()
    find_critical_points(qtbot, surface)
    assert bar.currentMessage() == "2 critical points in view."     # x·e^(−x²−y²): (±1/√2, 0)
    type_function(qtbot, surface, "x^2 + y^2")
    assert "in view." not in bar.currentMessage()
    # another message is left alone by the next clearing
    find_critical_points(qtbot, surface)
    bar.showMessage("Saved somewhere")
    type_function(qtbot, surface, "x^2 - y^2")
    assert bar.currentMessage() == "Saved somewhere"


# --- defect 11: tiny values keep their relief; the verdict is relative to the function's scale ----------------------
def test_tiny_values_are_drawn_with_relief_and_judged_by_their_own_scale(qtbot, main_window, surface):
    type_function(qtbot, surface, "x^2 + y^2")
    set_box(qtbot, surface, "-1e-9", "1e-9")
    view = surface.surfaceView
    z0, z1 = view.extent[4:]
    assert z0 == pytest.approx(0.0, abs=1e-20) and z1 == pytest.approx(2e-18, rel=1e-6)   # f ∈ [0, 2e-18]
    # the corner is the box's height above the centre in the scene: not a flat sheet
    rise = view.map_point(1e-9, 1e-9, 2e-18)[2] - view.map_point(0.0, 0.0, 0.0)[2]
    assert rise == pytest.approx(5.0, rel=1e-6)
    legend = view._legend.labels
    assert "2e-18" in legend and "0" in legend
    assert distinct_colours(gl_pixels(view)) > 300   # the colour map spans the values
    fields = surface.inspector.fields
    type_point(qtbot, surface, "1e-10, 0")       # ∇f = (2e-10, 0): about a tenth of |∇f| across this box
    assert "not a critical point" in fields["verdict"].text()
    assert label_numbers(fields["steepest"].text()) == pytest.approx([-1.0, 0.0])
    type_point(qtbot, surface, "0, 0")
    assert "local minimum" in fields["verdict"].text()
    assert fields["steepest"].text() == "none (∇f = 0)"


# --- defect 16: the 2-D views leave room for the labels of their first and last x ticks ------------------------------
def _x_label_at(view, x) -> bool:
    """Whether light tick-label text is drawn under the x position ``x`` of a 2-D view's bottom axis."""
    axis = view.plotItem.getAxis("bottom")
    rect = view.mapFromScene(axis.parentItem().mapRectToScene(axis.geometry())).boundingRect()   # not the grid's
    pixels = widget_pixels(view).astype(int)
    text = pixels[rect.top() + 8:rect.bottom() - 2].max(axis=-1) > 110    # light text on the dark plot
    centre = view.map_to_widget(x, 0.0).x()
    return bool(text[:, max(centre - 5, 0):centre + 6].any())


@pytest.mark.parametrize("formula, view_name", [("x*exp(-x^2 - y^2)", "contourView"), ("x^3 - x", "curveView")])
def test_the_2d_views_show_their_first_and_last_x_ticks(qtbot, main_window, surface, formula, view_name):
    type_function(qtbot, surface, formula)
    view = getattr(surface, view_name)
    assert surface.views.currentWidget().isAncestorOf(view) or surface.views.currentWidget() is view
    assert _x_label_at(view, 1.5) and _x_label_at(view, 0.0)      # the measure sees the labels it should
    assert _x_label_at(view, 2.0) and _x_label_at(view, -2.0)     # and the box's ends are labelled too
    assert not _x_label_at(view, 1.75)
