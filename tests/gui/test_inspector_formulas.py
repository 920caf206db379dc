"""The inspector shows ∇f and H as closed-form formulas beside the numbers: for a typed function, rendered for people,
computed once per function (not per point), and copied as plain text that parses back."""
import os

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from engine import parse
from tests.conftest import open_window
from tests.gui.surface_helpers import settle, type_function, widget_pixels


def formulas_shown(inspector) -> bool:
    return inspector.formula_rows.formulas is not None


def test_typed_function_shows_its_gradient_and_hessian_formulas(qtbot, surface):
    type_function(qtbot, surface, "x*exp(-x^2-y^2)")
    inspector = surface.inspector
    qtbot.waitUntil(lambda: formulas_shown(inspector), timeout=10000)
    rows = inspector.formula_rows
    gradient = rows.gradient.visible_html()
    assert gradient[0] == "∂f/∂x = <i>p</i>·(1 − 2x²)"
    assert gradient[1] == "∂f/∂y = −2xy·<i>p</i>"
    assert rows.names.text().endswith("<i>p</i> = e<sup>−x² − y²</sup>") and rows.names.isVisible()
    assert len(rows.hessian.visible_html()) == 3 and rows.hessian.visible_html()[1].startswith("∂²f/∂x∂y = ")
    assert rows.gradient.isVisible() and rows.hessian.isVisible()


def test_copy_puts_parseable_text_on_the_clipboard(qtbot, surface):
    type_function(qtbot, surface, "x*exp(-x^2-y^2)")
    rows = surface.inspector.formula_rows
    qtbot.waitUntil(lambda: formulas_shown(surface.inspector), timeout=10000)
    qtbot.mouseClick(rows.gradient.copyButton, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied == ["∂f/∂x = exp(-x^2 - y^2)*(1 - 2*x^2)", "∂f/∂y = -2*x*y*exp(-x^2 - y^2)"]
    f = parse("x*exp(-x^2-y^2)")
    point = {"x": 0.3, "y": -0.8}
    for line, g in zip(copied, f.grad()):
        text = line.split(" = ", 1)[1]
        assert float(parse(text).evaluate(point)) == float(g.evaluate(point)) or \
            abs(float(parse(text).evaluate(point)) - float(g.evaluate(point))) < 1e-14
    menu = rows.hessian.view.context_menu()
    copy = next(a for a in menu.actions() if a.objectName() == "copyFormula1")
    assert copy.text() == "Copy formula ∂²f/∂x∂y"
    copy.trigger()
    assert QGuiApplication.clipboard().text() == "2*y*exp(-x^2 - y^2)*(2*x^2 - 1)"


def test_formulas_follow_the_function_not_the_point(qtbot, surface):
    type_function(qtbot, surface, "x^2*y + x*y^2")
    inspector = surface.inspector
    qtbot.waitUntil(lambda: formulas_shown(inspector), timeout=10000)
    before = inspector.formula_rows.formulas
    surface.session.set_point([0.25, -0.5])
    settle(qtbot, surface)
    assert inspector.formula_rows.formulas is before
    assert inspector.formula_rows.gradient.visible_html() == ["∂f/∂x = y·(2x + y)", "∂f/∂y = x·(x + 2y)"]
    type_function(qtbot, surface, "x^2 - y^2")
    qtbot.waitUntil(lambda: inspector.formula_rows.gradient.visible_html() == ["∂f/∂x = 2x", "∂f/∂y = −2y"],
                    timeout=10000)


def test_screenshot_of_the_surface_tab_with_formulas(qtbot, settings_dir):
    window = open_window(qtbot, size=(1500, 950))
    window.show_workspace("surface")
    surface = window.workspaces["surface"]
    settle(qtbot, surface)
    type_function(qtbot, surface, "x*exp(-x^2-y^2)")
    surface.session.set_point([-1.0, 0.0])
    settle(qtbot, surface)
    qtbot.waitUntil(lambda: formulas_shown(surface.inspector), timeout=10000)
    pixels = widget_pixels(surface.inspector.formula_rows.gradient.view)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 8   # rendered text, not a blank row
    path = os.environ.get("GRADSCAPE_FORMULA_SHOT")
    if path:
        qtbot.wait(300)   # let the side panel's layout settle on the new rows
        window.grab().save(path)
    surface.shutdown()


def test_with_variables_held_fixed_the_formulas_are_in_the_plotted_axes(qtbot, surface):
    type_function(qtbot, surface, "x^2*y + z^3")
    surface.session.set_axes(("x", "y"))
    settle(qtbot, surface)
    rows = surface.inspector.formula_rows
    qtbot.waitUntil(lambda: rows.formulas is not None and rows.formulas.variables == ("x", "y"), timeout=10000)
    assert rows.gradient.titleLabel.text() == "∇f in (x, y)"
    assert rows.gradient.visible_html() == ["∂f/∂x = 2xy", "∂f/∂y = x²"]
