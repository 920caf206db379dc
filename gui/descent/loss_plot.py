"""Loss versus step for every run, with a logarithmic option.

On a log scale a loss that can be negative (most surfaces here) is shown as its gap to the best value any run has
reached, f − f_best, floored at a tiny positive number; the axis label says which is shown.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.descent.frames import RunFrame
from gui.descent.scene2d import pen

VALUE_CAP = 1e30   # larger values (a run blowing up) are left out rather than squashing every other curve


class LossPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self.plot = pg.PlotWidget(background=(24, 26, 32))
        self.plot.setObjectName("lossPlotView")
        self.plot.setMinimumHeight(120)
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "f")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.setToolTip("Loss of each run at each step")
        self.log_check = QCheckBox("Log scale", objectName="lossLogCheck")
        self.log_check.setToolTip("Logarithmic loss axis (shows f − f_best when some values are not positive)")
        self.log_check.toggled.connect(lambda _: self.draw(self._frames, self._values))
        self.caption = QLabel(objectName="lossCaption")
        self.caption.setStyleSheet("color: palette(mid);")
        top = QHBoxLayout()
        top.addWidget(QLabel("Loss"))
        top.addWidget(self.caption, 1)
        top.addWidget(self.log_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        self._curves: dict[int, pg.PlotDataItem] = {}
        self._frames: list[RunFrame] = []
        self._values: dict[int, np.ndarray] = {}

    def curve(self, run_id: int) -> pg.PlotDataItem | None:
        return self._curves.get(run_id)

    def draw(self, frames: list[RunFrame], values: dict[int, np.ndarray]) -> None:
        """``values[run_id]`` is that run's loss at every step reached; each frame says up to which step to show."""
        self._frames, self._values = frames, values
        for run_id in [i for i in self._curves if i not in values]:
            self.plot.removeItem(self._curves.pop(run_id))
        shown = {f.run_id: np.asarray(values[f.run_id][: f.step + 1], dtype=np.float64) for f in frames}
        use_log = self.log_check.isChecked()
        shift = self._log_shift(shown) if use_log else 0.0
        for frame in frames:
            y = shown[frame.run_id]
            y = np.where(np.isfinite(y) & (np.abs(y) < VALUE_CAP), y, np.nan)
            if use_log:
                y = np.maximum(y - shift, 1e-16) if shift else y
            x = np.arange(len(y), dtype=np.float64)
            ok = np.isfinite(y)
            curve = self._curves.get(frame.run_id)
            if curve is None:
                curve = self._curves[frame.run_id] = self.plot.plot()
            curve.setData(x[ok], y[ok], pen=pen(frame.colour, 2.0))
        self.plot.setLogMode(y=use_log)
        self.plot.setLabel("left", "f − f_best" if shift else "f")
        self.caption.setText(f"(log scale of f − f_best, f_best = {shift:.6g})" if shift else "")

    @staticmethod
    def _log_shift(shown: dict[int, np.ndarray]) -> float:
        """0 when every shown value is positive (plot f itself); else a best value to measure the gap from."""
        finite = [v[np.isfinite(v) & (np.abs(v) < VALUE_CAP)] for v in shown.values()]
        finite = np.concatenate(finite) if finite else np.array([])
        if finite.size == 0 or finite.min() > 0:
            return 0.0
        best = float(finite.min())
        return best - 1e-12 * max(1.0, abs(best))


def loss_values(model) -> dict[int, np.ndarray]:
    return {r.run_id: np.asarray(r.descent.values, dtype=np.float64) for r in model.runs if r.descent is not None}

