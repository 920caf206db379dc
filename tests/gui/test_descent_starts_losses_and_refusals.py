"""The Descent descent_workspace on the cases a reviewer found broken, driven as a user would: starts that fit each new
function, one-variable functions, starts where f is undefined, diverging runs in the loss plot, Newton leaving the
view, refused hyperparameters, long statuses, and no numpy warnings on degenerate functions."""
import warnings

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from tests.gui.descent_helpers import add_run, click_contour, reddish_pixels, remove_all_runs, statuses, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]

QUARTIC = "3*x^4 - 4*x^3 - 12*x^2"   # critical points −1, 0 (a maximum, f = 0) and 2


def quartic(x):
    return 3 * x ** 4 - 4 * x ** 3 - 12 * x ** 2


def quartic_d1(x):   # by hand
    return 12 * x ** 3 - 12 * x ** 2 - 24 * x


def quartic_d2(x):
    return 36 * x ** 2 - 24 * x - 24


def test_starts_fit_each_new_function_and_are_never_the_origin(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function(QUARTIC)                  # one variable after two
    (lo, hi), = w.session.box()
    for run in w.model.runs:
        assert run.start.shape == (1,) and lo <= run.start[0] <= hi
        assert abs(quartic_d1(run.start[0])) > 1.0      # not a critical point (the origin is the maximum)
    assert float(w.panel.start_box.edits[0].text()) == pytest.approx(w.model.runs[0].start[0])
    step(qtbot, w)
    assert all(r.steps == 1 for r in w.model.runs) and not any("step 0" in t for t in statuses(w))

    w.session.set_function("x/y")                     # two variables again; the origin is where f is undefined
    for run in w.model.runs:
        assert run.start.shape == (2,) and run.start[1] != 0
        assert np.isfinite(w.model.objective.value(run.start))
    step(qtbot, w)
    assert all(r.steps == 1 for r in w.model.runs) and not any("step 0" in t for t in statuses(w))

    w.session.set_function("x^2 + 3*y^2")             # a preset-like change: function, then its point
    w.session.set_point((1.5, -1.0))
    for run in w.model.runs:                          # starts the app chose follow the selected point
        np.testing.assert_allclose(run.start, [1.5, -1.0])
    click_contour(qtbot, w, 0.5, 0.5)                 # a start the user chose stays for the next function
    chosen = w.model.runs[0].start.copy()
    w.session.set_function("x^2 - y^2")
    for run in w.model.runs:
        np.testing.assert_allclose(run.start, chosen)


def test_one_variable_function_shows_its_curve_iterates_and_newtons_parabola(qtbot, descent_workspace, tmp_path):
    w = descent_workspace
    w.model.step(2)
    assert "," in w.newton_label.text().split("Hessian eigenvalues")[1].split("—")[0]   # two eigenvalues in 2D
    w.session.set_function(QUARTIC)
    qtbot.wait(50)
    assert w.curve_view.isVisible() and not w.surface_view.isVisible() and not w.contour_view.isVisible()
    assert not w.notice.isVisible()
    remove_all_runs(qtbot, w)
    newton = add_run(w, "Newton")                     # the first colour: red
    add_run(w, "Adam")                                # (a second run that does not land where Newton does)
    pos = w.curve_view.map_to_widget(-1.5, quartic(-1.5))
    qtbot.mouseClick(w.curve_view.viewport(), Qt.MouseButton.LeftButton, pos=pos)   # click the curve: the start
    x0 = newton.start[0]
    assert x0 == pytest.approx(-1.5, abs=0.03) and w.model.runs[1].start[0] == x0
    # the Newton text follows the function: f''(x0) is the one eigenvalue
    assert f"Hessian eigenvalues {quartic_d2(x0):.3g} —" in w.newton_label.text()
    xs, ys = w.race1d._parabola.getData()
    ok = np.isfinite(ys)
    assert ok.sum() > 20 and w.race1d._parabola.isVisible()
    t = xs[ok] - x0
    np.testing.assert_allclose(ys[ok], quartic(x0) + quartic_d1(x0) * t + 0.5 * quartic_d2(x0) * t ** 2,
                               rtol=1e-9, atol=1e-9)
    before = w.curve_view.grab().toImage()
    step(qtbot, w)
    x1 = newton.descent.points[1][0]
    assert x1 == pytest.approx(x0 - quartic_d1(x0) / quartic_d2(x0), rel=1e-12)   # the parabola's minimum
    after = w.curve_view.grab().toImage()
    assert reddish_pixels(after) > reddish_pixels(before) + 30       # the trail appeared along the curve
    mid = w.curve_view.map_to_widget((x0 + x1) / 2, (quartic(x0) + quartic(x1)) / 2)
    assert reddish_pixels(after.copy(mid.x() - 3, mid.y() - 3, 7, 7)) > 0   # the chord joining x0 and x1
    here = w.curve_view.map_to_widget(x1, quartic(x1))
    assert reddish_pixels(after.copy(here.x() - 4, here.y() - 4, 9, 9)) > 0   # the current point, on the curve
    x, y = w.loss_plot.curve(newton.run_id).getData()
    np.testing.assert_allclose(y, quartic(np.array([x0, x1])), rtol=1e-12)
    assert "curve" in w.panel.start_hint.text()
    path = tmp_path / "curve.png"
    w.export_png(str(path))                           # the exported frame shows the curve view
    from PIL import Image
    with Image.open(path) as img:
        assert img.width == w.curve_view.width()
    w.session.set_function("x^2 - y^2")
    assert not w.curve_view.isVisible() and w.contour_view.isVisible()
    assert "," in w.newton_label.text().split("Hessian eigenvalues")[1].split("—")[0]


def test_a_start_where_f_is_undefined_says_so(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("log(-1 - x^2 - y^2)")     # undefined everywhere
    step(qtbot, w)
    for text in statuses(w):
        assert "f is undefined at the start (x, y) = (" in text and "learning rate" not in text
    assert "f is undefined" in w.newton_label.text() and "positive definite" not in w.newton_label.text()
    assert not w.race2d._target.isVisible() and not w.race2d._note.isVisible()
    assert not any(items.marker.visible() for items in w.race3d._runs.values())
    assert reddish_pixels(w.surface_view.grabFramebuffer()) == 0   # no marker floating above the empty axes

    w.session.set_function("log(x)")                  # one step jumps out of f's domain
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    x0 = gd.start[0]
    assert x0 > 0
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "5")
    step(qtbot, w)
    assert gd.descent.points[1][0] == pytest.approx(x0 - 5 / x0)   # x − 5·(1/x) < 0
    assert statuses(w)[0].endswith(f"f is undefined at step 1, x = {x0 - 5 / x0:.4g}: the step left f's domain")


def test_loss_plot_stays_readable_when_a_run_diverges(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2 + y^2")
    remove_all_runs(qtbot, w)
    calm = add_run(w, "Gradient descent")
    wild = add_run(w, "Gradient descent")
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "1.5")   # x ← −2x: f quadruples each step
    w.panel.speed_slider.setValue(w.panel.speed_slider.maximum())   # the calm run may take up to max steps
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.player.playing, timeout=20000)
    assert wild.descent.status == "diverged" and calm.descent.status == "converged"
    f0 = calm.descent.values[0]
    lo, hi = w.loss_plot.plot.getViewBox().viewRange()[1]
    assert -0.3 * f0 <= lo <= 0 and f0 <= hi <= 1.3 * f0              # fitted to the run that did not diverge
    x, y = w.loss_plot.curve(wild.run_id).getData()
    np.testing.assert_array_equal(x, [0, 1])                         # 4·f0 at step 1 is already off the plot
    assert y[-1] == pytest.approx(w.loss_plot.y_range[1])           # ends at the top edge …
    marker = w.loss_plot.exit_marker(wild.run_id)
    assert marker.isVisible() and list(marker.getData()[0]) == [1.0]  # … with a marker there
    assert "diverged run" in w.loss_plot.caption.text()
    axis = w.loss_plot.plot.getAxis("bottom")
    for ticks_lo, ticks_hi in ((0, 3), (0, 1), (0, 250)):
        for _, values in axis.tickValues(ticks_lo, ticks_hi, 900):
            assert all(float(v).is_integer() for v in values)       # steps are whole numbers


