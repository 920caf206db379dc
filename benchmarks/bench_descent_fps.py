"""Frames per second of the Descent animation: four runs racing on a 150² surface (goal ≥ 20 fps on llvmpipe).

One frame = every run takes a step, the trails/markers/arrows/Newton model/loss curves are updated, and the 3D view,
the contour view and the loss plot are each rendered once (grabFramebuffer / grab render synchronously, so the time
is real paint work, not a queued update). Baselines measured in the same run: an empty GL view, and the same
workspace rendered without any change (the floor set by painting the surface and the contour map).

Run under Xvfb:  xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_descent_fps.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtWidgets import QApplication  # noqa: E402

FRAMES = 120


def rate(fn, frames: int = FRAMES) -> float:
    fn()   # warm up (first paint compiles shaders and uploads the mesh)
    t0 = time.perf_counter()
    for _ in range(frames):
        fn()
    return frames / (time.perf_counter() - t0)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    import pyqtgraph.opengl as gl
    from gui.descent import workspace as ws
    from gui.session import Session

    empty = gl.GLViewWidget()
    empty.resize(560, 520)
    empty.show()
    app.processEvents()
    empty_fps = rate(empty.grabFramebuffer)

    session = Session()
    session.set_function("(1-x)^2 + 100*(y-x^2)^2")
    w = ws.DescentWorkspace(session)
    w.resize(1400, 900)
    w.show()
    for _ in range(5):
        app.processEvents()
    assert ws.GRID == 150 and len(w.model.runs) == 4
    w.panel.max_steps_spin.setValue(100000)

    def paint():
        w.surface_view.grabFramebuffer()
        w.contour_view.grab()
        w.loss_plot.plot.grab()

    static_fps = rate(paint)
    parts = {name: rate(fn, 40) for name, fn in (("3D", w.surface_view.grabFramebuffer), ("contour", w.contour_view.grab),
                                                 ("loss", w.loss_plot.plot.grab))}
    w.demo(steps=0)   # GD, momentum, Adam, Newton with rates that do not blow up on Rosenbrock
    w.panel.max_steps_spin.setValue(100000)

    def frame():
        w.model.step(1)   # emits runs_advanced → the workspace redraws trails, markers, arrows, loss curves
        paint()

    race_fps = rate(frame)
    steps = [r.steps for r in w.model.runs]
    print(f"empty GL view paint:            {empty_fps:7.1f} fps")
    print(f"workspace paint, nothing moving: {static_fps:7.1f} fps (3D 150² surface + contour + loss plot)")
    print("  each alone: " + ", ".join(f"{k} {v:.1f} fps" for k, v in parts.items()))
    print(f"race, 4 runs, step+draw+paint:   {race_fps:7.1f} fps (goal ≥ 20); steps reached {steps}")
    w.close()
    empty.close()


if __name__ == "__main__":
    main()
