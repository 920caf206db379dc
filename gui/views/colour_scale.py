"""How values become colours (and where contour lines go) in the contour map and on the 3D surface.

Most functions are drawn on a linear scale. When the values over the box span decades above their minimum
(Rosenbrock's walls reach 2500 while its valley stays below 1), a linear map paints nearly everything in the lowest
colour and hides the valley and the minimum; such fields are coloured by log10(f − min + δ) instead, with contour
levels spaced 1-2-5 per decade above the minimum. Ticks always show true values of f.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gui.views.quantiles import median, percentiles
from gui.views.ticks import format_tick, nice_ticks

#: a linear map is abandoned when half the samples would fall in this lowest fraction of the colours (Rosenbrock
#: 0.07, Beale 0.003 on their preset boxes; a quartic bowl 0.18, Himmelblau 0.2 stay linear)
CROWDED_MEDIAN = 0.1
DECADES = 5.0   # a log scale shows this many decades above the minimum (δ is that far below the top)
ROUNDING = 1e-12   # a minimum this small against the range is zero up to rounding (7.9e-31 beside 2500)
TICK_GAP = 0.15    # log-bar labels stay this far apart (fraction of the bar)
#: round values a log bar is labelled with, most preferred first: powers of ten, then 5 and 2 of each decade, then
#: two-digit values that label the decade just above the minimum (0.13 when the minimum is 0.125)
LOG_MANTISSAS = ((1.0,), (5.0, 2.0), (1.5, 3.0, 1.2, 1.3, 1.1))


@dataclass(frozen=True)
class ColourScale:
    kind: str          # "linear" or "log"
    lo: float          # the value drawn in the lowest colour
    hi: float          # the value drawn in the highest colour
    delta: float = 0.0  # log scale: δ in log10(f − lo + δ)

    @classmethod
    def for_values(cls, values: np.ndarray, lo: float | None = None, hi: float | None = None) -> "ColourScale":
        """The scale for these finite values; lo/hi override the range (e.g. a range already clipped of spikes)."""
        values = np.asarray(values, dtype=np.float64)
        values = values[np.isfinite(values)]
        if lo is None or hi is None:
            lo, hi = _robust_range(values)
        if hi > lo and abs(lo) <= ROUNDING * (hi - lo):
            lo = 0.0
        if values.size == 0 or not hi > lo:
            return cls("linear", lo, hi)
        inside = np.clip(values, lo, hi)
        if median(inside) >= lo + CROWDED_MEDIAN * (hi - lo):
            return cls("linear", lo, hi)
        return cls("log", lo, hi, (hi - lo) * 10.0 ** -DECADES)

    @property
    def title(self) -> str:
        return "f (log scale)" if self.kind == "log" else "f"

    @property
    def description(self) -> str:
        if self.kind == "log":
            return (f"Colours on a log scale, log10(f − {format_tick(self.lo)} + {self.delta:.3g}): the values span "
                    f"decades, and a linear scale would hide the low region. The lowest colour is f = "
                    f"{format_tick(self.lo)}")
        return "Colours on a linear scale"

    def fraction(self, values) -> np.ndarray:
        """Where each value sits on the colour bar, 0 (lowest colour) to 1; NaN stays NaN."""
        v = np.clip(np.asarray(values, dtype=np.float64), self.lo, self.hi)
        if self.kind == "log":
            bottom, top = np.log10(self.delta), np.log10(self.hi - self.lo + self.delta)
            return (np.log10(v - self.lo + self.delta) - bottom) / (top - bottom)
        return (v - self.lo) / (self.hi - self.lo)

    def levels(self, count: int = 14) -> np.ndarray:
        """Round contour levels strictly inside (lo, hi), evenly spaced on this scale."""
        if self.kind == "log":
            # not in the lowest decade: lines that close together only trace the sampling grid
            candidates = _log_levels(self.lo, self.hi, 10.0 * self.delta)
        else:
            candidates = np.array(nice_ticks(self.lo, self.hi, count))
        return candidates[(candidates > self.lo) & (candidates < self.hi)]

    def ticks(self, count: int = 5) -> list[tuple[float, float]]:
        """(true value, bar fraction) pairs for labelling a colour bar, at least a tenth of the bar apart."""
        if self.kind == "log":
            return self._log_ticks(count)
        values = nice_ticks(self.lo, self.hi, count)
        out: list[tuple[float, float]] = []
        for v in values:
            t = float(self.fraction(v))
            if self.lo <= v <= self.hi and (not out or t - out[-1][1] >= 0.1):
                out.append((float(v), t))
        return out


    def _log_ticks(self, count: int) -> list[tuple[float, float]]:
        """Round values of f, well spread over a log bar: preferred values first (see LOG_MANTISSAS), each at
        least TICK_GAP from the others. No label at the bottom: the minimum is where log(f − min + δ) has no round
        value (a "0" there reads as log 0); the tooltip names it."""
        chosen: list[tuple[float, float]] = []
        for tier in LOG_MANTISSAS:
            for v in self._round_values(tier):
                t = float(self.fraction(v))
                if len(chosen) < count + 1 and t >= TICK_GAP / 2 and all(abs(t - u) >= TICK_GAP for _, u in chosen):
                    chosen.append((v, t))
        return sorted(chosen, key=lambda pair: pair[1])

    def _round_values(self, mantissas) -> list[float]:
        """m·10^k (and their negatives, and 0) strictly above the bottom decade of the bar, up to hi."""
        first = int(np.floor(np.log10(self.delta)))
        last = int(np.ceil(np.log10(max(abs(self.lo), abs(self.hi), self.hi - self.lo))))
        values = [0.0] + [sign * float(f"{m * 10.0 ** k:.3g}") for k in range(last, first - 1, -1) for m in mantissas
                          for sign in (1, -1)]
        return [v for v in values if self.lo + self.delta < v <= self.hi]


def _robust_range(values: np.ndarray) -> tuple[float, float]:
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = percentiles(values, [0.5, 99.5]) if values.size > 200 else (values.min(), values.max())
    lo, hi = float(min(lo, values.min())), float(hi)   # the minimum itself keeps the lowest colour
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    return lo, hi


def _log_levels(lo: float, hi: float, delta: float, steps=(1.0, 2.0, 5.0)) -> np.ndarray:
    """lo + s·10^k for s in steps, from about δ up to hi − lo, rounded to two significant digits of the value."""
    first, last = int(np.floor(np.log10(delta))), int(np.ceil(np.log10(hi - lo)))
    out = []
    for k in range(first, last + 1):
        for s in steps:
            value = lo + s * 10.0 ** k
            if s * 10.0 ** k >= delta and value < hi:
                out.append(round(value, 1 - k))   # to a tenth of the step: round labels
    return np.unique(np.array(out, dtype=np.float64))
