"""The longest event-loop gap on the Surface tab while a ~1,900-character formula arrives by every route (typed,
a preset, File → Open, Send to surface, a tour step, undo back to it) and while "Find critical points in view"
searches a preset and that formula and its results are listed and marked (target: no gap > 100 ms).

A gap is the longest wait between the ticks of a 5 ms QTimer, from the gesture until the function is in the session
(for a big one: while it is prepared), until its surface is painted and until the inspector's formulas are shown, or
until the critical points found are listed and marked. A small typed function gives the redraw's own gap in the same
run (the floor the routes can reach: the views' work after the function is applied), and the idle window over 1 s
(what the load alone costs). Each case is measured in a child process per checkout, the checkouts alternated, so
that a load change on the shared machine affects both alike: ``--against <checkout>`` (e.g. a worktree of main)
gives the baseline and the ratios; without it only this checkout is measured. The load (``os.getloadavg``) is printed.

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_gaps.py [--quick]
[--against /work/wt/base]``
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
from timing import spin as _wait  # noqa: E402

HERE = Path(__file__).resolve().parents[1]
ROUTES = ("typed", "preset", "file", "send", "tour", "undo", "small typed")   # the last: the redraw alone
PHASES = ("prepared", "painted", "formulas shown")
SEARCHES = ("critical: preset", "critical: huge formula")
IDLE = "idle window (1 s)"   # what the machine's load alone costs


# --- the child: one checkout, every case once --------------------------------------------------------------------
def child(root: Path, rounds: int) -> dict:
    sys.path.insert(0, str(root))
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    import main as app_main
    app_main._configure_qt()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from gui.garbage import collect_on_gui_thread, freeze_long_lived
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False)
    window.resize(1400, 880)
    window.show()
    surface = window.workspaces["surface"]
    _wait(app, 0.5)
    surface.flush()
    _time_collections()
    collector = collect_on_gui_thread(app)   # as the app runs (main.py)
    freeze_long_lived()
    import gui.tour.scenes  # noqa: F401 - loaded when the tour opens, not with its first step: not measured
    surface.critical.findButton.click()   # the solver's modules load with the first search: not measured
    _until(app, lambda: not surface.critical.is_running())
    clock = _Ticks()
    results: dict[str, list[float]] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-gaps-"))
    for k in range(rounds):
        _until(app, lambda: surface.inspector.formula_rows.formulas is not None)
        _wait(app, 0.3)
        start = time.perf_counter()
        _wait(app, 1.0)
        results.setdefault(IDLE, []).append([clock.longest_gap(start, time.perf_counter()),
                                             _longest_pause(start, time.perf_counter())])
        for route in ROUTES:
            # a new formula each time (its terms' centres move by 0.7, the formula spreads them over 0.5): no
            # derivative of its terms was built before
            text = _huge_formula(shift=0.7 * (k * len(ROUTES) + ROUTES.index(route) + 1))
            if route == "small typed":
                text = f"x*exp(-x^2 - {k + 2}*y^2)"
            results.setdefault(route, []).append(_arrival(app, window, surface, route, text, clock, folder))
        for search in SEARCHES:
            results.setdefault(search, []).append(_search(app, surface, search, clock))
    clock.stop()
    collector.stop()
    window.close()
    return results


_PAUSES: list[tuple[float, float]] = []   # (start, end) of each collection by the GUI thread's collector


def _time_collections() -> None:
    """Record the pauses of the GUI-thread garbage collector (gui/garbage.py): a full collection is a gap of its own,
    printed beside the gaps so that it is told apart from the work measured."""
    from gui.garbage import GuiThreadCollector
    collect = GuiThreadCollector.collect_due

    def timed(self):
        start = time.perf_counter()
        try:
            return collect(self)
        finally:
            _PAUSES.append((start, time.perf_counter()))
    GuiThreadCollector.collect_due = timed


def _longest_pause(start: float, end: float) -> float:
    return 1000 * max([b - a for a, b in _PAUSES if a < end and b > start], default=0.0)


class _Ticks:
    def __init__(self):
        from PySide6.QtCore import QTimer
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start(5)

    def longest_gap(self, start: float, end: float) -> float:
        inside = [start] + [t for t in self.times if start < t < end] + [end]
        return 1000 * max(b - a for a, b in zip(inside, inside[1:]))

    def stop(self) -> None:
        self.timer.stop()


def _arrival(app, window, surface, route: str, text: str, clock: _Ticks, folder: Path) -> list[float]:
    """The longest gaps from the gesture until the session has ``text`` (a big one: while it is prepared), until its
    surface is painted, and until the inspector shows its derivatives' formulas (worked out on a worker after)."""
    if route == "undo":   # the formula was drawn, then a small one typed: undo brings it back
        _bring(app, window, surface, "typed", text, folder)
        _until(app, lambda: surface.session.text == text and not surface._pending)
        _bring(app, window, surface, "typed", "x^2 - y^2", folder)
        _until(app, lambda: surface.session.text == "x^2 - y^2" and not surface._pending)
    from engine import parse
    target = parse(text)
    _until(app, lambda: surface.inspector.formula_rows.formulas is not None)   # the last case's work is over
    _wait(app, 0.3)
    painted: list[float] = []
    surface.surfaceView.frameSwapped.connect(lambda: painted.append(time.perf_counter()))
    start = time.perf_counter()
    clock.times.append(start)
    _bring(app, window, surface, route, text, folder)
    _until(app, lambda: surface.session.expression == target)
    changed = time.perf_counter()
    _until(app, lambda: any(t > changed for t in painted) and not surface._pending)
    end = min(t for t in painted if t > changed)
    surface.surfaceView.frameSwapped.disconnect()
    _until(app, lambda: surface.inspector.formula_rows.formulas is not None)
    done = time.perf_counter()
    return [clock.longest_gap(start, changed), clock.longest_gap(start, end), clock.longest_gap(start, done),
            _longest_pause(start, done)]


