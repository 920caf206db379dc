"""The gradient for the chosen variable: its matrix-notation formula (matrixGradientFormula, large and copyable)
and shape, its numbers beside central finite differences and their difference, the largest error; and "Your
answer" (matrixAnswerEdit) with the verdict in words (matrixVerdict) and the disagreeing cells outlined."""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget)

from engine.matrix.shapes import describe
from engine.matrix.workbench import Study
from gui.matrix.heatmap import HeatmapView, short_number
from gui.surface.function_bar import FormulaEdit

VERDICT_COLOURS = {"equal": "#15803d", "sign": "#b45309", "transpose": "#b45309", "factor": "#b45309",
                   "shape": "#b91c1c", "different": "#b91c1c"}


def formula_font(base: QFont) -> QFont:
    font = QFont("DejaVu Sans Mono")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(base.pointSizeF() * 1.6)
    return font


class GradientPanel(QWidget):
    wrt_chosen = Signal(str)
    answer_submitted = Signal(str)
    history_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.valueLabel = QLabel(objectName="matrixValueLabel")
        self.valueLabel.setWordWrap(True)
        self.valueLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.wrtBox = QComboBox(objectName="matrixWrtBox")
        self.wrtBox.setToolTip("The variable the gradient is taken with respect to")
        self.wrtBox.activated.connect(lambda i: self.wrt_chosen.emit(self.wrtBox.itemText(i)))
        self.formula = QLabel(objectName="matrixGradientFormula")
        self.formula.setFont(formula_font(self.font()))
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setToolTip("The gradient in matrix notation (denominator layout: the variable's shape). "
                                "Select it, or press Copy; the Matrix expression field reads it back.")
        self.copyButton = QPushButton("Copy", objectName="matrixCopyFormula")
        self.copyButton.setToolTip("Copy the gradient formula (Ctrl+Shift+C)")
        self.copyButton.clicked.connect(self.copy_formula)
        self.shapeLabel = QLabel(objectName="matrixGradientShape")
        self.gradientMap = HeatmapView("gradient", parent=self)
        self.gradientMap.setObjectName("matrixGradientHeatmap")
        self.fdMap = HeatmapView("central differences", parent=self)
        self.fdMap.setObjectName("matrixFdHeatmap")
        self.differenceMap = HeatmapView("difference", parent=self)
        self.differenceMap.setObjectName("matrixDifferenceHeatmap")
        self.differenceMap.setToolTip("gradient − central differences, on the gradient's colour scale")
        self.answerMap = HeatmapView("your answer", parent=self)
        self.answerMap.setObjectName("matrixAnswerHeatmap")
        self.answerMap.setToolTip("Your answer's numbers; outlined cells disagree with the gradient")
        self.errorLabel = QLabel(objectName="matrixMaxError")
        self.errorLabel.setWordWrap(True)
        self.answerEdit = FormulaEdit(self)
        self.answerEdit.setObjectName("matrixAnswerEdit")
        self.answerEdit.setPlaceholderText("Your gradient, e.g. -2*U'*(X - U*V); Enter checks it")
        self.answerEdit.setToolTip("Type the gradient you derived. It is compared with the engine's on several "
                                   "random instances: equal, off by a sign, transposed, off by a factor, wrong "
                                   "shape, or different.")
        self.answerEdit.returnPressed.connect(lambda: self.answer_submitted.emit(self.answerEdit.text().strip()))
        self.answerEdit.history_requested.connect(self.history_requested)
        self.verdict = QLabel(objectName="matrixVerdict")
        self.verdict.setWordWrap(True)
        self._build()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Gradient</b> with respect to"))
        top.addWidget(self.wrtBox)
        top.addStretch(1)
        top.addWidget(self.copyButton)
        details = QHBoxLayout()
        details.addWidget(self.errorLabel, 1)
        details.addWidget(self.shapeLabel)
        grid = QGridLayout()
        grid.addWidget(self.gradientMap, 0, 0)
        grid.addWidget(self.fdMap, 0, 1)
        grid.addWidget(self.differenceMap, 1, 0)
        grid.addWidget(self.answerMap, 1, 1)
        answer = QHBoxLayout()
        self.answerLabel = QLabel("<b>Your answer</b> ∂f/∂ =")
        answer.addWidget(self.answerLabel)
        answer.addWidget(self.answerEdit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.valueLabel)
        layout.addLayout(top)
        layout.addWidget(self.formula)
        layout.addLayout(details)
        layout.addLayout(grid)
        layout.addLayout(answer)
        layout.addWidget(self.verdict)
        layout.addStretch(1)

    def copy_formula(self) -> None:
        QGuiApplication.clipboard().setText(self.formula.text())

    def show_study(self, s: Study, answer_text: str, stale: bool) -> None:
        """Show ``s`` (the last good study while the expression has an error: ``stale``)."""
        self._show_value(s, stale)
        variables = list(s.expression.variables) if s.expression is not None else []
        if [self.wrtBox.itemText(i) for i in range(self.wrtBox.count())] != variables:
            self.wrtBox.clear()
            self.wrtBox.addItems(variables)
        if s.wrt:
            self.wrtBox.setCurrentText(s.wrt)
        self.wrtBox.setEnabled(bool(s.wrt))
        if s.gradient is None:
            self._no_gradient(s)
            return
        self.formula.setText(str(s.gradient))
        self.answerLabel.setText(f"<b>Your answer</b> ∂f/∂{s.wrt} =")
        self.shapeLabel.setText(f"shape {s.gradient.shape[0]}×{s.gradient.shape[1]}")
        self.shapeLabel.setToolTip(f"∂f/∂{s.wrt} has {s.wrt}'s shape: {describe(s.gradient.shape)}")
        scale = _scale(s.gradient_values)
        self.gradientMap.set_data(s.gradient_values, scale=scale, title=f"∂f/∂{s.wrt}")
        self.fdMap.set_data(s.fd_values, scale=scale, title="central differences")
        self.differenceMap.set_data(s.difference, scale=scale, title="difference" if s.max_error is None else
                                    f"difference (largest {short_number(s.max_error)})")
        self.errorLabel.setText(f"Largest |gradient − central differences| = {short_number(s.max_error)}"
                                if s.max_error is not None else "")
        self.answerMap.set_data(s.answer_values, scale=scale, outline=s.disagreement,
                                title="your answer", note="Type your gradient below" if not answer_text else "")
        self._show_verdict(s, answer_text)
        self.copyButton.setEnabled(True)

    def _show_value(self, s: Study, stale: bool) -> None:
        prefix = "<span style='color:#b45309'>(last good result) </span>" if stale else ""
        if s.value is None:
            self.valueLabel.setText(prefix)
        elif s.value.shape == (1, 1):
            self.valueLabel.setText(f"{prefix}f = <b>{float(s.value[0, 0]):.10g}</b> (a scalar)")
        else:
            self.valueLabel.setText(f"{prefix}f is {describe(s.value.shape)}: a gradient needs a scalar "
                                    "expression (wrap it in sum, norm2, tr, … or multiply by a row vector)")

    def _no_gradient(self, s: Study) -> None:
        self.formula.setText("")
        self.shapeLabel.setText("")
        self.errorLabel.setText("")
        self.copyButton.setEnabled(False)
        note = "no gradient: the expression is not a scalar" if s.expression is not None else ""
        for view in (self.gradientMap, self.fdMap, self.differenceMap, self.answerMap):
            view.set_data(None, note=note)
        self.verdict.setText("")

    def _show_verdict(self, s: Study, answer_text: str) -> None:
        if not answer_text:
            self.verdict.setText("")
        elif s.answer_error is not None:
            self.verdict.setText(f"<span style='color:#b91c1c'>Your answer does not read: "
                                 f"{html.escape(str(s.answer_error))}</span>")
        elif s.check is not None:
            error = s.check.relative_error
            extra = f" Relative error ‖yours − gradient‖/‖gradient‖ = {short_number(error)}." \
                if error is not None else ""
            cells = int(np.sum(s.disagreement)) if s.disagreement is not None else 0
            where = f" {cells} cell{'s' if cells != 1 else ''} disagree here (outlined)." if cells else ""
            colour = VERDICT_COLOURS.get(s.check.verdict, "#111827")
            self.verdict.setText(f"<span style='color:{colour}; font-weight:bold'>{html.escape(s.check.words())}"
                                 f"</span>{extra}{where}")
        self.verdict.setToolTip("Checked on several random instances, so a coincidence at one point cannot pass")

    def show_answer_text(self, text: str) -> None:
        editing = self.answerEdit.hasFocus() and self.answerEdit.text().strip() != self.answerEdit.drawn_text
        self.answerEdit.drawn_text = text
        if not editing and self.answerEdit.text() != text:
            self.answerEdit.setText(text)


def _scale(values) -> float | None:
    if values is None:
        return None
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0
