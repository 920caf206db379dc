"""The error along each eigen-direction against the step, for the selected run (the picture of "Why momentum really
works"): |vᵢ · (x_k − x*)| on a log axis, one curve per eigenvector vᵢ of the Hessian at the run's start, x* the
minimum of the quadratic model there. On a quadratic, gradient descent multiplies each component by 1 − ηλᵢ every
step, so each curve is a straight line; the dashed line beside it is that prediction, |1 − ηλᵢ|ᵏ, from the step the
current hyperparameters took over (for momentum and Nesterov the envelope ρᵢᵏ, ρᵢ the spectral radius of the step).

The errors are appended as the run steps (only new iterates are projected), so a frame costs the same at step 3,000
as at step 10. The numbers come from :mod:`engine.analysis.step_size`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engine.analysis.step_size import eigen_errors, mode_factors
from gui.descent.loss_plot import StepAxis, cache_axes
from gui.descent.step_size_view import quadratic_model
from gui.views.growing import Growing

DIRECTION_COLOURS = ("#00e5ff", "#ff7f0e", "#34c759", "#ff2dcc", "#ffcc00", "#8f7bff")
DECADES = 24            # the value axis shows at most this many decades below the largest error
MIN_DECADES = 2         # and at least this many, so that it always has two labelled decades
EDGE = 0.2              # decades shown beyond the end decades, so that their labels fit on the axis
EMPTY_TEXT = "Play or Step to see the error\nalong each eigen-direction"
NO_RUN_TEXT = "Select a run"
NO_MODEL_TEXT = "No eigen-directions to measure from (see above)"
RATE_NAMES = {"gd": "|1 − ηλᵢ|ᵏ", "newton": "|1 − ηλᵢ/(λᵢ + damping)|ᵏ", "momentum": "envelope ρᵢᵏ",
              "nesterov": "envelope ρᵢᵏ"}


class DecadeAxis(pg.AxisItem):
    """A log axis labelled at whole decades only (10⁻², 10⁻¹, 10⁰): pyqtgraph also labels the minor ticks 2 … 9
    of a short range, and those labels crowd each other."""

    def logTickStrings(self, values, scale, spacing):
        strings = super().logTickStrings(values, scale, spacing)
        return [text if abs(v - round(v)) < 1e-9 else "" for v, text in zip(values, strings)]


class _Trace:
    """One run trail's errors along the eigenvectors of the model at its start, appended as the trail grows."""

    def __init__(self, key, model):
        self.key, self.model = key, model
        self.errors = Growing(len(model.eigenvalues))

    def sync(self, points: np.ndarray) -> np.ndarray:
        """log10 |Vᵀ(x_k − x*)| for the iterates shown (a view; only the iterates not seen before are projected).
        Logarithms are taken here, once per iterate: a plot in log mode would take them of the whole trail per frame."""
        n = len(points)
        if n > self.errors.size:
            with np.errstate(all="ignore"):
                new = np.log10(np.abs(eigen_errors(points[self.errors.size: n], self.model.minimum,
                                                   self.model.eigenvectors)))
            self.errors.append(np.where(np.isfinite(new), new, np.nan))
        return self.errors.view(n)


