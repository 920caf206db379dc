"""A matrix formula whose constant power overflows a float (10^400, (2*a)^2000) parses to an unexpanded power that
evaluates to inf, as the scalar grammar's does, instead of failing with an OverflowError from the simplifier."""
import math

import numpy as np
import pytest

from engine.expr.parser import parse
from engine.matrix.parser import parse_matrix


@pytest.mark.parametrize("text", ["10^400", "2.5^1e3", "(1e200)^2", "(2*a)^2000", "(a*1e200)^2", "-(3*b)^1000"])
def test_overflowing_powers_parse_and_evaluate_to_infinity(text):
    m = parse_matrix(text)
    value = m.evaluate(**{name: np.ones(shape) for name, shape in m.variables.items()})
    scalar = parse(text)
    assert math.isinf(float(np.ravel(value)[0]))
    assert float(np.ravel(value)[0]) == scalar.evaluate_at([1.0] * len(scalar.variables))
    assert parse_matrix(str(m)).variables == m.variables   # the text reads back
