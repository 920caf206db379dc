"""The Descent descent_workspace's pieces against independent references: geometry, level curves, the runs model, the
log slider, frame sampling for export, and its place in the main window."""
import numpy as np
import pytest

from engine import parse
from engine.optim.objective import Objective
from engine.optim.descent import newton_explain
from gui.descent.export import frame_steps
from gui.descent.geometry import (densify, inside_box, level_curves, model_grid, model_levels, segment_pairs)
from gui.descent.run_texts import status_text
from gui.descent.runs import RunSpec, RunsModel


def test_inside_box_cuts_what_leaves_the_widened_view():
    pts = np.array([[0.0, 0.0], [1.9, 1.9], [2.9, 0.0], [np.nan, 0.0], [-2.5, 2.5]])
    np.testing.assert_array_equal(inside_box(pts, [(-2, 2), (-2, 2)]), [True, True, True, False, True])
    assert not inside_box(np.array([[3.1, 0.0]]), [(-2, 2), (-2, 2)])[0]   # 2 + 0.25·4 = 3 is the edge


def test_densify_and_segment_pairs_leave_out_segments_that_leave_the_view():
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 0.0], [2.0, 0.0]])
    dense = densify(pts, 4)
    assert len(dense) == 3 * 4 + 1
    np.testing.assert_allclose(dense[:5, 0], [0, 0.25, 0.5, 0.75, 1.0])
    xyz = np.column_stack([dense, np.zeros(len(dense))])
    pairs = segment_pairs(xyz, np.array([True, True, False, True]), 4)
    assert len(pairs) == 2 * 4                     # only the first segment survives
    assert pairs[:, 0].max() == pytest.approx(1.0)


def test_model_level_curves_are_the_models_own_level_sets():
    f = parse("x^2 + 4*y^2 + x*y")
    objective = Objective.from_expression(f, ("x", "y"))
    ex = newton_explain(objective, [0.5, 0.5])
    xs, ys, zs = model_grid(ex.model, (-1.5, 1.5, -1.5, 1.5), n=81)
    lines = level_curves(xs, ys, zs, [1.0])
    pts = lines[np.all(np.isfinite(lines), axis=1)]
    assert len(pts) > 20
    # a quadratic is its own quadratic model: every point of the curve has f = 1 (to the grid's accuracy)
    np.testing.assert_allclose(f.evaluate(x=pts[:, 0], y=pts[:, 1]), 1.0, atol=0.005)
    levels = model_levels(zs, 0.0, float(ex.model.value), has_minimum=True)
    assert float(ex.model.value) in levels and all(np.diff(levels) > 0)


def test_runs_model_flags_divergence_without_raising_and_keeps_trails_on_rate_changes():
    objective = Objective.from_expression(parse("x^2 + y^2"), ("x", "y"))
    model = RunsModel(objective)
    run_id = model.add_run(RunSpec("gd", {"lr": 1.5}, "#ff0000", np.array([1.0, 1.0])))
    run = model.run(run_id)
    for _ in range(100):
        model.step(1)
    assert run.descent.status == "diverged" and model.is_finished(run)
    assert status_text(model, run).startswith(f"diverged at step {run.descent.diverged_at}")
    ok_id = model.add_run(RunSpec("gd", {"lr": 0.25}, "#00ff00", np.array([1.0, 1.0])))
    model.step(2)
    trail = [p.copy() for p in model.run(ok_id).descent.points]
    np.testing.assert_allclose(trail[1], [0.5, 0.5])          # x − 0.25·2x by hand
    model.set_hyperparameter(ok_id, "lr", 0.5)
    assert all(np.array_equal(a, b) for a, b in zip(trail, model.run(ok_id).descent.points))
    model.step(1)
    np.testing.assert_allclose(model.run(ok_id).descent.points[-1], [0.0, 0.0], atol=1e-15)   # x − 0.5·2x = 0
    with pytest.raises(ValueError):
        model.set_hyperparameter(ok_id, "lr", -1.0)
    assert model.run(ok_id).hyper["lr"] == 0.5


