"""`python -m engine descend --json` says in its ``message`` what the Descent tab's run line says, whatever stopped the
run: the step limit (with and without the warning that f may be unbounded below), a minimum, a saddle, a step out of
f's domain, a function without a bottom and a blow-up (where the tab adds what the user can do about it). The
optimizer's own account (the gradient norm at the limit) stays in ``detail``."""
import json

import pytest

from engine.cli.main import main
from tests.gui.descent_helpers import only_a_gd_run, statuses, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def cli_json(capsys, formula, start, lr, steps):
    assert main(["descend", formula, "--from", ",".join(start), "--method", "gd", "--lr", lr, "--steps", str(steps),
                 "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("formula, start, lr, steps, words, hint", [
    # x + y: every step moves (−0.1, −0.1) and f falls by 0.2, as fast at the end as at the start
    ("x + y", ["0", "0"], "0.1", 12,
     "stopped at the step limit (12 steps); f keeps decreasing: it may be unbounded below", ""),
    # x ← 0.98·x: f falls slower and slower, far from ∇f ≈ 0 after 12 steps
    ("x^2 + y^2", ["1", "1"], "0.01", 12, "stopped at the step limit (12 steps)", ""),
    # x ← x − 0.5·2x = 0: ∇f = 0 after one step, at the bowl's bottom / the saddle
    ("x^2 + y^2", ["1", "1"], "0.5", 200, "converged at step 1: a minimum (eigenvalues 2, 2)", ""),
    ("x^2 - y^2", ["1", "0"], "0.5", 200,
     "step 1: stopped where ∇f ≈ 0: a saddle, not a minimum (eigenvalues -2, 2)", ""),
    ("log(x)", ["1"], "5", 200, "f is undefined at step 1, x = -4: the step left f's domain", ""),
    ("x^3 + y^2", ["-1", "0.5"], "0.5", 200,
     "diverged at step 4: f keeps decreasing: it may be unbounded below", ""),
    # x ← −2x: f = 2·4^k passes 1e8·2 at k = 14
    ("x^2 + y^2", ["1", "1"], "1.5", 200, "diverged at step 14: |f| = 5.37e+08 exploded past 2e+08",
     " (learning rate too large?)"),
])
def test_the_json_message_is_the_run_lines_words(qtbot, descent_workspace, capsys, formula, start, lr, steps,
                                                 words, hint):
    w = descent_workspace
    gd = only_a_gd_run(qtbot, w, formula, start, lr)
    type_into(qtbot, w.panel.max_steps_spin, str(steps))
    step(qtbot, w, min(steps + 1, 20))
    shown = statuses(w)[0].split("\n", 1)[1].strip()
    out = cli_json(capsys, formula, start, lr, steps)
    assert shown == out["message"] + hint == out["summary"] + hint == words + hint
    if out["status"] != "max_steps":   # the tab holds a run at its limit without the optimizer judging it
        assert out["detail"] == gd.descent.message


def test_the_detail_at_the_step_limit_begins_with_the_same_words(capsys):
    out = cli_json(capsys, "x^2 + y^2", ["1", "1"], "0.01", 1)
    assert out["message"] == "stopped at the step limit (1 step)"
    assert out["detail"].startswith("stopped at the step limit (1 step); |∇f| = ")
