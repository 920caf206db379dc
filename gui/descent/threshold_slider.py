"""The learning-rate threshold drawn on the learning-rate slider: a tick at the largest stable η of the quadratic model
(2/λmax for gradient descent, the method's own bound for momentum, Nesterov and Newton) and the groove beyond it
tinted red, so the slider shows where a step size stops converging before the user drags past it.

An overlay widget on top of the slider (transparent to the mouse), so the slider itself stays a plain QSlider; it
maps values to pixels through the slider's own style, the same way the slider places its handle.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyleOptionSlider, QWidget

MARK_COLOUR = QColor(255, 59, 48)          # the tick (the same red as the lr box's outline)
BEYOND_COLOUR = QColor(255, 59, 48, 90)    # the groove past the threshold
BAND = 8                                   # height of the tinted band around the groove, pixels


class ThresholdMark(QWidget):
    """Paints over ``row.slider`` (a HyperRow's): :meth:`set_threshold` shows a value, or hides the mark (None)."""

    def __init__(self, row):
        super().__init__(row.slider)
        self.setObjectName(f"{row.name}ThresholdMark")
        self.row, self.slider = row, row.slider
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.threshold: float | None = None
        self.slider.installEventFilter(self)
        self.setGeometry(self.slider.rect())
        self.hide()

    def set_threshold(self, value: float | None) -> None:
        """Mark ``value`` on the slider (None: no mark)."""
        threshold = None if value is None else float(value)
        if threshold == self.threshold and self.isHidden() == (threshold is None):
            return   # unchanged: no repaint (the panel refreshes this every frame of a race)
        self.threshold = threshold
        self.setVisible(self.threshold is not None)
        self.update()

    # --- geometry -------------------------------------------------------------------------------------------
    def _rects(self) -> tuple[QRect, QRect]:
        option = QStyleOptionSlider()
        self.slider.initStyleOption(option)
        style = self.slider.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove,
                                      self.slider)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                      self.slider)
        return groove, handle

    def x_of(self, value: float) -> int:
        """The slider pixel (x, slider coordinates) of the centre of the handle that would show ``value``."""
        groove, handle = self._rects()
        span = groove.width() - handle.width()
        offset = QStyle.sliderPositionFromValue(self.slider.minimum(), self.slider.maximum(),
                                                self.row.tick_of(value), span)
        return groove.x() + handle.width() // 2 + offset

    def value_at(self, x: int) -> float:
        """The value the slider shows with its handle centred at pixel ``x`` (the inverse of :meth:`x_of`)."""
        groove, handle = self._rects()
        span = groove.width() - handle.width()
        tick = QStyle.sliderValueFromPosition(self.slider.minimum(), self.slider.maximum(),
                                              x - groove.x() - handle.width() // 2, span)
        return self.row.value_of_tick(tick)

    def mark_x(self) -> int | None:
        """Where the tick is drawn (None when hidden, or when the threshold is past the slider's end)."""
        if self.threshold is None or self.threshold > self.row.spec.hi:
            return None
        return self.x_of(self.threshold)

    # --- painting -------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.slider and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.slider.rect())
        return False

    def paintEvent(self, _event) -> None:
        x = self.mark_x()
        if x is None:
            return
        groove, _handle = self._rects()
        painter = QPainter(self)
        middle = groove.center().y()
        painter.fillRect(QRect(x, middle - BAND // 2, groove.right() - x + 1, BAND), BEYOND_COLOUR)
        painter.setPen(QPen(MARK_COLOUR, 3))
        painter.drawLine(x, 1, x, self.height() - 2)
        painter.end()
