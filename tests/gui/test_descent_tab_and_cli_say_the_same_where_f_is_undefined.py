"""The Descent tab and `python -m engine descend` say the same words where a run stops because f or ∇f has no value
there: the run list's status line is the command line's summary, for a step out of f's domain and for a start where
the gradient is undefined."""
import json

import pytest

from engine.cli.main import main
from tests.gui.descent_helpers import add_run, remove_all_runs, statuses, step, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def cli_summary(capsys, formula, start, lr):
    assert main(["descend", formula, "--from", start, "--method", "gd", "--lr", lr, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["summary"]


@pytest.mark.parametrize("formula, start, lr, words", [
    ("log(x)", ["1"], "5", "f is undefined at step 1, x = -4: the step left f's domain"),   # 1 − 5·1 = −4
    ("sqrt(x^2 + y^2)", ["0", "0"], "0.1", "∇f is undefined at the start (x, y) = (0, 0)"),
])
def test_the_run_list_says_what_the_command_line_says(qtbot, descent_workspace, capsys, formula, start, lr, words):
    w = descent_workspace
    w.session.set_function(formula)
    remove_all_runs(qtbot, w)
    gd = add_run(w, "Gradient descent")
    for edit, value in zip(w.panel.start_box.edits, start):
        type_into(qtbot, edit, value)
    type_into(qtbot, w.panel.hyper_rows["lr"].box, lr)
    assert list(gd.start) == [float(v) for v in start] and gd.hyper["lr"] == float(lr)
    step(qtbot, w)
    shown = statuses(w)[0].split("\n")[-1].strip()
    assert shown == words == cli_summary(capsys, formula, ",".join(start), lr)
