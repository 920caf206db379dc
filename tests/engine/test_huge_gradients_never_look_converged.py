"""Adaptive optimizers divide by √(mean of g²); past |g| ~ 1e154 the square overflows, the step is 0 and the point
does not move. That is a stall, not convergence: the run is reported diverged, and no numpy warning escapes."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine import descend, parse
from engine.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
HUGE = "1e300*x^2-1e300*y^2"


@pytest.mark.parametrize("method", ["adam", "adagrad", "rmsprop"])
def test_a_stalled_adaptive_run_is_not_converged(method):
    run = descend(parse(HUGE), [1.0, 1.0], method)
    assert run.status == "diverged" and "stalled" in run.message


@pytest.mark.parametrize("method", ["adam", "adagrad", "rmsprop"])
def test_a_converging_adaptive_run_still_converges(method):
    assert descend(parse("x^2 + y^2"), [1.0, 1.0], method, steps=5000).status == "converged"


def test_cli_says_diverged_with_no_warning_on_stderr():
    out = subprocess.run([sys.executable, "-W", "error", "-m", "engine", "descend", HUGE, "--from", "1,1",
                          "--method", "adam", "--json"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == ""
    r = json.loads(out.stdout)
    assert r["status"] == "diverged" and r["stopped_at"] == "undecided"


def test_cli_table_does_not_say_converged(capsys):
    assert main(["descend", HUGE, "--from", "1,1", "--method", "adam"]) == 0
    assert "converged" not in capsys.readouterr().out
