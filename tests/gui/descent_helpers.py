"""Helpers for the Descent workspace tests: open it shown and focused, count a colour's pixels."""
import numpy as np

from gui.descent.export import qimage_to_pil
from gui.descent.workspace import DescentWorkspace
from gui.session import Session


def open_descent(qtbot, size=(1300, 800), session=None) -> DescentWorkspace:
    w = DescentWorkspace(session or Session())
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def colour_pixels(image, rgb, tolerance=40) -> int:
    """Pixels of a QImage within ``tolerance`` of ``rgb`` in every channel."""
    a = np.asarray(qimage_to_pil(image)).astype(int)
    return int(np.sum(np.all(np.abs(a - np.array(rgb)) < tolerance, axis=-1)))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i: i + 2], 16) for i in (1, 3, 5))
