"""A script that keeps main windows in module-level variables until the interpreter exits ends with status 0 (it
segfaulted in PySide's exit cleanup: with three windows kept, 8 exits of 8; see gui/exit_teardown.py), also while a
critical-point search is still running in its thread (Qt aborted: "QThread: Destroyed while thread is still
running"). The script runs in a subprocess on the same X display as the tests, as a person's own script would."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QCoreApplication, Qt
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gui.main_window import MainWindow
windows = [MainWindow(restore_state=False, interactive=False) for _ in range(3)]
window = windows[0]
window.workspaces["surface"].approximation.plot    # the Approximation plot and its legend, built
{more}
app.processEvents()
print("end of script", flush=True)
"""
SEARCHING = """
from engine import parse
f = parse("sin(3*x)*cos(3*y)*sin(x*y) + sin(5*x*y)*cos(2*x) + x^2*y^3 - sin(x^2)")
window.workspaces["surface"].critical.start(f, ["x", "y"], [(-6, 6), (-6, 6)])
assert window.workspaces["surface"].critical.is_running()
"""


@pytest.mark.parametrize("more, runs", [("", 2), (SEARCHING, 1)])
def test_a_script_keeping_three_windows_exits_with_status_zero(tmp_path, more, runs):
    script = tmp_path / "keeps_windows.py"
    script.write_text(SCRIPT.format(root=str(ROOT), more=more))
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    for _ in range(runs):
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=300)
        assert done.stdout.strip() == "end of script"
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Segmentation fault" not in done.stderr and "Traceback" not in done.stderr
        assert "QThread" not in done.stderr