def test_newton_is_explained_while_its_iterate_is_outside_the_view(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2 - y^2")
    remove_all_runs(qtbot, w)
    newton = add_run(w, "Newton")
    click_contour(qtbot, w, 0.5, 0.5)
    step(qtbot, w, 3)
    # damped step with H + 4I = diag(6, 2): y doubles, x shrinks by 2/3 — (by hand) y₃ = 8·y₀, out of [−2, 2]
    y0 = newton.start[1]
    assert newton.descent.points[3][1] == pytest.approx(8 * y0) and newton.descent.status == "running"
    text = w.newton_label.text()
    assert w.newton_label.isVisible() and "outside the view" in text and "has no minimum" in text
    assert not w.race2d._note.isVisible()                            # nothing drawn at a place not shown
    x, y = w.race2d._runs[newton.run_id].trail.getData()
    assert np.nanmax(y) == pytest.approx(2 + 0.25 * 4)              # the jump out is drawn up to the view's edge


def test_out_of_range_hyperparameters_are_refused_with_a_message(qtbot, descent_workspace):
    w = descent_workspace
    w.panel.run_list.setCurrentRow(0)
    gd = w.model.runs[0]
    box, error = w.panel.hyper_rows["lr"].box, w.panel.hyper_error
    undo_count = w.undo_stack.count()
    for typed in ("1e9", "-1"):
        type_into(qtbot, box, typed)
        assert gd.hyper["lr"] == pytest.approx(0.1) and box.value() == pytest.approx(0.1)
        assert error.isVisible() and "refused" in error.text() and f"{float(typed):.6g}" in error.text()
    assert w.undo_stack.count() == undo_count
    type_into(qtbot, box, "100")                     # past the slider's end but a valid rate: taken as typed
    assert gd.hyper["lr"] == 100.0 and not error.isVisible()
    w.panel.run_list.setCurrentRow(1)                # momentum
    before = w.model.runs[1].hyper["momentum"]       # the default for this start
    type_into(qtbot, w.panel.hyper_rows["momentum"].box, "1")
    assert w.model.runs[1].hyper["momentum"] == before and "refused" in error.text()


def test_long_run_statuses_wrap_instead_of_scrolling(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("log(-1 - x^2 - y^2)")
    add_run(w, "Gradient descent")
    qtbot.wait(50)
    lst = w.panel.run_list
    assert not lst.horizontalScrollBar().isVisible()
    metrics = QFontMetrics(lst.font())
    for i in range(lst.count()):
        item = lst.item(i)
        rect = lst.visualItemRect(item)
        assert rect.right() <= lst.viewport().width()
        text_width = rect.width() - lst.iconSize().width() - 12
        needed = metrics.boundingRect(QRect(0, 0, text_width, 10000), Qt.TextFlag.TextWordWrap, item.text())
        assert needed.height() <= rect.height() + 2             # every line of the status is shown
        assert "f is undefined at the start" in item.toolTip()


def test_degenerate_functions_raise_no_numpy_warnings(qtbot, descent_workspace):
    w = descent_workspace
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for text in ("5", "x/y"):
            w.session.set_function(text)
            step(qtbot, w, 2)
        w.panel.shared_start.setChecked(True)
        type_into(qtbot, w.panel.start_box.edits[0], "0")
        type_into(qtbot, w.panel.start_box.edits[1], "0")   # x/y at (0, 0): 0/0
        step(qtbot, w)
        at_origin = statuses(w)
        w.session.set_function("log(-1 - x^2 - y^2)")
        step(qtbot, w, 2)
        qtbot.wait(50)
    assert [str(c.message) for c in caught if issubclass(c.category, RuntimeWarning)] == []
    assert all("f is undefined at the start (x, y) = (0, 0)" in t for t in at_origin)


def test_a_frame_that_cannot_be_written_is_reported_and_leaves_no_file(qtbot, descent_workspace, tmp_path,
                                                                        monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    w = descent_workspace
    target = tmp_path / "missing folder" / "frame.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PNG images (*.png)"))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    qtbot.mouseClick(w.findChild(type(w.png_button), "exportPngButton"), Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and str(target) in shown[0] and "cannot save" in shown[0]
    assert not target.parent.exists() and not w.export_status.text().startswith("Saved")
    good = tmp_path / "frame"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(good), "PNG images (*.png)"))
    qtbot.mouseClick(w.png_button, Qt.MouseButton.LeftButton)
    assert w.export_status.text() == f"Saved {good}.png" and (tmp_path / "frame.png").stat().st_size > 10_000
