"""Whole-window pictures that include OpenGL views.

``QWidget.grab()`` puts each visible QOpenGLWidget into the picture by rendering it again (its
``grabFramebuffer()``), but what a view paints over its frame with a QPainter on the widget (pyqtgraph's text items)
does not reach that picture. Views whose frame holds everything say so with ``grab_is_whole = True`` (the 3D views
draw their text into the frame, see :mod:`gui.views.text_layer`); any other visible GL view is drawn again with
``grabFramebuffer()`` on top.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QWidget


def grab_with_gl(widget: QWidget) -> QImage:
    image = widget.grab().toImage()
    partial = [view for view in widget.findChildren(QOpenGLWidget)
               if view.isVisible() and view.width() > 0 and not getattr(view, "grab_is_whole", False)]
    if not partial:
        return image
    painter = QPainter(image)
    ratio = image.devicePixelRatio() or 1.0
    for view in partial:
        frame = view.grabFramebuffer()
        frame.setDevicePixelRatio(ratio)
        painter.drawImage(view.mapTo(widget, QPoint(0, 0)), frame)
    painter.end()
    return image
