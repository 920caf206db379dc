"""A progress bar's new value is painted with the next frame, not inside setValue: Qt's own setValue repaints at once,
and in a window holding OpenGL views each such repaint composes the whole window."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from gui.progress_bar import ProgressBar


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _filled_columns(bar: QProgressBar) -> int:
    """How many pixel columns of the bar's middle row differ from its empty right end (the chunk's width)."""
    image = bar.grab().toImage()
    image = image.convertToFormat(image.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    row = rows[image.height() // 2, 4:image.width() - 4, :3].astype(int)
    return int(np.sum(np.abs(row - row[-1]).sum(axis=1) > 30))


def _shown_bars(qtbot, cls):
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    bar = cls()
    bar.setRange(0, 10)
    bar.setTextVisible(False)
    layout.addWidget(bar)
    holder.resize(300, 60)
    holder.show()
    qtbot.waitExposed(holder)
    qtbot.wait(50)   # the window's first frame is painted
    counter = PaintCounter()
    bar.installEventFilter(counter)
    return holder, bar, counter


def test_qt_own_progress_bar_paints_inside_set_value(qtbot):
    # the reason for ProgressBar: if Qt stops doing this, the subclass can go
    _holder, bar, counter = _shown_bars(qtbot, QProgressBar)
    bar.setValue(3)
    assert counter.paints == 1


def test_a_progress_value_is_painted_with_the_next_frame_not_at_once(qtbot):
    _holder, bar, counter = _shown_bars(qtbot, ProgressBar)
    empty = _filled_columns(bar)
    counter.paints = 0
    bar.setValue(7)
    assert bar.value() == 7 and counter.paints == 0
    qtbot.waitUntil(lambda: counter.paints >= 1)
    seven = _filled_columns(bar)
    counter.paints = 0
    bar.setValue(2)
    assert counter.paints == 0
    qtbot.waitUntil(lambda: counter.paints >= 1)
    two = _filled_columns(bar)
    assert empty < two < seven
    assert abs(seven / two - 3.5) < 0.6   # the chunk's width follows the value
