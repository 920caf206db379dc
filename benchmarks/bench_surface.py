"""Typing → redrawn surface, at the default grid, on whatever OpenGL the display offers (llvmpipe under Xvfb).

Run: ``xvfb-run -a .venv/bin/python benchmarks/bench_surface.py`` (goal: under 150 ms per redraw).
A redraw here is what Enter in expressionEdit does: parse, sample f on the grid, build and upload the 3D mesh,
colour map and contour lines, the inspector, then one painted frame of the 3D view (grabFramebuffer waits for it).
The baseline, measured in the same run, is evaluating f alone on the same grid.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

FUNCTIONS = ["x*exp(-x^2 - y^2)", "log(exp(x) + exp(y))", "(1 - x)^2 + 100*(y - x^2)^2",
             "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x)*cos(y)", "x^2*y + x*y^2"]
REPEATS = 4


def main() -> int:
    import numpy as np
    import main as app_main
    app_main._configure_qt()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from engine import parse
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False)
    window.resize(1400, 880)
    window.show()
    app.processEvents()
    surface = window.workspaces["surface"]
    surface.session.set_point((0.3, -0.4))
    surface.flush()
    surface.surfaceView.grabFramebuffer()
    n = surface.controls.resolutionSpin.value()
    xs = np.linspace(-2, 2, n)
    gx, gy = np.meshgrid(xs, xs, indexing="ij")

    redraw, evaluate = [], []
    for _ in range(REPEATS):
        for text in FUNCTIONS:
            start = time.perf_counter()
            f = parse(text)
            f.evaluate(x=gx, y=gy)
            evaluate.append(time.perf_counter() - start)
            start = time.perf_counter()
            surface.expressionEdit.setText(text)
            surface.function_bar.submit()     # what Enter does
            surface.flush()
            surface.surfaceView.grabFramebuffer()
            redraw.append(time.perf_counter() - start)
    renderer = _renderer(surface.surfaceView)
    window.close()
    window.deleteLater()   # torn down now, while Qt is alive, not by the interpreter at exit
    app.processEvents()
    ms = lambda values: 1000 * statistics.median(values)   # noqa: E731
    print(f"grid {n}x{n}, {len(FUNCTIONS)} functions x {REPEATS}, GL: "
          f"{renderer}")
    print(f"baseline  parse + evaluate f on the grid : median {ms(evaluate):7.2f} ms")
    print(f"typing -> redrawn surface (all views)   : median {ms(redraw):7.2f} ms, "
          f"worst {1000 * max(redraw):7.2f} ms  (goal < 150 ms)")
    return 0


def _renderer(view) -> str:
    from OpenGL import GL
    view.makeCurrent()
    try:
        return GL.glGetString(GL.GL_RENDERER).decode()
    finally:
        view.doneCurrent()


if __name__ == "__main__":
    sys.exit(main())
