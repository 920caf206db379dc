"""Helpers for the Surface workspace tests: pixels of views, waiting for coalesced redraws, common gestures."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
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
    qtbot.waitUntil(lambda: not workspace._pending and not workspace.turns.busy, timeout=5000)


def type_function(qtbot, surface, text) -> None:
    """Select the formula field, type a formula, press Enter, and wait for the redraw."""
    edit = surface.expressionEdit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)


def type_into_spin(qtbot, spin, text):
    """Select a spin box's text, type, press Enter."""
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def type_point(qtbot, surface, text):
    """Type a point's coordinates into the inspector and press Enter, as a person does."""
    edit = surface.inspector.pointEdit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)


def shown(qtbot, view, size):
    """A view on its own at ``size`` (width, height), shown and exposed so that it paints."""
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def label_numbers(text: str) -> list[float]:
    """The numbers in an inspector label (which writes minus signs as U+2212)."""
    import re
    return [float(t) for t in re.findall(r"[-+]?\d*\.?\d+(?:e[-+]?\d+)?", text.replace("−", "-"))]


def gl_project(view, scene_points) -> np.ndarray:
    """Where scene points land on a GLViewWidget, in widget pixels (x right, y down), by pyqtgraph's own
    projection and view matrices."""
    from PySide6.QtGui import QVector3D
    w, h = view.width(), view.height()
    mvp = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    out = []
    for p in np.asarray(scene_points, dtype=float).reshape(-1, 3):
        q = mvp.map(QVector3D(*p))   # divides by w: normalized device coordinates
        out.append(((q.x() + 1.0) / 2.0 * w, (1.0 - q.y()) / 2.0 * h))
    return np.array(out)


def nearest_colour_distance(pixels: np.ndarray, x: float, y: float, colour, radius: int = 1) -> float:
    """The smallest distance (max over channels) from ``colour`` among the pixels within ``radius`` of (x, y)."""
    cx, cy = int(round(x)), int(round(y))
    patch = pixels[max(cy - radius, 0):cy + radius + 1, max(cx - radius, 0):cx + radius + 1].astype(int)
    return float(np.min(np.max(np.abs(patch - np.array(colour[:3])), axis=-1)))


def choose_preset(qtbot, surface, key):
    menu = surface.function_bar.presets_button.menu()
    action = next(a for a in menu.actions() if a.data() == key)
    action.trigger()
    settle(qtbot, surface)


def show_side_tab(qtbot, surface, title):
    bar = surface.side.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert surface.side.currentIndex() == index


def find_critical_points(qtbot, surface):
    show_side_tab(qtbot, surface, "Critical points")
    qtbot.mouseClick(surface.critical.findButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not surface.critical.is_running(), timeout=20000)
    settle(qtbot, surface)
    return surface.critical.results
