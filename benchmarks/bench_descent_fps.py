"""Frames per second of the Descent animation, against a bare pyqtgraph window drawing the same items, in one run.

- The app: the Descent workspace playing a race (4 runs on a 150² surface, then 8 runs on 300²) at 60 steps/s, so
  every display frame takes a step. Frames are counted as paints of its 3D view over a few seconds of the event
  loop, so they include everything a frame costs: stepping, drawing the trails, the loss plot and painting.
- The baseline: a window with the same three views built the plain pyqtgraph way (a GLMeshItem of the same grid,
  GLLinePlotItem/GLScatterPlotItem trails, an ImageItem with contour lines and PlotDataItem trails with dots, a loss
  PlotWidget), the same sizes, and a 16 ms QTimer appending one point per run to growing arrays and calling setData
  on views of them (pyqtgraph's own animation idiom). It takes no optimizer steps: the iterates are precomputed.
- The two alternate (app, bare, app, bare…) and the medians are compared (target: ≥ 20 fps and ≥ 0.9× bare).

Then: the cost of one frame at step ~100 and at step ~3,000 (a step, then the event loop until the 3D view has
painted it: the path a played frame takes; grabbing the views instead would repaint each from scratch), and the
resident memory after 300 and after 3,000 frames (target: within 10%).

Last, exporting a 200-step race of 4 runs (GIF and MP4) while a 5 ms timer watches the event loop: the longest gap
between its ticks (target: never > 100 ms), beside the longest gap of the same loop left idle for as long.

Then a long formula (a sum of 46 terms like sin(x*1.3+y)*exp(-(x-0.5)^2-(y+0.2)^2), ~2,000 characters): the
longest event-loop gap when the Descent tab is first shown on it and when a new one is applied while it is shown,
with what that time is made of — the engine's part (the objective's derivatives, the default start, the
learning-rate probes of the four default runs) and the Descent views' part (resampling with the surface and contours,
one frame of the race drawn).

Last, the first show of the Descent tab in the main window on the huge formula of the tests (tests/engine/
huge_formulas.py, ~2,000 characters, applied on the Surface tab first): the longest gap between the ticks of a 5 ms
timer from the click on the tab until the race is drawn (its four runs restarted with their rates, the 3D view
painted after that), with the stage or paint that held the loop, in fresh processes alternating a baseline checkout
(``--base``, default /work/wt/base) and this one (target: ≤ 100 ms).

Run under Xvfb:  xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_descent_fps.py [--quick]
(``--only fps|growth|export|formula|first-show`` runs one part; ``--rounds N`` the first show's rounds; ``--small``
the first show on the app's first function too)
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from isolation import use_own_user_files  # noqa: E402 (the script's folder: benchmarks/)

use_own_user_files()   # never the user's settings or app data
from timing import spin as settle  # noqa: E402

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QTimer  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget  # noqa: E402

import numpy as np  # noqa: E402

ROSENBROCK = "(1-x)^2 + 100*(y-x^2)^2"
SECONDS = 3.0
COLOURS = ("#ff3b30", "#ffcc00", "#00e5ff", "#ff2dcc", "#34c759", "#ff9500", "#7fdbff", "#5e5ce6")


def count_paints(app, view, seconds: float, start, stop) -> float:
    """Paints of ``view`` per second of a running event loop between start() and stop()."""
    count = [0]
    original = view.paintGL

    def counted(*args):
        count[0] += 1
        original(*args)
    view.paintGL = counted
    start()
    clock = QElapsedTimer()
    clock.start()
    while clock.elapsed() < seconds * 1000:
        app.processEvents()
    stop()
    view.paintGL = original
    return count[0] / seconds


# --- the app ---------------------------------------------------------------------------------------------------
def app_workspace(app, grid: int, runs: int):
    from gui.descent import workspace as ws
    from gui.descent.runs import RunSpec
    from gui.session import Session
    ws.GRID = grid
    session = Session()
    w = ws.DescentWorkspace(session)
    w.resize(1400, 900)
    w.show()
    for _ in range(5):
        app.processEvents()
    w.demo(steps=0)   # GD, momentum, Adam, Newton with rates that do not blow up on Rosenbrock
    for k in range(len(w.model.runs), runs):
        start = np.array([-1.5 + 0.35 * k, 2.0 - 0.2 * k])
        w.model.add_run(RunSpec("gd", {"lr": 0.0005 + 0.0001 * k}, w.model.next_colour(), start))
    w.panel.max_steps_spin.setValue(100000)
    w.player.set_speed(60.0)
    for _ in range(5):
        app.processEvents()
    return w


def app_fps(app, w) -> float:
    w.player.reset()
    return count_paints(app, w.surface_view, SECONDS, w.player.play, w.player.pause)


# --- the bare baseline ---------------------------------------------------------------------------------------------
class BareWindow(QWidget):
    """The same items in plain pyqtgraph: surface mesh, contour map, trails with dots, markers, loss curves."""

    def __init__(self, w, grid: int, trails: list[np.ndarray], values: list[np.ndarray]):
        super().__init__()
        import pyqtgraph as pg
        import pyqtgraph.opengl as gl
        from gui.views.contour_lines import contour_levels
        from gui.views.grid_mesh import GridMeshItem, grid_faces, grid_normals
        from gui.views.surface_view import SURFACE_SHADER
        xs, ys = np.linspace(-2, 2, grid), np.linspace(-1, 3, grid)
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        zs = (1 - gx) ** 2 + 100 * (gy - gx ** 2) ** 2
        self.gl = gl.GLViewWidget()
        scene = np.column_stack([gx.ravel() * 2.5, gy.ravel() * 2.5 - 2.5, zs.ravel() / zs.max() * 5 - 2.5])
        colours = pg.colormap.get("viridis").map(zs.ravel() / zs.max(), mode="float").astype(np.float32)
        mesh = GridMeshItem(smooth=True, shader=SURFACE_SHADER, glOptions="opaque")
        mesh.set_grid(scene.astype(np.float32), grid_normals(scene.reshape(grid, grid, 3).astype(np.float32)),
                      colours, grid_faces(grid, grid, np.isfinite(zs)))
        self.gl.addItem(mesh)
        self.contour = pg.PlotWidget()
        image = pg.ImageItem(zs / zs.max(), axisOrder="col-major")
        image.setColorMap(pg.colormap.get("viridis"))
        self.contour.addItem(image)
        levels = np.linspace(zs.min(), zs.max(), 12)[1:-1]
        lines = np.concatenate(contour_levels(xs, ys, zs, levels))
        self.contour.addItem(pg.PlotDataItem(lines[:, 0], lines[:, 1], connect="pairs", pen=(255, 255, 255, 120)))
        self.loss = pg.PlotWidget()
        self.trails, self.values, self.step = trails, values, 1
        self.items = []
        for k, (trail, value) in enumerate(zip(trails, values)):
            colour = COLOURS[k % len(COLOURS)]
            line3d = gl.GLLinePlotItem(width=3.0, antialias=True, color=pg.mkColor(colour), glOptions="translucent")
            dots3d = gl.GLScatterPlotItem(size=5.0, color=pg.mkColor(colour).getRgbF(), glOptions="translucent")
            marker3d = gl.GLScatterPlotItem(size=13.0, color=pg.mkColor(colour).getRgbF(), glOptions="translucent")
            for item in (line3d, dots3d, marker3d):
                self.gl.addItem(item)
            line2d = self.contour.plot(pen=pg.mkPen(colour, width=2.2), symbol="o", symbolSize=4,
                                       symbolBrush=colour, symbolPen=None)
            marker2d = pg.ScatterPlotItem(size=12, brush=colour)
            self.contour.addItem(marker2d)
            curve = self.loss.plot(pen=pg.mkPen(colour, width=2.0))
            self.items.append((line3d, dots3d, marker3d, line2d, marker2d, curve))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.gl)
        top.addWidget(self.contour)
        layout.addLayout(top, 3)
        layout.addWidget(self.loss, 1)
        self.resize(w.size())
        self.gl.setFixedSize(w.surface_view.size())
        self.contour.setFixedSize(w.contour_view.size())
        self.loss.setFixedSize(w.loss_plot.plot.size())
        self.timer = QTimer(self)
        self.timer.setInterval(16)
        self.timer.timeout.connect(self.advance)

    def advance(self) -> None:
        self.step += 1
        n = self.step
        for (line3d, dots3d, marker3d, line2d, marker2d, curve), trail, value in zip(self.items, self.trails,
                                                                                   self.values):
            xyz = trail[:n]
            line3d.setData(pos=xyz)
            dots3d.setData(pos=xyz)
            marker3d.setData(pos=xyz[-1:])
            line2d.setData(xyz[:, 0] / 2.5, (xyz[:, 1] + 2.5) / 2.5)
            marker2d.setData([xyz[-1, 0] / 2.5], [(xyz[-1, 1] + 2.5) / 2.5])
            curve.setData(value[:n])

    def restart(self) -> None:
        self.step = 1
        self.timer.start()


def race_iterates(w, steps: int):
    """Each run's iterates (in the bare window's scene units) and values, precomputed with the app's own runs."""
    w.model.step(steps)
    trails, values = [], []
    for run in w.model.runs:
        p = np.asarray(run.descent.points, dtype=np.float64)
        v = np.asarray(run.descent.values, dtype=np.float64)
        p = np.vstack([p, np.repeat(p[-1:], steps + 1 - len(p), axis=0)])
        v = np.concatenate([v, np.repeat(v[-1:], steps + 1 - len(v))])
        z = np.clip(v / 2500.0 * 5 - 2.5, -2.5, 2.6)
        trails.append(np.column_stack([p[:, 0] * 2.5, p[:, 1] * 2.5 - 2.5, z]).astype(np.float32))
        values.append(v)
    w.player.reset()
    return trails, values


