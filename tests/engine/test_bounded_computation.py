"""Computation is bounded: the critical-point search honours its time limit in every phase and says it stopped
early; past MAX_VARIABLES variables analyze, critical, descend and Newton refuse with a message.

No timed assertions: the deadline is checked by counting the evaluations that START after it (each one is one
batched pass over the derivatives; the old search went on for hundreds of them, 150 s on the product below)."""
import json
import time

import numpy as np
import pytest

from engine import Descent, Objective, analyze_point, critical_points, parse
from engine.analysis import roots
from engine.cli.main import main
from engine.expr import build as E
from engine.expr.limits import MAX_VARIABLES, TooManyVariables

#: Evaluations a search may start after its deadline, whatever the function: whether f is defined at the points found,
#: the classification batch (gradient+Hessian, values) and the sets' representatives (three batches) — 6 on a quiet
#: machine; a loaded one (a slow clock between the deadline check and the count) has shown 22. Before phases watched
#: the deadline, the search ran on for tens of seconds (thousands of evaluations), which this bound still catches.
AFTER_DEADLINE = 60


def _product_666():
    return parse("*".join(["x", "y"] * 333))      # x³³³y³³³: both axes are critical, every start is slow


def _sines_324():
    x, y = E.var("x"), E.var("y")
    f = E.const(1.0)
    for i in range(324):
        f = E.mul(f, E.apply("sin", E.add(x if i % 2 else y, E.const(0.01 * i))))
    return f


@pytest.fixture
def late_calls(monkeypatch):
    """Record when each derivative evaluation starts; ``late(deadline)`` counts those after it."""
    starts = []
    for name in ("gradient_hessian", "values"):
        original = getattr(roots.Derivatives, name)

        def recorded(self, points, _original=original):
            starts.append(time.monotonic())
            return _original(self, points)
        monkeypatch.setattr(roots.Derivatives, name, recorded)
    return lambda deadline: sum(t > deadline for t in starts)


@pytest.mark.parametrize("build", [_product_666, _sines_324], ids=["666 factors", "324 sines"])
def test_every_phase_stops_at_the_deadline_and_says_so(late_calls, build):
    f = build()
    began = time.monotonic()
    found = critical_points(f, [(-1, 1), (-1, 1)], max_seconds=0.5)
    assert late_calls(began + 0.5) <= AFTER_DEADLINE
    assert not found.complete and "stopped early" in found.message
    assert all(c.gradient_norm <= 1e-6 for c in found)   # what it lists is right, though not all of it


def test_a_search_that_finishes_says_it_is_complete():
    found = critical_points(parse("x^2 - y^2"), [(-1, 1), (-1, 1)])
    assert found.complete and found.message == "" and len(found) == 1


def test_cli_critical_reports_an_early_stop(capsys):
    assert main(["critical", "*".join(["x", "y"] * 333), "--box", "-1,1", "--max-seconds", "0.5", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["complete"] is False and "stopped early" in r["message"]


def _many(n):
    return parse("*".join(f"v{i}" for i in range(n)))


def test_past_the_variable_limit_everything_second_order_refuses():
    f = _many(MAX_VARIABLES + 1)
    point = np.ones(MAX_VARIABLES + 1)
    with pytest.raises(TooManyVariables, match=f"limited to {MAX_VARIABLES} variables"):
        analyze_point(f, point)
    with pytest.raises(TooManyVariables, match="limited"):
        critical_points(f, [(-1, 1)] * (MAX_VARIABLES + 1))
    with pytest.raises(TooManyVariables, match="limited"):
        Objective.from_expression(f)
    graph_like = Objective(tuple(f"v{i}" for i in range(MAX_VARIABLES + 1)), lambda p: 0.0,
                           lambda p: np.zeros(len(p)), lambda p: np.eye(len(p)))
    with pytest.raises(TooManyVariables, match="Newton"):
        Descent(graph_like, point, "newton")
    Descent(graph_like, point, "gd")   # first-order steps need no Hessian: allowed


@pytest.mark.parametrize("command", [
    ["analyze", "{f}", "--at", "{ones}"], ["critical", "{f}", "--box", "-1,1"],
    ["descend", "{f}", "--from", "{ones}", "--method", "gd"],
])
def test_cli_refuses_past_the_variable_limit_with_a_message(capsys, command):
    n = MAX_VARIABLES + 1
    f = "*".join(f"v{i}" for i in range(n))
    ones = ",".join(["1"] * n)
    assert main([part.format(f=f, ones=ones) for part in command]) == 2
    assert f"limited to {MAX_VARIABLES} variables" in capsys.readouterr().err


def test_at_the_limit_analysis_still_works():
    a = analyze_point(_many(MAX_VARIABLES), np.ones(MAX_VARIABLES))
    assert a.kind == "regular" and a.gradient.tolist() == [1.0] * MAX_VARIABLES
