"""Helpers for the Descent workspace tests: drive runs, the contour map and the step button as a user would."""
import numpy as np
from PySide6.QtCore import Qt

RED = (0xFF, 0x3B, 0x30)   # the first colour of the palette (the first run added to an empty race)


def remove_all_runs(qtbot, w):
    while w.model.runs:
        w.panel.run_list.setCurrentRow(0)
        qtbot.mouseClick(w.panel.remove_button, Qt.MouseButton.LeftButton)


def add_run(w, label):
    action = next(a for a in w.panel.add_button.menu().actions() if a.text() == label)
    action.trigger()
    return w.model.runs[-1]


def click_contour(qtbot, w, x, y):
    pos = w.contour_view.map_to_widget(x, y)
    qtbot.mouseClick(w.contour_view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def reddish_pixels(image) -> int:
    """Pixels close to the first run's colour (absent from the viridis surface and the contour map)."""
    from gui.descent.export import qimage_to_pil
    a = np.asarray(qimage_to_pil(image)).astype(int)
    return int(np.sum((np.abs(a[..., 0] - RED[0]) < 40) & (np.abs(a[..., 1] - RED[1]) < 50)
                      & (np.abs(a[..., 2] - RED[2]) < 50)))


def frames(w):
    return w.surface_view.grabFramebuffer(), w.contour_view.grab().toImage()


def statuses(w):
    return [w.panel.run_list.item(i).text() for i in range(w.panel.run_list.count())]


def type_into(qtbot, box, text):
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def step(qtbot, w, times=1):
    for _ in range(times):
        qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