def test_frame_steps_keep_first_and_last_and_bound_the_count():
    assert frame_steps(5) == [0, 1, 2, 3, 4, 5]
    many = frame_steps(1000, max_frames=50)
    assert many[0] == 0 and many[-1] == 1000 and len(many) == 50 and all(np.diff(many) > 0)


def test_learning_rate_slider_is_logarithmic(qtbot):
    from gui.descent.hyper_row import HyperRow
    row = HyperRow("lr")
    qtbot.addWidget(row)
    seen = []
    row.value_edited.connect(lambda name, value: seen.append((name, value)))
    row.slider.setValue(row.slider.maximum() // 2)          # the middle of 1e-5 … 10 on a log scale
    assert seen[-1][0] == "lr" and seen[-1][1] == pytest.approx(10 ** -2, rel=0.01)
    assert row.box.value() == pytest.approx(seen[-1][1])
    row.set_value(0.001)                                       # from the model: no echo
    assert len(seen) == 1 and row.slider.value() == round(row.slider.maximum() * 2 / 6)


@pytest.mark.gui
@pytest.mark.gl
def test_main_window_has_the_descent_tab(qtbot, settings_dir):
    from PySide6.QtWidgets import QWidget
    from gui.main_window import MainWindow
    window = MainWindow()
    qtbot.addWidget(window)
    tabs = window.findChild(QWidget, "workspaceTabs")
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert "Descent" in titles
    tabs.setCurrentIndex(titles.index("Descent"))   # a click: the tab is built over the next turns
    qtbot.waitUntil(lambda: window.findChild(QWidget, "optimizerPanel") is not None)
    assert window.findChild(QWidget, "playButton") is not None


def test_clipped_segments_cut_jumps_at_the_widened_view_edge():
    from gui.descent.geometry import clipped_segments
    box = [(-2, 2), (-2, 2)]                      # widened by 25 %: [−3, 3]²
    pts = np.array([[0.0, 0.0], [0.0, 10.0], [20.0, 10.0], [1.0, 1.0], [np.nan, 0.0], [2.0, 2.0]])
    pairs = clipped_segments(pts, box)
    # (0,0)→(0,10) is cut at y = 3; (0,10)→(20,10) never enters; (20,10)→(1,1) enters at x = 3 (by hand:
    # t = 17/19, y = 10 − 9·17/19); the segments touching NaN are left out
    np.testing.assert_allclose(pairs, [[0, 0], [0, 3], [3, 10 - 9 * 17 / 19], [1, 1]])


def test_model_grid_of_an_undefined_model_is_blank_without_warnings():
    import warnings
    from types import SimpleNamespace
    from gui.descent.geometry import model_grid
    model = SimpleNamespace(point=np.zeros(2), value=np.nan, gradient=np.array([np.inf, 0.0]),
                            hessian=np.array([[np.nan, 0.0], [0.0, 1.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs, ys, zs = model_grid(model, (-1, 1, -1, 1), n=5)
    assert zs.shape == (5, 5) and np.all(np.isnan(zs))


def test_default_starts_avoid_critical_and_undefined_points():
    from engine.analysis.starts import is_good_start, pick_start
    bowl = Objective.from_expression(parse("(x+0.8)^2 + (y-1.2)^2"), ("x", "y"))   # the first candidate is its min
    start = pick_start(bowl, [(-2, 2), (-2, 2)])
    assert is_good_start(bowl, start) and not np.allclose(start, [-0.8, 1.2])
    sqrt_x = Objective.from_expression(parse("sqrt(x)"), ("x",))                    # undefined left of 0
    assert pick_start(sqrt_x, [(-2, 2)])[0] > 0
    np.testing.assert_allclose(pick_start(bowl, [(-2, 2), (-2, 2)], preferred=[1.0, 1.0]), [1.0, 1.0])
