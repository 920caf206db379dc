"""A small badge in the canvas's bottom-left corner saying what a big graph is still working on: its numbers (the
passes after an edit run on a worker; meanwhile the numbers shown are those before the edit, greyed) or its edges
(routed a slice at a time after an open, with how many are left, when that is more than a few).

It floats over the canvas, so showing it changes no layout (a relayout would repaint the whole canvas, which on a
5,000-node graph costs more than what the badge announces).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from gui.progress_bar import ProgressBar

MARGIN = 8
FEW_EDGES = 50   # a move re-routes a few edges in a slice or two: no badge flashes for them


class BusyBadge(QFrame):
    def __init__(self, canvas, scene):
        super().__init__(canvas)
        self.setObjectName("graphBusy")
        self.setStyleSheet("#graphBusy { background: rgba(255, 251, 235, 235); border: 1px solid #f59e0b; "
                           "border-radius: 4px; } #graphBusy QLabel { color: #78350f; }")
        # its new value is painted with the next frame: Qt's setValue repaints at once, and a widget's immediate
        # repaint paints everything pending in its window (from a big graph's slice: the whole canvas, mid-slice)
        self.bar = ProgressBar(objectName="graphBusyBar")
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(64, 10)
        self.text = QLabel(objectName="graphBusyText")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.bar)
        row.addWidget(self.text)
        self.canvas = canvas
        self.numbers = False            # the numbers shown are stale (newer ones are being computed)
        self.routing: tuple[int, int] = (0, 0)   # (edges still to route, edges) while a big graph routes
        self.hide()
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        scene.numbers_stale.connect(self.set_numbers)
        scene.routing.connect(self.set_routing)
        self._follow = _Follow(self)
        canvas.installEventFilter(self._follow)

    def set_numbers(self, stale: bool):
        self.numbers = stale
        self._show()

    def set_routing(self, left: int, total: int):
        self.routing = (left, total)
        self._show()

    def _show(self):
        left, total = self.routing
        if self.numbers:
            self.bar.setRange(0, 0)   # how long a pass takes is not known: a busy bar
            self.text.setText("Updating the numbers… (grey: from before the edit)")
            self.setToolTip("The passes run on a worker so the window stays responsive; the greyed values, "
                            "adjoints and partials are those of the graph before your last edit")
        elif left >= FEW_EDGES:
            self.bar.setRange(0, total)
            self.bar.setValue(total - left)
            self.text.setText(f"Routing edges: {left:,} of {total:,} left")
            self.setToolTip("Edges near the view are routed first; the rest follow a slice at a time")
        if not (self.numbers or left >= FEW_EDGES):
            if self.isVisible():
                self.hide()
                self.canvas.viewport().update()   # the canvas repaints only exposed strips: leave no trace of the badge
            return
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def _place(self):
        viewport = self.canvas.viewport().geometry()
        self.move(viewport.left() + MARGIN, viewport.bottom() - self.height() - MARGIN)


class _Follow(QObject):
    """Keeps the badge in the corner when the canvas is resized."""

    def __init__(self, badge: BusyBadge):
        super().__init__(badge)
        self.badge = badge

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Resize and self.badge.isVisible():
            self.badge._place()
        return False
