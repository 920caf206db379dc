"""analyze says 'undefined' where f or its gradient has no value, instead of 'regular' with a NaN gradient and
'(0/0)' in the model formulas."""
import json
import math

import pytest

from engine import analyze_point, parse
from engine.cli.main import main


@pytest.mark.parametrize("text, point", [
    ("sqrt(x^2+y^2+z^2)", [0, 0, 0]),          # a cone's tip: f = 0, ∇f = 0/0
    ("x*y*(x^2-y^2)/(x^2+y^2)", [0, 0]),       # the chapter's counterexample: f itself is 0/0 at the origin
    ("log(x) + y", [-1, 0]),
])
def test_analyze_point_kind_is_undefined(text, point):
    a = analyze_point(parse(text), point)
    assert a.kind == "undefined"
    assert not a.linear.defined and a.linear.formula is None and a.quadratic.formula is None


def test_cli_analyze_prints_no_nan_formulas(capsys):
    assert main(["analyze", "sqrt(x^2+y^2+z^2)", "--at", "0,0,0", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["kind"] == "undefined" and r["linear"]["formula"] is None and r["quadratic"]["formula"] is None
    assert main(["analyze", "x*y*(x^2-y^2)/(x^2+y^2)", "--at", "0,0"]) == 0
    text = capsys.readouterr().out
    assert "(0/0)" not in text and "regular" not in text and "undefined" in text


def test_a_finite_gradient_with_an_undefined_hessian_keeps_its_tangent_plane():
    a = analyze_point(parse("abs(x)^1.5 + y"), [0.0, 1.0])   # ∇f = (0, 1); f″ = 0.75/√|x| has no value at 0
    assert a.kind == "regular" and a.linear.defined and a.linear.formula is not None
    assert not a.quadratic.defined and a.quadratic.formula is None


def test_defined_points_are_unchanged():
    a = analyze_point(parse("x^2 - y^2"), [0, 0])
    assert a.kind == "saddle" and a.quadratic.formula == "x^2 - y^2" and math.isfinite(a.value)
