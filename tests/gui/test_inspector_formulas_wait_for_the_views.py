"""The inspector's formulas are worked out on a worker that holds the interpreter (~200 ms for the chain preset's
four variables); every frame composed meanwhile waited for it. The worker starts once the views' redraw is over."""
from collections import OrderedDict

from engine import parse
from gui.surface import formula_view
from gui.surface.formula_view import HELD_BACK_MS, START_DELAY_MS, FormulaRows
from PySide6.QtWidgets import QWidget

from tests.gui.surface_helpers import choose_preset


def test_the_formulas_wait_while_hold_back_says_the_views_are_drawn(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    rows = FormulaRows(parent)
    drawing = [True]
    rows.hold_back = lambda: drawing[0]
    rows.show_for(parse("x^3*y + exp(x - y)"), ("x", "y"))
    qtbot.wait(START_DELAY_MS + 4 * HELD_BACK_MS)
    assert rows.formulas is None and "working out" in rows.gradient.visible_html()[0]
    drawing[0] = False
    qtbot.waitUntil(lambda: rows.formulas is not None, timeout=10000)
    assert [f.text for f in rows.formulas.gradient] == ["3*x^2*y + exp(x - y)", "x^3 - exp(x - y)"]


def test_in_the_window_the_chain_formulas_come_after_the_views_are_drawn(qtbot, main_window, surface, monkeypatch):
    monkeypatch.setattr(formula_view, "_CACHE", OrderedDict())   # worked out now, not taken from an earlier test
    started = []
    rows = surface.inspector.formula_rows
    hold_back = rows.hold_back
    rows.hold_back = lambda: started.append(hold_back()) or started[-1]
    choose_preset(qtbot, surface, "chain")
    qtbot.waitUntil(lambda: rows.formulas is not None, timeout=20000)
    assert started and started[-1] is False   # asked, and submitted once the redraw was over
    assert not surface._pending and not surface.turns.busy
    assert len(rows.formulas.gradient) == 2 and "∂f/∂w" in rows.gradient.visible_html()[0]
