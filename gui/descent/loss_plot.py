"""Loss versus step for every run, with a logarithmic option.

On a log scale a loss that can be negative (most surfaces here) is shown as its gap to the best value any run has
reached, f − f_best, floored at a tiny positive number; the axis label says which is shown.

A run that diverges would squash every other curve flat, so the value axis is fitted to the runs that have not
diverged; a diverged run is drawn until it leaves that range and ends there with a triangle at the edge.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.descent.frames import RunFrame
from gui.descent.scene2d import brush, pen

VALUE_CAP = 1e30   # larger values (a run blowing up) are never plotted
RUNAWAY = ("diverged", "undefined")


class StepAxis(pg.AxisItem):
    """Ticks only at whole steps."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = [(float(max(1, round(spacing))), offset)
                  for spacing, offset in super().tickSpacing(minVal, maxVal, size) if spacing >= 1]
        unique = list(dict.fromkeys(levels))
        return unique or [(1.0, 0.0)]


class LossPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self.plot = pg.PlotWidget(background=(24, 26, 32), axisItems={"bottom": StepAxis("bottom")})
        self.plot.setObjectName("lossPlotView")
        self.plot.getPlotItem().hideButtons()   # the auto-range "A" would show in exported frames
        self.plot.setMinimumHeight(120)
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "f")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.setToolTip("Loss of each run at each step (▲/▼: a diverged run left the plotted range there)")
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
        self._exits: dict[int, pg.PlotDataItem] = {}
        self._frames: list[RunFrame] = []
        self._values: dict[int, np.ndarray] = {}
        self.y_range: tuple[float, float] = (-1.0, 1.0)   # in plotted units (log10 of the value on a log scale)

    def curve(self, run_id: int) -> pg.PlotDataItem | None:
        return self._curves.get(run_id)

    def exit_marker(self, run_id: int) -> pg.PlotDataItem | None:
        return self._exits.get(run_id)

    def draw(self, frames: list[RunFrame], values: dict[int, np.ndarray]) -> None:
        """``values[run_id]`` is that run's loss at every step reached; each frame says up to which step to show."""
        self._frames, self._values = frames, values
        live = {f.run_id for f in frames if f.run_id in values}
        for items in (self._curves, self._exits):
            for run_id in [i for i in items if i not in live]:
                self.plot.removeItem(items.pop(run_id))
        use_log = self.log_check.isChecked()
        raw = {f.run_id: np.asarray(values[f.run_id][: f.step + 1], dtype=np.float64) for f in frames
               if f.run_id in live}
        shown = {i: self._plotted(y) for i, y in raw.items()}
        shift = self._log_shift(shown) if use_log else 0.0
        if use_log:   # pyqtgraph plots log10 of the data and ranges in log10 units
            shown = {i: np.maximum(y - shift, 1e-16) for i, y in shown.items()}
        scaled = {i: np.log10(y) for i, y in shown.items()} if use_log else shown
        lo, hi = self._fitted_range(frames, scaled)
        self.plot.setLogMode(y=use_log)
        clipped = False
        for frame in (f for f in frames if f.run_id in live):
            i = frame.run_id
            clipped |= self._draw_run(frame, raw[i], shown[i], scaled[i], (lo, hi), use_log)
        self.y_range = (lo, hi)
        self.plot.setYRange(lo, hi, padding=0.0)
        self.plot.setXRange(0, max([1] + [f.step for f in frames]), padding=0.02)
        self.plot.setLabel("left", "f − f_best" if shift else "f")
        notes = [f"log scale of f − f_best, f_best = {shift:.6g}" if shift else "",
                 "▲ a diverged run left the plotted range" if clipped else ""]
        self.caption.setText("  ·  ".join(n for n in notes if n))

    def _draw_run(self, frame: RunFrame, raw, y, scaled, limits, use_log: bool) -> bool:
        """Draw one run's curve (cut where a diverged run leaves the plotted range); True if it was cut. ``raw``: its
        values, ``y``: those plotted, ``scaled``: them in plotted units; ``limits``: the plotted range in those."""
        lo, hi = limits
        x = np.arange(len(y), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            beyond = np.isinf(raw) | (np.abs(raw) >= VALUE_CAP)   # blown up past anything plottable
            out = (np.isfinite(scaled) & ((scaled < lo) | (scaled > hi))) | beyond
        cut = frame.status in RUNAWAY and bool(out.any())
        up = False
        if cut:
            end = int(np.argmax(out))
            up = bool(raw[end] > 0) if beyond[end] else bool(scaled[end] > hi)
            edge = hi if up else lo
            x, y = x[: end + 1], y[: end + 1].copy()
            y[end] = 10.0 ** edge if use_log else edge
        ok = np.isfinite(y)
        curve = self._curves.get(frame.run_id)
        if curve is None:
            curve = self._curves[frame.run_id] = self.plot.plot()
        curve.setData(x[ok], y[ok], pen=pen(frame.colour, 2.0))
        marker = self._exits.get(frame.run_id)
        if marker is None:
            marker = self._exits[frame.run_id] = pg.PlotDataItem(pen=None, symbolSize=13,
                                                                 symbolPen=pg.mkPen(255, 255, 255, width=1))
            marker.setZValue(10)
            self.plot.addItem(marker)
        marker.setVisible(cut)
        if cut:
            marker.setData([x[-1]], [y[-1]], symbol="t1" if up else "t", symbolBrush=brush(frame.colour))
        return cut

    @staticmethod
    def _plotted(values) -> np.ndarray:
        y = np.asarray(values, dtype=np.float64)
        return np.where(np.isfinite(y) & (np.abs(y) < VALUE_CAP), y, np.nan)

    @staticmethod
    def _fitted_range(frames: list[RunFrame], shown: dict[int, np.ndarray]) -> tuple[float, float]:
        """The value range of the runs that have not diverged (of every run if all have), padded a little."""
        calm = [shown[f.run_id] for f in frames if f.run_id in shown and f.status not in RUNAWAY]
        pool = calm if any(np.isfinite(y).any() for y in calm) else list(shown.values())
        finite = np.concatenate([y[np.isfinite(y)] for y in pool]) if pool else np.array([])
        if finite.size == 0:
            return -1.0, 1.0
        lo, hi = float(finite.min()), float(finite.max())
        pad = 0.06 * (hi - lo) if hi > lo else max(0.05 * abs(lo), 1e-9)
        return lo - pad, hi + pad

    @staticmethod
    def _log_shift(shown: dict[int, np.ndarray]) -> float:
        """0 when no shown value is negative (plot f itself); else a best value to measure the gap from."""
        finite = [v[np.isfinite(v)] for v in shown.values()]
        finite = np.concatenate(finite) if finite else np.array([])
        if finite.size == 0 or finite.min() >= 0:   # zeros (an exact minimum) sit on the floor
            return 0.0
        best = float(finite.min())
        return best - 1e-12 * max(1.0, abs(best))


def loss_values(model) -> dict[int, np.ndarray]:
    return {r.run_id: np.asarray(r.descent.values, dtype=np.float64) for r in model.runs if r.descent is not None}
