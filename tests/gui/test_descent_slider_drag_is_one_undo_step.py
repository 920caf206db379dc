"""Dragging the learning-rate slider with the mouse is one gesture, and so is each typed value: the rate follows the
handle (the run uses it at once), and one Edit → Undo puts back the rate from before the drag, in the model, the
slider and the run list; Redo brings back where the drag ended. Typed values and drags are undone one by one."""
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from tests.gui.descent_helpers import one_run_in_window, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def handle_centre(slider):
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    return slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                         QStyle.SubControl.SC_SliderHandle, slider).center()


def mouse(slider, kind, x, y, buttons):
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    local = QPointF(x, y)
    event = QMouseEvent(kind, local, slider.mapToGlobal(local), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(slider, event)


def test_a_slider_drag_is_one_undo_step(qtbot, main_window):
    w, run = one_run_in_window(qtbot, main_window, "x^2 + y^2")
    before, count = run.hyper["lr"], w.undo_stack.count()
    row = w.panel.hyper_rows["lr"]
    slider = row.slider
    start = handle_centre(slider)
    held = Qt.MouseButton.LeftButton
    mouse(slider, QEvent.Type.MouseButtonPress, start.x(), start.y(), held)
    seen = []
    for dx in (-6, -12, -18, -24):                       # towards smaller rates, one move at a time
        mouse(slider, QEvent.Type.MouseMove, start.x() + dx, start.y(), held)
        seen.append(run.hyper["lr"])
        assert row.box.value() == pytest.approx(run.hyper["lr"])
    mouse(slider, QEvent.Type.MouseButtonRelease, start.x() - 24, start.y(), Qt.MouseButton.NoButton)
    assert all(b < a for a, b in zip([before] + seen, seen))   # the rate followed the handle down
    dragged = run.hyper["lr"]
    assert w.undo_stack.count() == count + 1                   # the whole drag is one step
    assert f"lr {dragged:.3g}" in w.panel.run_list.item(0).text()

    main_window.undo_action.trigger()
    assert run.hyper["lr"] == before and row.box.value() == pytest.approx(before)
    assert slider.value() == row._to_tick(before) and f"lr {before:.3g}" in w.panel.run_list.item(0).text()
    main_window.redo_action.trigger()
    assert run.hyper["lr"] == dragged and slider.value() == row._to_tick(dragged)


def test_each_typed_rate_and_each_drag_is_an_undo_step_of_its_own(qtbot, main_window):
    w, run = one_run_in_window(qtbot, main_window, "x^2 + y^2")
    app_rate, count = run.hyper["lr"], w.undo_stack.count()
    row = w.panel.hyper_rows["lr"]
    type_into(qtbot, row.box, "0.05")
    type_into(qtbot, row.box, "0.02")                      # a second entry is a second gesture
    start = handle_centre(row.slider)
    mouse(row.slider, QEvent.Type.MouseButtonPress, start.x(), start.y(), Qt.MouseButton.LeftButton)
    mouse(row.slider, QEvent.Type.MouseMove, start.x() + 6, start.y(), Qt.MouseButton.LeftButton)
    mouse(row.slider, QEvent.Type.MouseMove, start.x() + 12, start.y(), Qt.MouseButton.LeftButton)
    mouse(row.slider, QEvent.Type.MouseButtonRelease, start.x() + 12, start.y(), Qt.MouseButton.NoButton)
    dragged = run.hyper["lr"]
    assert dragged > 0.02 and w.undo_stack.count() == count + 3
    for expected in (0.02, 0.05, app_rate):
        main_window.undo_action.trigger()
        assert run.hyper["lr"] == expected and row.box.value() == pytest.approx(expected)
    for expected in (0.05, 0.02, dragged):
        main_window.redo_action.trigger()
        assert run.hyper["lr"] == expected
