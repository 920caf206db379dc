"""A new function typed at the largest grid (401²) is drawn over several event-loop turns: first the 3D surface (with
the point's analysis and overlays), then, in a later turn, the contour view; the picture the window ends with is the
new function's, the same pixels as a redraw done all at once. Typing again before the last piece runs drops the stale
piece (newest wins): the contour view never draws the superseded function. A redraw asked for directly (flush, as
screenshots and the tour do) is complete when it returns. No timing is asserted: the order of what runs is."""
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget

from gui.views.redraw_turns import RedrawTurns
from tests.gui.surface_helpers import gl_pixels, settle, widget_pixels

pytestmark = [pytest.mark.gui, pytest.mark.gl]


class LoopTurns:
    """Counts the event loop's turns: a zero-interval timer fires once in each."""

    def __init__(self):
        self.count = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(0)

    def _tick(self):
        self.count += 1


def _record_calls(surface, log: list, loop: LoopTurns) -> None:
    """Log each set_surface / set_field call with the first value it is given (which function it draws) and the
    loop's turn it runs in."""
    for view, name in ((surface.surfaceView, "set_surface"), (surface.contourView, "set_field")):
        method = getattr(view, name)

        def recorded(xs, ys, zs, *args, _method=method, _name=name, **kwds):
            log.append((_name, float(zs[0, 0]), loop.count))
            return _method(xs, ys, zs, *args, **kwds)
        setattr(view, name, recorded)


def _type(qtbot, surface, text: str) -> None:
    edit = surface.expressionEdit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_pieces_run_in_order_in_turns_of_their_own_and_the_newest_wins(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    turns, ran, loop = RedrawTurns(parent), [], LoopTurns()

    def redraw(tag):
        ran.append((f"{tag}: surface", loop.count))
        turns.add("contours", lambda: ran.append((f"{tag}: contours", loop.count)))
        turns.add("gradient", lambda: ran.append((f"{tag}: gradient", loop.count)))
        if tag == "f":   # typed again before f's last pieces have run
            turns.later(lambda: redraw("g"))
    turns.later(lambda: redraw("f"))
    assert ran == []                                   # nothing runs in the turn that asked
    qtbot.waitUntil(lambda: not turns.busy and len(ran) > 1)
    assert [name for name, _turn in ran] == ["f: surface", "g: surface", "g: contours", "g: gradient"]
    turn_of = [turn for _name, turn in ran]
    assert all(b > a for a, b in zip(turn_of, turn_of[1:]))   # each in a turn of its own
    turns.add("direct", lambda: ran.append(("direct", loop.count)))  # outside a spread redraw: at once
    assert ran[-1][0] == "direct"


def test_a_direct_redraw_runs_the_waiting_pieces_before_it_returns(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    turns, ran = RedrawTurns(parent), []
    with turns.spread():
        turns.add("contours", lambda: ran.append("old contours"))
        turns.add("overlays", lambda: ran.append("overlays"))
    turns.add("contours", lambda: ran.append("new contours"))
    assert ran == ["overlays", "new contours"] and not turns.busy


def test_at_401_squared_the_surface_comes_first_then_the_contours_and_the_end_is_the_new_function(
        qtbot, main_window, surface):
    surface.controls.resolutionSpin.setValue(401)
    settle(qtbot, surface)
    log, loop = [], LoopTurns()
    _record_calls(surface, log, loop)
    _type(qtbot, surface, "x^2 + 3*y")   # f(−2, −2) = −2
    settle(qtbot, surface)
    assert [call[:2] for call in log] == [("set_surface", -2.0), ("set_field", -2.0)]
    assert log[1][2] > log[0][2]          # the contours in a later turn than the surface
    staged = gl_pixels(surface.surfaceView), widget_pixels(surface.contourView)
    surface._schedule("field")
    surface.flush()                       # the same function drawn all at once
    assert not surface.turns.waiting()
    assert np.array_equal(staged[0], gl_pixels(surface.surfaceView))
    assert np.array_equal(staged[1], widget_pixels(surface.contourView))


def test_typing_again_before_the_contours_are_drawn_never_draws_the_stale_contours(qtbot, main_window, surface):
    surface.controls.resolutionSpin.setValue(401)
    settle(qtbot, surface)
    log, loop = [], LoopTurns()
    _record_calls(surface, log, loop)

    def type_again_at_once(xs, ys, zs, *args, _set_surface=surface.surfaceView.set_surface, **kwds):
        _set_surface(xs, ys, zs, *args, **kwds)
        if len(log) == 1:   # the first function's surface is drawn, its contours wait: type the next one
            surface.expressionEdit.setText("x*y + 1")
            surface.function_bar.submit()
    surface.surfaceView.set_surface = type_again_at_once
    _type(qtbot, surface, "x^2 + 3*y")       # f(−2, −2) = −2; then x*y + 1: f(−2, −2) = 5
    settle(qtbot, surface)
    assert [call[:2] for call in log] == [("set_surface", -2.0), ("set_surface", 5.0), ("set_field", 5.0)]
    assert surface.contourView.extent is not None and surface.session.text == "x*y + 1"
