"""Typed numbers: a number or a constant formula (1e-3, 1/2, pi/4, log(2)), read by the engine's parser, whose
digits are ASCII only — float() would read ١ as 1 and ５ as 5. ``NumberBox`` is the spin box every workspace types
numbers into: it shows significant digits, refuses a character no number can hold, and keeps its value when the
committed text is not a finite number within its range."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

from engine import ParseError, parse


def read_number(text: str, what: str = "the value") -> float:
    """The finite number ``text`` names; ValueError naming ``what`` and the text otherwise."""
    try:
        expression = parse(text.strip().replace("−", "-"))
    except ParseError as error:
        raise ValueError(f"{what} ({text!r}): {error.message}") from None
    if expression.variables:
        raise ValueError(f"{what} ({text!r}) contains {', '.join(expression.variables)}: type a number "
                         "or a formula of numbers, e.g. log(2)")
    with np.errstate(all="ignore"):
        value = float(expression.evaluate({}))
    if not math.isfinite(value):
        raise ValueError(f"{what} ({text!r}) is not a finite number")
    return value


def number_state(text: str, lo: float = -math.inf, hi: float = math.inf) -> QValidator.State:
    """Acceptable for a number within [lo, hi]; Invalid where a character can be part of no number or formula (a
    non-ASCII digit); Intermediate for the rest, which may still become one (``1e``, ``pi/``)."""
    if not text.replace("−", "-").isascii():
        return QValidator.State.Invalid
    try:
        value = read_number(text)
    except ValueError:
        return QValidator.State.Intermediate
    return QValidator.State.Acceptable if lo <= value <= hi else QValidator.State.Intermediate


class NumberBox(QDoubleSpinBox):
    """A spin box that shows numbers compactly (0.001, 1e-05) and takes what :func:`read_number` reads."""

    def __init__(self, parent=None, **properties):
        super().__init__(parent, **properties)
        self.setDecimals(12)
        self.setKeyboardTracking(False)   # commit on Enter / focus out / arrows, not on every keystroke

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return read_number(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        return number_state(text, self.minimum(), self.maximum()), text, pos
