"""analyze, critical points, Newton and the verdict on where a run stopped all classify a point the same way: one
function (engine.analysis.classify) with one relative tolerance. Before, four copies used 1e-4, 1e-6 and 1e-10 and
disagreed on the same Hessian."""
import json

import numpy as np
import pytest

from engine import Objective, analyze_point, critical_points, parse
from engine.analysis import classify as C
from engine.analysis.verdicts import stopping_verdict
from engine.cli.main import main
from engine.optim.steps import newton_direction

# Each has one critical point at the origin; the small curvature sits either side of the old tolerances.
CASES = [
    ("x^2 + 3e-5*y^2", "minimum"),       # old Descent verdict (1e-4): degenerate; analyze (1e-6): minimum
    ("x^2 - 3e-5*y^2", "saddle"),
    ("x^2 + 1e-8*y^2", "degenerate"),    # old Newton (1e-10): positive definite; analyze: degenerate
    ("-x^2 - 2*y^2", "maximum"),
    ("x^2 + y^4", "degenerate"),
]


@pytest.mark.parametrize("text, kind", CASES)
def test_analyze_critical_points_newton_and_the_verdict_agree(text, kind):
    f = parse(text)
    objective = Objective.from_expression(f)
    assert analyze_point(f, [0.0, 0.0]).kind == kind
    found = critical_points(f, [(-1, 1), (-1, 1)])
    at_origin = [c for c in found if np.allclose(c.point, 0.0)]
    assert at_origin and at_origin[0].kind == kind
    verdict = stopping_verdict(objective, [0.0, 0.0], [(-1, 1), (-1, 1)])
    assert verdict.kind == kind
    hessian = objective.hessian(np.zeros(2))
    _, step_kind, _, _ = newton_direction(np.array([1e-3, 1e-3]), hessian, 0.0)
    assert (step_kind == "full") == (kind == "minimum")


@pytest.mark.parametrize("eig, kind", [
    ([1.0, 2.0], "minimum"), ([-1.0, -2.0], "maximum"), ([-1.0, 2.0], "saddle"), ([0.0, 2.0], "degenerate"),
    ([1e-7, 1.0], "degenerate"), ([1e-5, 1.0], "minimum"), ([-1e-7, 1.0], "degenerate"),
    ([np.nan, 1.0], "undefined"), (None, "undefined"), ([0.0, 0.0], "degenerate"),
])
def test_one_relative_tolerance_decides_what_counts_as_zero(eig, kind):
    assert C.classify_eigenvalues(eig) == kind


def test_the_floor_keeps_rounding_noise_from_deciding():
    assert C.classify([[1e-12, 0], [0, 2e-12]], scale=1.0) == "degenerate"
    assert C.classify([[1e-12, 0], [0, 2e-12]]) == "minimum"   # no floor: a tiny bowl is still a bowl


def test_eigenvalues_zero_up_to_rounding_are_zero():
    # the chapter's chain at (-1, 0, -2, 1): the Hessian is 14336 in every entry, rank one: eigenvalues 0, 0, 0, 57344
    chain = "(((w+x+y+z)^2 + (w+x-y-z)^2)^2 + ((w+x+y+z)^2 - (w+x-y-z)^2)^2)^2"
    a = analyze_point(parse(chain), [-1, 0, -2, 1])
    assert a.eigenvalues.tolist() == [0.0, 0.0, 0.0, 57344.0]
    np.testing.assert_allclose(a.hessian @ a.eigenvectors, a.eigenvectors * a.eigenvalues, atol=1e-9)


def test_cli_prints_exact_zero_eigenvalues(capsys):
    chain = "(((w+x+y+z)^2 + (w+x-y-z)^2)^2 + ((w+x+y+z)^2 - (w+x-y-z)^2)^2)^2"
    assert main(["analyze", chain, "--at", "-1,0,-2,1"]) == 0
    line = next(s for s in capsys.readouterr().out.splitlines() if s.startswith("eigenvalues"))
    assert line.split(None, 1)[1] == "(0, 0, 0, 57344)"


def test_small_but_real_eigenvalues_are_kept():
    assert C.clean([1e-9, 1.0]).tolist() == [1e-9, 1.0]
    assert C.clean([-3e-17, 1.0]).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("eig, shape", [
    ([1.0, 2.0], "positive definite"), ([0.0, 2.0], "positive semidefinite"), ([-1.0, 2.0], "indefinite"),
    ([-2.0, -1.0], "negative definite"), ([-2.0, 0.0], "negative semidefinite"), ([0.0, 0.0], "zero"),
    ([np.nan, 1.0], "undefined"),
])
def test_definiteness_uses_the_same_zero_test(eig, shape):
    assert C.definiteness(eig) == shape


def test_descend_json_says_where_it_stopped(capsys):
    # x² − y² from (1, 0): y stays 0, the run reaches the saddle; the CLI must not call that a plain convergence
    assert main(["descend", "x^2-y^2", "--from", "1,0", "--method", "gd", "--lr", "0.1", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["status"] == "converged" and r["stopped_at"] == "saddle"
    assert main(["descend", "x^2-y^2", "--from", "1,0", "--method", "gd", "--lr", "0.1"]) == 0
    text = capsys.readouterr().out
    assert "saddle, not a minimum" in text and "converged" not in text


@pytest.mark.parametrize("text, start, steps, stopped_at", [
    ("x^2+y^2", "1,1", 200, "minimum"), ("-(x^2+y^2)", "0,0", 200, "maximum"),
    ("x^4+y^4", "0,0", 200, "undecided"),   # degenerate: the test cannot tell
    ("x^2+y^2", "1,1", 5, "undecided"),     # stopped at the step limit on the slope, not at a critical point
])
def test_descend_stopped_at_words(capsys, text, start, steps, stopped_at):
    assert main(["descend", text, "--from", start, "--method", "gd", "--steps", str(steps), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stopped_at"] == stopped_at
