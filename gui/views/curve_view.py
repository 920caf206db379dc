"""The view of a function of one variable: its curve, with the same picking gestures as the contour view."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gui.views.picking import PickingPlot
from gui.views.quantiles import percentiles

CURVE_PEN = pg.mkPen((120, 200, 255), width=2.2)


class CurveView(PickingPlot):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plotItem.showGrid(x=True, y=True, alpha=0.25)
        self._curve = pg.PlotDataItem(pen=CURVE_PEN, connect="finite")
        self.addItem(self._curve)

    def set_curve(self, xs, ys, labels: tuple[str, str] = ("x", "f")) -> None:
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        self._curve.setData(xs, ys)
        self.plotItem.setLabel("bottom", labels[0])
        self.plotItem.setLabel("left", f"{labels[1]}({labels[0]})")
        finite = ys[np.isfinite(ys)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        if finite.size > 50:
            p_lo, p_hi = percentiles(finite, [1, 99])
            if hi - lo > 25 * max(p_hi - p_lo, 1e-12):
                lo, hi = float(p_lo), float(p_hi)
        pad = 0.06 * (hi - lo) if hi > lo else 1.0
        self.extent = (float(xs[0]), float(xs[-1]), lo - pad, hi + pad)
        self.reset_view()

    def reset_view(self) -> None:
        if self.extent is not None:
            x0, x1, y0, y1 = self.extent
            self._viewbox.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
