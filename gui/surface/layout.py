"""The Surface workspace's widgets and how they are laid out: the function bar and view controls on top, the views
(3D surface and contour map side by side, or the curve of a one-variable function) with the cursor readout under
them, and the side panels (Inspect, Approximation, Critical points, Slices), each in a scroll area so that all of it
is reachable on a small screen.

The curve view is not in the first picture: :func:`build_curve_view` makes it when a function of one variable is
first drawn (or the view is first asked for)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from gui.surface.approximation import ApproximationPanel
from gui.surface.controls import ViewControls
from gui.surface.critical_panel import CriticalPanel
from gui.surface.function_bar import FunctionBar
from gui.surface.inspector import PointInspector
from gui.surface.slice_panel import SlicePanel
from gui.views.contour_view import ContourView
from gui.views.surface_view import SurfaceView

def build_workspace(self) -> None:
    """The workspace's widgets, as attributes of ``self`` (the workspace): function bar, controls, views, side."""
    self.function_bar = FunctionBar(self.presets, self)
    self.expressionEdit, self.expressionError = self.function_bar.expressionEdit, self.function_bar.expressionError
    self.controls = ViewControls(self)
    self.surfaceView = SurfaceView(self)
    self.surfaceView.setObjectName("surfaceView")
    self.contourView = ContourView(self)
    self.contourView.setObjectName("contourView")
    pair = QSplitter(Qt.Orientation.Horizontal, self)
    pair.addWidget(self.surfaceView)
    pair.addWidget(self.contourView)
    pair.setSizes([560, 440])
    self.views = QStackedWidget(self)
    self.views.addWidget(pair)
    self.cursorLabel = QLabel(self)
    self.cursorLabel.setStyleSheet("color: #a0a8b8;")
    left = QWidget(self)
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.addWidget(self.views, 1)
    left_layout.addWidget(self.cursorLabel)
    main = QSplitter(Qt.Orientation.Horizontal, self)
    main.addWidget(left)
    main.addWidget(_build_side(self))
    main.setStretchFactor(0, 1)
    main.setSizes([1000, 380])
    layout = QVBoxLayout(self)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(self.function_bar)
    layout.addWidget(self.controls)
    layout.addWidget(main, 1)


def build_curve_view(self) -> QWidget:
    """The one-variable view, second in the views' stack (what the workspace's ``curveView`` builds on first use)."""
    from gui.views.curve_view import CurveView
    view = CurveView(self)
    view.setObjectName("curveView")
    self.views.addWidget(view)
    return view


def _build_side(self) -> QWidget:
    self.inspector = PointInspector(self)
    self.approximation = ApproximationPanel(self)
    self.critical = CriticalPanel(self)
    self.slices = SlicePanel(self)
    self.side = QTabWidget(self)
    self.side.setObjectName("sideTabs")
    for panel, title in ((self.inspector, "Inspect"), (self.approximation, "Approximation"),
                         (self.critical, "Critical points"), (self.slices, "Slices")):
        scroll = QScrollArea(self)   # every panel scrolls: all of it is reachable on a small screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(panel)
        self.side.addTab(scroll, title)
    return self.side
