"""The one formatter of numbers for people (tables, labels, tooltips); formula literals that must parse back are
:func:`engine.expr.printing.format_number`'s job.

Two spellings of the same rules: ``style="display"`` for the GUI (a real minus sign "−", "undefined" for NaN, "∞",
"—" for no value) and ``style="ascii"`` for the command line (plain "-", "nan", "inf", "null"). Zero, including
−0.0, is "0"; whole numbers below 10¹⁵ are written out in full; everything else with ``digits`` significant digits.
"""
from __future__ import annotations

import math

_SPELLING = {
    "display": {"none": "—", "nan": "undefined", "inf": "∞", "-inf": "−∞"},
    "ascii": {"none": "null", "nan": "nan", "inf": "inf", "-inf": "-inf"},
}


def format_number(value, digits: int = 6, style: str = "display") -> str:
    """``value`` (a float, int, numpy scalar or None) as short readable text."""
    words = _SPELLING[style]
    if value is None:
        return words["none"]
    v = float(value)
    if math.isnan(v):
        return words["nan"]
    if math.isinf(v):
        return words["inf"] if v > 0 else words["-inf"]
    if v == 0:
        return "0"
    text = str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.{digits}g}"
    return text.replace("-", "−") if style == "display" else text


def format_point(names, point, digits: int = 4) -> str:
    """"x = 0.5" or "(x, y) = (0, 0)" (plain ASCII: it appears in messages of the CLI and the GUI alike)."""
    values = [f"{float(v):.{digits}g}" for v in point]
    if names is None or len(names) != len(values):
        return f"({', '.join(values)})"
    if len(values) == 1:
        return f"{names[0]} = {values[0]}"
    return f"({', '.join(names)}) = ({', '.join(values)})"
