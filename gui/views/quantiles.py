"""Percentiles as ``np.percentile`` computes them (its default, linear interpolation), without its first call's cost:
that call imports ``numpy.ma``, 30–90 ms of a cold start once PySide6 is loaded (it reads every module's source as
it is imported). The views ask for a couple of percentiles of finite samples when they draw a function."""
from __future__ import annotations

import numpy as np


def percentiles(values, qs) -> np.ndarray:
    """The ``qs`` percentiles (0–100) of ``values`` (finite, at least one), like ``np.percentile(values, qs)``."""
    flat = np.ravel(np.asarray(values, dtype=np.float64))
    position = np.asarray(qs, dtype=np.float64) / 100.0 * (flat.size - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, flat.size - 1)
    ordered = np.partition(flat, sorted({int(i) for i in (*below, *above)}))   # np.unique imports numpy.ma too
    a, b, t = ordered[below], ordered[above], position - below
    with np.errstate(over="ignore", invalid="ignore"):
        difference = b - a
        # numpy's own lerp: from the nearer end, so that a percentile never leaves [a, b] by rounding
        return np.where(t >= 0.5, b - difference * (1.0 - t), a + difference * t)


def median(values) -> float:
    """``np.median`` of finite ``values`` (at least one), without its first call's import of ``numpy.ma``."""
    flat = np.ravel(np.asarray(values, dtype=np.float64))
    half = flat.size // 2
    if flat.size % 2:
        return float(np.partition(flat, half)[half])
    ordered = np.partition(flat, [half - 1, half])
    with np.errstate(over="ignore", invalid="ignore"):   # two values near ±1.8e308: their mean overflows, as numpy's
        return float(np.mean(ordered[half - 1: half + 1]))