def compare(app, grid: int, runs: int, rounds: int) -> tuple[float, float]:
    w = app_workspace(app, grid, runs)
    trails, values = race_iterates(w, int(60 * SECONDS * rounds) + 200)
    bare = BareWindow(w, grid, trails, values)
    bare.show()
    for _ in range(5):
        app.processEvents()
    ours, base = [], []
    for _ in range(rounds):   # alternated, so a busy moment of the machine hits both
        ours.append(app_fps(app, w))
        base.append(count_paints(app, bare.gl, SECONDS, bare.restart, bare.timer.stop))
    bare.close()
    w.close()
    return statistics.median(ours), statistics.median(base)


# --- frame cost and memory ----------------------------------------------------------------------------------------
def frame_ms(app, w, frames: int = 40) -> float:
    """Milliseconds per frame (the median): one step, then the event loop until the 3D view has painted it."""
    painted = [0]
    original = w.surface_view.paintGL

    def counted(*args):
        painted[0] += 1
        original(*args)
    w.surface_view.paintGL = counted

    def one():
        w.model.step(1)
        seen = painted[0]
        while painted[0] == seen:
            app.processEvents()
    one()
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        one()
        times.append(time.perf_counter() - start)
    w.surface_view.paintGL = original
    return 1000 * statistics.median(times)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def growth(app) -> None:
    w = app_workspace(app, 150, 4)
    for run in list(w.model.runs)[3:]:
        w.model.remove_run(run.run_id)   # three runs that keep moving for 3,000 steps (Newton stops at once)
    w.model.step(100)
    early = frame_ms(app, w)
    for _ in range(180):
        w.model.step(1)
        app.processEvents()
    rss_300 = rss_mb()
    for _ in range(2700):
        w.model.step(1)
        app.processEvents()
    rss_3000 = rss_mb()
    late = frame_ms(app, w)
    steps = [r.steps for r in w.model.runs]
    print(f"one frame (step + draw + paint), 3 runs: at step ~100 {early:6.1f} ms, at step ~3,000 {late:6.1f} ms "
          f"({late / early:.2f}×; steps {steps})")
    print(f"RSS after 300 frames {rss_300:7.1f} MB, after 3,000 frames {rss_3000:7.1f} MB "
          f"({rss_3000 / rss_300 - 1:+.1%}; target within 10%)")
    w.close()


