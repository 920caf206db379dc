"""The longest event-loop gap (between 5 ms timer ticks) for what a user does besides typing: each Surface preset,
each Matrix preset, each step of the chapter tour, the first visit of each tab, File → Export of the view and
of the whole window on each tab, and File → Open of each tab's file (issue 12: no gap > 100 ms while typing, exporting, opening or searching).

Baseline in the same run: the longest gap of the idle window over the same time (what the machine's load alone
costs), so the ratio says how much the action adds. With GRADSCAPE_ROOT=<another checkout> the app measured is that
checkout's.

The checkout's own modules are compiled into a temporary bytecode cache before the window starts, as an installed
app has them (this machine may set PYTHONDONTWRITEBYTECODE, which makes every first import compile from source and a
tab's first visit pay for it); ``--source`` keeps the environment's setting. ``--each`` lists every action's gap.

A tab's first visit is a click on it (what the tab bar does), so a checkout that builds the tab over the turns after
the click is measured as the user meets it. ``--only first-visit`` measures only the first visits.

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_window_gaps.py [--quick] [--each]
[--only first-visit] [--turns]`` (``--turns``: what each first visit's longest gap held, benchmarks/turn_log.py)
"""
from __future__ import annotations

import atexit
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from isolation import use_own_user_files  # noqa: E402 (the script's folder: benchmarks/)

use_own_user_files()   # never the user's settings or app data
from timing import spin  # noqa: E402

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

SETTLE = 0.8   # seconds watched after each action
TURNS = None   # a turn_log.TurnLog with --turns: what each first visit's longest gap held is printed


