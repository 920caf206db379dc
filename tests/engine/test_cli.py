"""``python -m engine``: JSON keys as DESIGN.md names them, readable tables, and errors without tracebacks."""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from engine import parse
from engine.cli import build_parser, main, normalize_argv, parse_vector, to_json, CLIError

ROOT = Path(__file__).resolve().parents[2]


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run_main(capsys, *argv, "--json")
    assert code == 0, err
    assert out.count("\n") == 1     # one JSON object on one line
    return json.loads(out)


def test_analyze_json_keys_and_values(capsys):
    r = run_json(capsys, "analyze", "x*exp(-x^2-y^2)", "--at", "-1,0")
    for key in ("expression", "variables", "point", "value", "gradient", "hessian", "eigenvalues", "kind",
                "linear", "quadratic"):
        assert key in r
    assert r["variables"] == ["x", "y"] and r["point"] == [-1.0, 0.0] and r["kind"] == "regular"
    assert r["gradient"] == pytest.approx([-math.exp(-1), 0.0])
    assert r["eigenvalues"] == sorted(r["eigenvalues"])
    assert "formula" in r["linear"] and "formula" in r["quadratic"]
    assert "true_value" not in r


def test_analyze_with_step(capsys):
    r = run_json(capsys, "analyze", "log(exp(x)+exp(y))", "--at", f"0,{math.log(2)!r}", "--step", "0.01,-0.03")
    assert r["linear_estimate"] == pytest.approx(math.log(3) + 0.01 / 3 - 0.02, abs=1e-14)
    assert r["true_value"] == pytest.approx(math.log(math.exp(0.01) + 2 * math.exp(-0.03)), abs=1e-14)
    assert abs(r["quadratic_estimate"] - r["true_value"]) < abs(r["linear_estimate"] - r["true_value"])


def test_values_and_formulas_starting_with_a_minus_sign(capsys):
    r = run_json(capsys, "analyze", "-x^2+y", "--at", "-1,-2", "--step", "-0.5,0")
    assert r["point"] == [-1.0, -2.0] and r["value"] == pytest.approx(-3.0)
    assert r["true_value"] == pytest.approx(-(1.5 ** 2) - 2)
    c = run_json(capsys, "critical", "-(x^4+y^4)", "--box", "-2,2,-2,2")
    assert [(p["point"], p["verdict"]) for p in c["points"]] == [([0.0, 0.0], "maximum")]
    d = run_json(capsys, "descend", "-exp(-x^2)", "--from", "-0.5", "--method", "gd", "--lr=0.5")
    assert d["status"] == "converged" and abs(d["points"][-1][0]) < 1e-8


def test_critical_json(capsys):
    r = run_json(capsys, "critical", "3*x^4 - 4*x^3 - 12*x^2", "--box", "-3,3")
    assert [p["point"][0] for p in r["points"]] == pytest.approx([-1.0, 0.0, 2.0], abs=1e-12)
    assert [p["value"] for p in r["points"]] == pytest.approx([-5.0, 0.0, -32.0])
    assert [p["kind"] for p in r["points"]] == ["minimum", "maximum", "minimum"]
    for p in r["points"]:
        assert set(p) >= {"point", "value", "kind", "verdict", "eigenvalues"}
    one_pair = run_json(capsys, "critical", "x^2 + y^2", "--box", "-1,1")
    assert one_pair["box"] == [[-1.0, 1.0], [-1.0, 1.0]]


def test_descend_json_and_hyperparameters(capsys):
    r = run_json(capsys, "descend", "x^2", "--from", "1", "--method", "gd", "--lr", "1.5", "--steps", "50")
    assert r["method"] == "gd" and r["status"] == "diverged"
    assert r["points"][:3] == [[1.0], [-2.0], [4.0]] and r["values"][:2] == [1.0, 4.0]
    m = run_json(capsys, "descend", "x^2+y^2", "--from", "1,1", "--method", "momentum", "--lr", "0.1",
                 "--momentum", "0.5", "--steps", "3")
    assert m["hyperparameters"] == {"lr": 0.1, "momentum": 0.5} and m["status"] == "max_steps"
    assert len(m["points"]) == 4
    n = run_json(capsys, "descend", "x^2+x*y+y^2-3*x", "--from", "5,7", "--method", "newton")
    assert n["points"][1] == pytest.approx([2.0, -1.0]) and n["status"] == "converged"


def test_non_finite_numbers_are_null(capsys):
    r = run_json(capsys, "analyze", "log(x)", "--at", "-1")
    assert r["value"] is None
    assert to_json({"a": float("inf"), "b": [float("nan"), 1.5]}) == '{"a": null, "b": [null, 1.5]}'


def test_readable_tables(capsys):
    code, out, _ = run_main(capsys, "analyze", "x*exp(-x^2-y^2)", "--at", "-1,0", "--step", "0.1,0")
    assert code == 0
    assert "gradient" in out and "quadratic model" in out and "true value" in out and "regular" in out
    code, out, _ = run_main(capsys, "critical", "x^2*y+x*y^2", "--box", "-1,1,-1,1")
    assert code == 0 and "degenerate" in out and "neither" in out and "(0, 0)" in out
    code, out, _ = run_main(capsys, "descend", "x^2", "--from", "1", "--method", "adam", "--steps", "40")
    assert code == 0 and "Adam" in out and "…" in out and "40" in out


