"""A formula of nearly two thousand characters comes to the Surface by every route the same way as when typed: its
derivatives are built on the preparer's worker (the window answering meanwhile, the old surface still drawn, the
function bar saying what is worked out, with Cancel), and then the model and the pixels show it. A preset, File →
Open, Send to surface from the Graph tab and a tour step each take that path; a file open that is cancelled changes
nothing; a newer function supersedes one being prepared; undo and redo of a huge function build no derivative on the
UI thread (they were kept from when it was first drawn)."""
import json
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QPushButton

import engine.expr.methods as methods
import gui.surface.formula_view as formula_view
import gui.surface.preparing as preparing
from engine import parse
from gui.surface.presets import Preset
from gui.tour.scenes import apply_scene
from tests.engine.huge_formulas import huge_formula, huge_values
from tests.gui.surface_helpers import changed_fraction, gl_pixels, settle, type_function


@pytest.fixture(autouse=True)
def _workers_done_after_each_test():
    """A huge formula's inspector formulas take a second on their worker: wait for them (and any preparation) after
    each test, so that no later test shares the interpreter with a worker left running."""
    yield
    for executor in (preparing._EXECUTOR, formula_view._EXECUTOR):
        executor.submit(lambda: None).result(timeout=60)


def last_step_reached(surface) -> bool:
    return "(4 of 4)" in surface.function_bar.busyLabel.text()


def while_prepared(surface, then):
    """Once the worker has reached its last step (held there by the fixture), call ``then()`` from the event loop:
    for gestures that wait in a nested event loop (File → Open)."""
    timer = QTimer(surface, interval=10)

    def check():
        if last_step_reached(surface):
            timer.stop()
            then()
    timer.timeout.connect(check)
    timer.start()
    return timer


def drawn_is(surface, shift: float) -> None:
    """The model holds the formula's values on its grid (a numpy oracle, not the parser)."""
    gx, gy = np.meshgrid(surface.field.xs, surface.field.ys, indexing="ij")
    np.testing.assert_allclose(surface.field.zs, huge_values(gx, gy, shift=shift), rtol=1e-12, atol=1e-12)


def waiting_while_busy(qtbot, surface, old_text, old_pixels):
    """The worker is on its last step: the window answers (a timer ticks), the old function and surface stay."""
    qtbot.waitUntil(lambda: last_step_reached(surface), timeout=20000)
    ticks = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10000)
    timer.stop()
    assert surface.preparer.busy and surface.session.text == old_text
    assert surface.function_bar.cancelButton.isVisible()
    assert changed_fraction(gl_pixels(surface.surfaceView), old_pixels) < 0.01


def shown_after(qtbot, surface, gate, built_on, shift, old_pixels):
    gate.set()
    qtbot.waitUntil(lambda: parse(huge_formula(shift=shift)) is surface.session.expression, timeout=30000)
    settle(qtbot, surface)
    assert built_on and threading.current_thread() not in built_on
    assert not surface.preparer.busy and not surface.function_bar.busyLabel.isVisible()
    drawn_is(surface, shift)
    assert changed_fraction(gl_pixels(surface.surfaceView), old_pixels) > 0.05


def test_a_huge_preset_is_prepared_then_drawn_as_one_undo_step(qtbot, main_window, surface, held, monkeypatch):
    gate, built_on = held
    old_text, old_pixels, steps = surface.session.text, gl_pixels(surface.surfaceView), surface.undo_stack.count()
    preset = Preset(name="Many waves", key="many-waves", formula=huge_formula(shift=1.3), group="Test",
                    domain={"x": (-2.5, 2.5)}, note="a preset of many damped waves")
    monkeypatch.setattr(surface, "presets", surface.presets + [preset])   # one of the workspace's presets
    surface.function_bar.preset_chosen.emit(preset)   # what choosing it in the presets menu does
    waiting_while_busy(qtbot, surface, old_text, old_pixels)
    shown_after(qtbot, surface, gate, built_on, 1.3, old_pixels)
    assert surface.session.domain["x"] == (-2.5, 2.5)
    assert surface.undo_stack.count() == steps + 1 and surface.undo_stack.undoText() == "Preset Many waves"
    assert surface.function_bar.note.text() == "a preset of many damped waves"
    surface.undo_stack.undo()
    settle(qtbot, surface)
    assert surface.session.text == old_text and surface.session.domain["x"] == (-2.0, 2.0)


