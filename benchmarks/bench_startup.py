"""Cold start to the first painted window with its surface, against a bare PySide6 + pyqtgraph window with one GL
view (a shaded mesh of the same grid) and one plot, each in a fresh process, alternated (target ≤ 1.3×).

The time is the wall time of a process that starts, shows its window, and exits when its 3D view has swapped its
first frame with the surface drawn (QOpenGLWidget.frameSwapped), interpreter start-up included for both.

Both run with their bytecode cached, as an installed app does (pip compiles what it installs): the children write
and read it under a temporary PYTHONPYCACHEPREFIX, so PYTHONDONTWRITEBYTECODE in the caller's environment does not
make the app compile its ~300 modules from source on every start while pyqtgraph loads from site-packages' caches.
``--source`` keeps the caller's environment instead.

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_startup.py [--rounds N] [--source]``
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parents[1]))

APP = r"""
import os
import sys
sys.path.insert(0, {root!r})
import main as app_main
app_main._configure_qt()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.main_window import MainWindow
window = MainWindow(restore_state=False, interactive=False)
window.resize(1400, 880)
view = window.workspaces["surface"].surfaceView
def swapped():
    if view._mesh.visible():
        app.quit()
view.frameSwapped.connect(swapped)
window.show()
app.exec()
os._exit(0)   # the first painted frame is what is timed, not the interpreter's teardown
"""

BARE = r"""
import os
from PySide6.QtCore import QCoreApplication, Qt
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget
import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
app = QApplication([])
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
view.frameSwapped.connect(app.quit)
window.show()
app.exec()
os._exit(0)
"""


def cold_start(code: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True, timeout=120)
    return time.perf_counter() - start


def main() -> int:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
    app_code = APP.format(root=str(ROOT))
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    source = "--source" in sys.argv
    with tempfile.TemporaryDirectory(prefix="gradscape-pycache-") as cache:
        if not source:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        cold_start(BARE, env)   # warm the file cache for both (imports, fonts, shaders) and write their bytecode
        cold_start(app_code, env)
        ours, bare = [], []
        for _ in range(rounds):
            ours.append(cold_start(app_code, env))
            bare.append(cold_start(BARE, env))
    a, b = statistics.median(ours), statistics.median(bare)
    how = "as the environment says (PYTHONDONTWRITEBYTECODE kept)" if source else "bytecode cached"
    print(f"cold start to the first painted surface ({how}): app {a:5.2f} s, bare PySide6 + pyqtgraph {b:5.2f} s, "
          f"ratio {a / b:4.2f}× (target ≤ 1.3×; medians of {rounds}, alternated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
