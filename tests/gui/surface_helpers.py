"""Helpers for the Surface workspace tests: pixels of views, waiting for coalesced redraws."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def image_array(image: QImage) -> np.ndarray:
    """An (h, w, 3) uint8 RGB array of a QImage."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return data[:, :width * 3].reshape(height, width, 3).copy()


def gl_pixels(view) -> np.ndarray:
    return image_array(view.grabFramebuffer())


def widget_pixels(widget) -> np.ndarray:
    return image_array(widget.grab().toImage())


def distinct_colours(pixels: np.ndarray) -> int:
    flat = pixels.reshape(-1, 3).astype(np.int64)
    return len(np.unique(flat[:, 0] * 65536 + flat[:, 1] * 256 + flat[:, 2]))


def changed_fraction(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.any(np.abs(a.astype(int) - b.astype(int)) > 12, axis=-1)))


def settle(qtbot, workspace) -> None:
    """Wait until the workspace has drawn everything its Session signals asked for."""
    qtbot.waitUntil(lambda: not workspace._pending, timeout=5000)


def label_numbers(text: str) -> list[float]:
    """The numbers in an inspector label (which writes minus signs as U+2212)."""
    import re
    return [float(t) for t in re.findall(r"[-+]?\d*\.?\d+(?:e[-+]?\d+)?", text.replace("−", "-"))]