class GapWatch:
    """The longest wait between the ticks of a 5 ms timer: how long the event loop was kept from running."""

    def __init__(self):
        self.gaps: list[float] = []
        self._last = None
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps, self._last = [], None
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        """(longest gap, 99th percentile) in milliseconds."""
        self.timer.stop()
        gaps = np.array(self.gaps or [0.0]) * 1000
        return float(gaps.max()), float(np.percentile(gaps, 99))


def export_gaps(app) -> None:
    import tempfile
    w = app_workspace(app, 150, 4)
    w.model.step(200)
    watch = GapWatch()
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ("gif", "mp4"):
            done = [False]
            watch.start()
            start = time.perf_counter()
            exporter = w.export_gif(str(Path(folder) / f"race.{suffix}"), width=900)
            for signal in (exporter.finished, exporter.failed, exporter.cancelled):
                signal.connect(lambda *_: done.__setitem__(0, True))
            while not done[0]:
                app.processEvents()
                time.sleep(0.001)
            seconds = time.perf_counter() - start
            longest, p99 = watch.stop()
            watch.start()   # the same loop with nothing to do, for as long: what the machine alone costs
            idle_until = time.perf_counter() + min(seconds, 10.0)
            while time.perf_counter() < idle_until:
                app.processEvents()
                time.sleep(0.001)
            idle, _ = watch.stop()
            print(f"export of a 200-step race, 4 runs, 900 px {suffix.upper()} ({exporter.total} frames, "
                  f"{seconds:.1f} s): longest event-loop gap {longest:6.1f} ms (99th percentile {p99:5.1f} ms; "
                  f"idle loop {idle:5.1f} ms; target ≤ 100 ms)")
    w.close()


