"""Stated bounds on the work a request may ask for, so that no input hangs the app or the command line.

Second derivatives are the cost: a function of n variables has n² Hessian entries, each an expression that can be as
long as f, so analysing a point grows like n³ (a product of 100 variables takes ~5 s to analyse, of 422 variables
minutes; 50 variables ~0.7 s). Past :data:`MAX_VARIABLES` the analysis, the critical-point search, Newton's method
and the objectives an optimizer descends are refused with a message, not attempted.
"""
from __future__ import annotations

#: The most variables a function may have for second-derivative work (analyze, critical points, Newton, descend).
MAX_VARIABLES = 50


class TooManyVariables(ValueError):
    """A request past :data:`MAX_VARIABLES`; the message says the limit."""


def check_variable_count(n: int, what: str) -> None:
    """Raise :class:`TooManyVariables` when ``n`` variables are more than ``what`` will take."""
    if n > MAX_VARIABLES:
        raise TooManyVariables(f"{what} is limited to {MAX_VARIABLES} variables (second derivatives grow with the "
                               f"square of their number); this function has {n}")
