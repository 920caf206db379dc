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
from engine.taylor import PointAnalysis, vector_norm
from gui.surface.inspector import parse_vector, vector_text
from gui.views.ticks import format_number

STEP_SIZES = np.logspace(-3.5, 0, 36)   # |ε| along the user's direction
FIT_MAX = 0.05                          # fit slopes where the Taylor error dominates…
NOISE_FLOOR = 1e-11                     # …and rounding does not (relative to |f| + 1)
LINEAR_COLOR, QUADRATIC_COLOR = (255, 112, 67), (255, 235, 59)


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
        self.labels = {k: QLabel("—", self) for k in ("linear_formula", "quadratic_formula", "target", "linear",
                                                      "quadratic", "truth", "errors")}
        for key, label in self.labels.items():
            label.setObjectName(f"approx_{key}")
            label.setWordWrap(True)
        for key in ("linear_formula", "quadratic_formula"):
            # plain text the parser accepts: it can be copied into the formula field
            self.labels[key].setTextFormat(Qt.TextFormat.PlainText)
            self.labels[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key].setStyleSheet("font-family: 'DejaVu Sans Mono';")
        self.labels["linear_formula"].setToolTip("The tangent plane (first-order Taylor model) at the point, in the "
                                                 "original variables")
        self.labels["quadratic_formula"].setToolTip("The second-order Taylor model f(a) + ∇f(a)·(x − a) + "
                                                    "½ (x − a)ᵀ H (x − a), in the original variables")
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #ff8a80;")
        form = QFormLayout()
        form.addRow("Linear model", self.labels["linear_formula"])
        form.addRow("Quadratic model", self.labels["quadratic_formula"])
        form.addRow("Step ε", self.stepEdit)
        form.addRow("Point + ε", self.labels["target"])
        form.addRow("Linear estimate", self.labels["linear"])
        form.addRow("Quadratic estimate", self.labels["quadratic"])
        form.addRow("True value", self.labels["truth"])
        form.addRow("Errors", self.labels["errors"])
        self.plot = pg.PlotWidget(self, background=(24, 26, 32))
        self.plot.setObjectName("errorPlot")
        self.plot.setMinimumHeight(220)
        self.plot.setLogMode(True, True)
        self.plot.setLabel("bottom", "|ε|")
        self.plot.setLabel("left", "|error|")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)   # "(x0.001)" on a log axis only confuses
        self.legend = self.plot.addLegend(offset=(8, 8))
        self._linear_curve = self.plot.plot(pen=pg.mkPen(LINEAR_COLOR, width=2), symbol="o", symbolSize=4,
                                            symbolBrush=LINEAR_COLOR, name="linear model")
        self._quadratic_curve = self.plot.plot(pen=pg.mkPen(QUADRATIC_COLOR, width=2), symbol="o", symbolSize=4,
                                               symbolBrush=QUADRATIC_COLOR, name="quadratic model")
        self._marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((200, 200, 200, 140), style=Qt.PenStyle.DotLine))
        self.plot.addItem(self._marker)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        self._f: Expression | None = None
        self._analysis: PointAnalysis | None = None
        self.stepEdit.editingFinished.connect(self.refresh)

    def set_default_step(self, n: int) -> None:
        defaults = {1: "0.1", 2: "0.01, -0.03"}
        self.stepEdit.setText(defaults.get(n, ", ".join(["0.02"] * n)))

    def show_point(self, f: Expression | None, analysis: PointAnalysis | None) -> None:
        self._f, self._analysis = f, analysis
        self.refresh()

    def refresh(self) -> None:
        a, f = self._analysis, self._f
        if a is None or f is None:
            for label in self.labels.values():
                label.setText("— (select a point)")
            self._linear_curve.setData([], [])
            self._quadratic_curve.setData([], [])
            return
        # the spaces around + and − let a long model wrap between its terms
        self.labels["linear_formula"].setText(a.linear.formula)
        self.labels["quadratic_formula"].setText(a.quadratic.formula)
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
        for curve, errors, slope, name in ((self._linear_curve, linear, self.slopes[0], "linear model"),
                                           (self._quadratic_curve, quadratic, self.slopes[1], "quadratic model")):
            ok = np.isfinite(errors) & (errors > 0)
            curve.setData(sizes[ok], errors[ok])
            self.legend.getLabel(curve).setText(f"{name}: {_slope_text(slope)}")
        self._marker.setValue(np.log10(norm))


def _slope_text(slope: float | None) -> str:
    return "error at rounding level (exact)" if slope is None else f"slope {slope:.2f}"
