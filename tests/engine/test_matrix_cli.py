"""``python -m engine matrix``: the JSON DESIGN.md names, numbers that check out, and errors as ``error: …``."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
FACTORIZATION = ["norm2(X - U*V)^2", "--shapes", "X=5x4,U=5x2,V=2x4"]


def run_json(capsys, *argv):
    code = main(["matrix", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


def run_error(capsys, *argv):
    code = main(["matrix", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    return err


def test_json_keys_and_numbers(capsys):
    r = run_json(capsys, *FACTORIZATION, "--wrt", "V")
    assert set(r) == {"expression", "shapes", "values", "value", "gradients"}
    assert r["shapes"] == {"U": [5, 2], "V": [2, 4], "X": [5, 4]}
    X, U, V = (np.array(r["values"][n]) for n in "XUV")
    assert X.shape == (5, 4) and U.shape == (5, 2) and V.shape == (2, 4)
    assert r["value"] == pytest.approx(np.sum((X - U @ V) ** 2))
    g = r["gradients"]["V"]
    assert g["formula"] == "-2*U'*(X - U*V)" and g["shape"] == [2, 4]
    np.testing.assert_allclose(g["values"], -2 * U.T @ (X - U @ V), rtol=1e-12)
    assert 0 <= g["max_fd_error"] < 1e-6


def test_values_are_standard_normal_from_the_seed(capsys):
    a = run_json(capsys, "x'*A*x", "--seed", "7")
    b = run_json(capsys, "x'*A*x", "--seed", "7")
    c = run_json(capsys, "x'*A*x", "--seed", "8")
    assert a["values"] == b["values"] != c["values"]
    assert set(a["gradients"]) == {"A", "x"}


def test_set_values_and_their_shapes(capsys):
    r = run_json(capsys, "beta*x", "--shapes", "beta=1x3", "--set", "x=[1,2,3]", "--set", "beta=[[1,0,-1]]")
    assert r["values"] == {"beta": [[1.0, 0.0, -1.0]], "x": [[1.0], [2.0], [3.0]]}
    assert r["value"] == -2.0
    assert r["gradients"]["x"]["values"] == [[1.0], [0.0], [-1.0]]
    r = run_json(capsys, "norm2(v)", "--set", "v=[3,4,0,0,0]")
    assert r["shapes"] == {"v": [5, 1]} and r["value"] == 5.0
    assert r["gradients"]["v"]["formula"] == "v/norm2(v)"


def test_vector_valued_expression_has_a_value_and_no_gradients(capsys):
    r = run_json(capsys, "A*x", "--set", "A=[[1,0,0],[0,2,0],[0,0,3]]", "--set", "x=[1,1,1]")
    assert r["value"] == [[1.0], [2.0], [3.0]] and "gradients" not in r


def test_check_verdicts(capsys):
    for candidate, verdict, factor in [("-2*U'*(X - U*V)", "equal", 1.0), ("2*U'*(X - U*V)", "sign", -1.0),
                                       ("-2*(X - U*V)'*U", "transpose", None),
                                       ("-6*U'*(X - U*V)", "factor", 3.0), ("U'*X", "different", None),
                                       ("U'*U", "shape", None)]:
        r = run_json(capsys, *FACTORIZATION, "--wrt", "V", "--check", candidate)
        assert r["check"]["candidate"] == candidate
        assert (r["check"]["verdict"], r["check"]["factor"]) == (verdict, factor)
        assert "relative_error" in r["check"]


@pytest.mark.parametrize("argv, message", [
    (["X - U*V", "--shapes", "X=5x4,U=5x2,V=2x3"], "cannot subtract a 5×4 matrix and a 5×3 matrix at column 3"),
    (["x +"], "missing operand"),
    (["x'*x", "--shapes", "x=0"], "between 1 and"),
    (["x'*x", "--shapes", "x"], "NAME=RxC"),
    (["x'*x", "--set", "x=[1,2"], "not a number"),
    (["x'*x", "--set", "x=[1,NaN]"], "finite"),
    (["x'*x", "--shapes", "x=4", "--set", "x=[1,2]"], "x is a 4×1 vector"),
    (["x'*x", "--set", "y=1"], "not a variable"),
    (["x'*x", "--wrt", "y"], "not a variable"),
    (["A*x", "--wrt", "x"], "scalar expression"),
    (["x'*A*x", "--check", "2*A*x"], "exactly one --wrt"),
    (["x'*A*x", "--wrt", "x", "--check", "2*A*"], "--check"),
])
def test_errors(capsys, argv, message):
    assert message in run_error(capsys, *argv)


def test_a_formula_starting_with_a_minus_sign(capsys):
    r = run_json(capsys, "-x'*x", "--set", "x=[1,2,2]")
    assert r["value"] == -9.0 and r["gradients"]["x"]["formula"] == "-2*x"


def test_table_output_and_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "engine", "matrix", *FACTORIZATION, "--wrt", "V", "--check",
                          "2*U'*(X-U*V)"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "∂f/∂V = -2*U'*(X - U*V)" in out.stdout and "sign" in out.stdout
