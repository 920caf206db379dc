"""The approximation panel: how good are the linear and quadratic models a step ε away from the point?

For the user's step ε it shows the linear estimate, the quadratic estimate and the true value; the log-log plot shows
both errors as the step shrinks along ε's direction, with their fitted slopes (about 2 for the tangent plane and
3 for the quadratic model, where f is smooth enough).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from engine import Expression
from engine.analysis.taylor import PointAnalysis, TaylorModel, vector_norm
from gui.surface.inspector import parse_vector, vector_text
from engine.expr.numbers import format_number

STEP_SIZES = np.logspace(-3.5, 0, 36)   # |ε| along the user's direction
FIT_MAX = 0.05                          # fit slopes where the Taylor error dominates…
NOISE_FLOOR = 1e-11                     # …and rounding does not (relative to |f| + 1)
LINEAR_COLOR, QUADRATIC_COLOR = (255, 112, 67), (255, 235, 59)
READABLE_DIGITS = 6
EXACT_TIP = ("The exact model (12 significant digits): select and copy it; the formula field accepts it. "
             "The line above rounds to 6 digits.")


def readable_formula(model: TaylorModel, digits: int = READABLE_DIGITS) -> str:
    """The model rounded to ``digits`` significant digits: constant first, then the terms by degree."""
    n = len(model.variables)
    offsets = [_offset_text(v, a, digits) for v, a in zip(model.variables, model.point)]
    terms = [(float(model.value), "")]
    terms += [(float(model.gradient[i]), offsets[i]) for i in range(n)]
    if model.order == 2:
        terms += [(0.5 * float(model.hessian[i, i]), f"{offsets[i]}^2") for i in range(n)]
        terms += [(float(model.hessian[i, j]), f"{offsets[i]}*{offsets[j]}") for i in range(n) for j in range(i + 1, n)]
    text = f"{float(model.value) + 0.0:.{digits}g}"   # + 0.0: a value of −0 reads 0
    for coefficient, factor in terms[1:]:
        if coefficient != 0:
            sign = "-" if coefficient < 0 else "+"
            text += f" {sign} {abs(coefficient):.{digits}g}*{factor}"
    return text


def _offset_text(name: str, a: float, digits: int) -> str:
    if a == 0:
        return name
    return f"({name} {'-' if a > 0 else '+'} {abs(a):.{digits}g})"


def error_curves(f: Expression, a: PointAnalysis, direction: np.ndarray):
    """|ε| values and the linear / quadratic model errors |f(a + ε) − model| along ``direction`` (unit)."""
    steps = STEP_SIZES[:, None] * direction[None, :]
    points = a.point[None, :] + steps
    env = {name: points[:, i] for i, name in enumerate(a.variables)}
    with np.errstate(all="ignore"):
        truth = np.broadcast_to(np.asarray(f.evaluate(env), dtype=float), STEP_SIZES.shape)
        linear = np.abs(truth - a.linear(env))
        quadratic = np.abs(truth - a.quadratic(env))
    return STEP_SIZES, linear, quadratic


def fitted_slope(sizes, errors, scale: float) -> float | None:
    """Least-squares slope of log(error) against log(|ε|) in the asymptotic, above-rounding range."""
    ok = np.isfinite(errors) & (errors > NOISE_FLOOR * (abs(scale) + 1.0)) & (sizes <= FIT_MAX)
    if ok.sum() < 4:
        return None
    return float(np.polyfit(np.log10(sizes[ok]), np.log10(errors[ok]), 1)[0])


class ApproximationPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("approximationPanel")
        self.slopes: tuple[float | None, float | None] = (None, None)
        self.stepEdit = QLineEdit("0.01, -0.03", self)
        self.stepEdit.setObjectName("stepEdit")
        self.stepEdit.setToolTip("The step ε from the selected point (one number per axis)")
        self.labels: dict[str, QWidget] = {k: QLabel("—", self) for k in ("target", "linear", "quadratic", "truth",
                                                                           "errors")}
        for key, label in self.labels.items():
            label.setObjectName(f"approx_{key}")
            label.setWordWrap(True)
        self.readable = {key: QLabel("—", self) for key in ("linear_formula", "quadratic_formula")}
        for key, label in self.readable.items():
            label.setObjectName(f"approx_readable_{key}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setStyleSheet("font-family: 'DejaVu Sans Mono';")
            # the exact text, one scrollable line: plain text the parser accepts, to copy into the formula field
            exact = QLineEdit("—", self)
            exact.setObjectName(f"approx_{key}")
            exact.setReadOnly(True)
            exact.setToolTip(EXACT_TIP)
            exact.setStyleSheet("font-family: 'DejaVu Sans Mono'; color: #8a8f98;")
            self.labels[key] = exact
        self.readable["linear_formula"].setToolTip("The tangent plane (first-order Taylor model) at the point, in "
                                                   "the original variables, to 6 significant digits")
        self.readable["quadratic_formula"].setToolTip("The second-order Taylor model f(a) + ∇f(a)·(x − a) + "
                                                      "½ (x − a)ᵀ H (x − a), in the original variables, to 6 "
                                                      "significant digits")
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #ff8a80;")
        form = QFormLayout()
        form.addRow("Linear model", self.readable["linear_formula"])
        form.addRow("exact", self.labels["linear_formula"])
        form.addRow("Quadratic model", self.readable["quadratic_formula"])
        form.addRow("exact", self.labels["quadratic_formula"])
        form.addRow("Step ε", self.stepEdit)
        form.addRow("Point + ε", self.labels["target"])
        form.addRow("Linear estimate", self.labels["linear"])
        form.addRow("Quadratic estimate", self.labels["quadratic"])
        form.addRow("True value", self.labels["truth"])
        form.addRow("Errors", self.labels["errors"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self._f: Expression | None = None
        self._analysis: PointAnalysis | None = None
        self._errors = None        # (|ε|, linear errors, quadratic errors, |step|) last computed, for the plot
        self._parts: dict | None = None   # the plot, built when the tab is first shown (not in the first picture)
        self.stepEdit.editingFinished.connect(self.refresh)

    plot = property(lambda self: self._built()["plot"])
    legend = property(lambda self: self._built()["legend"])
    _linear_curve = property(lambda self: self._built()["linear"])
    _quadratic_curve = property(lambda self: self._built()["quadratic"])
    _marker = property(lambda self: self._built()["marker"])

    def showEvent(self, event) -> None:
        self._built()
        super().showEvent(event)

    def _built(self) -> dict:
        if self._parts is not None:
            return self._parts
        plot = pg.PlotWidget(self, background=(24, 26, 32))
        plot.setObjectName("errorPlot")
        plot.setMinimumHeight(220)
        plot.setLogMode(True, True)
        plot.setLabel("bottom", "|ε|")
        plot.setLabel("left", "|error|")
        plot.showGrid(x=True, y=True, alpha=0.25)
        for side in ("left", "bottom"):
            plot.getAxis(side).enableAutoSIPrefix(False)   # "(x0.001)" on a log axis only confuses
        # bottom right: errors grow with |ε|, so the curves leave that corner empty
        legend = plot.addLegend(offset=(-8, -8))
        linear = plot.plot(pen=pg.mkPen(LINEAR_COLOR, width=2), symbol="o", symbolSize=4, symbolBrush=LINEAR_COLOR,
                           name="linear")
        quadratic = plot.plot(pen=pg.mkPen(QUADRATIC_COLOR, width=2), symbol="o", symbolSize=4,
                              symbolBrush=QUADRATIC_COLOR, name="quadratic")
        marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((200, 200, 200, 140), style=Qt.PenStyle.DotLine))
        plot.addItem(marker)
        self.layout().addWidget(plot, 1)
        self._parts = {"plot": plot, "legend": legend, "linear": linear, "quadratic": quadratic, "marker": marker}
        self._draw_curves()
        return self._parts

    def set_default_step(self, n: int) -> None:
        defaults = {1: "0.1", 2: "0.01, -0.03"}
        self.stepEdit.setText(defaults.get(n, ", ".join(["0.02"] * n)))

    def show_point(self, f: Expression | None, analysis: PointAnalysis | None) -> None:
        self._f, self._analysis = f, analysis
        self.refresh()

    def refresh(self) -> None:
        a, f = self._analysis, self._f
        if a is None or f is None:
            for label in (*self.labels.values(), *self.readable.values()):
                label.setText("— (select a point)")
            self._errors = None
            self._draw_curves()
            return
        # the spaces around + and − let a long model wrap between its terms
        for key, model in (("linear_formula", a.linear), ("quadratic_formula", a.quadratic)):
            undefined = "undefined here: f or its derivatives have no value at this point"
            self.readable[key].setText(readable_formula(model) if model.defined else undefined)
            self.labels[key].setText(model.formula if model.defined else undefined)
            self.labels[key].setCursorPosition(0)
        try:
            step = parse_vector(self.stepEdit.text(), len(a.point))
        except ValueError as error:
            self.message.setText(f"Step: {error}")
            return
        self.message.clear()
        self._show_estimates(f, a, step)
        norm = vector_norm(step)
        if 0 < norm < np.inf:
            self._show_curves(f, a, step / norm, norm)

    def _show_estimates(self, f, a, step) -> None:
        # a far step or a steep function may overflow: the values then show as ∞ or undefined, without warnings
        with np.errstate(all="ignore"):
            target = a.point + step
            truth = float(f.evaluate(dict(zip(a.variables, target))))
            linear, quadratic = a.linear.at_offset(step), a.quadratic.at_offset(step)
            errors = abs(truth - linear), abs(truth - quadratic)
        self.labels["target"].setText(vector_text(target))
        self.labels["linear"].setText(format_number(linear, 10))
        self.labels["quadratic"].setText(format_number(quadratic, 10))
        self.labels["truth"].setText(format_number(truth, 10))
        self.labels["errors"].setText(f"linear {format_number(errors[0], 3)}, quadratic {format_number(errors[1], 3)}")

    def _show_curves(self, f, a, direction, norm) -> None:
        sizes, linear, quadratic = error_curves(f, a, direction)
        self.slopes = (fitted_slope(sizes, linear, a.value), fitted_slope(sizes, quadratic, a.value))
        self._errors = (sizes, linear, quadratic, norm)
        self._draw_curves()

    def _draw_curves(self) -> None:
        if self._parts is None:
            return   # drawn when the plot is built
        parts = self._parts
        if self._errors is None:
            parts["linear"].setData([], [])
            parts["quadratic"].setData([], [])
            return
        sizes, linear, quadratic, norm = self._errors
        for curve, errors, slope, name in ((parts["linear"], linear, self.slopes[0], "linear"),
                                           (parts["quadratic"], quadratic, self.slopes[1], "quadratic")):
            ok = np.isfinite(errors) & (errors > 0)
            curve.setData(sizes[ok], errors[ok])
            parts["legend"].getLabel(curve).setText(f"{name}: {_slope_text(slope)}")
        parts["marker"].setValue(np.log10(norm))


def _slope_text(slope: float | None) -> str:
    return "error at rounding level (exact)" if slope is None else f"slope {slope:.2f}"
