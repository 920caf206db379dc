"""Loss versus step for every run, with a logarithmic option.

On a log scale a loss that can be negative (most surfaces here) is shown as its gap to the best value any run has
reached, f − f_best, floored at a tiny positive number; the axis label says which is shown.

A run that diverges would squash every other curve flat, so the value axis is fitted to the runs that have not
diverged; a diverged run is drawn until it leaves that range and ends there with a triangle at the edge.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.descent.frames import RunFrame
from gui.descent.scene2d import brush, pen
from gui.views.growing import Growing

VALUE_CAP = 1e30   # larger values (a run blowing up) are never plotted
RUNAWAY = ("diverged", "undefined")
_UNSET = object()


def cache_axes(plot_item) -> None:
    """Keep each axis (ticks, labels, grid) as a pixmap, repainted only when the axis changes: otherwise every
    frame of an animation replays every axis' drawing (6 ms each with a grid on a software renderer)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


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
        cache_axes(self.plot.getPlotItem())
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
        self._values: dict[int, np.ndarray] | None = None
        self._series: dict[int, _Series] = {}
        self._drawn: dict[int, tuple] = {}     # what each curve shows, so an unchanged one is not set again
        self._cut: dict[int, bool] = {}
        self._applied: dict[str, object] = {}
        self._log_mode = False
        self.ranges_held = False   # an export replaying the race keeps the whole race's axes (see hold_ranges)
        self._x = np.arange(0, dtype=np.float64)
        self.y_range: tuple[float, float] = (-1.0, 1.0)   # in plotted units (log10 of the value on a log scale)

    def curve(self, run_id: int) -> pg.PlotDataItem | None:
        return self._curves.get(run_id)

    def exit_marker(self, run_id: int) -> pg.PlotDataItem | None:
        return self._exits.get(run_id)

    def draw(self, frames: list[RunFrame], values: dict[int, np.ndarray] | None = None) -> None:
        """Each frame's run up to the step it shows (``values[run_id]``, if given, replaces the frame's values).

        A run's plotted values are appended to as it steps and its range is kept as running extremes, so a frame
        costs the same at step 3,000 as at step 10; a run whose curve did not change is not touched."""
        self._frames, self._values = frames, values
        live = {f.run_id for f in frames}
        for items in (self._curves, self._exits):
            for run_id in [i for i in items if i not in live]:
                self.plot.removeItem(items.pop(run_id))
        for cache in (self._series, self._drawn, self._cut):
            for run_id in [i for i in cache if i not in live]:
                del cache[run_id]
        use_log = self.log_check.isChecked()
        shown = {}
        for frame in frames:
            raw = frame.values if values is None else np.asarray(values[frame.run_id][: frame.step + 1], float)
            shown[frame.run_id] = self._series.setdefault(frame.run_id, _Series()).sync(frame.key, raw)
        shift = self._log_shift(list(shown.values())) if use_log else 0.0
        lo, hi = self._fitted_range(frames, shown, use_log, shift)
        if self._log_mode != use_log:
            self._log_mode = use_log
            self.plot.setLogMode(y=use_log)
        clipped = False
        for frame in frames:
            clipped |= self._draw_run(frame, shown[frame.run_id], shift, (lo, hi), use_log)
        if not self.ranges_held:
            self.y_range = (lo, hi)
            self._set_once("y", (lo, hi), lambda: self.plot.setYRange(lo, hi, padding=0.0))
            last = _round_up(max([1] + [f.step for f in frames]))   # the axis changes every so many steps
            self._set_once("x", last, lambda: self.plot.setXRange(0, last, padding=0.02))
        label = "f − f_best" if shift else "f"
        self._set_once("label", label, lambda: self.plot.setLabel("left", label))
        notes = [f"log scale of f − f_best, f_best = {shift:.6g}" if shift else "",
                 "▲ a diverged run left the plotted range" if clipped else ""]
        caption = "  ·  ".join(n for n in notes if n)
        self._set_once("caption", caption, lambda: self.caption.setText(caption))

    def hold_ranges(self, held: bool) -> None:
        """Keep the axes as they are now (an export replays the race inside the whole race's ranges, so its frames
        differ only where curves grow), or follow the runs again."""
        self.ranges_held = bool(held)

    def _set_once(self, what: str, value, apply) -> None:
        """Apply a change to the plot only when it is one (each call relays out the axes or the window)."""
        if self._applied.get(what, _UNSET) != value:
            self._applied[what] = value
            apply()

    def _draw_run(self, frame: RunFrame, series, shift: float, limits, use_log: bool) -> bool:
        """Draw one run's curve (cut where a diverged run leaves the plotted range); True if it was cut.
        ``series``: (its plotted values, (their least, their greatest)); ``limits``: the plotted range, in plotted
        units (log10 of the value on a log scale)."""
        y, _extremes = series
        runaway = frame.status in RUNAWAY
        key = (frame.key, len(y), frame.colour, use_log, shift, limits if runaway else None)
        curve = self._curves.get(frame.run_id)
        if curve is not None and self._drawn.get(frame.run_id) == key:
            return self._cut.get(frame.run_id, False)
        self._drawn[frame.run_id] = key
        if curve is None:
            curve = self._curves[frame.run_id] = self.plot.plot()
            curve.setClipToView(True)   # with auto downsampling, a paint costs the plot's width, not the trail's
            curve.setDownsampling(auto=True, method="peak")
        if use_log:   # pyqtgraph plots log10 of the data and ranges in log10 units
            y = np.maximum(y - shift, 1e-16)
        x = self._steps(len(y))
        cut, up = False, False
        if runaway:
            raw = np.asarray(frame.values[: len(y)], dtype=np.float64)
            x, y, cut, up = _cut_where_it_leaves(x, y, raw, limits, use_log)
        ok = np.isfinite(y)
        curve.setData(x[ok], y[ok], pen=pen(frame.colour, 2.0))
        self._draw_exit(frame, cut, up, x, y)
        self._cut[frame.run_id] = cut
        return cut

    def _draw_exit(self, frame: RunFrame, cut: bool, up: bool, x, y) -> None:
        marker = self._exits.get(frame.run_id)
        if marker is None:
            marker = self._exits[frame.run_id] = pg.PlotDataItem(pen=None, symbolSize=13,
                                                                 symbolPen=pg.mkPen(255, 255, 255, width=1))
            marker.setZValue(10)
            self.plot.addItem(marker)
        marker.setVisible(cut)
        if cut:
            marker.setData([x[-1]], [y[-1]], symbol="t1" if up else "t", symbolBrush=brush(frame.colour))

    def _steps(self, n: int) -> np.ndarray:
        if len(self._x) < n:
            self._x = np.arange(max(n, 2 * len(self._x)), dtype=np.float64)
        return self._x[:n]

    @staticmethod
    def _fitted_range(frames: list[RunFrame], shown: dict, use_log: bool, shift: float) -> tuple[float, float]:
        """The value range of the runs that have not diverged (of every run if all have), padded a little."""
        def extremes(pool):
            ends = [shown[f.run_id][1] for f in pool]
            ends = [e for e in ends if e is not None]
            return (min(e[0] for e in ends), max(e[1] for e in ends)) if ends else None
        span = extremes([f for f in frames if f.status not in RUNAWAY]) or extremes(frames)
        if span is None:
            return -1.0, 1.0
        lo, hi = span
        if use_log:
            lo, hi = (float(np.log10(max(v - shift, 1e-16))) for v in (lo, hi))
        pad = 0.06 * (hi - lo) if hi > lo else max(0.05 * abs(lo), 1e-9)
        return lo - pad, hi + pad

    @staticmethod
    def _log_shift(shown: list) -> float:
        """0 when no shown value is negative (plot f itself); else a best value to measure the gap from."""
        lows = [ends[0] for _, ends in shown if ends is not None]
        if not lows or min(lows) >= 0:   # zeros (an exact minimum) sit on the floor
            return 0.0
        best = float(min(lows))
        return best - 1e-12 * max(1.0, abs(best))


