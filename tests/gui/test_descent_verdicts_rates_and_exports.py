"""The Descent descent_workspace on what the third review found: critical points as starts, "converged" away from a
minimum, default learning rates that diverged, the curve view's walls, trails outside the 3D box, Newton's text on
a flat model, export names, buttons and permissions, huge ranges, and GIF writer failures and late cancels."""
import os
import stat
import threading
import warnings

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from engine import files as files_module
from gui.descent import export as export_module
from gui.descent.export import GifExporter
from gui.views.surface_view import SCENE_BOX
from tests.gui.descent_helpers import add_run, remove_all_runs, statuses, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]

CAMEL = "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2"
ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
GREEN = "#5fd38d"


def preset(w, formula, ranges, point):
    w.session.set_function(formula)
    for axis, (lo, hi) in ranges.items():
        w.session.set_range(axis, lo, hi)
    w.session.set_point(point)


def type_start(qtbot, w, point):
    for edit, value in zip(w.panel.start_box.edits, point):
        type_into(qtbot, edit, repr(float(value)))
    assert all(np.array_equal(r.start, point) for r in w.model.runs)


def play_out(qtbot, w, steps):
    w.panel.max_steps_spin.setValue(steps)
    for _ in range(steps // 50 + 1):
        w.model.step(50)
    qtbot.wait(10)


def item_colour(w, row):
    return w.panel.run_list.item(row).foreground().color().name()


def default_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_a_critical_selected_point_is_not_used_as_the_start(qtbot, descent_workspace):
    w = descent_workspace
    preset(w, CAMEL, {"x": (-2, 2), "y": (-1, 1)}, (0.0, 0.0))     # the origin is a saddle of the camel
    for run in w.model.runs:
        assert not np.allclose(run.start, 0.0)
        assert np.linalg.norm(w.model.objective.gradient(run.start)) > 0.1
        assert np.linalg.norm(run.start) < 0.5                       # nearby, not somewhere else in view
    hint = w.panel.start_hint.text()
    assert "∇f = 0 at the selected point (x, y) = (0, 0)" in hint and "starting nearby" in hint
    step(qtbot, w, 3)
    assert all(r.steps == 3 for r in w.model.runs) and not any("step 0" in t for t in statuses(w))


def test_a_selected_point_that_is_not_critical_is_the_start(qtbot, descent_workspace):
    w = descent_workspace
    preset(w, CAMEL, {"x": (-2, 2), "y": (-1, 1)}, (0.5, 0.5))
    assert all(np.array_equal(r.start, (0.5, 0.5)) for r in w.model.runs)
    assert "selected point" not in w.panel.start_hint.text()


def test_converged_only_at_a_minimum_otherwise_the_kind_of_point_is_named(qtbot, descent_workspace):
    w = descent_workspace
    preset(w, "x^2 - y^2", {"x": (-2, 2), "y": (-2, 2)}, (0.5, 0.0))   # descends along x onto the saddle
    remove_all_runs(qtbot, w)
    add_run(w, "Gradient descent")
    type_start(qtbot, w, (0.5, 0.0))
    play_out(qtbot, w, 100)
    text = statuses(w)[0]
    assert "converged" not in text and "a saddle, not a minimum (eigenvalues -2, 2)" in text
    assert item_colour(w, 0) != GREEN

    preset(w, "x^2*y + x*y^2", {"x": (-2, 2), "y": (-2, 2)}, (0.5, 0.5))   # exercise 4: a degenerate origin
    remove_all_runs(qtbot, w)
    add_run(w, "Newton")
    type_start(qtbot, w, (0.5, 0.5))
    play_out(qtbot, w, 200)
    assert "converged" not in statuses(w)[0] and "degenerate" in statuses(w)[0]
    assert item_colour(w, 0) != GREEN

    preset(w, "1/(x^2 + y^2)", {"x": (-2, 2), "y": (-2, 2)}, (1.0, 1.0))   # the gradient fades far away
    remove_all_runs(qtbot, w)
    add_run(w, "Newton")
    type_start(qtbot, w, (1.0, 1.0))
    play_out(qtbot, w, 200)
    assert "left the view: ∇f vanished far away" in statuses(w)[0] and item_colour(w, 0) != GREEN

    preset(w, "x^2 + 3*y^2", {"x": (-2, 2), "y": (-2, 2)}, (1.0, 1.0))
    remove_all_runs(qtbot, w)
    add_run(w, "Newton")
    type_start(qtbot, w, (1.0, 1.0))
    play_out(qtbot, w, 20)
    assert "converged at step 1: a minimum (eigenvalues 2, 6)" in statuses(w)[0] and item_colour(w, 0) == GREEN


def test_default_learning_rates_race_down_rosenbrock_and_a_diverged_run_says_how_to_restart(qtbot, descent_workspace):
    w = descent_workspace
    preset(w, ROSENBROCK, {"x": (-2, 2), "y": (-1, 3)}, (-1.0, 1.0))
    gd = w.model.runs[0]
    w.panel.select_run(gd.run_id)
    shown = w.panel.hyper_rows["lr"].box.value()
    # 1/λmax of the Hessian [[802, 400], [400, 200]] at (−1, 1), rounded as shown
    assert gd.hyper["lr"] == shown == pytest.approx(1 / 1002.0, rel=5e-3)
    assert w.panel.lr_note.isVisible()
    play_out(qtbot, w, 200)
    assert not any("diverged" in t for t in statuses(w)), statuses(w)
    assert all(r.descent.values[-1] < r.descent.values[0] for r in w.model.runs)

    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.01")          # the user's own rate: too large here
    assert not w.panel.lr_note.isVisible()
    w.panel.reset_button.click()
    step(qtbot, w, 10)
    assert "diverged" in statuses(w)[0] and "press R" not in statuses(w)[0]
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.0005")
    assert "press R (Reset) to restart" in statuses(w)[0]
    w.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_R)
    step(qtbot, w, 10)
    assert gd.hyper["lr"] == 0.0005 and gd.steps == 10 and "diverged" not in statuses(w)[0]