def compiled_ahead() -> None:
    """The checkout's modules compiled into a temporary bytecode cache that imports then read (see the docstring)."""
    import compileall
    import shutil
    cache = tempfile.mkdtemp(prefix="gradscape-pycache-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    sys.dont_write_bytecode, sys.pycache_prefix = False, cache
    for package in ("engine", "gui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    compileall.compile_file(ROOT / "main.py", quiet=1)


class GapMeter:
    """A 5 ms timer's ticks; ``gap(action)`` runs ``action`` from the event loop and returns the longest gap in ms
    until SETTLE seconds later."""

    def __init__(self, app) -> None:
        from PySide6.QtCore import QTimer
        self.app, self.ticks = app, []   # (wall, the GUI thread's CPU time) at each tick
        self.cpu: dict[str, float] = {}   # action label -> the most CPU time of the GUI thread in one gap, ms
        self.held: dict[str, str] = {}    # action label -> what its longest gap held (--turns)
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.ticks.append((time.perf_counter(), time.thread_time())))
        self.timer.start()

    def spin(self, seconds: float) -> None:
        spin(self.app, seconds)

    def gap(self, action=None, settle: float = SETTLE, label: str = "") -> float:
        """The longest gap (ms) from ``action`` until ``settle`` s later; the most CPU time the GUI thread used
        within one gap (which a busy machine inflates less than the wall time) is kept in ``cpu[label]``."""
        from PySide6.QtCore import QTimer
        self.ticks.clear()
        start = time.perf_counter(), time.thread_time()
        if action is not None:
            QTimer.singleShot(0, action)
        self.spin(settle)
        ticks = [start] + self.ticks
        self.cpu[label] = 1000 * max(b[1] - a[1] for a, b in zip(ticks, ticks[1:]))
        wall, a, b = max((b[0] - a[0], a[0], b[0]) for a, b in zip(ticks, ticks[1:]))
        if TURNS is not None and label:
            self.held[label] = TURNS.held(a, b)
        return 1000 * wall


def _click_tab(window, key: str) -> None:
    """What a click on the tab of ``key`` does (the tab bar sets the current index; a tab not built yet is built
    then, or over the next turns where the checkout does so)."""
    tabs = window.workspaceTabs
    tabs.setCurrentIndex(tabs.indexOf(window.workspaces[key]))


def _groups(window, meter, quick: bool, only: str | None = None) -> dict[str, list[tuple[str, float]]]:
    from gui.tour.install import open_tour
    groups: dict[str, list[tuple[str, float]]] = {}
    for key in ("descent", "graph", "matrix", "surface"):   # first visits by a click on the tab (each builds it)
        groups.setdefault("first visit of a tab", []).append(
            (key, meter.gap(lambda k=key: _click_tab(window, k), 1.5, label=key)))
    if only == "first-visit":
        return groups
    surface = window.workspace("surface")
    names = surface.preset_names()[: 6 if quick else None]
    groups["Surface preset"] = [(n, meter.gap(lambda n=n: surface.apply_preset(n))) for n in names]
    matrix = window.workspace("matrix")
    window.show_workspace("matrix")
    meter.spin(0.5)
    names = matrix.preset_names()[: 4 if quick else None]
    groups["Matrix preset"] = [(n, meter.gap(lambda n=n: matrix.apply_preset(n))) for n in names]
    folder = tempfile.mkdtemp(prefix="gaps-")
    exports = groups["File → Export"] = []
    for key in ("surface", "descent", "graph", "matrix"):
        window.show_workspace(key)
        meter.spin(1.0)
        for what in ("view", "window"):
            export = getattr(window, f"export_{what}")
            exports.append((f"{key} {what}", meter.gap(lambda e=export, k=key, w=what: e(f"{folder}/{k}-{w}.png"))))
    groups["File → Open"] = _file_opens(window, meter, folder)
    window.show_workspace("surface")
    panel = open_tour(window, 0)
    meter.spin(1.0)
    steps = range(1, len(panel.steps), 3 if quick else 1)
    groups["tour step"] = [(f"{i} {panel.steps[i][1].title[:36]}", meter.gap(lambda i=i: panel.go(i)))
                           for i in steps]
    return groups   # the tour stays open: closing the window leaves it


def _file_opens(window, meter, folder: str) -> list[tuple[str, float]]:
    """Each tab's file (the tabs that have one) saved, then opened again from the Surface tab (File → Open after its dialog: the file goes
    to its own tab): graphs of 40 random nodes and of the 60-layer preset (123 nodes) among them."""
    from engine.graph.fileformat import save_graph
    from engine.graph.samples import random_graph
    from gui.window_files import has_file_protocol, with_extension
    files = []
    for key in ("surface", "descent", "matrix"):
        workspace = window.workspace(key)
        if not has_file_protocol(workspace):
            continue   # the Descent tab: its runs are not a file of their own
        path = with_extension(f"{folder}/saved-{key}", workspace.file_filter)
        workspace.save_file(path)
        files.append((key, path))
    graph = window.workspace("graph")
    graph.apply_preset("Sixty layers, 2⁶⁰ paths")
    files.append(("graph 60 layers", with_extension(f"{folder}/saved-layers", graph.file_filter)))
    graph.save_file(files[-1][1])
    random = random_graph(40, seed=1)
    random.tidy()
    files.append(("graph 40 random", f"{folder}/random-40.gsgraph.json"))
    save_graph(random, files[-1][1])
    graph.apply_preset("Chapter example: f = (u+v)² over four inputs")
    rows = []
    for label, path in files:
        window.show_workspace("surface")
        meter.spin(0.5)
        rows.append((f"open {label}", meter.gap(lambda p=path: window.open_path(p), label=f"open {label}")))
    return rows


def settled(app, window, meter) -> None:
    """What the app does once its first picture is up (main.settle_after_first_paint: the start frozen, collection
    on the GUI thread, the other tabs' modules imported one per turn where the checkout does that), then idle."""
    import inspect
    import main as app_main
    settle = app_main.settle_after_first_paint
    if "window" in inspect.signature(settle).parameters:
        settle(app, 0, window=window)
    else:
        settle(app, 0)
    for _ in range(40):
        meter.spin(0.25)
        if all(m in sys.modules for m in ("gui.descent.workspace", "gui.graph.workspace", "gui.matrix.workspace")):
            break
    meter.spin(0.5)


def _arguments():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer presets and every third tour step")
    parser.add_argument("--each", action="store_true", help="print every action's gap")
    parser.add_argument("--source", action="store_true", help="keep the environment's bytecode setting")
    parser.add_argument("--turns", action="store_true", help="what each first visit's longest gap held")
    parser.add_argument("--only", choices=["first-visit"], help="measure only that group")
    return parser.parse_args()


def main() -> int:
    args = _arguments()   # before Qt: --help needs no display
    quick = args.quick
    if not args.source:
        compiled_ahead()
    import main as app_main
    app_main._configure_qt()
    from PySide6.QtWidgets import QApplication
    if args.turns:
        global TURNS
        from turn_log import TurnLog, logging_application
        TURNS = TurnLog()
        app = logging_application(TURNS, sys.argv)
    else:
        app = QApplication.instance() or QApplication([])
    from gui.main_window import MainWindow
    window = MainWindow(restore_state=False, interactive=False)
    if TURNS is not None:
        from turn_log import log_descent_work
        log_descent_work(TURNS)
    window.resize(1400, 880)
    window.show()
    meter = GapMeter(app)
    meter.spin(1.5)
    settled(app, window, meter)
    idle = [meter.gap() for _ in range(5)]
    only = args.only
    groups = _groups(window, meter, quick, only)
    idle += [meter.gap() for _ in range(5)]
    base = statistics.median(idle)
    print(f"checkout {ROOT}; load {os.getloadavg()[0]:.1f}; idle window: longest gap {base:.0f} ms median, "
          f"{max(idle):.0f} ms max over {SETTLE} s")
    for name, rows in groups.items():
        gaps = [g for _, g in rows]
        worst = max(rows, key=lambda r: r[1])
        print(f"{name:22s} {len(rows):3d} actions: longest gap median {statistics.median(gaps):5.0f} ms "
              f"({statistics.median(gaps) / base:4.1f}× idle), max {worst[1]:5.0f} ms ({worst[0]}), "
              f"{sum(g > 100 for g in gaps)} over 100 ms")
        if args.each:
            print("    " + ", ".join(f"{label}: {g:.0f}" + (f" (CPU {meter.cpu[label]:.0f})" if label in meter.cpu else "")
                                     for label, g in rows))
        for label, _gap in rows:
            if label in meter.held:
                print(f"      {label}'s longest gap held: {meter.held[label]}")
    window.close()
    window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
