"""One picture of the race for export: a caption with the runs, the 3D and contour views side by side, the loss plot."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

HEADER = 34
BACKGROUND = QColor(24, 26, 32)
TEXT = QColor(225, 227, 235)


def compose_frame(views: list[QImage], loss_image: QImage | None, title: str,
                  legend: list[tuple[str, str]]) -> QImage:
    """``views`` side by side (the 3D and contour views, or the curve view) under a caption, the loss plot below;
    ``legend``: (colour, text) per run, drawn after the title."""
    top_h = max(v.height() for v in views)
    width = sum(v.width() for v in views)
    loss_h = 0 if loss_image is None else round(loss_image.height() * width / max(loss_image.width(), 1))
    canvas = QImage(width, HEADER + top_h + loss_h, QImage.Format.Format_RGB32)
    canvas.fill(BACKGROUND)
    painter = QPainter(canvas)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = 0
        for view in views:
            painter.drawImage(x, HEADER, view)
            x += view.width()
        if loss_image is not None:
            painter.drawImage(QRect(0, HEADER + top_h, width, loss_h), loss_image)
        _draw_header(painter, width, title, legend)
    finally:
        painter.end()
    return canvas


def _draw_header(painter: QPainter, width: int, title: str, legend) -> None:
    painter.setFont(QFont("DejaVu Sans", 11, QFont.Weight.Bold))
    painter.setPen(TEXT)
    metrics = painter.fontMetrics()
    x = 10
    baseline = HEADER // 2 + metrics.ascent() // 2 - 1
    painter.drawText(x, baseline, title)
    x += metrics.horizontalAdvance(title) + 18
    painter.setFont(QFont("DejaVu Sans", 10))
    metrics = painter.fontMetrics()
    for colour, text in legend:
        if x > width - 40:
            break
        painter.fillRect(QRect(x, HEADER // 2 - 6, 12, 12), QColor(colour))
        x += 17
        painter.setPen(TEXT)
        painter.drawText(x, baseline, text)
        x += metrics.horizontalAdvance(text) + 16
    painter.setPen(QColor(70, 74, 84))
    painter.drawLine(0, HEADER - 1, width, HEADER - 1)
    painter.setPen(Qt.PenStyle.NoPen)
