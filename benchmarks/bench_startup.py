"""Cold start to the first painted window with its surface, against a bare PySide6 + pyqtgraph window with one GL
view (a shaded mesh of the same grid) and one plot, each in a fresh process, alternated (target ≤ 1.3×).

The time is the wall time of a process that starts, shows its window, and exits when its 3D view has swapped its
first frame with the surface drawn (QOpenGLWidget.frameSwapped), interpreter start-up included for both. The app
side starts the way ``main.py`` does (``main.start_qt`` then ``main.first_window``), without restoring the user's
saved window state; the bare side is a plain script. Each also reports where its time went (Python's own start, Qt,
imports, building the widgets, the first frame), so the next cut can be aimed, and the CPU time it used up to its first
frame (all threads), which other programs on a busy machine disturb less than the wall time.

Both run with their bytecode cached, as an installed app does (pip compiles what it installs): the children write
and read it under a temporary PYTHONPYCACHEPREFIX, so PYTHONDONTWRITEBYTECODE in the caller's environment does not
make the app compile its ~300 modules from source on every start while pyqtgraph loads from site-packages' caches.
``--source`` keeps the caller's environment instead.

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_startup.py [--rounds N (8)] [--source]``
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from isolation import use_own_user_files  # the script's folder: benchmarks/

use_own_user_files()   # never the user's settings or app data (the timed children inherit it)

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parents[1]))

# Each child prints the seconds since its first line at the end of each phase: Qt (PySide6 and the QApplication;
# for the app, main.start_qt, which imports numpy, PyOpenGL and the engine before PySide6), imports (what the window
# needs: pyqtgraph, numpy and, for the app, its own modules), build (the widgets), frame (show until the 3D view has
# swapped its first frame with the surface drawn).
APP = r"""
import os
import resource
import sys
import time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import main as app_main
app = app_main.start_qt()   # as main.main() starts: gc off, numpy/PyOpenGL/engine, Qt attributes, QApplication
t1 = time.perf_counter()
import gui.main_window, gui.surface.workspace   # what first_window imports anyway, timed apart

t2 = time.perf_counter()
window = app_main.first_window(interactive=False, restore_state=False)
window.resize(1400, 880)
t3 = time.perf_counter()
view = window.workspaces["surface"].surfaceView
def swapped():
    if view._mesh.visible():
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        print("phases", t1 - t0, t2 - t0, t3 - t0, time.perf_counter() - t0, cpu.ru_utime + cpu.ru_stime, flush=True)
        app.quit()
view.frameSwapped.connect(swapped)
window.show()
app.exec()
os._exit(0)   # the first painted frame is what is timed, not the interpreter's teardown
"""

BARE = r"""
import os
import resource
import sys
import time
t0 = time.perf_counter()
from PySide6.QtCore import QCoreApplication, Qt
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget
app = QApplication([])
t1 = time.perf_counter()
import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
t2 = time.perf_counter()
window = QWidget()
layout = QHBoxLayout(window)
view = gl.GLViewWidget()
xs = np.linspace(-2, 2, 101)
gx, gy = np.meshgrid(xs, xs, indexing="ij")
z = gx * np.exp(-gx ** 2 - gy ** 2)
colours = pg.colormap.get("viridis").map((z - z.min()) / np.ptp(z), mode="float").reshape(-1, 4)
view.addItem(gl.GLSurfacePlotItem(x=xs, y=xs, z=z, colors=colours, shader="shaded"))
plot = pg.PlotWidget()
plot.addItem(pg.ImageItem(z))
layout.addWidget(view)
layout.addWidget(plot)
window.resize(1400, 880)
t3 = time.perf_counter()
def swapped():
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print("phases", t1 - t0, t2 - t0, t3 - t0, time.perf_counter() - t0, cpu.ru_utime + cpu.ru_stime, flush=True)
    app.quit()
view.frameSwapped.connect(swapped)
window.show()
app.exec()
os._exit(0)
"""
#: The bare window with the app's import order (numpy and PyOpenGL before PySide6, see main.start_qt), reported beside
#: the plain one so that the app's gain from its import order is not mistaken for less work than the bare window does.
BARE_SAME_ORDER = BARE.replace("t0 = time.perf_counter()\n", "t0 = time.perf_counter()\nimport numpy\nimport OpenGL.GL\n", 1)
assert BARE_SAME_ORDER != BARE
PHASES = ("Python start", "Qt", "imports", "build", "first frame")


def cold_start(code: str, env: dict) -> tuple[float, list[float], float]:
    """The wall time of one fresh process, how long each of PHASES took in it, and the CPU time it used up to its
    first frame (all its threads; less sensitive than wall time to other programs on a busy machine)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    total = time.perf_counter() - start
    *marks, cpu = [float(v) for v in done.stdout.split("phases", 1)[1].split()]
    ends = [total - marks[-1]] + [total - marks[-1] + m for m in marks]   # the child's clock starts after Python's
    return total, [b - a for a, b in zip([0.0] + ends, ends)], cpu


def _breakdown(name: str, runs: list[list[float]]) -> str:
    return f"  {name:5}" + "  ".join(f"{p} {statistics.median(r[i] for r in runs):5.3f}"
                                   for i, p in enumerate(PHASES))


def main() -> int:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 8
    app_code = APP.format(root=str(ROOT))
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    source = "--source" in sys.argv
    with tempfile.TemporaryDirectory(prefix="gradscape-pycache-") as cache:
        if not source:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        cold_start(BARE, env)   # warm the file cache for both (imports, fonts, shaders) and write their bytecode
        cold_start(app_code, env)
        cold_start(BARE_SAME_ORDER, env)
        ours, bare, same_order = [], [], []
        for _ in range(rounds):
            ours.append(cold_start(app_code, env))
            bare.append(cold_start(BARE, env))
            same_order.append(cold_start(BARE_SAME_ORDER, env))
    a, b = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in bare)
    cpu_a, cpu_b = statistics.median(r[2] for r in ours), statistics.median(r[2] for r in bare)
    how = "as the environment says (PYTHONDONTWRITEBYTECODE kept)" if source else "bytecode cached"
    print(f"cold start to the first painted surface ({how}): app {a:5.2f} s, bare PySide6 + pyqtgraph {b:5.2f} s, "
          f"ratio {a / b:4.2f}× (target ≤ 1.3×; medians of {rounds}, alternated)")
    c = statistics.median(r[0] for r in same_order)
    print(f"  against the bare window importing numpy and PyOpenGL before PySide6 as the app does: {c:5.2f} s, "
          f"ratio {a / c:4.2f}×")
    print(f"CPU time to the first frame: app {cpu_a:5.2f} s, bare {cpu_b:5.2f} s, ratio {cpu_a / cpu_b:4.2f}×")
    print("where the time goes (medians, s):")
    print(_breakdown("app", [r[1] for r in ours]))
    print(_breakdown("bare", [r[1] for r in bare]))
    print(_breakdown("same", [r[1] for r in same_order]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
