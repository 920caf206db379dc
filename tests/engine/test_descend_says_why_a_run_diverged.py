"""Why a run diverged is decided once, in the engine (engine.analysis.verdicts: undefined_where, diverged_text), and
the command line's descend says it in those words, in its summary and in its JSON. Cases by hand: log(x) from 1 with
lr 5 lands at 1 − 5·(1/1) = −4, where log has no value; sqrt(x²+y²) has no gradient at the origin; 1/x² is infinite
at 0; x² with lr 1.5 blows up (x ← −2x) and x³ falls without a bottom, both without leaving f's domain."""
import json

import numpy as np
import pytest

from engine import parse
from engine.analysis.verdicts import diverged_text, undefined_where
from engine.cli.main import main
from engine.optim.descent import descend


@pytest.mark.parametrize("formula, start, lr, what, step, point, text", [
    ("log(x)", [1.0], 5.0, "f is undefined", 1, [-4.0], "f is undefined at step 1, x = -4: the step left f's domain"),
    ("sqrt(x^2 + y^2)", [0.0, 0.0], 0.1, "∇f is undefined", 0, [0.0, 0.0],
     "∇f is undefined at the start (x, y) = (0, 0)"),
    ("1/x^2", [0.0], 0.1, "f is infinite", 0, [0.0], "f is infinite at the start x = 0"),
])
def test_the_engine_and_the_command_line_say_where_f_is_undefined(capsys, formula, start, lr, what, step, point,
                                                                     text):
    f = parse(formula)
    run = descend(f, start, "gd", steps=20, lr=lr)
    undefined = undefined_where(run)
    assert (undefined.what, undefined.step) == (what, step)
    np.testing.assert_array_equal(undefined.point, point)
    assert undefined.text(f.variables) == text

    assert main(["descend", formula, "--from", ",".join(map(str, start)), "--method", "gd", "--lr", str(lr),
                 "--steps", "20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "diverged" and out["summary"] == text
    assert out["undefined"] == {"what": what, "step": step, "point": point, "text": text}
    assert main(["descend", formula, "--from", ",".join(map(str, start)), "--method", "gd", "--lr", str(lr)]) == 0
    assert f"Gradient descent (lr={lr:g}): {text}" in capsys.readouterr().out


@pytest.mark.parametrize("formula, start, lr, kind, text", [
    # x ← −2x: f = 4^k passes 1e8 at k = 14
    ("x^2", "1", "1.5", "blew up", "diverged at step 14: |f| = 2.68e+08 exploded past 1e+08"),
    # x ← x − 0.5·3x²: −1, −2.5, −11.875, −223, … f falls at every step until |x| passes 1e8
    ("x^3", "-1", "0.5", "unbounded", "diverged at step 4: f keeps decreasing: it may be unbounded below"),
])
def test_a_divergence_inside_the_domain_is_not_called_undefined(capsys, formula, start, lr, kind, text):
    f = parse(formula)
    run = descend(f, [float(start)], "gd", steps=2000, lr=float(lr))
    assert run.status == "diverged" and undefined_where(run) is None
    assert diverged_text(run, f.variables) == (kind, text)
    assert main(["descend", formula, "--from", start, "--method", "gd", "--lr", lr, "--steps", "2000", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["undefined"] is None and out["summary"] == text


def test_runs_that_did_not_diverge_are_not_undefined():
    run = descend(parse("x^2 + y^2"), [1.0, 1.0], "gd", steps=200, lr=0.25)
    assert run.status == "converged" and undefined_where(run) is None
