"""Typing → redrawn surface and contours, at the default grid and at the largest (401²), with the contour lines timed
separately; the Descent tab built but hidden (as after a visit) must not add to it. Then a formula of ~1,900
characters: the longest event-loop gap while it is applied (target ≤ 100 ms) and the time until its surface is shown,
prepared on the worker (the app) against applied at once on the UI thread, alternated in one run (with
GRADSCAPE_ROOT, as that checkout applies it); and the default learning rates the Descent tab asks for (gradient
descent and momentum) with every candidate tried side by side against one trial Descent at a time, on the presets
and on that formula.

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
import time
from pathlib import Path

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
HERE = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from timing import median_seconds, spin as _wait  # noqa: E402

from isolation import use_own_user_files  # noqa: E402 (the script's folder: benchmarks/)

use_own_user_files()   # never the user's settings or app data

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


def longest_block_case(app, surface, n: int, repeats: int) -> None:
    """Typing each function at n² through the event loop (as the app runs): the longest gap between 5 ms timer ticks
    until its 3D frame is shown, and until everything is drawn (a checkout that spreads a redraw over turns: its last
    piece, see gui/views/redraw_turns.py) and 100 ms more; the time until then; and the time in the pieces that make
    the blocks (the 3D view's set_surface and paintGL, the contour view's set_field), medians over the functions."""
    from PySide6.QtCore import QTimer
    surface.controls.resolutionSpin.setValue(n)
    surface.flush()
    pieces = {"set_surface": [], "set_field": [], "paintGL": []}
    owners = {"set_surface": surface.surfaceView, "set_field": surface.contourView, "paintGL": surface.surfaceView}
    for name, owner in owners.items():
        setattr(owner, name, _timed(getattr(owner, name), pieces[name]))
    turns = getattr(surface, "turns", None)
    ticks: list[float] = []
    clocks: list[tuple[float, float, float]] = []   # at each tick: wall, this thread's and the process' CPU time

    def tick():
        ticks.append(time.perf_counter())
        clocks.append((ticks[-1], time.thread_time(), time.process_time()))
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    gaps, gaps_all, drawn_ms, painted, heaviest = [], [], [], [], []
    surface.surfaceView.frameSwapped.connect(lambda: painted.append(time.perf_counter()))
    for k in range(max(2, repeats) * len(FUNCTIONS)):
        _wait(app, 0.25)
        drawn, start = len(pieces["set_surface"]), time.perf_counter()
        ticks.append(start)
        surface.expressionEdit.setText(_scaled(FUNCTIONS[k % len(FUNCTIONS)], 1 + 0.01 * k))
        surface.function_bar.submit()   # a new function each time: nothing cached
        while len(pieces["set_surface"]) == drawn and time.perf_counter() < start + 10:
            _wait(app, 0.001)
        changed = time.perf_counter()
        while not [t for t in painted if t > changed] and time.perf_counter() < start + 10:
            _wait(app, 0.001)
        gaps.append(_longest_gap(ticks, start, min([t for t in painted if t > changed], default=changed)))
        while (surface._pending or (turns is not None and turns.busy)) and time.perf_counter() < start + 10:
            _wait(app, 0.001)
        done = time.perf_counter()
        _wait(app, 0.1)
        drawn_ms.append(1000 * (max([t for t in painted if t < done + 0.1], default=done) - start))
        gaps_all.append(_longest_gap(ticks, start, done + 0.1))
        heaviest.append(_heaviest_turn(clocks, start, done + 0.1))
    surface.surfaceView.frameSwapped.disconnect()
    timer.stop()
    for name, owner in owners.items():
        delattr(owner, name)
    parts = ", ".join(f"{name} {1000 * statistics.median(v):5.1f} (max {1000 * max(v):5.1f})"
                      for name, v in pieces.items())
    print(f"typing at {n}² through the event loop: longest gap until the 3D frame {statistics.median(gaps):5.0f} ms "
          f"median, {max(gaps):5.0f} ms max; until all drawn {statistics.median(gaps_all):5.0f} ms median, "
          f"{max(gaps_all):5.0f} ms max (goal ≤ 100); last frame at {statistics.median(drawn_ms):5.0f} ms; "
          f"pieces in ms: {parts}", flush=True)
    gui, process = ([h[i] for h in heaviest] for i in (0, 1))
    print(f"    CPU time within one gap (load-independent; the process' includes Mesa's threads): GUI thread "
          f"{statistics.median(gui):5.1f} ms median, {max(gui):5.1f} max; process {statistics.median(process):5.1f} "
          f"median, {max(process):5.1f} max", flush=True)


def _heaviest_turn(clocks: list, start: float, end: float) -> tuple[float, float]:
    """The most CPU time (ms) the GUI thread, and the whole process, spent between two ticks in start..end."""
    inside = [c for c in clocks if start - 0.006 < c[0] < end]
    pairs = list(zip(inside, inside[1:]))
    return tuple(1000 * max((b[i] - a[i] for a, b in pairs), default=0.0) for i in (1, 2))


def _scaled(text: str, factor: float) -> str:
    """``text`` with its first variable x (not the x of exp) scaled by ``factor``: a new function, nothing cached."""
    import re
    return re.sub(r"(?<![a-z])x(?![a-z])", f"({factor}*x)", text, count=1)


def _timed(method, times: list):
    def timed(*args, **kwds):
        start = time.perf_counter()
        try:
            return method(*args, **kwds)
        finally:
            times.append(time.perf_counter() - start)
    return timed


def huge_formula_case(app, surface, repeats: int) -> None:
    """Apply ~1,900-character formulas (a new one each time, so nothing is cached), prepared on the worker and at once
    on the UI thread, alternated: the longest gap between 5 ms timer ticks until the surface is shown and until the
    inspector's formulas are, and the time until the surface is shown."""
    import importlib.util
    from PySide6.QtCore import QTimer
    from gui.garbage import collect_on_gui_thread, freeze_long_lived
    huge_formula = _huge_formulas().huge_formula
    preparing = None   # another checkout (GRADSCAPE_ROOT) may apply every formula at once
    if importlib.util.find_spec("gui.surface.preparing") is not None:
        import gui.surface.preparing as preparing
    collector = collect_on_gui_thread(app)   # as the app runs (main.py): collection on the GUI thread only
    freeze_long_lived()
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    results = {"prepared on the worker": [], "at once on the UI thread": []}
    if preparing is None:
        results = {"as that checkout does": []}
    big = preparing.BIG if preparing else None
    for k in range(len(results) * max(2, repeats)):
        label = list(results)[k % len(results)]
        if preparing:
            preparing.BIG = big if k % 2 == 0 else 10 ** 9
        results[label].append(_apply_huge(app, surface, huge_formula(shift=0.1 * (k + 1)), ticks))
    if preparing:
        preparing.BIG = big
    timer.stop()
    collector.stop()
    for label, runs in results.items():
        shown, gap_shown, gap_all = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"huge formula ({len(huge_formula())} chars), {label:24s}: surface shown {shown:6.0f} ms; longest "
              f"event-loop gap {gap_shown:5.0f} ms until then, {gap_all:5.0f} ms until its formulas are shown "
              f"(goal ≤ 100)")


