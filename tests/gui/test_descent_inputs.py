"""The Descent tab's typed starts, its max-steps status and run removal, driven as a user would: constant formulas
in the start fields, refused starts with a message beside their field, a run stopped at the step limit while f still
falls, and a removed run leaving both views."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from tests.gui.descent_helpers import add_run, click_contour, frames, reddish_pixels, remove_all_runs, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def status(w, row: int) -> str:
    return w.panel.run_list.item(row).text()


def white_pixels(image) -> int:
    """Near-white pixels: the start's star (the viridis map and its contour lines have none)."""
    from gui.descent.export import qimage_to_pil
    a = np.asarray(qimage_to_pil(image)).astype(int)
    return int(np.sum(np.all(a[..., :3] > 235, axis=-1)))


def around(image, point: QPoint, r: int = 7):
    return image.copy(point.x() - r, point.y() - r, 2 * r + 1, 2 * r + 1)


def play_to_the_end(qtbot, w):
    qtbot.keyClick(w.panel.speed_slider, Qt.Key.Key_End)        # the fastest speed
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.player.playing, timeout=20000)


def test_start_fields_take_constant_formulas_and_each_entry_is_one_undo_step(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2 + 3*y^2")
    box = w.panel.start_box
    old = [r.start.copy() for r in w.model.runs]
    count = w.undo_stack.count()
    target = w.contour_view.map_to_widget(math.log(2), -math.pi / 2)
    before = w.contour_view.grab().toImage()
    assert white_pixels(around(before, target)) == 0

    type_into(qtbot, box.edits[0], "log(2)")
    for run, start in zip(w.model.runs, old):                   # x moved, y kept exactly
        assert run.start[0] == pytest.approx(math.log(2), rel=1e-15) and run.start[1] == start[1]
    type_into(qtbot, box.edits[1], "-pi/2")
    for run in w.model.runs:
        np.testing.assert_allclose(run.start, [math.log(2), -math.pi / 2], rtol=1e-15)
        assert run.steps == 0
    assert [e.text() for e in box.edits] == ["0.6931471806", "-1.570796327"]   # the value the formula gave
    assert not any(m.isVisible() for m in box.messages)
    assert white_pixels(around(w.contour_view.grab().toImage(), target)) > 10   # the start's star is there now

    step(qtbot, w)
    assert float(w.model.objective.value(w.model.runs[0].start)) == pytest.approx(math.log(2) ** 2
                                                                                  + 3 * math.pi ** 2 / 4)
    assert w.undo_stack.count() == count + 2
    w.undo_stack.undo()
    w.undo_stack.undo()
    for run, start in zip(w.model.runs, old):
        np.testing.assert_array_equal(run.start, start)
    assert [float(e.text()) for e in box.edits] == pytest.approx(list(w.model.runs[0].start), rel=1e-9)


def test_bad_starts_are_refused_beside_their_field_and_nothing_is_lost(qtbot, descent_workspace):
    w = descent_workspace
    box = w.panel.start_box
    x_edit, x_message = box.edits[0], box.messages[0]
    step(qtbot, w, 2)
    starts, count = [r.start.copy() for r in w.model.runs], w.undo_stack.count()
    kept = f"the start stays {starts[0][0]:.6g}"
    for typed, says in (("1e7", "x = 1e+07 is out of range: a start lies between -1e6 and 1e6"),
                        ("-2000001", "x = -2e+06 is out of range"),
                        ("1/0", "'1/0' is not a finite number"), ("log(-1)", "is not a finite number"),
                        ("1e400", "is not a finite number"),
                        ("sqrt(x) + r", "'sqrt(x) + r' contains r, x: type a number or a formula of numbers"),   # R: not Reset
                        ("2*", "'2*': missing operand"), ("0,5", "type one number for x (decimals take a point: 0.5)")):
        type_into(qtbot, x_edit, typed)
        assert x_message.isVisible() and says in x_message.text() and kept in x_message.text(), x_message.text()
        assert x_edit.text() == typed                            # what was typed stays, to be corrected
        for run, start in zip(w.model.runs, starts):             # not clamped, not applied, no restart
            np.testing.assert_array_equal(run.start, start)
            assert run.steps == 2
        assert w.undo_stack.count() == count
    x_edit.selectAll()
    qtbot.keyClick(x_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(x_edit, Qt.Key.Key_Return)
    assert "type x as a number" in x_message.text() and w.model.runs[0].steps == 2

    top_left = x_message.mapTo(box, QPoint(0, 0))                # the message sits right under its own field
    edit_bottom = x_edit.mapTo(box, QPoint(0, x_edit.height()))
    assert 0 <= top_left.y() - edit_bottom.y() <= 8 and abs(top_left.x() - edit_bottom.x()) <= 2
    assert box.edits[1].mapTo(box, QPoint(0, 0)).y() >= top_left.y() + x_message.height()   # y's field below it

    w.panel.run_list.setCurrentRow(0)
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.05")      # the panel redraws the run: the text stays
    assert w.model.runs[0].hyper["lr"] == 0.05
    assert x_edit.text() == "" and x_message.isVisible()
    type_into(qtbot, x_edit, "0.5")
    assert not x_message.isVisible() and x_edit.styleSheet() == ""
    assert all(r.start[0] == 0.5 and r.start[1] == s[1] for r, s in zip(w.model.runs, starts))


def test_a_run_stopped_at_the_step_limit_while_f_still_falls_says_it_may_be_unbounded(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2*y")                              # → −∞ along y → −∞ for any x ≠ 0
    remove_all_runs(qtbot, w)
    adam = add_run(w, "Adam")
    click_contour(qtbot, w, 0.5, -1.0)
    type_into(qtbot, w.panel.max_steps_spin, "60")
    assert w.model.max_steps == 60
    play_to_the_end(qtbot, w)
    assert adam.steps == 60 and adam.descent.status == "running"
    v = np.array(adam.descent.values)
    assert np.all(np.diff(v[30:]) < 0)                           # every step of the second half went down
    assert status(w, 0).endswith("stopped at the step limit (60 steps); f keeps decreasing: it may be unbounded below")
    assert w.panel.run_list.item(0).foreground().color().name() == "#e0b050"

    # a run still heading for its bottom also falls at every step, but slower and slower: not called unbounded
    w.session.set_function("x^2 + y^2")
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    type_into(qtbot, w.panel.hyper_rows["lr"].box, "0.01")       # x ← 0.98·x: 60 steps do not reach ∇f ≈ 0
    play_to_the_end(qtbot, w)
    v = np.array(gd.descent.values)
    assert gd.steps == 60 and np.all(np.diff(v) < 0)
    np.testing.assert_allclose(v[-1], v[0] * 0.98 ** 120, rtol=1e-9)   # f = (x² + y²)·0.98^(2k), by hand
    assert status(w, 0).endswith("stopped at the step limit (60 steps)")


def test_a_removed_run_leaves_both_views(qtbot, descent_workspace):
    w = descent_workspace
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Momentum")                                  # red, the first colour; it outruns the next
    add_run(w, "Gradient descent")                               # (drawn on top, it would hide a slower red trail)
    click_contour(qtbot, w, -1.2, -0.8)
    step(qtbot, w, 12)
    gl_image, contour_image = frames(w)
    assert reddish_pixels(gl_image) > 15 and reddish_pixels(contour_image) > 15
    items2d, items3d = w.race2d._runs[gd.run_id].items, w.race3d._runs[gd.run_id].items
    w.panel.run_list.setCurrentRow(0)
    qtbot.mouseClick(w.panel.remove_button, Qt.MouseButton.LeftButton)
    assert [r.label for r in w.model.runs] == ["Gradient descent"]
    assert gd.run_id not in w.race2d._runs and gd.run_id not in w.race3d._runs
    assert not any(item in w.contour_view.plotItem.items for item in items2d)
    assert not any(item in w.surface_view.items for item in items3d)
    gl_image, contour_image = frames(w)
    assert reddish_pixels(gl_image) == 0 and reddish_pixels(contour_image) == 0
    w.undo_stack.undo()                                          # it comes back (from its start), drawn again
    assert [r.label for r in w.model.runs] == ["Momentum", "Gradient descent"]
    step(qtbot, w, 5)
    gl_image, contour_image = frames(w)
    assert reddish_pixels(gl_image) > 15 and reddish_pixels(contour_image) > 15
