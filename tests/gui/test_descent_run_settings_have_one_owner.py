"""A run's method, hyperparameters and start have one owner, its engine Descent: through slider drags, typed values,
method changes, start clicks and Edit → Undo / Redo, everything that shows or uses the learning rate (the model, the
slider and box, the run list, the step the optimizer takes) says the same number, and nothing else holds a copy that
could drift."""
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.descent.runs import Run
from tests.gui.descent_helpers import click_contour, one_run_in_window, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def agree(qtbot, w, run):
    """Every place that shows or uses the run's settings says what its Descent holds; gradient descent's next step
    is x − lr·∇f with that lr (by hand)."""
    d = run.descent
    lr = d.hyper["lr"]
    assert run.hyper["lr"] == lr and run.method == d.method and np.array_equal(run.start, d.start)
    assert np.array_equal(d.points[0], d.start)
    row = w.panel.hyper_rows["lr"]
    assert row.box.value() == pytest.approx(lr) and row.slider.value() == row._to_tick(lr)
    assert f"lr {lr:.3g}" in w.panel.run_list.item(w.model.index_of(run.run_id)).text()
    assert w.panel.method_combo.currentData() == d.method
    if d.method == "gd":
        x, g = d.points[-1].copy(), d.gradients[-1].copy()
        step(qtbot, w)
        np.testing.assert_allclose(d.points[-1], x - lr * g, rtol=1e-12, atol=1e-15)


def test_a_runs_settings_live_only_in_its_descent():
    own = {f.name for f in dataclasses.fields(Run)}
    assert not own & {"method", "hyper", "start"}, "the GUI run keeps a second copy of its settings"


def test_the_learning_rate_agrees_everywhere_through_edits_undo_and_redo(qtbot, main_window):
    w, run = one_run_in_window(qtbot, main_window, "x^2 + 3*y^2")
    click_contour(qtbot, w, 1.0, 0.5)
    np.testing.assert_allclose(run.start, [1.0, 0.5], atol=0.03)
    agree(qtbot, w, run)

    app_rate = run.descent.hyper["lr"]
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.05")
    assert run.descent.hyper["lr"] == 0.05 != app_rate
    agree(qtbot, w, run)
    main_window.undo_action.trigger()                     # back to the app's rate for this function and start
    assert run.descent.hyper["lr"] == app_rate
    agree(qtbot, w, run)
    main_window.redo_action.trigger()
    assert run.descent.hyper["lr"] == 0.05
    agree(qtbot, w, run)

    w.panel.method_combo.setFocus()
    qtbot.keyClick(w.panel.method_combo, Qt.Key.Key_Down)   # Gradient descent → Momentum, the next item
    assert run.method == run.descent.method == "momentum" and run.steps == 0
    agree(qtbot, w, run)
    main_window.undo_action.trigger()                     # gradient descent again, with the rate it had
    assert run.method == "gd" and run.descent.hyper["lr"] == 0.05
    agree(qtbot, w, run)

    click_contour(qtbot, w, -1.0, -0.5)                   # a start the user picked keeps the user's rate
    assert run.descent.hyper["lr"] == 0.05
    agree(qtbot, w, run)
    slider = w.panel.hyper_rows["lr"].slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)           # a slider move
    dragged = run.descent.hyper["lr"]
    assert dragged < 0.05
    agree(qtbot, w, run)
    main_window.undo_action.trigger()
    assert run.descent.hyper["lr"] == 0.05
    agree(qtbot, w, run)
    main_window.redo_action.trigger()
    assert run.descent.hyper["lr"] == dragged
    agree(qtbot, w, run)
    main_window.undo_action.trigger()
    main_window.undo_action.trigger()                     # the start goes back; the rate stays the user's
    np.testing.assert_allclose(run.start, [1.0, 0.5], atol=0.03)
    assert run.descent.hyper["lr"] == 0.05
    agree(qtbot, w, run)


def test_a_runs_settings_cannot_be_changed_behind_the_model(qtbot, main_window):
    w = main_window.show_workspace("descent")
    run = w.model.runs[0]
    with pytest.raises(TypeError):
        run.hyper["lr"] = 9.0                              # a read-only view, not a dict to edit by hand
    with pytest.raises(ValueError):
        run.start[0] = 9.0                                 # a read-only array
    with pytest.raises(AttributeError):
        run.method = "adam"


def test_a_hyperparameter_the_user_set_survives_a_new_start():
    """A run whose learning rate is the app's choice follows the function and start with that rate only: the user's
    ε for Adam stays, and the user's momentum makes the rates the user's (the app's rate was tuned for its own β)."""
    from engine import parse
    from engine.analysis.rates import default_hyperparameters
    from engine.optim.objective import Objective
    from gui.descent.runs import RunSpec, RunsModel
    objective = Objective.from_expression(parse("x^2 + 10*y^2"), ("x", "y"))
    model = RunsModel(objective)
    adam = model.add_run(RunSpec("adam", {}, "#ff0000", np.array([1.0, 1.0]), auto_lr=True))
    heavy = model.add_run(RunSpec("momentum", {}, "#00ff00", np.array([1.0, 1.0]), auto_lr=True))
    model.set_hyperparameter(adam, "eps", 1e-4)
    model.set_hyperparameter(heavy, "momentum", 0.6)
    rates = dict(model.run(heavy).hyper)
    for run_id in (adam, heavy):
        model.set_start(run_id, [2.0, -1.0])
    assert model.run(adam).hyper["eps"] == 1e-4 and model.run(adam).auto_lr
    assert model.run(adam).hyper["lr"] == default_hyperparameters(objective, "adam", [2.0, -1.0])["lr"]
    assert dict(model.run(heavy).hyper) == rates and not model.run(heavy).auto_lr


def test_a_run_whose_optimizer_failed_keeps_its_settings_and_can_be_changed():
    """A failure is shown on its run, never raised: f that cannot be evaluated stops the run at its start (f has no
    value there), and an optimizer step that fails marks the run; either way its method, rate and start are still
    there to read and edit, and a new method starts it afresh."""
    from engine import parse
    from engine.optim.objective import Objective
    from gui.descent.run_texts import status_text
    from gui.descent.runs import RunSpec, RunsModel

    def broken(_):
        raise RuntimeError("the objective failed")
    model = RunsModel(Objective(("x", "y"), broken, broken))
    run = model.run(model.add_run(RunSpec("gd", {"lr": 0.3}, "#ff0000", np.array([1.0, 2.0]))))
    assert status_text(model, run) == "f is undefined at the start (x, y) = (1, 2)"
    assert (run.method, run.hyper["lr"], list(run.start)) == ("gd", 0.3, [1.0, 2.0])

    good = Objective.from_expression(parse("x^2 + y^2"), ("x", "y"))
    model.set_objective(dataclasses.replace(good, hessian=broken))      # Newton's step needs the Hessian
    model.set_method(run.run_id, "newton", {"lr": 0.5, "damping": 0.0})
    model.step(1)
    assert status_text(model, run) == "error: the objective failed" and model.is_finished(run)
    assert (run.method, run.hyper["lr"], list(run.start)) == ("newton", 0.5, [1.0, 2.0])
    model.set_method(run.run_id, "gd", {"lr": 0.25})
    model.step(1)
    assert run.error == "" and run.steps == 1
    np.testing.assert_allclose(run.descent.points[1], [0.5, 1.0])      # x − 0.25·2x by hand
