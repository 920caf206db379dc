"""A temporary coloured frame around the control a tour step points at, brought into view first (its tab chosen,
its scroll area scrolled). The frame is a transparent child of the window: it takes no clicks and hides itself."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QScrollArea, QStackedWidget, QTabWidget, QWidget

COLOUR = QColor(255, 196, 0)
SHOWN_MS = 4000
MARGIN = 3


def reveal(widget: QWidget) -> None:
    """Make ``widget`` visible: every tab page and stacked page it sits in becomes current."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget):
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget) and tabs.indexOf(child) >= 0:
                tabs.setCurrentWidget(child)
            else:
                parent.setCurrentWidget(child)
        if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(widget):
            parent.ensureWidgetVisible(widget)
        child, parent = parent, parent.parentWidget()


class HighlightFrame(QWidget):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("tourHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.target: QWidget | None = None
        self._timer = QTimer(self, singleShot=True, interval=SHOWN_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_around(self, target: QWidget | None) -> None:
        self.target = target
        if target is None:
            self.hide()
            return
        reveal(target)
        window = self.parentWidget()
        top_left = target.mapTo(window, target.rect().topLeft())
        rect = QRect(top_left, target.size()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setGeometry(rect.intersected(window.rect()))
        self.show()
        self.raise_()
        self._timer.start()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(COLOUR, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 5, 5)
        painter.end()