def open_through_the_menu(mw, monkeypatch, path):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: warnings.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "*.gssurface.json"))
    mw._open_action.trigger()   # File → Open: returns once the file is drawn or refused
    return warnings


def surface_file(tmp_path, shift):
    path = tmp_path / "waves.gssurface.json"
    path.write_text(json.dumps({"format": "gradscape.surface", "version": 1, "function": huge_formula(shift=shift),
                                "axes": ["x", "y"], "domain": {"x": [-3, 3], "y": [-2, 2]}, "point": [0.5, -0.5]}))
    return path


def test_a_huge_file_is_prepared_while_the_window_answers_then_opened_clean(qtbot, main_window, surface, held,
                                                                           tmp_path, monkeypatch):
    gate, built_on = held
    mw, path = main_window, surface_file(tmp_path, 2.1)
    old_text, old_pixels = surface.session.text, gl_pixels(surface.surfaceView)
    seen = []

    def meanwhile():   # inside File → Open's wait
        seen.append((surface.preparer.busy, surface.session.text == old_text, surface.file_path,
                     surface.function_bar.cancelButton.isVisible(),
                     changed_fraction(gl_pixels(surface.surfaceView), old_pixels) < 0.01))
        gate.set()
    while_prepared(surface, meanwhile)
    warnings = open_through_the_menu(mw, monkeypatch, path)
    assert seen == [(True, True, "", True, True)] and not warnings
    shown_after(qtbot, surface, gate, built_on, 2.1, old_pixels)
    assert surface.file_path == str(path) and surface.undo_stack.isClean() and not mw.isWindowModified()
    assert surface.session.domain["x"] == (-3.0, 3.0) and list(surface.session.point) == [0.5, -0.5]
    surface.undo_stack.undo()   # undoing the Open puts the previous function and "no file" back
    settle(qtbot, surface)
    assert surface.session.text == old_text and surface.file_path == ""


def test_cancelling_a_huge_file_while_it_is_prepared_changes_nothing(qtbot, main_window, surface, held, tmp_path,
                                                                   monkeypatch):
    gate, _built = held
    mw, path = main_window, surface_file(tmp_path, 2.8)
    type_function(qtbot, surface, "x^2 - y")   # an unsaved change that must not be lost
    before = (surface.session.text, surface.undo_stack.count(), surface.undo_stack.index(), surface.file_path,
              surface.undo_stack.isClean(), mw.windowTitle())
    while_prepared(surface, lambda: qtbot.mouseClick(surface.function_bar.cancelButton, Qt.MouseButton.LeftButton))
    warnings = open_through_the_menu(mw, monkeypatch, path)
    gate.set()
    assert len(warnings) == 1 and path.name in warnings[0] and "cancelled" in warnings[0]
    qtbot.wait(200)   # the worker finishes; what it made is not applied
    assert (surface.session.text, surface.undo_stack.count(), surface.undo_stack.index(), surface.file_path,
            surface.undo_stack.isClean(), mw.windowTitle()) == before
    assert not surface.undo_stack.isClean() and not surface.function_bar.busyLabel.isVisible()


