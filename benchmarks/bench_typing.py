"""Typing → redrawn surface and contours, at the default grid and at the largest (401²), with the contour lines timed
separately; the Descent tab built but hidden (as after a visit) must not add to it.

A redraw is what Enter in expressionEdit does: parse, sample f, upload the 3D mesh, colour map and contour lines,
the inspector, and one painted frame of the 3D view. Baselines in the same run: evaluating f alone on the grid, and
the contour lines by pyqtgraph's isocurve (targets: < 150 ms at the default grid, < 250 ms at 401²). With
GRADSCAPE_ROOT=<another checkout> the typing part measures that checkout (the contour part needs this one).

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_typing.py [--quick]``
"""
from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from timing import median_seconds  # noqa: E402

FUNCTIONS = ["x*exp(-x^2 - y^2)", "log(exp(x) + exp(y))", "(1 - x)^2 + 100*(y - x^2)^2",
             "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x)*cos(y)", "x^2*y + x*y^2"]


def contour_times(n: int, repeats: int) -> tuple[float, float]:
    import numpy as np
    import pyqtgraph as pg
    from engine import parse
    from gui.views.colour_scale import ColourScale
    from gui.views.contour_lines import contour_levels
    xs = np.linspace(-2, 2, n)
    gx, gy = np.meshgrid(xs, xs, indexing="ij")
    ours, iso = [], []
    for text in FUNCTIONS:
        zs = np.asarray(parse(text).evaluate(x=gx, y=gy), dtype=np.float64)
        levels = ColourScale.for_values(zs[np.isfinite(zs)]).levels()
        ours.append(median_seconds(lambda: contour_levels(xs, xs, zs, levels), repeats))
        iso.append(median_seconds(lambda: [pg.functions.isocurve(zs, v) for v in levels], 1, warm_up=0))
    return tuple(1000 * statistics.median(v) for v in (ours, iso))


def typing_times(app, window, n: int, repeats: int) -> tuple[float, float]:
    import numpy as np
    from engine import parse
    surface = window.workspaces["surface"]
    surface.controls.resolutionSpin.setValue(n)
    surface.flush()
    xs = np.linspace(-2, 2, n)
    gx, gy = np.meshgrid(xs, xs, indexing="ij")
    redraw, evaluate = [], []
    for text in FUNCTIONS:
        def draw(text=text):
            surface.expressionEdit.setText(text)
            surface.function_bar.submit()     # what Enter does
            surface.flush()
            surface.surfaceView.grabFramebuffer()
            app.processEvents()
        redraw.append(median_seconds(draw, repeats))
        evaluate.append(median_seconds(lambda: parse(text).evaluate(x=gx, y=gy), repeats))
    return 1000 * statistics.median(redraw), 1000 * statistics.median(evaluate)


def main() -> int:
    repeats = 2 if "--quick" in sys.argv else 4
    import main as app_main
    app_main._configure_qt()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False)
    window.resize(1400, 880)
    window.show()
    app.processEvents()
    surface = window.workspaces["surface"]
    surface.flush()
    default = surface.controls.resolutionSpin.value()
    for label in ("Descent never shown", "Descent built, hidden"):
        if label.startswith("Descent built"):
            window.show_workspace("descent")
            app.processEvents()
            window.show_workspace("surface")
            app.processEvents()
        for n, goal in ((default, 150), (401, 250)):
            redraw, evaluate = typing_times(app, window, n, repeats)
            print(f"{label:22s} {n}²: typing → redrawn {redraw:7.1f} ms (goal < {goal} ms); "
                  f"f alone {evaluate:6.1f} ms")
    for n in (default, 401):
        ours, iso = contour_times(n, repeats)
        print(f"contours {n}² (every level): {ours:6.1f} ms; pyqtgraph isocurve {iso:7.1f} ms ({iso / ours:4.1f}×)")
    window.close()
    window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