def _bring(app, window, surface, route: str, text: str, folder: Path) -> None:
    from engine import parse
    if route in ("typed", "small typed"):
        surface.expressionEdit.setText(text)
        surface.function_bar.submit()     # what Enter does
    elif route == "preset":
        from gui.surface.presets import Preset
        surface.apply_preset(Preset(name="Huge", key="huge", formula=text, group="bench"))
    elif route == "file":
        path = folder / f"huge-{abs(hash(text))}.gssurface.json"
        path.write_text(json.dumps({"format": "gradscape.surface", "version": 1, "function": text,
                                    "axes": ["x", "y"], "domain": {"x": [-2, 2], "y": [-2, 2]}}))
        window.open_path(str(path), surface)
    elif route == "send":
        surface.set_function_from(parse(text), axes=("x", "y"), fixed={}, objective_source=None,
                                  label="Send graph output to surface")
    elif route == "tour":
        from gui.tour.scenes import apply_surface
        apply_surface(window, {"function": text, "axes": ["x", "y"]}, "Tour step")
    elif route == "undo":
        surface.undo_stack.undo()


def _search(app, surface, case: str, clock: _Ticks) -> float:
    """The longest gap from "Find critical points in view" until the results are listed and marked (painted)."""
    if case == "critical: preset":
        surface.apply_preset("himmelblau")
    else:
        surface.expressionEdit.setText(_huge_formula(shift=-0.7))
        surface.function_bar.submit()
    _until(app, lambda: not surface._pending and not getattr(getattr(surface, "preparer", None), "busy", False)
           and surface.inspector.formula_rows.formulas is not None)
    surface.flush()
    _wait(app, 0.3)
    painted: list[float] = []
    surface.surfaceView.frameSwapped.connect(lambda: painted.append(time.perf_counter()))
    start = time.perf_counter()
    clock.times.append(start)
    surface.critical.findButton.click()
    _until(app, lambda: not surface.critical.is_running(), limit=120)
    listed = time.perf_counter()
    surface.surfaceView.update()
    _until(app, lambda: any(t > listed for t in painted) and not surface._pending)
    end = min(t for t in painted if t > listed)
    surface.surfaceView.frameSwapped.disconnect()
    return [clock.longest_gap(start, end), _longest_pause(start, end)]


def _until(app, done, limit: float = 60) -> None:
    end = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the case did not finish")
        app.processEvents()
        time.sleep(0.0005)




def _huge_formula(shift: float) -> str:
    """tests/engine/huge_formulas.py of this checkout (the same formula for every checkout measured)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("huge_formulas", HERE / "tests" / "engine" / "huge_formulas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.huge_formula(shift=shift)


# --- the parent: alternate the checkouts, print medians and ratios -----------------------------------------------
def run_child(root: Path, rounds: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(root), str(rounds)], capture_output=True,
                          text=True, cwd=root, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"the run in {root} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def _report(gaps: dict, loads: list[float], count: int, against: bool) -> None:
    print(f"load average during the run: {min(loads):.2f}–{max(loads):.2f} on {os.cpu_count()} cores; longest "
          f"event-loop gaps in ms, median (max) of {count} per case; goal ≤ 100; 'gc' is the longest pause "
          f"of the GUI thread's garbage collector within the case (max over the case's runs)")
    for case in (IDLE,) + ROUTES + SEARCHES:
        phases = PHASES if case in ROUTES else ("listed and marked",) if case in SEARCHES else ("its end",)
        for i, until in enumerate(phases):
            ours, pause = [v[i] for v in gaps["this"][case]], max(v[-1] for v in gaps["this"][case])
            line = (f"  {case:22s} until {until:17s} this {statistics.median(ours):5.0f} ({max(ours):4.0f}, "
                    f"gc {pause:4.0f})")
            if against:
                base, pause = [v[i] for v in gaps["baseline"][case]], max(v[-1] for v in gaps["baseline"][case])
                line += (f"   baseline {statistics.median(base):5.0f} ({max(base):4.0f}, gc {pause:4.0f})   "
                         f"ratio {statistics.median(ours) / max(statistics.median(base), 1e-9):4.2f}×")
            print(line)


def main() -> int:
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        print(json.dumps(child(Path(sys.argv[i + 1]), int(sys.argv[i + 2]))))
        return 0
    quick = "--quick" in sys.argv
    against = Path(sys.argv[sys.argv.index("--against") + 1]) if "--against" in sys.argv else None
    checkouts = {"this": HERE} | ({"baseline": against} if against else {})
    runs, rounds = (2, 1) if quick else (3, 2)
    loads, gaps = [], {label: {} for label in checkouts}
    for _ in range(runs):
        for label, root in checkouts.items():
            loads.append(os.getloadavg()[0])
            for case, values in run_child(root, rounds).items():
                gaps[label].setdefault(case, []).extend(values)
    _report(gaps, loads, runs * rounds, against is not None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
