"""The Descent tab and `python -m engine descend` say the same words about why a run diverged: the run list's status
line is the command line's summary — for a step out of f's domain, a start where the gradient is undefined, a
function without a bottom and a blow-up (where the tab adds what the user can do about it)."""
import json

import pytest

from engine.cli.main import main
from tests.gui.descent_helpers import only_a_gd_run, statuses, step

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def cli_summary(capsys, formula, start, lr):
    assert main(["descend", formula, "--from", start, "--method", "gd", "--lr", lr, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["summary"]


@pytest.mark.parametrize("formula, start, lr, steps, words, hint", [
    ("log(x)", ["1"], "5", 1, "f is undefined at step 1, x = -4: the step left f's domain", ""),   # 1 − 5·1 = −4
    ("sqrt(x^2 + y^2)", ["0", "0"], "0.1", 1, "∇f is undefined at the start (x, y) = (0, 0)", ""),
    # x ← x − 0.5·3x²: −1, −2.5, −11.9, … f falls at every step
    ("x^3 + y^2", ["-1", "0.5"], "0.5", 6, "diverged at step 4: f keeps decreasing: it may be unbounded below", ""),
    # x ← x − 1.5·2x = −2x: f = 2·4^k passes 1e8·2 at k = 14
    ("x^2 + y^2", ["1", "1"], "1.5", 16, "diverged at step 14: |f| = 5.37e+08 exploded past 2e+08",
     " (learning rate too large?)"),
])
def test_the_run_list_says_what_the_command_line_says(qtbot, descent_workspace, capsys, formula, start, lr, steps,
                                                      words, hint):
    w = descent_workspace
    only_a_gd_run(qtbot, w, formula, start, lr)
    step(qtbot, w, steps)
    shown = statuses(w)[0].split("\n", 1)[1].strip()
    assert words == cli_summary(capsys, formula, ",".join(start), lr)
    assert shown == words + hint
