"""A formula of nearly two thousand characters is made ready on a worker thread: the window keeps answering (a timer
keeps firing while the worker is held back), the old surface stays until the new one is ready, and then the model and
the pixels show the new function. A newer formula supersedes one being prepared, Cancel keeps the drawn one, and a
wrong formula still gets its error at once."""
import threading

import numpy as np
from PySide6.QtCore import Qt, QTimer

from tests.engine.huge_formulas import huge_formula, huge_values
from tests.gui.surface_helpers import changed_fraction, gl_pixels, settle, widget_pixels


def submit(qtbot, surface, text):
    surface.expressionEdit.setText(text)   # as pasted
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)


def ticking(qtbot):
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    return timer, ticks


def test_a_huge_formula_is_drawn_while_the_window_keeps_answering(qtbot, main_window, surface, held):
    gate, built_on = held
    old_text, old_surface, old_contours = surface.session.text, gl_pixels(surface.surfaceView), \
        widget_pixels(surface.contourView)
    text = huge_formula(shift=0.6)   # one no other test has built derivatives of (they are kept on the Expression)
    timer, ticks = ticking(qtbot)
    submit(qtbot, surface, text)
    busy = surface.function_bar.busyLabel
    qtbot.waitUntil(lambda: "(4 of 4)" in busy.text(), timeout=20000)   # the worker has reached its last step
    seen = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= seen + 5, timeout=10000)   # and the event loop runs while it works
    assert surface.preparer.busy and surface.session.text == old_text
    assert busy.isVisible() and surface.function_bar.cancelButton.isVisible()
    assert changed_fraction(gl_pixels(surface.surfaceView), old_surface) < 0.01   # the old surface stays

    gate.set()
    qtbot.waitUntil(lambda: surface.session.text == text, timeout=30000)
    settle(qtbot, surface)
    timer.stop()
    assert built_on and threading.current_thread() not in built_on
    assert not surface.function_bar.busyLabel.isVisible() and not surface.preparer.busy
    gx, gy = np.meshgrid(surface.field.xs, surface.field.ys, indexing="ij")
    np.testing.assert_allclose(surface.field.zs, huge_values(gx, gy, shift=0.6), rtol=1e-12, atol=1e-12)
    assert changed_fraction(gl_pixels(surface.surfaceView), old_surface) > 0.05
    assert changed_fraction(widget_pixels(surface.contourView), old_contours) > 0.05
    assert surface.undo_stack.undoText().startswith("Function")


def test_a_newer_formula_supersedes_the_one_being_prepared(qtbot, main_window, surface, held):
    gate, _built = held
    drawn = []
    surface.session.function_changed.connect(lambda: drawn.append(surface.session.text))
    first, second = huge_formula(), huge_formula(shift=0.3)
    submit(qtbot, surface, first)
    submit(qtbot, surface, second)
    gate.set()
    qtbot.waitUntil(lambda: surface.session.text == second, timeout=30000)
    settle(qtbot, surface)
    assert first not in drawn
    gx, gy = np.meshgrid(surface.field.xs, surface.field.ys, indexing="ij")
    np.testing.assert_allclose(surface.field.zs, huge_values(gx, gy, shift=0.3), rtol=1e-12, atol=1e-12)


def test_cancel_keeps_the_drawn_function(qtbot, main_window, surface, held):
    gate, _built = held
    old_text = surface.session.text
    submit(qtbot, surface, huge_formula())
    assert surface.preparer.busy
    qtbot.mouseClick(surface.function_bar.cancelButton, Qt.MouseButton.LeftButton)
    assert not surface.preparer.busy and not surface.function_bar.busyLabel.isVisible()
    gate.set()
    qtbot.wait(300)   # the worker finishes; what it made is not applied
    assert surface.session.text == old_text and surface.undo_stack.count() == 0


def test_a_wrong_formula_gets_its_error_at_once_and_stops_the_preparation(qtbot, main_window, surface, held):
    gate, _built = held
    old_text = surface.session.text
    submit(qtbot, surface, huge_formula())
    broken = huge_formula()[:-1] + "+"
    submit(qtbot, surface, broken)
    assert surface.expressionError.isVisible() and "character" in surface.expressionError.text()
    assert not surface.preparer.busy
    gate.set()
    qtbot.wait(300)
    assert surface.session.text == old_text and surface.expressionEdit.text() == broken


def test_what_a_huge_formula_leaves_alive_is_taken_out_of_full_collections(qtbot, main_window, surface,
                                                                           monkeypatch):
    import gc

    from gui import garbage
    monkeypatch.setattr(garbage, "_app_freezes", True)   # as in the app, which froze its start (tests never do)
    before = gc.get_freeze_count()
    try:
        text = huge_formula(shift=0.45)
        submit(qtbot, surface, text)
        qtbot.waitUntil(lambda: surface.session.text == text, timeout=30000)
        settle(qtbot, surface)
        qtbot.waitUntil(lambda: gc.get_freeze_count() > before, timeout=5000)
        frozen = gc.get_freeze_count() - before
        assert frozen > 10_000   # the new function's nodes, derivatives and plans among them
        assert len(gc.get_objects(2)) < frozen   # a full collection walks less than what was frozen
    finally:
        gc.unfreeze()