@pytest.mark.parametrize("argv, fragment", [
    (["analyze", "x+y", "--at", "1"], "--at needs 2 value(s)"),
    (["analyze", "x+y", "--at", "1,abc"], "'abc' is not a number"),
    (["analyze", "x+", "--at", "1"], "^"),
    (["analyze", "x", "--at", "1", "--step", "1,2"], "--step needs 1"),
    (["analyze", "3", "--at", "1"], "no variables"),
    (["critical", "x*y", "--box", "1,0,0,1"], "low < high"),
    (["critical", "x*y*z", "--box", "0,1,0,1"], "--box needs 6"),
    (["descend", "x", "--from", "1", "--method", "sgd"], "invalid choice"),
    (["descend", "x", "--from", "1", "--method", "gd", "--beta1", "0.5"], "does not use --beta1"),
    (["descend", "x", "--from", "1", "--method", "gd", "--lr", "-1"], "lr must be"),
    (["descend", "x", "--from", "1", "--method", "gd", "--lr", "-1", "--steps", "-2"], "--steps"),
    (["frobnicate"], "invalid choice"),
    (["analyze", "x"], "required"),
])
def test_errors_exit_2_with_a_message(capsys, argv, fragment):
    code, out, err = run_main(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and fragment in err and "Traceback" not in err


def test_parse_error_points_at_the_character(capsys):
    code, _, err = run_main(capsys, "analyze", "x + foo(y)", "--at", "1,2")
    lines = err.splitlines()
    assert code == 2 and "foo" in lines[0]
    assert lines[1].strip() == "x + foo(y)"
    assert lines[2].index("^") == lines[1].index("f")


def test_normalize_argv_and_parse_vector():
    parser = build_parser()
    assert normalize_argv(["critical", "-(x^4)", "--box", "-1,1"], parser) == \
        ["critical", "--box=-1,1", "--", "-(x^4)"]
    assert normalize_argv(["analyze", "x", "--at", "2,-1"], parser) == ["analyze", "x", "--at", "2,-1"]
    assert normalize_argv(["analyze", "x", "--json"], parser) == ["analyze", "x", "--json"]
    assert parse_vector(" -1, 2.5e-1 ", "--at") == [-1.0, 0.25]
    for bad in ("", "1,,2", "inf", "nan,1"):
        with pytest.raises(CLIError):
            parse_vector(bad, "--at")


def test_real_process_json_and_error():
    ok = subprocess.run([sys.executable, "-m", "engine", "critical", "x^2*y+x*y^2", "--box", "-3,3,-3,3", "--json"],
                        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    points = json.loads(ok.stdout)["points"]
    assert [(p["point"], p["kind"], p["verdict"]) for p in points] == [([0.0, 0.0], "degenerate", "neither")]
    bad = subprocess.run([sys.executable, "-m", "engine", "analyze", "x^", "--at", "-1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
    helped = subprocess.run([sys.executable, "-m", "engine", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert helped.returncode == 0 and "analyze" in helped.stdout and "descend" in helped.stdout


def test_descend_refuses_a_step_count_that_would_exhaust_memory():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "engine", "descend", "x^2", "--from", "1", "--method", "gd",
                          "--steps", "3000000", "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("error: --steps must be a whole number from 0 to 100,000")


def test_analyze_json_has_gradient_and_hessian_formulas_that_parse_back(capsys):
    r = run_json(capsys, "analyze", "x*exp(-x^2-y^2)", "--at", "-1,0")
    assert r["gradient_formulas"] == ["exp(-x^2 - y^2)*(1 - 2*x^2)", "-2*x*y*exp(-x^2 - y^2)"]
    assert len(r["hessian_formulas"]) == 2 and all(len(row) == 2 for row in r["hessian_formulas"])
    point = {"x": -1.0, "y": 0.0}
    for text, value in zip(r["gradient_formulas"], r["gradient"]):
        assert float(parse(text).evaluate(point)) == pytest.approx(value, abs=1e-12)
    for row, values in zip(r["hessian_formulas"], r["hessian"]):
        for text, value in zip(row, values):
            assert float(parse(text).evaluate(point)) == pytest.approx(value, abs=1e-12)


def test_analyze_table_shows_the_formulas(capsys):
    code, out, _ = run_main(capsys, "analyze", "x*exp(-x^2-y^2)", "--at", "-1,0")
    assert code == 0
    assert "∂f/∂x" in out and "exp(-x^2 - y^2)*(1 - 2*x^2)" in out and "∂²f/∂x∂y" in out


def test_analyze_json_gives_null_for_a_formula_too_long_to_write(capsys):
    r = run_json(capsys, "analyze", "sin(" * 95 + "x*y" + ")" * 95, "--at", "0.1,0.2")
    assert isinstance(r["gradient_formulas"][0], str) and r["hessian_formulas"][0][1] is None