class _Series:
    """One run's plotted values (non-finite and huge ones as NaN), appended as it steps, with running extremes."""

    def __init__(self):
        self.key, self.values, self.extremes = None, Growing(1), None

    def sync(self, key, raw) -> tuple[np.ndarray, tuple[float, float] | None]:
        """(the plotted values of ``raw``, (their least, their greatest) finite value or None)."""
        n = len(raw)
        if key != self.key or n < self.values.size:
            if key == self.key:   # an earlier step (the export replays): that prefix's own extremes
                y = self.values.view(n)[:, 0]
                return y, _extremes(y)
            self.key, self.values, self.extremes = key, Growing(1), None
        if n > self.values.size:
            new = _plotted(raw[self.values.size: n])
            self.values.append(new)
            found = _extremes(new)
            if found is not None:
                old = self.extremes or found
                self.extremes = (min(old[0], found[0]), max(old[1], found[1]))
        return self.values.view()[:, 0], self.extremes


def _round_up(step: int) -> int:
    """The step axis' end: ``step`` rounded up to 1, 2, 3 or 5 times a power of ten (37 → 50, 3001 → 5000), so the
    axis, its ticks and its grid are redrawn four times per decade rather than on every frame."""
    if step <= 10:
        return max(step, 1)
    decade = 10 ** int(np.floor(np.log10(step)))
    return next(m * decade for m in (1, 2, 3, 5, 10) if m * decade >= step)


def _plotted(values) -> np.ndarray:
    y = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(y) & (np.abs(y) < VALUE_CAP), y, np.nan)


def _extremes(y: np.ndarray) -> tuple[float, float] | None:
    finite = y[np.isfinite(y)]
    return (float(finite.min()), float(finite.max())) if finite.size else None


def _cut_where_it_leaves(x, y, raw, limits, use_log: bool):
    """A diverged run's curve ends where it leaves the plotted range, at the edge: (x, y, cut, upwards)."""
    lo, hi = limits
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.log10(y) if use_log else y
        beyond = np.isinf(raw) | (np.abs(raw) >= VALUE_CAP)   # blown up past anything plottable
        out = (np.isfinite(scaled) & ((scaled < lo) | (scaled > hi))) | beyond
    if not out.any():
        return x, y, False, False
    end = int(np.argmax(out))
    up = bool(raw[end] > 0) if beyond[end] else bool(scaled[end] > hi)
    edge = hi if up else lo
    x, y = x[: end + 1], y[: end + 1].copy()
    y[end] = 10.0 ** edge if use_log else edge
    return x, y, True, up