def long_formula(seed: int, terms: int = 46) -> str:
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(terms):
        a, c, d = rng.uniform(0.5, 2.0), rng.uniform(-1, 1), rng.uniform(-1, 1)
        parts.append(f"sin(x*{a:.2f}+y)*exp(-(x-{c:.2f})^2-(y+{d:.2f})^2)")
    return "+".join(parts)


def longest_gap(app, action, settle_s: float = 1.5) -> float:
    """The longest wait of the event loop from just before ``action()`` until ``settle_s`` after it."""
    watch = GapWatch()
    watch.start()
    until = time.perf_counter() + 0.1
    while time.perf_counter() < until:
        app.processEvents()
    action()
    until = time.perf_counter() + settle_s
    while time.perf_counter() < until:
        app.processEvents()
    return watch.stop()[0]


def ms(action) -> float:
    start = time.perf_counter()
    action()
    return 1000 * (time.perf_counter() - start)


def formula(app) -> None:
    from engine.analysis.rates import default_hyperparameters
    from engine.analysis.starts import choose_start
    from gui.descent import workspace as ws
    from gui.descent.panel import RACE
    from gui.session import Session
    first, second = long_formula(1), long_formula(2)
    ws.GRID = 150
    session = Session()
    session.set_function(first, axes=("x", "y"))
    w = ws.DescentWorkspace(session)
    w.resize(1400, 900)
    shown = longest_gap(app, w.show)
    applied = longest_gap(app, lambda: session.set_function(second, axes=("x", "y")))
    start = w.model.runs[0].start
    fresh = Session()   # a formula not differentiated yet (an Expression keeps its derivatives)
    fresh.set_function(long_formula(3), axes=("x", "y"))
    parts = {"objective": ms(lambda: fresh.objective().hessian(start))}
    objective = session.objective()
    box = session.box()
    parts["start"] = ms(lambda: choose_start(objective, box, None, objective.variables))
    parts["probes"] = ms(lambda: [default_hyperparameters(objective, m, start) for m in RACE])
    parts["views"] = ms(w._update_views)
    w.frames.clear()
    w.race3d.surface_key += 1   # the whole race drawn afresh, as after a new function
    parts["frame"] = ms(w.redraw)
    print(f"long formula ({len(first):,} characters): longest event-loop gap {shown:6.0f} ms when the Descent tab is "
          f"first shown, {applied:6.0f} ms when a new one is applied while shown (target ≤ 100 ms)")
    print(f"  of which engine: gradient and Hessian of a new formula {parts['objective']:5.0f} ms, default start {parts['start']:5.0f} ms, "
          f"learning-rate probes (4 runs) {parts['probes']:5.0f} ms; Descent views: resample, surface and contours "
          f"{parts['views']:5.0f} ms, the race drawn afresh {parts['frame']:5.0f} ms")
    w.close()


