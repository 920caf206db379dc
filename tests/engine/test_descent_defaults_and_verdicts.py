"""The calculus behind the Descent workspace lives in the engine: default hyperparameters, the start, and the verdict
on where a run stopped — so the CLI and the GUI say the same thing."""
import numpy as np
import pytest

from engine import Objective, descend, parse
from engine.analysis.rates import default_hyperparameters, default_learning_rate
from engine.analysis.starts import choose_start, is_critical, function_scale
from engine.analysis.verdicts import run_verdict, stop_text, stopping_verdict

BOX = [(-2.0, 2.0), (-2.0, 2.0)]


def _objective(text):
    return Objective.from_expression(parse(text))


@pytest.mark.parametrize("text", ["x^2+10*y^2", "x^2+y^2", "3*x^2+x*y+y^2", "x^2+5*y^2"])
def test_momentum_defaults_converge_where_gradient_descent_does(text):
    # with the textbook β = 0.9 the heavy ball contracts by at best √0.9 a step: it spirals to the step limit
    objective = _objective(text)
    start = choose_start(objective, BOX).point
    gd = descend(objective, start, "gd", steps=200, **default_hyperparameters(objective, "gd", start))
    assert gd.status == "converged"
    hyper = default_hyperparameters(objective, "momentum", start)
    heavy = descend(objective, start, "momentum", steps=200, **hyper)
    assert heavy.status == "converged" and 0.5 <= hyper["momentum"] <= 0.9
    assert run_verdict(heavy, BOX).stopped_at == "minimum"


def test_momentum_keeps_its_textbook_default_without_a_bowl_at_the_start():
    objective = _objective("x^2-y^2")
    assert default_hyperparameters(objective, "momentum", [1.0, 0.5])["momentum"] == 0.9


def test_default_rate_is_stable_for_the_curvature_at_the_start():
    rosenbrock = _objective("(1-x)^2+100*(y-x^2)^2")
    lr = default_learning_rate(rosenbrock, "gd", [-1.0, 1.0])
    top = np.max(np.abs(np.linalg.eigvalsh(rosenbrock.hessian(np.array([-1.0, 1.0])))))
    assert lr < 2.0 / top
    assert descend(rosenbrock, [-1.0, 1.0], "gd", steps=200, lr=lr).status != "diverged"


def test_a_critical_selected_point_is_replaced_by_a_nearby_start_with_a_note():
    bowl = _objective("x^2+y^2")
    choice = choose_start(bowl, BOX, preferred=[0.0, 0.0], names=("x", "y"))
    assert not np.allclose(choice.point, 0.0) and "critical point" in choice.note
    assert not is_critical(bowl, choice.point, function_scale(bowl, BOX))


@pytest.mark.parametrize("text, point, kind", [
    ("x^2+y^2", [0, 0], "minimum"), ("x^2-y^2", [0, 0], "saddle"), ("-x^2-y^2", [0, 0], "maximum"),
    ("x^4+y^4", [0, 0], "degenerate"), ("x^2+y^2", [5, 0], "far"), ("x^2+y^2", [1, 1], "not critical"),
])
def test_stopping_verdict_kinds(text, point, kind):
    assert stopping_verdict(_objective(text), point, BOX).kind == kind


def test_only_a_minimum_is_called_converged():
    saddle = stopping_verdict(_objective("x^2-y^2"), [0, 0], BOX)
    assert "converged" not in stop_text(12, saddle) and "saddle" in stop_text(12, saddle)
    assert stop_text(12, stopping_verdict(_objective("x^2+y^2"), [0, 0], BOX)).startswith("converged at step 12")


def test_newton_stopping_near_a_degenerate_point_is_judged_at_the_point_it_stands_for(capsys):
    # Newton approaches x²y + xy²'s degenerate origin linearly and stops at ~5e-5, where the Hessian is still
    # indefinite (eigenvalues ~1e-4): the verdict is about the critical point it reached, as the Surface's list says
    import json
    from engine.cli.main import main
    objective = _objective("x^2*y + x*y^2")
    run = descend(objective, [0.5, 0.5], "newton", steps=200)
    assert run.status == "converged" and 0 < np.max(np.abs(run.points[-1])) < 1e-3
    assert run_verdict(run, BOX).kind == "degenerate"
    assert main(["descend", "x^2*y + x*y^2", "--from", "0.5,0.5", "--method", "newton", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stopped_at"] == "undecided"


def test_cli_says_a_run_that_keeps_falling_may_be_unbounded(capsys):
    from engine.cli.main import main
    assert main(["descend", "x + y", "--from", "0,0", "--method", "gd"]) == 0   # a plane: no bottom
    assert "f keeps decreasing: it may be unbounded below" in capsys.readouterr().out
    assert main(["descend", "x^2 + y^2", "--from", "1,1", "--method", "gd", "--steps", "20"]) == 0
    assert "unbounded" not in capsys.readouterr().out   # slowing down towards a bottom