def test_a_huge_function_sent_from_the_graph_is_prepared_then_drawn(qtbot, main_window, surface, held):
    gate, built_on = held
    mw = main_window
    old_text, old_pixels = surface.session.text, gl_pixels(surface.surfaceView)
    graph = mw.workspace("graph")
    graph.open_expression(parse(huge_formula(shift=3.5)), {"x": 0.25, "y": -0.5})   # its output is that formula
    mw.show_workspace("graph")
    graph.findChild(QComboBox, "sendAxisX").setCurrentText("x")
    graph.findChild(QComboBox, "sendAxisY").setCurrentText("y")
    qtbot.mouseClick(graph.findChild(QPushButton, "sendToSurfaceButton"), Qt.MouseButton.LeftButton)
    assert mw.current_workspace() is surface   # the progress is shown where the function will be drawn
    waiting_while_busy(qtbot, surface, old_text, old_pixels)
    gate.set()
    qtbot.waitUntil(lambda: surface.session.objective_source is not None, timeout=30000)
    settle(qtbot, surface)
    assert built_on and threading.current_thread() not in built_on
    drawn_is(surface, 3.5)
    assert changed_fraction(gl_pixels(surface.surfaceView), old_pixels) > 0.05
    assert surface.undo_stack.undoText() == "Send graph output to surface"


def test_a_tour_step_with_a_huge_function_sets_its_view_once_the_function_is_drawn(qtbot, main_window, surface,
                                                                                 held):
    gate, built_on = held
    old_text, old_pixels = surface.session.text, gl_pixels(surface.surfaceView)
    scene = {"workspace": "surface", "function": huge_formula(shift=4.2), "point": [0.5, 0.25],
             "overlays": ["tangent"], "range": {"y": [-1.5, 1.5]}}
    surface.inspector.set_overlay("tangent", False)
    apply_scene(main_window, scene, "Tour: many waves")
    waiting_while_busy(qtbot, surface, old_text, old_pixels)
    assert not surface.inspector.overlays_shown()["tangent"]   # the step's view is set once its function is drawn
    shown_after(qtbot, surface, gate, built_on, 4.2, old_pixels)
    assert surface.inspector.overlays_shown()["tangent"]
    assert list(surface.session.point) == [0.5, 0.25] and surface.session.domain["y"] == (-1.5, 1.5)
    assert surface.undo_stack.undoText() == "Tour: many waves"


def test_a_newer_function_supersedes_a_huge_preset_being_prepared(qtbot, main_window, surface, held):
    gate, _built = held
    drawn, steps = [], surface.undo_stack.count()
    surface.session.function_changed.connect(lambda: drawn.append(surface.session.text))
    huge = huge_formula(shift=4.9)
    surface.function_bar.preset_chosen.emit(Preset(name="Waves", key="waves", formula=huge, group="Test"))
    assert surface.preparer.busy
    type_function(qtbot, surface, "x*y")
    gate.set()
    qtbot.wait(300)
    assert surface.session.text == "x*y" and huge not in drawn and surface.undo_stack.count() == steps + 1


def test_undo_and_redo_of_a_huge_function_build_no_derivatives_on_the_ui_thread(qtbot, main_window, surface, held,
                                                                               monkeypatch):
    gate, _built = held
    gate.set()
    huge = huge_formula(shift=5.6)
    surface.expressionEdit.setText(huge)
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: surface.session.text == huge, timeout=30000)
    settle(qtbot, surface)
    huge_pixels = gl_pixels(surface.surfaceView)
    type_function(qtbot, surface, "x^2 + y^2")
    built_on = []
    real_gradient, real_hessian = methods.gradient, methods.hessian_of
    monkeypatch.setattr(methods, "gradient", lambda f, v: built_on.append(1) or real_gradient(f, v))
    monkeypatch.setattr(methods, "hessian_of", lambda f, v: built_on.append(1) or real_hessian(f, v))
    surface.function_bar.history_requested.emit("undo")   # the formula field's Ctrl+Z
    settle(qtbot, surface)
    assert surface.session.text == huge and built_on == []
    drawn_is(surface, 5.6)
    assert changed_fraction(gl_pixels(surface.surfaceView), huge_pixels) < 0.01
    surface.undo_stack.redo()
    settle(qtbot, surface)
    assert surface.session.text == "x^2 + y^2" and built_on == []