def first_show_child() -> None:
    """One first show of the Descent tab (this process's checkout, ROOT): prints one line of JSON."""
    import json
    import main as app_main
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine"))
    from huge_formulas import huge_formula
    app = app_main.start_qt()
    window = app_main.first_window(interactive=False, restore_state=False)
    window.resize(1400, 880)
    window.show()
    app_main.settle_after_first_paint(app)
    settle(app, 1.0)
    if sys.argv[sys.argv.index("--first-show-child") + 1] == "huge":   # else the app's own first function
        window.session.set_function(huge_formula(shift=0.3), axes=("x", "y"))
    settle(app, 3.0)   # the Surface tab has drawn it and its formulas (prepared on its worker)
    tabs = window.workspaceTabs
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Descent")
    timeline: list[tuple[float, str]] = []   # (time, what) of each tick, stage and paint of the 3D view
    ticks = QTimer()
    cpu: dict[float, float] = {}   # the GUI thread's CPU time at each tick (a busy machine inflates the wall time)

    def tick() -> None:
        now = time.perf_counter()
        cpu[now] = time.thread_time()
        timeline.append((now, "tick"))
    ticks.timeout.connect(tick)
    ticks.start(5)
    settle(app, 0.2)
    clicked = [0.0]

    def click() -> None:
        clicked[0] = time.perf_counter()
        timeline.append((clicked[0], "click"))
        tabs.setCurrentIndex(index)
        watch_when_built()

    def watch_when_built() -> None:
        """The workspace's stages and 3D paints, once it is built (in the click's turn, or in the turns after it
        where the checkout builds it so)."""
        w = window.workspaces["descent"]
        if not hasattr(w, "model"):
            return
        if not hasattr(window, "_watched"):
            window._watched = True
            if hasattr(w, "staged"):
                w.staged.connect(lambda name: timeline.append((time.perf_counter(), name)))
            timeline.append((time.perf_counter(), "built"))
        built = w.built("surface_view") if hasattr(w, "built") else True   # (asked for, it would be built now)
        if built and not hasattr(window, "_paints_watched"):
            window._paints_watched = True
            w.surface_view.frameSwapped.connect(lambda: timeline.append((time.perf_counter(), "paint")))
    QTimer.singleShot(0, click)
    limit = time.perf_counter() + 60

    def drawn() -> bool:
        w = window.workspaces["descent"]
        if clicked[0]:
            watch_when_built()
        done = clicked[0] and len(getattr(w, "model", None) and w.model.runs or []) == 4 \
            and not getattr(w, "staging", False) and not getattr(w.model, "waiting", ())
        return done and any(what == "paint" and t > done_at(w) for t, what in timeline)

    def done_at(w) -> float:
        if not hasattr(w, "_done_at"):
            w._done_at = time.perf_counter()
        return w._done_at
    while not drawn() and time.perf_counter() < limit:
        app.processEvents()
        time.sleep(0.0005)
    ticks.stop()
    end = time.perf_counter()
    events = [(t, what) for t, what in timeline if t >= clicked[0] - 0.01]
    gaps, last, held = [], None, []
    for t, what in events:
        if what == "tick":
            if last is not None:
                gaps.append((t - last, cpu[t] - cpu[last], held))
            last, held = t, []
        else:
            held.append(what)
    worst = max(gaps, default=(0.0, 0.0, []))
    print(json.dumps({"gap": 1000 * worst[0], "during": worst[2], "drawn": 1000 * (end - clicked[0]),
                      "cpu": 1000 * max((c for _g, c, _h in gaps), default=0.0),
                      "over50": [(round(1000 * g), round(1000 * c), held) for g, c, held in gaps if g > 0.05]}),
          flush=True)
    os._exit(0)




