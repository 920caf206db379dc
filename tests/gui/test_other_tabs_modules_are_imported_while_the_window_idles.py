"""Once the first picture is up, the modules of the tabs not built yet are imported one per event-loop turn, leaves
first, so a first visit of Descent, Graph or Matrix only builds its tab (gui.module_prefetch). Run in fresh
interpreters: the test process has imported everything already."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# every module of ours in the order, imported alone: what each import loads besides it
ORDER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy, PySide6.QtWidgets
from gui.module_prefetch import import_order, imports_of
roots = ["gui.descent.workspace", "gui.graph.workspace", "gui.matrix.workspace"]
order = list(import_order(roots))
deps = {name: imports_of(name) for name in order}
import importlib
extra = {}
for name in order:
    before = set(sys.modules)
    importlib.import_module(name)
    extra[name] = sorted(m for m in set(sys.modules) - before - {name} if m.split(".")[0] in ("engine", "gui"))
print("REPORT", json.dumps({"order": order, "deps": deps, "extra": extra}))
"""

# started as main.py starts; the prefetch runs as main.py runs it once the first picture is up
WINDOW = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import main
app = main.start_qt()
from PySide6.QtCore import QTimer
window = main.first_window(interactive=False, restore_state=False)
window.show()
report = {}
def ours():
    return {m for m in sys.modules if m.split(".")[0] in ("engine", "gui")}
def visit_tabs():
    report["tabs_while_prefetched"] = [type(window.workspaces[k]).__name__ for k in ("descent", "graph", "matrix")]
    report["imported"], report["failed"] = prefetch.imported, prefetch.failed
    for key in ("descent", "graph", "matrix"):
        before = ours()
        window.show_workspace(key)
        app.processEvents()
        report[key] = sorted(ours() - before)
    report["tabs"] = [type(window.workspaces[k]).__name__ for k in ("descent", "graph", "matrix")]
    app.quit()
def settled():
    global prefetch
    prefetch = window.prefetch_tabs()
    report["loaded_before"] = sorted(m for m in ("gui.descent.workspace", "gui.graph.workspace",
                                                 "gui.matrix.workspace") if m in sys.modules)
    turns = []
    prefetch._timer.timeout.connect(lambda: turns.append(len(prefetch.imported)))
    prefetch.finished.connect(lambda: (report.update(turns=turns), QTimer.singleShot(0, visit_tabs)))
QTimer.singleShot(300, settled)
QTimer.singleShot(60000, app.quit)
app.exec()
print("REPORT", json.dumps(report))
"""


def _report(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.split("REPORT", 1)[1])


def test_each_module_is_imported_after_the_modules_of_ours_it_imports():
    report = _report(ORDER)
    order, deps, extra = report["order"], report["deps"], report["extra"]
    assert "gui.matrix.workspace" in order and "gui.graph.routing" in order and "engine.optim.descent" in order
    position = {name: i for i, name in enumerate(order)}
    for name in (n for n in order if n.split(".")[0] in ("engine", "gui")):
        for dep in deps[name]:
            if dep in position:
                assert position[dep] < position[name], (dep, name)
    # so importing each in turn loads nothing of ours but itself: one module per turn
    assert {name: loaded for name, loaded in extra.items() if loaded} == {}


def test_after_the_prefetch_a_first_visit_builds_its_tab_without_importing():
    report = _report(WINDOW)
    assert report["loaded_before"] == []           # nothing of the other tabs at the first picture
    assert report["failed"] == []
    assert len(report["imported"]) > 60             # Descent, Graph and Matrix need ~90 modules of ours and others'
    # one module per tick: the count of imported modules grows by at most one each turn
    turns = report["turns"]
    assert all(b - a <= 1 for a, b in zip(turns, turns[1:])) and turns[-1] == len(report["imported"])
    assert report["tabs_while_prefetched"] == ["QWidget", "QWidget", "QWidget"]   # imported, not built
    assert (report["descent"], report["graph"], report["matrix"]) == ([], [], [])
    assert report["tabs"] == ["DescentWorkspace", "GraphWorkspace", "MatrixWorkspace"]
