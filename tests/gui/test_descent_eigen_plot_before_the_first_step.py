"""Before a run has stepped, the eigen-direction plot says how to fill it ("Play or Step …") over a fixed range of
two decades, and its log axis labels whole decades only (no crowded 0.2 … 0.9); after a step the text goes and the
curves take its place."""
import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from gui.descent.eigen_error_plot import EMPTY_TEXT, NO_RUN_TEXT
from tests.gui.descent_helpers import add_run, colour_pixels, remove_all_runs, step

pytestmark = [pytest.mark.gui, pytest.mark.gl]
PLACEHOLDER_GREY = (150, 156, 170)


def _labels(plot) -> list[tuple[float, str]]:
    """The (value, text) of every labelled tick of the value axis, as the axis would draw them now."""
    axis = plot.plot.getAxis("left")
    lo, hi = plot.plot.getPlotItem().viewRange()[1]
    labelled = []
    for spacing, values in axis.tickValues(lo, hi, axis.height()):
        labelled += [(v, t) for v, t in zip(values, axis.tickStrings(values, 1.0, spacing or 1.0)) if t]
    return labelled


def _grey_in_the_view(plot) -> int:
    """Pixels of the placeholder's grey inside the plotting area (the axes, drawn in grey too, left out)."""
    QApplication.processEvents()
    image = plot.plot.grab().toImage()
    area = plot.plot.mapFromScene(plot.plot.getPlotItem().vb.sceneBoundingRect()).boundingRect().adjusted(4, 4, -4, -4)
    return colour_pixels(image.copy(area), PLACEHOLDER_GREY, tolerance=30)


def test_an_unstepped_run_shows_how_to_fill_the_plot_and_decades_only(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    add_run(w, "Gradient descent")
    plot = w.eigen_plot
    assert plot.placeholder.isVisible() and plot.placeholder.textItem.toPlainText() == EMPTY_TEXT
    lo, hi = plot.plot.getPlotItem().viewRange()[1]
    assert hi - lo >= 2
    labels = _labels(plot)
    assert len(labels) >= 2 and all(float(v).is_integer() for v, _ in labels)    # 10ⁿ only
    assert _grey_in_the_view(plot) > 40
    step(qtbot, w, 8)
    assert not plot.placeholder.isVisible() and _grey_in_the_view(plot) == 0
    labels = _labels(plot)
    assert len(labels) >= 2 and all(float(v).is_integer() for v, _ in labels)
    x, y = plot.curves[0].xData, plot.curves[0].yData
    assert len(x) == 9 and np.all(np.isfinite(y))


def test_no_selected_run_says_select_one(qtbot, descent_workspace):
    w = descent_workspace
    plot = w.eigen_plot
    plot.select(-1)
    assert plot.placeholder.isVisible() and plot.placeholder.textItem.toPlainText() == NO_RUN_TEXT
    assert plot.curves == [] and all(float(v).is_integer() for v, _ in _labels(plot))
