"""A function whose values overflow float64 over the box is drawn by every workspace without a warning or a crash
(pytest turns warnings into errors)."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def test_a_function_near_the_float_limit_is_drawn_in_every_tab(qtbot, main_window, surface):
    surface.expressionEdit.clear()
    qtbot.keyClicks(surface.expressionEdit, "1e308*x^2*y^2")
    qtbot.keyClick(surface.expressionEdit, Qt.Key.Key_Return)
    surface.flush()
    assert main_window.session.text == "1e308*x^2*y^2"
    for key in ("descent", "graph", "surface"):
        main_window.show_workspace(key)
        qtbot.wait(50)
    assert np.isinf(float(main_window.session.expression.evaluate(x=2.0, y=2.0)))
