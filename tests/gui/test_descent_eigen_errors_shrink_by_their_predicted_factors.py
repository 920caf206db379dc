"""The Descent workspace plots the selected run's error along each eigen-direction of the Hessian against the step
("Why momentum really works"): on x² + 25y² gradient descent with η = 0.03 multiplies the error along v₁ (λ = 2) by
0.94 and along v₂ (λ = 50) by |1 − 1.5| = 0.5 each step — the plotted curves' successive ratios, their dashed
predictions, the curves' pixels; the plot follows the selected run, says why it is empty without a minimum, and
appends as the run steps instead of recomputing the trail."""
import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from engine.analysis.step_size import mode_factors
from gui.descent.eigen_error_plot import DIRECTION_COLOURS
from tests.gui.descent_helpers import add_run, click_contour, colour_pixels, hex_rgb, remove_all_runs, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def plotted(curve) -> tuple[np.ndarray, np.ndarray]:
    """The steps and the errors a curve shows (it is given log10 of the errors; the axis labels them 10ⁿ)."""
    return np.asarray(curve.xData, dtype=float), 10.0 ** np.asarray(curve.yData, dtype=float)


def gd_on_the_narrow_bowl(qtbot, w, lr="0.03"):
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    run = add_run(w, "Gradient descent")
    click_contour(qtbot, w, 1.0, 0.5)
    type_into(qtbot, w.panel.hyper_rows["lr"].box, lr)
    return run


def test_each_direction_shrinks_by_one_minus_eta_lambda(qtbot, descent_workspace):
    w = descent_workspace
    run = gd_on_the_narrow_bowl(qtbot, w)
    plot = w.eigen_plot
    step(qtbot, w, 30)
    assert len(plot.curves) == 2
    for curve, factor in zip(plot.curves, (0.94, 0.5)):
        x, y = plotted(curve)
        assert x.tolist() == list(range(31))
        assert np.allclose(y[1:] / y[:-1], factor, rtol=0, atol=1e-6)
    # the errors are the run's own iterates projected on the eigenvectors (x* = 0, v = the axes)
    points = np.array(run.descent.points)
    assert np.allclose(plotted(plot.curves[0])[1], np.abs(points[:, 0]), rtol=1e-12)
    assert np.allclose(plotted(plot.curves[1])[1], np.abs(points[:, 1]), rtol=1e-12)
    # the dashed prediction |1 − ηλᵢ|ᵏ from the start: its two ends
    for rate, e0, factor in zip(plot.predicted, (abs(points[0, 0]), abs(points[0, 1])), (0.94, 0.5)):
        x, y = plotted(rate)
        assert rate.isVisible() and x[0] == 0 and y[0] == pytest.approx(e0)
        assert y[1] == pytest.approx(e0 * factor ** x[1], rel=1e-9)
    assert "λ = 2" in plot.caption.text() and "λ = 50" in plot.caption.text() and "|1 − ηλᵢ|ᵏ" in plot.caption.text()
    QApplication.processEvents()
    image = plot.plot.grab().toImage()
    for colour in DIRECTION_COLOURS[:2]:
        assert colour_pixels(image, hex_rgb(colour), tolerance=40) > 60      # both curves are drawn
    w.grab().save("/tmp/why-eigen-gd.png")


def test_a_new_rate_mid_run_starts_a_new_prediction_and_the_trail_is_appended(qtbot, descent_workspace):
    w = descent_workspace
    gd_on_the_narrow_bowl(qtbot, w)
    plot = w.eigen_plot
    step(qtbot, w, 10)
    errors = plot._trace.errors
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.01")
    step(qtbot, w, 10)
    assert plot._trace.errors is errors and errors.size == 21          # the same arrays, appended to
    x, y = plotted(plot.curves[1])
    assert np.allclose(y[11:] / y[10:-1], 0.5, atol=1e-6)             # |1 − 0.01·50|
    x, y = plotted(plot.predicted[1])
    assert x[0] == 10 and y[1] / y[0] == pytest.approx(0.5 ** 10, rel=1e-9)


def test_momentum_shows_its_envelope_and_adam_no_prediction(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    heavy = add_run(w, "Momentum")
    step(qtbot, w, 5)
    plot = w.eigen_plot
    factors = mode_factors([2.0, 50.0], "momentum", heavy.hyper)
    x, y = plotted(plot.predicted[0])
    assert y[1] / y[0] == pytest.approx(factors[0] ** (x[1] - x[0]), rel=1e-9)
    assert "envelope" in plot.caption.text()
    adam = add_run(w, "Adam")
    w.panel.select_run(adam.run_id)
    step(qtbot, w, 5)
    assert plot.run_id == adam.run_id and len(plotted(plot.curves[0])[1]) == adam.steps + 1
    assert not any(r.isVisible() for r in plot.predicted) and "no predicted rate" in plot.caption.text()


def test_no_minimum_no_directions_and_the_reason(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2-y^2")
    remove_all_runs(qtbot, w)
    saddle = add_run(w, "Gradient descent")
    plot = w.eigen_plot
    assert plot.curves == [] and "no minimum" in plot.caption.text()
    step(qtbot, w, 3)
    plot.select(-1)
    assert "Select a run" in plot.caption.text()
    plot.select(saddle.run_id)
    assert plot.curves == [] and "no minimum" in plot.caption.text()
    remove_all_runs(qtbot, w)
    assert "Select a run" in plot.caption.text()


def test_a_function_of_one_variable_has_one_direction(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("3*x^2+x")                # f'' = 6, minimum at x = −1/6
    remove_all_runs(qtbot, w)
    run = add_run(w, "Gradient descent")
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.1")
    step(qtbot, w, 12)
    plot = w.eigen_plot
    assert w.one_variable() and len(plot.curves) == 1
    x, y = plotted(plot.curves[0])
    assert np.allclose(y, np.abs(np.array(run.descent.points)[:, 0] + 1 / 6), rtol=1e-9)
    assert np.allclose(y[1:] / y[:-1], 0.4, atol=1e-6)   # |1 − 0.1·6|