def first_show(rounds: int, case: str = "huge") -> None:
    """The child above in fresh processes, alternating the baseline checkout and this one (``case``: the huge
    formula, or "small": the function the app opens with)."""
    import json
    import subprocess
    base = sys.argv[sys.argv.index("--base") + 1] if "--base" in sys.argv else "/work/wt/base"
    import tempfile
    here = str(Path(__file__).resolve().parents[1])
    results: dict[str, list[dict]] = {base: [], here: []}
    # bytecode cached, as an installed app has it (see bench_startup.py): written by an untimed first round
    cache = tempfile.mkdtemp(prefix="gradscape-pycache-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for k in range(rounds + 1):
        for root in (base, here):
            env.update(GRADSCAPE_ROOT=root, PYTHONPYCACHEPREFIX=cache)
            out = subprocess.run([sys.executable, __file__, "--first-show-child", case], env=env, capture_output=True,
                                 text=True, timeout=300)
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
            if line is None:
                print(f"{root}: no result\n{out.stderr[-2000:]}")
                continue
            if k == 0:
                continue   # the round that wrote the bytecode
            results[root].append(json.loads(line))
            print(f"  {'base' if root == base else 'this'}: {line}", flush=True)
    medians = {}
    for root, runs in results.items():
        if runs:
            medians[root] = [statistics.median(r[k] for r in runs) for k in ("gap", "drawn", "cpu")]
            print(f"first show of the Descent tab on the {case} formula, {'base' if root == base else 'this':4s} "
                  f"({root}): longest event-loop gap {medians[root][0]:5.0f} ms (max {max(r['gap'] for r in runs):4.0f}; "
                  f"most GUI-thread CPU in one gap {medians[root][2]:4.0f} ms), race drawn after "
                  f"{medians[root][1]:5.0f} ms (medians of {len(runs)}; target gap ≤ 100 ms)")
    if len(medians) == 2:
        print(f"  ratio this/base: gap {medians[here][0] / medians[base][0]:.2f}×, GUI-thread CPU in the longest "
              f"{medians[here][2] / medians[base][2]:.2f}×, drawn {medians[here][1] / medians[base][1]:.2f}×; "
              f"load {os.getloadavg()[0]:.2f}")


def main() -> None:
    global SECONDS
    if "--first-show-child" in sys.argv:
        first_show_child()
    quick = "--quick" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    if quick:
        SECONDS = 2.0
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if only in (None, "fps"):
        for grid, runs, rounds in ((150, 4, 2 if quick else 3), (300, 8, 1 if quick else 2)):
            ours, base = compare(app, grid, runs, rounds)
            print(f"{runs} runs on {grid}²: app {ours:6.1f} fps, bare pyqtgraph {base:6.1f} fps, "
                  f"ratio {ours / base:5.2f}×  (target ≥ 20 fps and ≥ 0.9×)")
    if only in (None, "growth"):
        growth(app)
    if only in (None, "export"):
        export_gaps(app)
    if only in (None, "formula"):
        formula(app)
    if only in (None, "first-show"):
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else (3 if quick else 5)
        first_show(rounds)
        if "--small" in sys.argv:
            first_show(rounds, "small")


if __name__ == "__main__":
    main()
