"""Why a step size diverges, in the optimizer panel: for the selected gradient-descent or momentum run, one line with
the learning-rate threshold from the quadratic model at the run's start (2/λmax, momentum 2(1+β)/λmax), the
predicted contraction factor and the measured ratio of successive distances to the model's minimum — and the same
read live at the run's current point. The learning-rate box gets the threshold in its tooltip and a red outline
while η exceeds it. The numbers come from :mod:`engine.analysis.step_size`."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QSizePolicy

from engine.analysis.step_size import StepSizeModel, stability_bound, step_size_line, step_size_model

METHODS = ("gd", "momentum")
OVER_STYLE = "QDoubleSpinBox { border: 2px solid #ff3b30; }"


class StepSizeView(QLabel):
    """The step-size line; :meth:`show_run` redraws it (and the lr box's mark) for a run, or hides it."""

    def __init__(self, lr_row, parent=None):
        super().__init__(parent, objectName="stepSizeLine", wordWrap=True)
        self.setStyleSheet("font-size: 9pt;")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)   # never squeezed to a clip
        self.lr_row = lr_row
        self.bound: float | None = None
        self.diverges = False
        self._cache: dict = {}
        self.hide()

    def _model(self, objective, point) -> StepSizeModel | None:
        key = (id(objective), np.asarray(point, dtype=np.float64).tobytes())
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.clear()
            try:
                with np.errstate(all="ignore"):
                    self._cache[key] = step_size_model(objective, point)
            except (ArithmeticError, ValueError, TypeError):
                self._cache[key] = None
        return self._cache[key]

    def show_run(self, objective, run) -> None:
        """Redraw for ``run`` (None: no run selected) of ``objective``."""
        start = None if run is None or run.method not in METHODS else self._model(objective, run.start)
        if start is None:
            self._clear()
            return
        points = run.descent.points if run.descent is not None else [run.start]
        lines = ["At the start: " + step_size_line(start, run.method, run.hyper, points)]
        if len(points) > 1:
            here = self._model(objective, points[-1])
            if here is not None:
                lines.append(f"Here (step {len(points) - 1}): "
                             + step_size_line(here, run.method, run.hyper, points).removeprefix("η threshold "))
        self.setText("\n".join(lines).replace(" · predicted", "\n    predicted"))   # short lines
        self.bound = stability_bound(start, run.method, run.hyper)
        self.diverges = self.bound is None or run.hyper["lr"] >= self.bound
        colour = "#ff6b6b" if self.diverges else "palette(mid)"
        self.setStyleSheet(f"font-size: 9pt; color: {colour};")
        self._mark_lr(run.hyper["lr"], run.method)
        self.show()

    def _mark_lr(self, lr: float, method: str) -> None:
        box, tip = self.lr_row.box, self.lr_row.spec.tip
        if self.bound is None:
            box.setToolTip(tip + "\nNo threshold here: the quadratic model at the start has no minimum.")
        else:
            name = "2/λmax" if method == "gd" else "2(1+β)/λmax"
            box.setToolTip(tip + f"\nThreshold {name} = {self.bound:.4g} (quadratic model at the start): "
                           + ("η is above it, the run diverges." if lr >= self.bound else "η is below it."))
        box.setStyleSheet(OVER_STYLE if self.bound is not None and lr >= self.bound else "")

    def _clear(self) -> None:
        self.bound, self.diverges = None, False
        self.hide()
        self.lr_row.box.setToolTip(self.lr_row.spec.tip)
        self.lr_row.box.setStyleSheet("")