def test_newton_text_calls_a_semidefinite_model_flat_not_minimum_free(qtbot, descent_workspace):
    w = descent_workspace
    preset(w, "(x + y)^2", {"x": (-2, 2), "y": (-2, 2)}, (1.0, 0.5))   # Hessian [[2, 2], [2, 2]]: 0 and 4
    remove_all_runs(qtbot, w)
    add_run(w, "Newton")
    text = w.newton_label.text()
    assert w.newton_label.isVisible() and "no unique minimum (flat along a direction)" in text
    assert "<b>has no minimum</b>" not in text


def test_one_variable_curve_fits_the_race_and_starts_at_the_selected_point(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^6")
    w.session.set_range("x", -2, 2)                                  # walls at 64
    w.session.set_point((0.9,))
    assert all(r.start[0] == 0.9 for r in w.model.runs)
    (_, _), (y0, y1) = w.curve_view.plotItem.vb.viewRange()
    assert y1 < 2.0 and y0 <= 0.0 and y1 > 0.9 ** 6                  # the start and the bottom, not the walls
    before = w.curve_view.grab().toImage()
    pos = w.curve_view.map_to_widget(0.9, 0.9 ** 6)
    assert 0 < pos.y() < before.height() * 0.6                       # the start sits high in the view


def test_3d_trails_stay_over_the_surface_box(qtbot, descent_workspace):
    w = descent_workspace
    preset(w, "x^2 + y^2", {"x": (-2, 2), "y": (-2, 2)}, (1.9, 1.9))
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "1.05")           # x ← −1.1·x: out to ±2.09, 2.30, 2.53
    step(qtbot, w, 3)
    assert np.max(np.abs(gd.descent.points[-1])) > 2.5               # the run did leave the box
    items = w.race3d._runs[gd.run_id]
    half = SCENE_BOX[:2] / 2 + 1e-4
    for item in (items.trail, items.dots):
        pos = np.asarray(item.pos)
        assert len(pos) > 0 and np.all(np.abs(pos[:, :2]) <= half)
    assert np.sum(w.race2d._runs[gd.run_id].items[0].getData()[0] is not None) > 0


