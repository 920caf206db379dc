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


def only_a_gd_run(qtbot, w, formula, start, lr):
    """The race reduced to one gradient-descent run on ``formula`` from ``start`` with learning rate ``lr`` (all
    typed as text, as the user types them)."""
    w.session.set_function(formula)
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    for edit, value in zip(w.panel.start_box.edits, start):
        type_into(qtbot, edit, value)
    type_into(qtbot, w.panel.hyper_rows["lr"].box, lr)
    assert list(gd.start) == [float(v) for v in start] and gd.hyper["lr"] == float(lr)
    return gd


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


def open_descent(qtbot, size=(1300, 800), session=None, settle=True):
    """A Descent workspace on a session of its own, shown and exposed (``settle``: and drawn, its first show
    done over several turns)."""
    from gui.descent.workspace import DescentWorkspace
    from gui.session import Session
    w = DescentWorkspace(session or Session())
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    if settle:
        qtbot.waitUntil(lambda: w.settled, timeout=20000)
    return w


def colour_pixels(image, rgb, tolerance=40) -> int:
    """Pixels of a QImage within ``tolerance`` of ``rgb`` in every channel."""
    from gui.descent.export import qimage_to_pil
    a = np.asarray(qimage_to_pil(image)).astype(int)
    return int(np.sum(np.all(np.abs(a - np.array(rgb)) < tolerance, axis=-1)))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i: i + 2], 16) for i in (1, 3, 5))


def one_run_in_window(qtbot, window, formula, method="gd"):
    """The window's Descent tab descending ``formula`` with one run of ``method``, added from the panel (so with
    the app's rate) and selected; returns (workspace, run)."""
    w = window.show_workspace("descent")
    qtbot.waitUntil(lambda: w.settled, timeout=20000)
    w.session.set_function(formula)
    remove_all_runs(qtbot, w)
    w.panel.add_run(method)
    run = w.model.runs[0]
    w.panel.select_run(run.run_id)
    return w, run


def assert_restarted_with_the_engines_rates(w, steps=0):
    """Every run is on the session's function, ``steps`` steps in (any number: None), with the rates the engine
    chooses for it."""
    from engine.analysis.rates import default_hyperparameters
    objective = w.model.objective
    assert objective.expression is w.session.plotted_expression()
    assert not w.model.waiting
    for run in w.model.runs:
        assert run.descent.objective is objective and steps in (None, run.steps)
        assert run.auto_lr
        assert dict(run.hyper) == default_hyperparameters(objective, run.method, run.start)
