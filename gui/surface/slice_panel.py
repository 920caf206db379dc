"""The Slices panel: f along x = x₀ and along y = y₀ through the selected point (the curves whose slopes are the
partial derivatives), and along a direction u (slope D_u f = ∇f·u), each with its tangent line at the point; and a
polar plot of D_u f against the angle θ of u — least, −‖∇f‖, along −∇f, zero along the level curve.

While this panel is shown the same slices are drawn on the 3D surface and the contour map, where a handle sets u.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from engine.analysis.slices import Slice, directional_by_angle, slices, steepest_directions
from engine.expr.numbers import format_number

BACKGROUND = (24, 26, 32)
SLICE_COLOURS = {"x": (255, 167, 38), "y": (102, 187, 106), "u": (236, 64, 122)}   # by slice: first axis, second, u
POSITIVE, NEGATIVE = (255, 183, 77), (100, 181, 246)    # D_u f > 0 and < 0 on the polar plot
PLOT_HEIGHT = 150


def _plot(parent, title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent, background=BACKGROUND)
    plot.setMinimumHeight(PLOT_HEIGHT)
    plot.setMenuEnabled(False)
    plot.setTitle(title, size="9pt")
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    return plot


class SlicePlot:
    """One slice: the curve, its tangent line at the point, the point, and a line of text with the slope."""

    def __init__(self, parent, key: str):
        self.key = key
        colour = SLICE_COLOURS[key]
        self.plot = _plot(parent, "")
        self.plot.setObjectName(f"slicePlot_{key}")
        self.curve = self.plot.plot(pen=pg.mkPen(colour, width=2), connect="finite")
        self.tangent = self.plot.plot(pen=pg.mkPen((235, 235, 235), width=1.4, style=Qt.PenStyle.DashLine))
        self.marker = self.plot.plot(symbol="o", symbolSize=8, symbolBrush=(255, 255, 255), pen=None)
        self.label = QLabel(parent)
        self.label.setObjectName(f"sliceSlope_{key}")
        self.label.setWordWrap(True)
        self.slice: Slice | None = None

    def show(self, s: Slice, title: str, xlabel: str, slope_text: str) -> None:
        self.slice = s
        self.plot.setTitle(title, size="9pt")
        self.plot.setLabel("bottom", xlabel)
        self.curve.setData(s.t, s.values)
        half = 0.25 * (s.t[-1] - s.t[0])
        self.tangent.setData(*s.tangent(half))
        self.marker.setData([s.origin], [s.value])
        self.label.setText(slope_text)
        finite = s.values[np.isfinite(s.values)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            pad = 0.08 * (hi - lo) if hi > lo else 1.0
            self.plot.setRange(xRange=(s.t[0], s.t[-1]), yRange=(lo - pad, hi + pad), padding=0.0)

    def clear(self) -> None:
        self.slice = None
        for item in (self.curve, self.tangent, self.marker):
            item.setData([], [])
        self.label.clear()


class SlicePanel(QWidget):
    shown_on_views_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("slicePanel")
        self.message = QLabel("Select a point to see the slices through it.", self)
        self.message.setWordWrap(True)
        self.showOnViews = QCheckBox("Draw the slices on the views", self)
        self.showOnViews.setToolTip("The three slices as lines on the contour map and curves on the 3D surface, "
                                    "while this tab is open; drag the pink handle on the contour map to turn u")
        self.showOnViews.setObjectName("showSlicesBox")
        self.showOnViews.setChecked(True)
        self.showOnViews.toggled.connect(self.shown_on_views_changed)
        self.polarLabel = QLabel(self)
        self.polarLabel.setObjectName("polarLabel")
        self.polarLabel.setWordWrap(True)
        self.theta = np.zeros(0)
        self.directional = np.zeros(0)
        self.direction = np.array([1.0, 0.0])   # the unit u of the last slices shown
        self._plots: dict | None = None         # built when the tab is first shown (not in the first picture)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.showOnViews)
        layout.addWidget(self.polarLabel)
        layout.addStretch(1)
        self.clear("Select a point to see the slices through it.")

    @property
    def slice_plots(self) -> dict[str, SlicePlot]:
        return self._built()["slices"]

    @property
    def polar(self) -> pg.PlotWidget:
        return self._built()["polar"]

    def showEvent(self, event) -> None:
        self._built()
        super().showEvent(event)

    def _built(self) -> dict:
        """The plots, built on first use: four plot widgets cost a fifth of the window's start."""
        if self._plots is not None:
            return self._plots
        slice_plots = {key: SlicePlot(self, key) for key in ("x", "y", "u")}
        polar = _plot(self, "D_u f against the angle θ of u")
        polar.setObjectName("polarPlot")
        polar.setAspectLocked(True)
        polar.setMinimumHeight(220)
        polar.hideAxis("left")
        polar.hideAxis("bottom")
        self._circle = polar.plot(pen=pg.mkPen((80, 84, 96), width=1))
        self._positive = polar.plot(pen=pg.mkPen(POSITIVE, width=2), connect="finite")
        self._negative = polar.plot(pen=pg.mkPen(NEGATIVE, width=2), connect="finite")
        self._steepest = polar.plot(pen=pg.mkPen((255, 255, 255), width=1.5), symbol="o", symbolSize=7,
                                    symbolBrush=NEGATIVE)
        self._current = polar.plot(pen=pg.mkPen(SLICE_COLOURS["u"], width=1.5, style=Qt.PenStyle.DashLine))
        layout = self.layout()
        at = layout.indexOf(self.polarLabel)
        for key in ("x", "y", "u"):
            layout.insertWidget(at, slice_plots[key].plot)
            layout.insertWidget(at + 1, slice_plots[key].label)
            at += 2
        layout.insertWidget(at, polar)
        self._plots = {"slices": slice_plots, "polar": polar}
        return self._plots

    # --- showing ------------------------------------------------------------------------------------------------
    def show_point(self, f, axes, analysis, box, direction) -> list[Slice]:
        """Slices of ``f`` through the analysed point (two plotted axes); returns them (for the views)."""
        if analysis is None or len(axes) != 2:
            self.clear("Slices need two plotted variables." if len(axes) != 2 else
                       "Select a point to see the slices through it.")
            return []
        u = np.array([1.0, 0.0]) if direction is None else np.asarray(direction, dtype=np.float64)
        self.direction = u
        found = slices(f, axes, analysis.point, analysis.gradient, box, u)
        (x0, y0), (a, b) = analysis.point, axes
        partial = "∂f/∂{}"
        self.slice_plots["x"].show(found[0], f"f({a}, {b} = {format_number(y0, 4)})", a,
                                   f"slope {partial.format(a)} = {format_number(found[0].slope)}")
        self.slice_plots["y"].show(found[1], f"f({a} = {format_number(x0, 4)}, {b})", b,
                                   f"slope {partial.format(b)} = {format_number(found[1].slope)}")
        self.slice_plots["u"].show(found[2], f"f(p + t·u), u = ({format_number(u[0], 3)}, {format_number(u[1], 3)})",
                                   "t", f"slope D_u f = ∇f·u = {format_number(found[2].slope)}")
        self._show_polar(analysis.gradient, u)
        self.message.setVisible(False)
        return found

    def _show_polar(self, gradient, u) -> None:
        self.theta, self.directional = directional_by_angle(gradient)
        radius = np.abs(self.directional)
        x, y = radius * np.cos(self.theta), radius * np.sin(self.theta)
        positive = self.directional >= 0
        self._positive.setData(np.where(positive, x, np.nan), np.where(positive, y, np.nan))
        self._negative.setData(np.where(~positive, x, np.nan), np.where(~positive, y, np.nan))
        steepest = steepest_directions(gradient)
        norm, least = steepest.gradient_norm, steepest.least_angle
        ring = max(norm, 1e-12)
        self._circle.setData(ring * np.cos(self.theta), ring * np.sin(self.theta))
        self._steepest.setData([0, norm * math.cos(least)], [0, norm * math.sin(least)])
        self._current.setData([0, ring * u[0]], [0, ring * u[1]])
        if norm == 0:
            self.polarLabel.setText("∇f = 0 here: D_u f = 0 in every direction.")
            return
        zero = [math.degrees(angle) for angle in steepest.level_angles]
        self.polarLabel.setText(
            f"Least along −∇f (θ = {math.degrees(least):.1f}°): D_u f = −‖∇f‖ = {format_number(-norm)}. "
            f"Zero along the level curve (θ = {zero[0]:.1f}° and {zero[1]:.1f}°). "
            f"<span style='color:rgb{POSITIVE}'>orange</span>: D_u f &gt; 0, "
            f"<span style='color:rgb{NEGATIVE}'>blue</span>: |D_u f| where it is &lt; 0.")

    def minimum_angle(self) -> float:
        """The angle (radians, 0 … 2π) where the plotted D_u f is least."""
        return float(self.theta[int(np.argmin(self.directional))]) if self.directional.size else 0.0

    def clear(self, message: str) -> None:
        if self._plots is not None:
            for plot in self.slice_plots.values():
                plot.clear()
            for item in (self._circle, self._positive, self._negative, self._steepest, self._current):
                item.setData([], [])
        self.theta, self.directional = np.zeros(0), np.zeros(0)
        self.polarLabel.clear()
        self.message.setText(message)
        self.message.setVisible(True)
