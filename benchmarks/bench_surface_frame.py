"""One frame of the Surface tab's 3D view, in the window as the app runs it: frames that change nothing of the text
(a repaint with the same camera, as a moved overlay or a redrawn surface asks for) and frames of a camera orbit
(the text moves: painted again each frame), at the default grid; and File → Export of the window on the Surface
and the Descent tab (how long the call takes, the paints of the 3D view counted).

For each frame: the time in the view's paintGL (wall and the GUI thread's CPU time) and the time from the
request to the frame being shown (``frameSwapped``; wall, which also holds the wait for the window's next update,
llvmpipe's drawing and the window's composition, and the GUI thread's CPU time). Each checkout runs in child processes, alternated with ``--base <checkout>`` (default /work/wt/base,
a worktree of main), so a load change on the shared machine affects both alike; medians over rounds, ratios
this / base, and the load average.

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_surface_frame.py [--rounds N]
[--base DIR]``
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from isolation import use_own_user_files  # noqa: E402 (the script's folder: benchmarks/)

use_own_user_files()   # never the user's settings or app data
from timing import spin  # noqa: E402

HERE = Path(__file__).resolve().parents[1]
FRAMES = 40


def _timed_paints(view_class, samples: list) -> None:
    """Wrap the view class's paintGL (before any view exists: PySide looks the override up per class)."""
    paint = view_class.paintGL

    def timed(self):
        wall, cpu = time.perf_counter(), time.thread_time()
        paint(self)
        samples.append((time.perf_counter() - wall, time.thread_time() - cpu))

    view_class.paintGL = timed


def _frames(app, view, change, samples: list) -> dict:
    """FRAMES frames, each asked for by ``change(k)``; medians in ms of paintGL (wall, CPU) and request → shown."""
    shown = []
    view.frameSwapped.connect(lambda: shown.append(time.perf_counter()))
    latencies, frame_cpus = [], []
    samples.clear()
    for k in range(FRAMES):
        count, start, cpu = len(shown), time.perf_counter(), time.thread_time()
        change(k)
        while len(shown) == count and time.perf_counter() - start < 2.0:
            app.processEvents()
        latencies.append((shown[-1] if len(shown) > count else time.perf_counter()) - start)
        frame_cpus.append(time.thread_time() - cpu)
        spin(app, 0.01)
    view.frameSwapped.disconnect()
    walls, cpus = zip(*samples) if samples else ((0.0,), (0.0,))
    return {"paint": 1000 * statistics.median(walls), "paint cpu": 1000 * statistics.median(cpus),
            "shown": 1000 * statistics.median(latencies), "shown cpu": 1000 * statistics.median(frame_cpus)}


def child(root: Path) -> dict:
    sys.path.insert(0, str(root))
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    import main as app_main
    app_main._configure_qt()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from gui.views.surface_view import SurfaceView
    samples: list = []
    _timed_paints(SurfaceView, samples)
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False, interactive=False)
    window.resize(1400, 880)
    window.show()
    spin(app, 2.0)
    view = window.workspace("surface").surfaceView
    out = {"quiet frame": _frames(app, view, lambda k: view.update(), samples),
           "orbit frame": _frames(app, view, lambda k: view.setCameraPosition(azimuth=-58.0 + 3 * k), samples)}
    out["export surface"] = _exports(app, window, samples)
    window.show_workspace("descent")
    spin(app, 4.0)
    out["export descent"] = _exports(app, window, samples)
    window.close()
    return out


def _exports(app, window, samples: list) -> dict:
    """File → Export of the whole window, 5 times: the call's median ms (it is one event-loop turn: the file is
    written on a worker) and how often it painted a 3D view."""
    folder = tempfile.mkdtemp(prefix="surface-frame-")
    exports = []
    for k in range(5):
        samples.clear()
        start = time.perf_counter()
        window.export_window(f"{folder}/window{k}.png")
        exports.append((time.perf_counter() - start, len(samples)))
        spin(app, 0.3)
    window.wait_for_images()
    return {"call": 1000 * statistics.median(t for t, _ in exports),
            "view paints": statistics.median(n for _, n in exports)}


def _run(root: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(root)], capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    if "--child" in sys.argv:
        print(json.dumps(child(Path(sys.argv[sys.argv.index("--child") + 1]))))
        return 0
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 4
    base = Path(sys.argv[sys.argv.index("--base") + 1]) if "--base" in sys.argv else Path("/work/wt/base")
    results: dict[str, list] = {"base": [], "this": []}
    loads = []
    for _ in range(rounds):
        for name, root in (("base", base), ("this", HERE)):
            loads.append(os.getloadavg()[0])
            results[name].append(_run(root))
    print(f"base {base}, this {HERE}; {rounds} rounds alternated; load average {min(loads):.1f}–{max(loads):.1f}")
    for case in results["this"][0]:
        for measure in results["this"][0][case]:
            b = statistics.median(r[case][measure] for r in results["base"])
            t = statistics.median(r[case][measure] for r in results["this"])
            unit = "" if measure == "view paints" else " ms"
            ratio = f"{t / b:5.2f}×" if b else "  —  "
            print(f"{case:15s} {measure:11s} base {b:7.2f}{unit}  this {t:7.2f}{unit}  this/base {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
