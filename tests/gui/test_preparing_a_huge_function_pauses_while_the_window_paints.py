"""The worker that prepares a huge function (its derivatives and plans, Python-bound) waits between its steps while
the window paints (gui/frame_gate.py), and the first frame, which says "Working out…", is composed before it starts."""
from engine import parse
from tests.engine.huge_formulas import huge_formula
from tests.gui.surface_helpers import settle


def test_each_step_waits_at_the_gate_and_the_gate_is_let_go_after(qtbot, main_window, surface, monkeypatch):
    preparer = surface.preparer
    passed = []
    monkeypatch.setattr(preparer.gate, "checkpoint", lambda: passed.append(preparer.gate.watching))
    text = huge_formula(shift=0.35)
    surface.expressionEdit.setText(text)
    surface.function_bar.submit()
    assert preparer.busy and preparer.gate.watching and not preparer.gate.is_open()   # held for the first frame
    qtbot.waitUntil(lambda: main_window.session.text == text, timeout=30000)
    settle(qtbot, surface)
    assert len(passed) == 8 and all(passed)   # gradient, Hessian, five sets of plans, scales: each after a wait
    assert not preparer.gate.watching and preparer.gate.is_open()
    assert main_window.session.expression == parse(text)
