"""Readable axis ticks and number formatting shared by the views."""
from __future__ import annotations

import math

import numpy as np

from engine.expr.numbers import format_number


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round values (1, 2, 2.5 or 5 × 10^k apart) inside [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = np.arange(first, hi + step * 1e-9, step)
    return [0.0 if abs(t) < step * 1e-9 else float(t) for t in ticks]


def format_tick(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.2g}"
    return f"{value:.4g}"


ZERO_TO_ROUNDING = 1e-12


def format_value(value: float, scale: float, digits: int = 6) -> str:
    """A value of f for a person: "0" when it is zero up to rounding against ``scale``, the size of f's values
    around it (a minimum computed as 7.9e−31 where f reaches hundreds is 0)."""
    if math.isfinite(value) and abs(value) <= ZERO_TO_ROUNDING * scale:
        return "0"
    return format_number(value, digits)
