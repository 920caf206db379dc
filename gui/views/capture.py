"""Whole-window pictures that include OpenGL views.

``QWidget.grab()`` composes a QOpenGLWidget's last frame without what pyqtgraph paints over it with QPainter
(axis labels, the colour legend), so each visible GL view is drawn again with ``grabFramebuffer()`` on top.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QWidget


def grab_with_gl(widget: QWidget) -> QImage:
    image = widget.grab().toImage()
    painter = QPainter(image)
    ratio = image.devicePixelRatio() or 1.0
    for view in widget.findChildren(QOpenGLWidget):
        if not view.isVisible() or view.width() == 0:
            continue
        frame = view.grabFramebuffer()
        frame.setDevicePixelRatio(ratio)
        top_left = view.mapTo(widget, QPoint(0, 0))
        painter.drawImage(top_left, frame)
    painter.end()
    return image
