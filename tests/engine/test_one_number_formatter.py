"""One formatter of numbers for people, in the engine: the CLI and the GUI use it (two spellings of one rule)."""
import math

import numpy as np
import pytest

from engine.cli.common import format_number as cli_number
from engine.expr.numbers import format_number, format_point


@pytest.mark.parametrize("value, display, ascii_text", [
    (None, "—", "null"), (math.nan, "undefined", "nan"), (math.inf, "∞", "inf"), (-math.inf, "−∞", "-inf"),
    (0.0, "0", "0"), (-0.0, "0", "0"), (-2.5, "−2.5", "-2.5"), (1024.0, "1024", "1024"),
    (1152921504606846976.0, "1.15292e+18", "1.152921505e+18"), (np.float32(0.125), "0.125", "0.125"),
    (1 / 3, "0.333333", "0.3333333333"), (123456789.0, "123456789", "123456789"),
])
def test_display_and_ascii_spellings(value, display, ascii_text):
    assert format_number(value) == display
    assert cli_number(value) == ascii_text


def test_the_gui_has_no_formatter_of_its_own():
    import gui.graph.items as items
    import gui.views.ticks as ticks
    assert not hasattr(ticks, "format_number") and items.format_number is format_number


def test_point_text():
    assert format_point(("x", "y"), [0.5, -1.0]) == "(x, y) = (0.5, -1)"
    assert format_point(("x",), [2.0]) == "x = 2"
    assert format_point(None, [1.0, 2.0]) == "(1, 2)"