class EigenErrorPlot(QWidget):
    """Reads the RunsModel; :meth:`select` picks the run shown, :meth:`draw` follows the frames."""

    def __init__(self, model, parent=None):
        super().__init__(parent)
        self.setObjectName("eigenErrorPlot")
        self.model = model
        self.run_id = -1
        self.plot = pg.PlotWidget(background=(24, 26, 32),
                                  axisItems={"bottom": StepAxis("bottom"), "left": DecadeAxis("left")})
        self.plot.setObjectName("eigenErrorView")
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        self.plot.setMinimumHeight(120)
        self.plot.getAxis("left").setLogMode(False, True)   # the data are log10 already; the axis says 10ⁿ
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "|error along vᵢ|")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        cache_axes(item)
        self.plot.setToolTip("The selected run's distance to x*, the minimum of the quadratic model at its start, "
                             "along each eigenvector of the Hessian there (log scale); dashed: the predicted rate")
        self.placeholder = pg.TextItem(EMPTY_TEXT, color=(150, 156, 170), anchor=(0.5, 0.5))
        self.placeholder.setObjectName("eigenErrorPlaceholder")
        self.plot.addItem(self.placeholder, ignoreBounds=True)
        self.caption = QLabel(objectName="eigenErrorCaption", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.caption.setStyleSheet("color: palette(mid); font-size: 9pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        self.curves: list[pg.PlotDataItem] = []
        self.predicted: list[pg.PlotDataItem] = []
        self._trace: _Trace | None = None
        self._frames: list = []
        self._drawn = self._refused = None
        self._x = np.zeros(0)
        self._x_end = 0.0
        self._y_range = None
        self._show_empty(NO_RUN_TEXT)

    # --- inputs -------------------------------------------------------------------------------------------------
    def select(self, run_id: int) -> None:
        self.run_id = int(run_id)
        self.draw(self._frames)

    def draw(self, frames) -> None:
        """Show the selected run's frame (its trail up to the step the frame shows)."""
        self._frames = frames
        frame = next((f for f in frames if f.run_id == self.run_id), None)
        run = next((r for r in self.model.runs if frame is not None and r.run_id == frame.run_id), None)
        if run is None:
            self._show_nothing("Select a run to see its error along each eigen-direction of the Hessian.")
            return
        if frame.points.shape[1] != len(run.start):
            return    # frames of a trail that has just restarted on a new function: the redraw that follows has it
        key = (frame.key, run.generation, id(self.model.objective))
        if self._trace is None or self._trace.key != key:
            if self._refused is not None and self._refused[0] == key:
                self._show_nothing(self._refused[1])    # a trail without a minimum is read only once
                return
            if not self._start_trace(key, run):
                return
        look = (key, frame.step, run.method, tuple(sorted(run.hyper.items())), tuple(run.history[-1:]))
        if look == self._drawn:
            return
        self._drawn = look
        errors = self._trace.sync(frame.points)
        self._draw_curves(errors)
        self._draw_predicted(run, errors, frame.step)
        self._fit(errors)

    # --- drawing ------------------------------------------------------------------------------------------------
    def _start_trace(self, key, run) -> bool:
        """A new trail: read the model at its start; False (with the reason shown) when it has no minimum."""
        self._trace, self._drawn, self._y_range, self._x_end = None, None, None, 0.0
        model, error = quadratic_model(self.model.objective, run.start)
        if model is None:
            reason = f"No quadratic model at the start: {error}"
        else:
            reason = "" if model.has_minimum else "No eigen-directions to measure from: " + model.reason
        if reason:
            self._refused = (key, reason)
            self._show_nothing(reason)
            return False
        self._trace, self._refused = _Trace(key, model), None
        self._make_items(len(model.eigenvalues))
        return True

    def _make_items(self, n: int) -> None:
        if len(self.curves) == n:   # a new trail in as many directions: the items are emptied, not made again
            for item in self.curves + self.predicted:
                item.setData([], [])
            return
        for item in self.curves + self.predicted:
            self.plot.removeItem(item)
        self.curves, self.predicted = [], []
        for i in range(n):
            colour = DIRECTION_COLOURS[i % len(DIRECTION_COLOURS)]
            curve = self.plot.plot(pen=pg.mkPen(colour, width=2.0), connect="finite", autoDownsampleFactor=1.0)
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            # on top of its curve, lighter: on a quadratic the prediction lies exactly on the measured line
            rate = self.plot.plot(pen=pg.mkPen(QColor(colour).lighter(170), width=1.2, style=Qt.PenStyle.DashLine))
            rate.setZValue(1)
            self.curves.append(curve)
            self.predicted.append(rate)

    def _draw_curves(self, errors: np.ndarray) -> None:
        x = self._steps(len(errors))
        for i, curve in enumerate(self.curves):
            curve.setData(x, errors[:, i])

    def _draw_predicted(self, run, errors: np.ndarray, step: int) -> None:
        """Each direction's predicted line from the step the current hyperparameters took over, to ``step``
        (``errors``: log10 of the measured ones)."""
        model = self._trace.model
        factors = mode_factors(model.eigenvalues, run.method, run.hyper)
        since = min(max([s for s, _name, _value in run.history if s <= step], default=0), step)
        for i, rate in enumerate(self.predicted):
            e0 = errors[since, i] if since < len(errors) else np.nan
            visible = factors is not None and np.isfinite(e0) and step > since
            rate.setVisible(bool(visible))
            if visible:
                rate.setData(*self._line(since, step, float(e0), float(factors[i])))
        legend = self._legend(run.method, factors)
        if legend != self.caption.text():   # a new text re-lays out the workspace: only when it changed
            self.caption.setText(legend)

    def _line(self, since: int, step: int, top: float, factor: float):
        """The two ends of e0·factorᵏ⁻ˢⁱⁿᶜᵉ on the log axis (``top`` = log10 e0), stopped where it leaves the
        shown decades."""
        with np.errstate(divide="ignore"):
            slope = np.log10(factor) if factor > 0 else -np.inf
        floor = (self._y_range[0] if self._y_range else top - DECADES) - 1.0
        end = float(step)
        if slope < 0 and top + slope * (end - since) < floor:
            end = since + (floor - top) / slope if np.isfinite(slope) else float(since)
        y_end = top + (slope * (end - since) if np.isfinite(slope) else floor - top)
        return np.array([since, end], dtype=float), np.array([top, y_end])

    def _legend(self, method: str, factors) -> str:
        model = self._trace.model
        parts = []
        for i, lam in enumerate(model.eigenvalues):
            colour = DIRECTION_COLOURS[i % len(DIRECTION_COLOURS)]
            rate = "" if factors is None else f", factor {factors[i]:.3g}"
            parts.append(f"<span style='color:{colour}'>━ v{_sub(i + 1)}: λ = {lam:.4g}{rate}</span>")
        dashed = ("dashed: " + RATE_NAMES[method]) if factors is not None else \
            "no predicted rate: an adaptive method's step is not linear in the error"
        return "Error along each eigenvector vᵢ of H at the start · " + dashed + "<br>" + " &nbsp; ".join(parts)

    def _fit(self, errors: np.ndarray) -> None:
        """The value axis spans the errors in whole decades (MIN_DECADES to DECADES of them); the step axis grows by
        half again when the run passes its end, so the axes are not re-laid-out every frame. Before the first step
        there is nothing to plot: the placeholder says how to get something."""
        finite = errors[np.isfinite(errors)]
        if finite.size:
            hi = float(np.ceil(finite.max() + 0.1))
            lo = min(max(float(np.floor(finite.min())), hi - DECADES), hi - MIN_DECADES)
            if (lo, hi) != self._y_range:
                self._y_range = (lo, hi)
                self.plot.setYRange(lo - EDGE, hi + EDGE, padding=0.0)
        end = max(len(errors) - 1, 1)
        if end > self._x_end or end < self._x_end / 3:
            self._x_end = max(10.0, 1.5 * end)
            self.plot.setXRange(0, self._x_end, padding=0.0)
        if len(errors) < 2:
            self._place_placeholder(EMPTY_TEXT)
        else:
            self.placeholder.setVisible(False)

    def _place_placeholder(self, text: str) -> None:
        """``text`` in the middle of the value and step ranges shown."""
        (x0, x1), (y0, y1) = self.plot.getPlotItem().viewRange()
        self.placeholder.setText(text)
        self.placeholder.setPos(0.5 * (x0 + x1), 0.5 * (y0 + y1))
        self.placeholder.setVisible(True)

    def _show_empty(self, text: str) -> None:
        """No run to plot: a fixed range (steps 0 … 10, errors 10⁻² … 10⁰) and ``text`` in the middle of it."""
        if self.placeholder.isVisible() and self.placeholder.textItem.toPlainText() == text \
                and self._y_range == (-float(MIN_DECADES), 0.0):
            return
        self._y_range, self._x_end = (-float(MIN_DECADES), 0.0), 10.0
        self.plot.setRange(xRange=(0.0, 10.0), yRange=(-MIN_DECADES - EDGE, EDGE), padding=0.0)
        self._place_placeholder(text)

    def _steps(self, n: int) -> np.ndarray:
        if len(self._x) < n:
            self._x = np.arange(max(n, 2 * len(self._x)), dtype=np.float64)
        return self._x[:n]

    def _show_nothing(self, reason: str) -> None:
        self._trace, self._drawn = None, None
        if self.curves:
            self._make_items(0)
        if self.caption.text() != reason:
            self.caption.setText(reason)
        self._show_empty(NO_RUN_TEXT if reason.startswith("Select") else NO_MODEL_TEXT)


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
