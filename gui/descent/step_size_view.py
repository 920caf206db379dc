"""Why a step size diverges, in the optimizer panel: for the selected run, one line with the learning-rate threshold
of the quadratic model at the run's start (2/λmax; momentum 2(1+β)/λmax; Nesterov 2(1+β)/((1+2β)λmax); Newton
2(1+damping/λmax)), the predicted contraction factor and the measured ratio of successive distances to the model's
minimum — and the same read live at the run's current point. The learning-rate slider carries a mark at the threshold
with the region beyond it tinted (:class:`ThresholdMark`); the box and the slider say the number in their tooltips
and the box is outlined in red while η exceeds it. The adaptive methods get a plain note that no such threshold
applies. The numbers come from :mod:`engine.analysis.step_size`."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QSizePolicy

from engine.analysis.step_size import (ADAPTIVE, BOUND_NAMES, StepSizeModel, method_note, stability_bound,
                                       step_size_line, step_size_model)
from gui.descent.threshold_slider import ThresholdMark

OVER_STYLE = "QDoubleSpinBox { border: 2px solid #ff3b30; }"
QUIET, LOUD = "palette(mid)", "#ff6b6b"


class StepSizeView(QLabel):
    """The step-size line; :meth:`show_run` redraws it (and the lr row's marks) for a run, or hides it."""

    def __init__(self, lr_row, parent=None):
        super().__init__(parent, objectName="stepSizeLine", wordWrap=True)
        self.setStyleSheet("font-size: 9pt;")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)   # never squeezed to a clip
        self.lr_row = lr_row
        self.mark = ThresholdMark(lr_row)
        self.bound: float | None = None
        self.diverges = False
        self._cache: dict = {}
        self.hide()

    def model_at(self, objective, point) -> StepSizeModel | None:
        """The quadratic model of ``objective`` at ``point`` (cached; None where it cannot be read)."""
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
        if run is not None and run.method in ADAPTIVE:
            self._clear()
            self._say(method_note(run.method), QUIET)
            return
        start = None if run is None or run.method not in BOUND_NAMES else self.model_at(objective, run.start)
        if start is None:
            self._clear()
            return
        points = run.descent.points if run.descent is not None else [run.start]
        lines = [method_note(run.method)] if run.method == "newton" else []
        lines.append("At the start: " + step_size_line(start, run.method, run.hyper, points))
        if len(points) > 1:
            here = self.model_at(objective, points[-1])
            if here is not None:
                lines.append(f"Here (step {len(points) - 1}): "
                             + step_size_line(here, run.method, run.hyper, points).removeprefix("η threshold "))
        self.bound = stability_bound(start, run.method, run.hyper)
        self.diverges = self.bound is None or run.hyper["lr"] >= self.bound
        self._say("\n".join(lines).replace(" · predicted", "\n    predicted"), LOUD if self.diverges else QUIET)
        self._mark_lr(run.hyper["lr"], run.method)

    def _say(self, text: str, colour: str) -> None:
        """Each change re-lays out the panel (a new style also re-polishes): while a race plays, only the live
        line's numbers change from frame to frame."""
        if text != self.text():
            self.setText(text)
        _restyle(self, f"font-size: 9pt; color: {colour};")
        self.show()

    def _mark_lr(self, lr: float, method: str) -> None:
        box, slider, tip = self.lr_row.box, self.lr_row.slider, self.lr_row.spec.tip
        if self.bound is None:
            tip += "\nNo threshold here: the quadratic model at the start has no minimum."
        else:
            tip += (f"\nThreshold {BOUND_NAMES[method]} = {self.bound:.4g} (quadratic model at the start; marked "
                    "on the slider, red beyond it): "
                    + ("η is above it, the run diverges." if lr >= self.bound else "η is below it."))
        if box.toolTip() != tip:
            box.setToolTip(tip)
            slider.setToolTip(tip)
        _restyle(box, OVER_STYLE if self.bound is not None and lr >= self.bound else "")
        self.mark.set_threshold(self.bound)

    def _clear(self) -> None:
        self.bound, self.diverges = None, False
        self.hide()
        self.mark.set_threshold(None)
        for w in (self.lr_row.box, self.lr_row.slider):
            w.setToolTip(self.lr_row.spec.tip)
        _restyle(self.lr_row.box, "")


def _restyle(widget, style: str) -> None:
    if widget.styleSheet() != style:
        widget.setStyleSheet(style)
