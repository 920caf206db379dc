"""The Descent descent_workspace driven as a user would: set a start, add runs, play, pause, step, reset, change a learning
rate, watch Newton jump, export. Checks the model AND the pixels of both views."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.gui.descent_helpers import add_run, click_contour, frames, reddish_pixels, remove_all_runs

pytestmark = [pytest.mark.gui, pytest.mark.gl]

RED = (0xFF, 0x3B, 0x30)   # the first colour of the palette (the first run added to an empty race)


def test_click_start_add_runs_play_pause_step_reset(qtbot, descent_workspace):
    w = descent_workspace
    remove_all_runs(qtbot, w)
    assert w.model.runs == [] and w.panel.run_list.count() == 0
    gd = add_run(w, "Gradient descent")
    add_run(w, "Momentum")
    assert w.panel.run_list.count() == 2
    click_contour(qtbot, w, -1.2, -0.8)   # in front of the hill as the 3D camera looks, so nothing hides the trail
    for run in w.model.runs:   # both runs share the clicked start
        np.testing.assert_allclose(run.start, [-1.2, -0.8], atol=0.03)
    assert float(w.panel.start_box.edits[0].text()) == pytest.approx(gd.start[0])
    gl_before, contour_before = frames(w)

    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    assert w.player.playing and w.panel.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: gd.steps >= 8, timeout=20000)
    qtbot.keyClick(w, Qt.Key.Key_Space)   # Space pauses
    assert not w.player.playing
    paused_at = gd.steps
    qtbot.wait(150)
    assert gd.steps == paused_at          # nothing moves while paused
    gl_after, contour_after = frames(w)
    # the trail grew in both views: many more pixels of the run's colour along its path
    assert reddish_pixels(gl_after) > reddish_pixels(gl_before) + 30
    assert reddish_pixels(contour_after) > reddish_pixels(contour_before) + 30
    trail_point = w.contour_view.map_to_widget(*gd.descent.points[paused_at // 2])
    img = contour_after.copy(trail_point.x() - 3, trail_point.y() - 3, 7, 7)
    assert reddish_pixels(img) > 0       # drawn where the iterate is

    qtbot.keyClick(w, Qt.Key.Key_Right)  # → takes exactly one step
    assert gd.steps == paused_at + 1
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    assert gd.steps == paused_at + 2
    assert "step" in w.panel.run_list.item(0).text()

    qtbot.keyClick(w, Qt.Key.Key_R)      # R resets every run to its start
    assert all(r.steps == 0 for r in w.model.runs)
    np.testing.assert_allclose(gd.descent.points[-1], gd.start)
    assert reddish_pixels(w.contour_view.grab().toImage()) < reddish_pixels(contour_after)


def test_values_descend_and_loss_plot_follows(qtbot, descent_workspace):
    w = descent_workspace
    w.model.step(10)
    for run in w.model.runs:
        curve = w.loss_plot.curve(run.run_id)
        x, y = curve.getData()
        assert len(x) == run.steps + 1
        np.testing.assert_allclose(y, run.descent.values)
    # the descent itself: each method lowered f on x·exp(−x²−y²) from the default start
    assert all(r.descent.values[-1] < r.descent.values[0] for r in w.model.runs)
    qtbot.mouseClick(w.loss_plot.log_check, Qt.MouseButton.LeftButton)
    assert w.loss_plot.plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert "f − f_best" in w.loss_plot.caption.text()   # f is negative here, so the gap to the best is shown


def test_learning_rate_changes_between_steps_keep_the_trail_and_undo(qtbot, descent_workspace):
    w = descent_workspace
    w.panel.run_list.setCurrentRow(0)
    gd = w.model.runs[0]
    w.model.step(5)
    trail = [p.copy() for p in gd.descent.points]
    box = w.panel.hyper_rows["lr"].box
    box.selectAll()
    qtbot.keyClicks(box, "0.3")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert gd.hyper["lr"] == pytest.approx(0.3)
    assert gd.steps == 5 and all(np.array_equal(a, b) for a, b in zip(trail, gd.descent.points))
    slider = w.panel.hyper_rows["lr"].slider
    assert slider.value() == pytest.approx(slider.maximum() * (np.log10(0.3) + 5) / 6, abs=1)
    before = gd.descent.points[-1].copy()
    w.model.step(1)   # the next step uses the new rate: x − 0.3·∇f
    np.testing.assert_allclose(gd.descent.points[-1], before - 0.3 * gd.descent.gradients[-2], rtol=1e-12)
    w.undo_stack.undo()
    assert gd.hyper["lr"] == pytest.approx(0.1) and box.value() == pytest.approx(0.1)
    assert gd.steps == 6   # undoing the setting does not erase the trail


def test_too_large_learning_rate_is_flagged_as_diverged(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2 + y^2")
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    box = w.panel.hyper_rows["lr"].box
    box.selectAll()
    qtbot.keyClicks(box, "1.5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.player.playing, timeout=20000)
    assert gd.descent.status == "diverged"
    text = w.panel.run_list.item(0).text()
    assert f"diverged at step {gd.descent.diverged_at}" in text and "learning rate too large" in text
    # x ← x − 1.5·2x = −2x: each step doubles the distance, so f quadruples until the bound trips
    values = np.array(gd.descent.values[:5])
    np.testing.assert_allclose(values[1:] / values[:-1], 4.0, rtol=1e-12)


def test_newton_lands_on_the_minimum_of_a_quadratic_in_one_step(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("(x-1)^2 + 3*(y+2)^2 + x*y")
    w.session.set_range("x", -1.0, 4.0)
    w.session.set_range("y", -4.0, 1.0)
    remove_all_runs(qtbot, w)
    newton = add_run(w, "Newton")
    click_contour(qtbot, w, 0.0, 0.0)
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    # ∇f = (2(x−1) + y, 6(y+2) + x) = 0  ⇒  x = 24/11, y = −26/11 (by hand)
    np.testing.assert_allclose(newton.descent.points[1], [24 / 11, -26 / 11], atol=1e-12)
    assert w.newton_label.isVisible() and "has a minimum" in w.newton_label.text()
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    assert newton.descent.status == "converged"
    assert "converged at step" in w.panel.run_list.item(0).text()


def test_newton_on_a_saddle_says_the_model_has_no_minimum(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2 - y^2")
    remove_all_runs(qtbot, w)
    add_run(w, "Newton")
    click_contour(qtbot, w, 0.8, 0.6)
    assert "has no minimum" in w.newton_label.text()
    assert "indefinite" in w.newton_label.text()       # the engine's message: what the damped step does instead
    assert w.race2d._note.isVisible() and "no minimum" in w.race2d._note.textItem.toPlainText()
    assert w.race2d._model_lines.isVisible() and w.race3d._wire.visible()


def test_max_steps_stops_the_race(qtbot, descent_workspace):
    w = descent_workspace
    w.panel.max_steps_spin.setValue(4)
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.player.playing, timeout=20000)
    assert all(r.steps <= 4 for r in w.model.runs)
    assert w.panel.play_button.text() == "Play"
    assert any("step limit" in w.panel.run_list.item(i).text() for i in range(w.panel.run_list.count()))


def test_add_and_remove_runs_are_undoable(qtbot, descent_workspace):
    w = descent_workspace
    n = len(w.model.runs)
    add_run(w, "AdaGrad")
    assert len(w.model.runs) == n + 1 and w.panel.run_list.count() == n + 1
    w.undo_stack.undo()
    assert len(w.model.runs) == n and w.panel.run_list.count() == n
    w.undo_stack.redo()
    assert w.model.runs[-1].method == "adagrad"
    old_start = w.model.runs[0].start.copy()
    click_contour(qtbot, w, 1.0, -1.0)
    w.undo_stack.undo()
    np.testing.assert_allclose(w.model.runs[0].start, old_start)


def test_gif_export_writes_a_multi_frame_file(qtbot, descent_workspace, tmp_path, monkeypatch):
    from PIL import Image
    w = descent_workspace
    w.panel.max_steps_spin.setValue(6)
    path = tmp_path / "race.gif"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "GIF images (*.gif)"))
    qtbot.mouseClick(w.gif_button, Qt.MouseButton.LeftButton)
    assert w.export_progress.isVisible()
    with qtbot.waitSignal(w.exporter.finished, timeout=60000):
        pass
    with Image.open(path) as gif:
        assert gif.n_frames == 7   # steps 0..6
        gif.seek(0)
        first = np.asarray(gif.convert("RGB")).copy()
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"))
    assert np.mean(np.any(first != last, axis=-1)) > 0.001   # the race moved between the first and last frame
    assert not w.export_progress.isVisible() and "Saved" in w.export_status.text()


def test_gif_export_can_be_cancelled(qtbot, descent_workspace, tmp_path):
    w = descent_workspace
    w.panel.max_steps_spin.setValue(30)
    path = tmp_path / "never.gif"
    exporter = w.export_gif(str(path))
    with qtbot.waitSignal(exporter.progressed, timeout=20000):
        pass
    with qtbot.waitSignal(exporter.cancelled, timeout=20000):
        qtbot.mouseClick(w.cancel_export_button, Qt.MouseButton.LeftButton)
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert "cancelled" in w.export_status.text()


def test_png_of_the_current_frame(qtbot, descent_workspace, tmp_path, monkeypatch):
    from PIL import Image
    w = descent_workspace
    w.model.step(5)
    path = tmp_path / "frame.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "PNG images (*.png)"))
    qtbot.mouseClick(w.png_button, Qt.MouseButton.LeftButton)
    with Image.open(path) as img:
        a = np.asarray(img.convert("RGB"))
    assert a.shape[1] == w.surface_view.width() + w.contour_view.width()
    assert len(np.unique(a.reshape(-1, 3), axis=0)) > 500   # a real picture, not a blank frame