def _apply_huge(app, surface, text: str, ticks: list) -> tuple[float, float, float]:
    painted = []
    surface.surfaceView.frameSwapped.connect(lambda: painted.append(time.perf_counter()))
    _wait(app, 0.3)
    start = time.perf_counter()
    ticks.append(start)
    surface.expressionEdit.setText(text)
    surface.function_bar.submit()
    while surface.session.text != text:
        _wait(app, 0.001)
    changed = time.perf_counter()
    while not [t for t in painted if t > changed]:
        _wait(app, 0.001)
    shown = min(t for t in painted if t > changed)
    while surface.inspector.formula_rows.formulas is None:
        _wait(app, 0.005)
    done = time.perf_counter()
    surface.surfaceView.frameSwapped.disconnect()
    return 1000 * (shown - start), _longest_gap(ticks, start, shown), _longest_gap(ticks, start, done)




def _longest_gap(ticks: list, start: float, end: float) -> float:
    inside = [start] + [t for t in ticks if start < t < end] + [end]
    return 1000 * max(b - a for a, b in zip(inside, inside[1:]))


def rates_case(repeats: int) -> None:
    """Default learning rates for gradient descent then momentum at the presets' points and on the huge formula:
    the lockstep trials against one trial Descent at a time (the objective without its many-points evaluator)."""
    import dataclasses
    import json
    import numpy as np
    from engine import parse
    from engine.analysis.rates import default_hyperparameters
    from engine.optim.objective import Objective
    from timing import interleaved_medians
    huge_formula = _huge_formulas().huge_formula
    if "value_and_gradient_many" not in {f.name for f in dataclasses.fields(Objective)}:
        print("default rates: this checkout runs one trial Descent at a time only")
        return
    presets = [p for g in json.loads((ROOT / "resources" / "functions.json").read_text())["groups"]
               for p in g["presets"]]
    cases = [(p["formula"], p.get("fixed") or {}, p.get("point")) for p in presets]

    def probe(cases, one_at_a_time: bool):
        for text, fixed, point in cases:
            f = parse(text)
            names = [v for v in f.variables if v not in fixed]
            objective = Objective.from_expression(f, names, fixed)   # a new one: nothing remembered
            if one_at_a_time:
                objective = dataclasses.replace(objective, value_and_gradient_many=None)
            start = np.array(point if point else [0.5] * len(names), dtype=np.float64)[:len(names)]
            for method in ("gd", "momentum"):
                default_hyperparameters(objective, method, start)

    for label, chosen in (("presets", cases), ("huge formula", [(huge_formula(), {}, [-1.5, 1.0])])):
        old, new = interleaved_medians([lambda: probe(chosen, True), lambda: probe(chosen, False)], repeats)
        print(f"default rates (gd + momentum), {label:12s}: side by side {1000 * new:6.1f} ms, one trial at a time "
              f"{1000 * old:6.1f} ms ({old / new:4.2f}×)")


