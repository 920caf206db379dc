"""The 2D plots' shared gestures: picking a point with the left button, panning with the others.

A left click selects a point (``point_clicked``); a left drag moves it (``point_dragged`` while moving,
``drag_finished`` on release, so a whole drag can become one undo step). Right/middle drag pans, the wheel zooms,
the right-click menu offers "View All" and pyqtgraph's export. Overlays are added in data coordinates with
:meth:`PickingPlot.add_item`.
"""
from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtCore import QPoint, QPointF, Qt, Signal

BACKGROUND = (24, 26, 32)


class PickingViewBox(pg.ViewBox):
    """A ViewBox whose left button picks and drags a point instead of panning.

    Its right-click menu (pyqtgraph's View All, axis controls and export: some fifty widgets) is made the first time
    it is opened, not with the view: it is never in the first picture."""

    clicked = Signal(float, float)
    dragged = Signal(float, float)
    drag_done = Signal(float, float)

    def __init__(self, *args, enableMenu=True, **kwargs):
        super().__init__(*args, enableMenu=False, **kwargs)
        self.state["enableMenu"] = enableMenu

    def setMenuEnabled(self, enableMenu=True):
        self.state["enableMenu"] = enableMenu
        if not enableMenu and self.menu is not None:
            self.menu.setParent(None)
            self.menu = None
        self.sigStateChanged.emit(self)

    def getMenu(self, ev):
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()
        return self.menu

    def getContextMenus(self, event):
        return self.getMenu(event).actions() if self.menuEnabled() else []

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.clicked.emit(p.x(), p.y())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() != Qt.MouseButton.LeftButton:
            # pan with the right or middle button, as the left one is taken by the point
            if ev.button() == Qt.MouseButton.RightButton:
                self._pan(ev)
            else:
                super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        self.dragged.emit(p.x(), p.y())
        if ev.isFinish():
            self.drag_done.emit(p.x(), p.y())

    def _pan(self, ev):
        ev.accept()
        delta = self.mapSceneToView(ev.lastScenePos()) - self.mapSceneToView(ev.scenePos())
        self.translateBy(x=delta.x(), y=delta.y())


class EdgeLabelAxis(pg.AxisItem):
    """A bottom axis whose end tick labels may reach ``hideOverlappingLabels`` pixels past its ends even with a grid
    shown (pyqtgraph's own axis then bounds labels by the view and hides the label of a tick at either end)."""

    def boundingRect(self):
        rect = super().boundingRect()
        reach = self.style["hideOverlappingLabels"]
        if isinstance(reach, bool) or self.grid is False:
            return rect
        return rect.adjusted(-reach, 0, reach, 0)


class PickingPlot(pg.PlotWidget):
    """A plot in data units on the dark background, with the picking gestures of :class:`PickingViewBox`.

    ``extent`` is the (x0, x1, y0, y1) box the subclass last drew, or None before it drew anything.
    """

    point_clicked = Signal(float, float)
    point_dragged = Signal(float, float)
    drag_finished = Signal(float, float)

    def __init__(self, parent=None):
        self._viewbox = PickingViewBox()
        super().__init__(parent, background=BACKGROUND, viewBox=self._viewbox,
                         axisItems={"bottom": EdgeLabelAxis("bottom")})
        self.setMinimumSize(240, 200)
        for side in ("left", "bottom"):
            self.plotItem.getAxis(side).enableAutoSIPrefix(False)   # data units, never "(x0.001)"
        # room on the right for the label of a tick at the plot's right edge (x = 2 on a box ending at 2), which the
        # axis would otherwise hide because it reaches past its end; the neighbouring panel no longer cuts it either
        overhang = self.fontMetrics().horizontalAdvance("−0.000") // 2 + 4
        self.plotItem.getAxis("bottom").setStyle(hideOverlappingLabels=overhang)
        left, top, _right, bottom = self.plotItem.layout.getContentsMargins()
        self.plotItem.layout.setContentsMargins(left, top, overhang, bottom)
        self.setToolTip("Click: select a point · drag: move it · right/middle drag: pan · wheel: zoom")
        self.extent: tuple[float, float, float, float] | None = None
        self._viewbox.clicked.connect(self.point_clicked)
        self._viewbox.dragged.connect(self.point_dragged)
        self._viewbox.drag_done.connect(self.drag_finished)

    def add_item(self, item) -> None:
        if item not in self.plotItem.items:
            self.addItem(item)

    def remove_item(self, item) -> None:
        if item in self.plotItem.items:
            self.removeItem(item)

    def map_to_widget(self, x: float, y: float) -> QPoint:
        """Where the data point (x, y) is on this widget (for tests and for pointing at things)."""
        return self.mapFromScene(self._viewbox.mapViewToScene(QPointF(x, y)))

    def map_from_widget(self, pos: QPoint) -> tuple[float, float]:
        p = self._viewbox.mapSceneToView(self.mapToScene(pos))
        return p.x(), p.y()

    def export_image(self, path: str) -> bool:
        return self.grab().save(path)

    # pyqtgraph's scene leaves press/release unaccepted; accepting them here keeps them from reaching parent
    # widgets (and keeps QTest from warning about unhandled events)
    def mousePressEvent(self, ev):
        super().mousePressEvent(ev)
        ev.accept()

    def mouseReleaseEvent(self, ev):
        super().mouseReleaseEvent(ev)
        ev.accept()
