"""The Descent tab and `python -m engine descend` say the same words about a run stopped by its step limit (the tab's
Max steps, the command line's --steps): the run list's status line is the command line's summary, with the warning
that f may be unbounded below when f was still falling as fast as ever (a plane) and without it when f was falling
slower and slower towards a bottom (a bowl)."""
import json

import pytest

from engine.cli.main import main
from tests.gui.descent_helpers import only_a_gd_run, statuses, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def cli_summary(capsys, formula, start, lr, steps):
    assert main(["descend", formula, "--from", start, "--method", "gd", "--lr", lr, "--steps", steps, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "max_steps" and out["steps"] == int(steps)
    return out["summary"]


@pytest.mark.parametrize("formula, start, lr, steps, words", [
    # x + y: every step moves (−0.1, −0.1) and f falls by 0.2, as fast at the end as at the start
    ("x + y", ["0", "0"], "0.1", "12", "stopped at the step limit (12 steps); f keeps decreasing: it may be "
                                       "unbounded below"),
    # x² + y²: x ← 0.98·x, f = 2·0.98^(2k) falls slower and slower, far from ∇f ≈ 0 after 12 steps
    ("x^2 + y^2", ["1", "1"], "0.01", "12", "stopped at the step limit (12 steps)"),
    ("x^2 + y^2", ["1", "1"], "0.01", "1", "stopped at the step limit (1 step)"),
])
def test_the_run_list_says_what_the_command_line_says_at_the_step_limit(qtbot, descent_workspace, capsys, formula,
                                                                         start, lr, steps, words):
    w = descent_workspace
    gd = only_a_gd_run(qtbot, w, formula, start, lr)
    type_into(qtbot, w.panel.max_steps_spin, steps)
    assert w.model.max_steps == int(steps)
    step(qtbot, w, int(steps) + 1)          # one click more than the limit: the run stays at its limit
    assert gd.steps == int(steps)
    shown = statuses(w)[0].split("\n", 1)[1].strip()
    assert shown == words == cli_summary(capsys, formula, ",".join(start), lr, steps)