def test_exports_name_the_file_written_hide_the_auto_button_and_keep_normal_permissions(
        qtbot, descent_workspace, tmp_path, monkeypatch):
    w = descent_workspace
    qtbot.mouseMove(w.contour_view.viewport(), QPoint(100, 100))
    w.contour_view.plotItem.vb.scaleBy((0.5, 0.5))                   # a zoom: pyqtgraph would offer its "A" now
    for plot in (w.contour_view.plotItem, w.curve_view.plotItem, w.loss_plot.plot.getPlotItem()):
        assert plot.buttonsHidden and not plot.autoBtn.isVisible()
    target = tmp_path / "frame"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PNG images (*.png)"))
    w.png_button.click()
    written = tmp_path / "frame.png"
    assert written.exists() and w.export_status.text() == f"Saved {written}"
    assert stat.S_IMODE(written.stat().st_mode) == default_mode()
    gif = tmp_path / "race.gif"
    w.model.step(3)
    exporter = w.export_gif(str(gif))
    with qtbot.waitSignal(exporter.finished, timeout=60000):
        pass
    assert stat.S_IMODE(gif.stat().st_mode) == default_mode()


def test_a_range_too_wide_to_sample_gives_a_message_not_a_warning(qtbot, descent_workspace, monkeypatch):
    w = descent_workspace
    monkeypatch.setattr(w.session, "box", lambda: [(-1e308, 1e308), (-1.0, 1.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.session.domain_changed.emit()
    assert w.notice.isVisible() and "too wide" in w.notice.text()


def blank(_step):
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(0x202020)
    return image


def test_gif_encoder_failure_is_reported_and_no_file_claimed(qtbot, tmp_path, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise ValueError("encoder exploded")
    monkeypatch.setattr(export_module.Image.Image, "save", broken_save)
    exporter = GifExporter(blank, [0, 1, 2], str(tmp_path / "x.gif"))
    with qtbot.waitSignal(exporter.failed, timeout=20000) as failed:
        exporter.start()
    assert "encoder exploded" in failed.args[0] and not (tmp_path / "x.gif").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_late_cancel_keeps_the_file_and_says_saved(qtbot, tmp_path, monkeypatch):
    moved = threading.Event()
    real_replace = os.replace

    def replace_then_signal(src, dst):
        real_replace(src, dst)
        moved.set()
    monkeypatch.setattr(files_module.os, "replace", replace_then_signal)
    target = tmp_path / "late.gif"
    exporter = GifExporter(blank, [0, 1, 2], str(target))
    outcomes = []
    exporter.finished.connect(lambda p: outcomes.append("saved"))
    exporter.cancelled.connect(lambda: outcomes.append("cancelled"))
    exporter.start()
    qtbot.waitUntil(moved.is_set, timeout=20000)
    exporter.cancel()                                                # arrives after the file is in place
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    assert outcomes == ["saved"] and target.exists()


def test_a_cancel_before_the_move_leaves_no_file_and_says_cancelled(qtbot, tmp_path, monkeypatch):
    encoding, release = threading.Event(), threading.Event()
    real_save = export_module.Image.Image.save

    def slow_save(self, *args, **kwargs):
        encoding.set()
        release.wait(20)
        return real_save(self, *args, **kwargs)
    monkeypatch.setattr(export_module.Image.Image, "save", slow_save)
    target = tmp_path / "early.gif"
    exporter = GifExporter(blank, [0, 1, 2], str(target))
    outcomes = []
    exporter.finished.connect(lambda p: outcomes.append("saved"))
    exporter.cancelled.connect(lambda: outcomes.append("cancelled"))
    exporter.start()
    qtbot.waitUntil(encoding.is_set, timeout=20000)
    exporter.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    assert outcomes == ["cancelled"] and list(tmp_path.iterdir()) == []