def _huge_formulas():
    """tests/engine/huge_formulas.py of this checkout (GRADSCAPE_ROOT's may have none)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("huge_formulas", HERE / "tests" / "engine" / "huge_formulas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gaps_only(repeats: int) -> int:
    """``--gaps``: only the typing gaps at 401², in the default window (1400×880) and maximised (with ``--maximised``
    also on a full-screen window), the way the app runs (collection on the GUI thread)."""
    import main as app_main
    app = app_main.start_qt()
    from gui.garbage import collect_on_gui_thread, freeze_long_lived
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False)
    window.resize(1400, 880)
    window.show()
    _wait(app, 0.5)
    freeze_long_lived()
    collector = collect_on_gui_thread(app)
    surface = window.workspaces["surface"]
    surface.flush()
    sizes = [("default window 1400×880", None)] + [("maximised", "max")] * ("--maximised" in sys.argv)
    for label, how in sizes:
        if how == "max":
            screen = app.primaryScreen().availableGeometry()
            window.setGeometry(screen)   # what maximising does (Xvfb has no window manager to ask)
            _wait(app, 0.5)
        view = surface.surfaceView
        print(f"{label}: 3D view {view.width()}×{view.height()}", flush=True)
        longest_block_case(app, surface, 401, repeats)
    collector.stop()
    window.close()
    window.deleteLater()
    app.processEvents()
    return 0


def main() -> int:
    repeats = 2 if "--quick" in sys.argv else 4
    if "--gaps" in sys.argv:
        return gaps_only(repeats)
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
    window.show_workspace("surface")
    longest_block_case(app, surface, 401, repeats)
    surface.controls.resolutionSpin.setValue(default)
    huge_formula_case(app, surface, repeats)
    rates_case(repeats)
    window.close()
    window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
