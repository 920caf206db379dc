"""Descend: gradient descent or Adam on the expression over the ticked variables, animated (matrixDescendButton),
with the loss curve (matrixLossPlot), the run's status (divergence flagged in red) and two formulas side by side
on one colour scale (for a factorization U*V beside X)."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from engine.matrix.workbench import DESCENT_METHODS, Study
from gui.descent.panel import STATUS_COLOURS
from gui.matrix.heatmap import HeatmapView, short_number
from gui.number_box import read_number

METHOD_LABELS = {"gd": "Gradient descent", "adam": "Adam"}


class DescendPanel(QWidget):
    descend_clicked = Signal()
    settings_changed = Signal(tuple, str, object)   # variables, method, learning rate (None: automatic)
    refused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.variablesRow = QHBoxLayout()
        self.checks: dict[str, QCheckBox] = {}
        self.methodBox = QComboBox(objectName="matrixMethodBox")
        for method in DESCENT_METHODS:
            self.methodBox.addItem(METHOD_LABELS[method], method)
        self.methodBox.setToolTip("Gradient descent: X ← X − η∇f. Adam: momentum and per-entry step sizes.")
        self.methodBox.activated.connect(lambda _i: self._emit_settings())
        self.rateEdit = QLineEdit(objectName="matrixLearningRate")
        self.rateEdit.setPlaceholderText("auto")
        self.rateEdit.setMaximumWidth(90)
        self.rateEdit.setMinimumWidth(56)
        self.rateEdit.setToolTip("Learning rate η. Empty: chosen for the function (halved while a short trial run "
                                 "overshoots). Too large diverges.")
        self.rateEdit.editingFinished.connect(self._emit_settings)
        self.speedBox = QSpinBox(objectName="matrixStepsPerFrame", minimum=1, maximum=200, value=5)
        self.speedBox.setToolTip("Optimizer steps per animation frame (about 30 frames a second)")
        self.descendButton = QPushButton("Descend ▶", objectName="matrixDescendButton")
        self.descendButton.setToolTip("Run the optimizer over the ticked variables, animated (Ctrl+D); press "
                                      "again to pause. The whole run is one undo step.")
        self.descendButton.clicked.connect(self.descend_clicked)
        self.status = QLabel(objectName="matrixDescendStatus")
        self.status.setWordWrap(True)
        self.lossPlot = pg.PlotWidget(objectName="matrixLossPlot")
        self.lossPlot.setBackground("w")
        self.lossPlot.setLabel("bottom", "step")
        self.lossPlot.setLabel("left", "f")
        self.lossPlot.setMinimumHeight(120)
        self.lossPlot.setToolTip("The loss at every step of the run (log scale while it stays positive)")
        self.curve = self.lossPlot.plot([], [], pen=pg.mkPen("#2563eb", width=2))
        self.compareMaps = [HeatmapView("", parent=self), HeatmapView("", parent=self)]
        for i, view in enumerate(self.compareMaps):
            view.setObjectName(f"matrixCompare_{i}")
            view.setToolTip("Shown side by side on one colour scale while the variables move")
        self._build()

    def _build(self) -> None:
        over = QHBoxLayout()
        over.addWidget(QLabel("<b>Descend</b> over"))
        over.addLayout(self.variablesRow)
        over.addStretch(1)
        settings = QHBoxLayout()
        settings.addWidget(self.methodBox)
        settings.addWidget(QLabel("η"))
        settings.addWidget(self.rateEdit)
        settings.addStretch(1)
        run = QHBoxLayout()
        run.addWidget(QLabel("steps/frame"))
        run.addWidget(self.speedBox)
        run.addWidget(self.descendButton, 1)
        controls = QVBoxLayout()
        controls.addLayout(over)
        controls.addLayout(settings)
        controls.addLayout(run)
        compare = QHBoxLayout()
        for view in self.compareMaps:
            compare.addWidget(view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.lossPlot, 1)
        layout.addLayout(compare, 1)

    # --- settings -------------------------------------------------------------------------------------------
    def chosen(self) -> tuple[tuple[str, ...], str, float | None]:
        names = tuple(n for n, c in self.checks.items() if c.isChecked())
        return names, self.methodBox.currentData(), self.learning_rate()

    def learning_rate(self) -> float | None:
        text = self.rateEdit.text().strip()
        if not text:
            return None
        try:
            value = read_number(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 < value < 1e6):
            raise ValueError(f"the learning rate must be a number between 0 and 1e6, not {text!r}")
        return value

    def _emit_settings(self) -> None:
        try:
            names, method, lr = self.chosen()
        except ValueError as error:
            self.refused.emit(str(error))
            return
        self.settings_changed.emit(names, method, lr)

    def show_settings(self, variables: list[str], descend: tuple[str, ...], method: str, lr) -> None:
        if list(self.checks) != variables:
            for check in self.checks.values():
                check.deleteLater()
            self.checks = {}
            for name in variables:
                check = QCheckBox(name, objectName=f"matrixDescend_{name}")
                check.setToolTip(f"Move {name} in the descent (the others stay fixed)")
                check.toggled.connect(lambda _on: self._emit_settings())
                self.variablesRow.addWidget(check)
                self.checks[name] = check
        for name, check in self.checks.items():
            check.blockSignals(True)
            check.setChecked(name in descend)
            check.blockSignals(False)
        self.methodBox.setCurrentIndex(max(0, self.methodBox.findData(method)))
        if not self.rateEdit.hasFocus():
            self.rateEdit.setText("" if lr is None else f"{lr:g}")

    # --- a run ----------------------------------------------------------------------------------------------
    def show_running(self, running: bool) -> None:
        self.descendButton.setText("Pause ❚❚" if running else "Descend ▶")

    def show_run(self, descent, learning_rate) -> None:
        losses = np.asarray(descent.losses, dtype=np.float64)
        shown = losses[np.isfinite(losses)]
        log = bool(shown.size and np.all(shown > 0))
        self.lossPlot.setLogMode(y=log)
        self.curve.setData(np.arange(shown.size), shown)
        kind = descent.status
        steps = descent.run.steps_taken
        text = {"running": f"step {steps}: f = {short_number(losses[-1])}",
                "converged": f"Converged — {descent.message}",
                "max_steps": f"Stopped — {descent.message}",
                "diverged": f"Diverged — {descent.message}. The numbers shown are the last finite ones; try a "
                            f"smaller learning rate."}[kind]
        colour = STATUS_COLOURS.get(kind, "#374151") if kind != "running" else "#374151"
        self.status.setText(f"<span style='color:{colour}'>{text}</span> (η = {learning_rate:g})")

    def show_compare(self, study: Study) -> None:
        shown = [(text, values, error) for text, values, error in study.compare][:2]
        finite = [np.abs(v[np.isfinite(v)]) for _, v, _ in shown if v is not None]
        scale = max((float(f.max()) for f in finite if f.size), default=None)
        for view, item in zip(self.compareMaps, shown + [None] * (2 - len(shown))):
            view.setVisible(item is not None)
            if item is not None:
                text, values, error = item
                view.set_data(values, scale=scale, title=text, note=error)
