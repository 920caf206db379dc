"""Critical points where f itself is undefined are not reported as maxima: ∇f of log(x² − 1) is 2x/(x² − 1), zero
at x = 0, where f = log(−1) has no value. They are listed apart."""
import json
import math

from engine import critical_points, parse
from engine.cli.main import main


def test_a_zero_gradient_where_f_is_undefined_is_not_a_critical_point():
    found = critical_points(parse("log(x^2-1)"), [(-3, 3)])
    assert list(found) == []
    assert [p.tolist() for p in found.undefined] == [[0.0]]


def test_every_listed_point_has_a_value():
    found = critical_points(parse("log(sin(3*x)*cos(3*y))"), [(-1, 1), (-1, 1)])
    assert found and all(math.isfinite(c.value) for c in found)
    assert found.undefined   # the zeros of ∇f where sin(3x)cos(3y) < 0


def test_cli_lists_them_apart(capsys):
    assert main(["critical", "log(x^2-1)", "--box", "-3,3", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["points"] == [] and r["undefined_points"] == [{"point": [0.0], "note": "f undefined here"}]
    assert main(["critical", "log(x^2-1)", "--box", "-3,3"]) == 0
    out = capsys.readouterr().out
    assert "maximum" not in out and "f undefined here" in out
