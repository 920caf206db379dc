"""One formatter of formula literals for both grammars: each number prints as text its own parser reads back as the
same float; pi and e by name only where the grammar knows them (the matrix grammar takes them for variables)."""
import math

import pytest

import engine.expr.printing as scalar_printing
import engine.matrix.printing as matrix_printing
from engine.expr.parser import parse
from engine.expr.printing import format_number
from engine.matrix.parser import parse_matrix

NUMBERS = [0.0, 1.0, -2.0, 0.1, 1 / 3, -1e-300, 5e-324, 1.7976931348623157e308, 2.0 ** 60, math.pi, math.e,
           -math.pi, 123456789.125, 1e16, -1e22]


@pytest.mark.parametrize("value", NUMBERS)
def test_scalar_literals_read_back(value):
    assert parse(format_number(value)).evaluate_at([]) == value


@pytest.mark.parametrize("value", NUMBERS)
def test_matrix_literals_read_back_as_constants(value):
    m = parse_matrix(format_number(value, grammar="matrix"))
    assert m.variables == {} and m.evaluate() == value


def test_names_and_signs_follow_the_grammar():
    assert format_number(math.pi) == "pi" and format_number(math.e) == "e" and format_number(-0.0) == "-0"
    assert format_number(math.pi, grammar="matrix") == repr(math.pi)
    assert format_number(-0.0, grammar="matrix") == "0"
    assert [format_number(v, grammar=g) for g in ("scalar", "matrix") for v in (math.nan, math.inf, -math.inf)] \
        == ["(0/0)", "1e999", "-1e999"] * 2


def test_the_matrix_printer_has_no_formatter_of_its_own():
    assert matrix_printing.format_number is scalar_printing.format_number
