"""Digits are ASCII: `١+x` (an Arabic-Indic one) is not 1 + x, in formulas and in the command line's numbers."""
import pytest

from engine import ParseError, parse
from engine.cli.main import main


@pytest.mark.parametrize("text, position", [("١+x", 0), ("x+٢", 2), ("x^２", 2), ("1e３*x", 1), ("x*१", 2)])
def test_other_scripts_digits_are_refused_where_they_stand(text, position):
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.position in (position, position + 1) and "unexpected character" in caught.value.message


def test_ascii_numbers_still_parse():
    assert parse("1.5e3*x + .25").evaluate_at([2.0]) == 3000.25


@pytest.mark.parametrize("value", ["١", "１,0", "0,٠"])
def test_cli_numbers_are_ascii(capsys, value):
    assert main(["analyze", "x+y", "--at", value]) == 2
    assert "is not a number" in capsys.readouterr().err
