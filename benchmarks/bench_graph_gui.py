"""The Graph workspace on big graphs: prints figures and ratios measured in one run (never a test).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_graph_gui.py [--quick] [--sizes 1000,5000]

Targets (issue 12, "Scale"), for random scalar graphs from engine's sample builders, laid out by the engine:
  * a 1,000-node graph opens to its first painted frame in < 1 s, a 5,000-node one in < 5 s;
  * one value edit on a 1,000-node graph repaints in < 100 ms;
  * Backward with labels to painted < 150 ms at 1,000 nodes;
  * the GUI's open + backward <= 10x the engine's own load + forward + partials + backward of the same file;
  * panning repaints in < 30 ms;
  * no event-loop gap > 100 ms during an open, an export or a path listing (the longest gaps are printed).

How it is measured: the file is opened through the workspace's ``open_file`` (what File → Open calls) in a shown
1500×900 workspace; "painted" means the canvas's viewport has handled a paint event after the change. The engine's
baseline (load + forward + local partials + backward, from the file) is timed in the same run, as a median, just
before the GUI figures for the same file; the GUI figures are medians over repeats too. Each interaction is timed in
three views: as opened (a graph too big to read whole shows its start at the smallest readable zoom), zoomed out to
twice the zoom that shows the whole graph (a big one is then an overview) and scale 1 (the editor's natural size) in the middle of the graph.
Garbage is collected as the app collects it (gui.garbage: automatic collection off, the start's objects frozen, the
GUI thread's collector on a timer) unless ``--automatic-gc`` is given. The Paths panel lists the paths from each
input in turn (choosing it in the panel's chooser) with the longest event-loop gap meanwhile.
"""
from __future__ import annotations

import argparse
import gc
import os
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("GRADSCAPE_ROOT", Path(__file__).resolve().parent.parent))   # the checkout measured
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.timing import median_seconds  # noqa: E402
from engine.graph.fileformat import load_graph, save_graph  # noqa: E402
from engine.graph.samples import random_graph  # noqa: E402

from isolation import use_own_user_files  # noqa: E402 (the script's folder: benchmarks/)

use_own_user_files()   # never the user's settings or app data


class PaintWatch(QObject):
    """Counts paint events the canvas's viewport handles."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Collections:
    """The longest of Python's full (generation 2) garbage collections since ``reset``: one can make an event-loop
    gap of its own (it visits every Python object of the app), so the gaps are printed with it."""

    def __init__(self):
        self.longest = self._began = 0.0
        gc.callbacks.append(self._on_gc)

    def reset(self):
        self.longest = 0.0

    def _on_gc(self, phase: str, info: dict):
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._began)


COLLECTIONS = Collections()


def gc_note() -> str:
    """The longest full garbage collection since the last note (and starts counting again)."""
    longest, _ = COLLECTIONS.longest, COLLECTIONS.reset()
    return f"; longest full garbage collection {longest * 1e3:.0f} ms" if longest else ""


PARTS = {"interact", "paths", "export"}   # what is measured after the open (--parts)
TURNS = None   # a turn_log.TurnLog with --turns: what each gap over LONG_GAP held is printed


class GapMeter(QObject):
    """The longest time the event loop went without running a 5 ms timer, while active, and the most CPU time the GUI
    thread used within one gap (which a loaded machine inflates less than the wall time); with --turns, what each
    gap over LONG_GAP of wall time or LONG_CPU of CPU time held is printed."""
    LONG_GAP, LONG_CPU = 0.1, 0.03

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = self.longest = self.cpu = self.most_cpu = self.last_cpu = 0.0
        self.long: list[tuple[float, float, float]] = []

    def start(self):
        self.last, self.longest, self.long = time.perf_counter(), 0.0, []
        self.last_cpu, self.cpu, self.most_cpu = time.thread_time(), 0.0, 0.0
        self.timer.start()

    def _tick(self):
        now, cpu = time.perf_counter(), time.thread_time()
        used = cpu - self.last_cpu
        if now - self.last > self.longest:
            self.longest, self.cpu = now - self.last, used
        self.most_cpu = max(self.most_cpu, used)
        if now - self.last > self.LONG_GAP or used > self.LONG_CPU:
            self.long.append((self.last, now, used))
        self.last, self.last_cpu = now, cpu

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        if TURNS is not None:
            for start, end, used in self.long:
                print(f"      gap {1e3 * (end - start):.0f} ms (CPU {1e3 * used:.0f}): {TURNS.held(start, end)}")
            TURNS.clear()
        return self.longest

    def note(self) -> str:
        """The longest gap, the CPU time within it and the most CPU time within one gap (after ``stop``)."""
        return f"{self.longest * 1e3:.0f} ms (CPU {self.cpu * 1e3:.0f} ms; most CPU in one gap {self.most_cpu * 1e3:.0f} ms)"


def until_painted(app, watch: PaintWatch, before: int, timeout: float = 600.0) -> None:
    """Run the event loop until the viewport handled a paint after ``before`` paints."""
    end = time.perf_counter() + timeout
    while watch.count <= before and time.perf_counter() < end:
        app.processEvents()
        if watch.count <= before:
            time.sleep(0.0005)


def timed_to_paint(app, ws, watch, action, whole: bool = True) -> float:
    """Seconds from calling ``action`` until the canvas painted the result (``whole``: the whole canvas; else what
    the action itself repaints, as a scroll does)."""
    before = watch.count
    start = time.perf_counter()
    action()
    if whole:
        ws.canvas.viewport().update()
    until_painted(app, watch, before)
    return time.perf_counter() - start


def timed_to_numbers(app, ws, watch, action, gaps: list) -> float:
    """Seconds from calling ``action`` (an edit) until the canvas painted the numbers of every pass for the edited
    graph (a big graph's passes run on a worker after an edit); the longest event-loop gap meanwhile goes to
    ``gaps``."""
    meter = GapMeter()
    meter.start()
    start = time.perf_counter()
    action()
    end = start + 600
    while not getattr(ws.scene, "numbers_current", True) and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)
    before = watch.count
    ws.canvas.viewport().update()
    until_painted(app, watch, before)
    seconds = time.perf_counter() - start
    gaps.append(meter.stop())
    return seconds


def make_file(folder: Path, size: int) -> Path:
    graph = random_graph(size, seed=1)
    graph.tidy()
    path = folder / f"random-{size}.gsgraph.json"
    save_graph(graph, path)
    return path


def engine_seconds(path: Path, repeats: int) -> float:
    def run():
        g = load_graph(path)
        g.forward()
        g.local_partials()
        g.backward()
    return median_seconds(run, repeats, warm_up=1)


def settle(app, seconds: float = 0.05):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()


def zoom_to_readable(ws):
    """Scale 1 around the middle of the graph (every label readable)."""
    canvas = ws.canvas
    canvas.resetTransform()
    canvas.zoom_by(1.0)
    canvas.centerOn(ws.scene.nodes_bounding_rect().center())


def new_workspace(app, folder: Path):
    from gui.graph.workspace import GraphWorkspace
    ws = GraphWorkspace(autosave_dir=folder / "autosave")
    ws.resize(1500, 900)
    ws.show()
    settle(app, 0.3)
    return ws


def first_open(app, folder: Path, path: Path) -> tuple[object, float, float, float]:
    """A fresh workspace opens the file: (workspace, seconds to the first painted frame, seconds until the view's
    edges and labels are complete, longest event-loop gap until then)."""
    ws = new_workspace(app, folder)
    watch, gaps = PaintWatch(ws.canvas.viewport()), GapMeter()
    gaps.start()
    start = time.perf_counter()
    seconds = timed_to_paint(app, ws, watch, lambda: ws.open_file(str(path)))
    view_complete(app, ws)
    complete = time.perf_counter() - start
    gaps.stop()
    ws.watch = watch
    return ws, seconds, complete, gaps


def settled(app, ws, timeout: float = 600.0) -> float:
    """Seconds until the scene has finished building and routing (it works in slices after the first frame)."""
    start = time.perf_counter()
    while (ws.scene.building or ws.scene.layout.pending) and time.perf_counter() - start < timeout:
        app.processEvents()
    return time.perf_counter() - start


def view_complete(app, ws, timeout: float = 600.0) -> None:
    """Run the event loop until the edges near the view are routed and its labels placed."""
    end = time.perf_counter() + timeout
    while not ws.scene.view_settled and time.perf_counter() < end:
        app.processEvents()


def zoom_out_whole(ws):
    """Zoomed out to twice the zoom that shows the whole graph, so there is still room to pan (a big graph is drawn
    as an overview)."""
    rect = ws.scene.nodes_bounding_rect()
    view = ws.canvas.viewport().rect()
    whole = min(view.width() / rect.width(), view.height() / rect.height())
    ws.canvas.zoom_by(2 * whole / ws.canvas.transform().m11())
    ws.canvas.centerOn(rect.center())


def bench_size(app, folder: Path, size: int, repeats: int) -> None:
    path = make_file(folder, size)
    engine = engine_seconds(path, repeats)
    opens, completes, worst, ws = [], [], None, None
    COLLECTIONS.reset()
    for _ in range(repeats if size <= 1000 else 1):
        if ws is not None:   # the last repeat's workspace deleted now, not inside the next open's measurement
            discard(app, ws)
        ws, seconds, complete, gap = first_open(app, folder, path)
        completes.append(complete)
        opens.append(seconds)
        most = max(gap.most_cpu, worst.most_cpu if worst is not None else 0.0)
        worst = gap if worst is None or gap.longest > worst.longest else worst
        worst.most_cpu = most
    open_gc = gc_note()
    gaps = GapMeter()
    gaps.start()
    routing = settled(app, ws)
    gaps.stop()
    open_s = statistics.median(opens)
    g = ws.document.graph
    print(f"{size} formula nodes + {len(g.inputs)} inputs, {len(g.edges())} edges (engine load+forward+partials+"
          f"backward {engine * 1e3:.0f} ms):")
    print(f"  open to first painted frame: {open_s * 1e3:.0f} ms; the view's edges and labels complete at "
          f"{statistics.median(completes) * 1e3:.0f} ms (longest event-loop gap until then {worst.note()}"
          f"{open_gc}); "
          f"every edge routed in the background {routing * 1e3:.0f} ms later (longest gap "
          f"{gaps.note()}{gc_note()})")
    if "interact" in PARTS:
        interactions(app, ws, engine, open_s, repeats)
    if "paths" in PARTS:
        print(f"  Paths panel, each input chosen in turn: {timed_path_listing(app, ws)}")
    if "export" in PARTS:
        exports = [timed_export(app, ws, folder, kind) for kind in (("png", "svg") if size <= 1000 else ("png",))]
        print("  export of the whole graph: " + ", ".join(exports) + " (the event loop is to keep running)")
    discard(app, ws)


def discard(app, ws) -> None:
    """``ws`` closed and deleted now (a deferred delete left waiting would land in the next measurement: a
    1,000-node workspace takes 150-300 ms to delete)."""
    ws.close()
    ws.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    settle(app)


def interactions(app, ws, engine: float, open_s: float, repeats: int) -> None:
    """Backward, a value edit and panning, each as opened, zoomed out and at scale 1."""
    g = ws.document.graph
    source = g.inputs[0]
    values = [g.nodes[source].value + 0.25, g.nodes[source].value]
    backward, edit, panning, edit_gaps, edits = {}, {}, {}, [], itertools.count()
    for view, place in (("as opened", None), ("zoomed out", zoom_out_whole), ("scale 1", zoom_to_readable)):
        if place is not None:
            place(ws)
            view_complete(app, ws)
            settle(app, 0.2)
        backward[view] = median_of(repeats, lambda: timed_to_paint(app, ws, ws.watch, ws.run_backward), app)
        edit[view] = median_of(repeats, lambda k: timed_to_numbers(
            app, ws, ws.watch, lambda: ws.document.edit_content(source, repr(values[next(edits) % 2])), edit_gaps),
            app, indexed=True)
        panning[view] = median_of(repeats, lambda k: timed_to_paint(app, ws, ws.watch, lambda: pan(ws, k), False), app,
                                  indexed=True)
    ratio = (open_s + backward["as opened"]) / engine
    shown = lambda figures, digits=0: ", ".join(f"{v * 1e3:.{digits}f} ms {k}" for k, v in figures.items())  # noqa
    print(f"  Backward with labels to painted: {shown(backward)} (goal < 150 ms at 1,000 nodes)")
    print(f"  one value edit to painted with every pass's numbers: {shown(edit)} (longest event-loop gap "
          f"{max(edit_gaps) * 1e3:.0f} ms{gc_note()}; goal < 100 ms at 1,000 nodes)")
    print(f"  pan to painted: {shown(panning, 1)} (goal < 30 ms)")
    print(f"  GUI open+backward / engine load+passes = {ratio:.1f}x (goal <= 10x)")


def timed_export(app, ws, folder: Path, kind: str) -> str:
    """Export the whole graph as ``kind`` (what File → Export calls, after its dialog): seconds and the longest
    event-loop gap meanwhile."""
    from gui.graph.files import export_png, export_svg
    gaps = GapMeter()
    gaps.start()
    start = time.perf_counter()
    (export_png if kind == "png" else export_svg)(ws.scene, str(folder / f"export.{kind}"))
    seconds = time.perf_counter() - start
    gaps.stop()
    return f"{kind.upper()} {seconds:.2f} s (longest gap {gaps.note()}{gc_note()})"


def timed_path_listing(app, ws) -> str:
    """Choose each input in the Paths panel's chooser (the list, products and sum follow): the longest time to the
    list being painted and the longest event-loop gap meanwhile."""
    from PySide6.QtWidgets import QComboBox
    chooser = ws.findChild(QComboBox, "pathSource")
    watch = PaintWatch(ws.paths.list.viewport())
    gaps, longest = GapMeter(), 0.0
    gaps.start()
    for index in list(range(1, chooser.count())) + [0]:
        start, before = time.perf_counter(), watch.count
        chooser.setCurrentIndex(index)
        until_painted(app, watch, before, timeout=10)
        longest = max(longest, time.perf_counter() - start)
        settle(app, 0.1)
    gaps.stop()
    return f"{chooser.count()} inputs, longest to painted {longest * 1e3:.0f} ms (longest gap {gaps.note()}" \
           f"{gc_note()})"


def pan(ws, k: int):
    """Scroll 60 pixels right, then back (left first where the view cannot go further right); up and down where
    the graph fits across the view."""
    bar = ws.canvas.horizontalScrollBar()
    if bar.maximum() - bar.minimum() < 60:
        bar = ws.canvas.verticalScrollBar()
    step = 60 if (k % 2 == 0) == (bar.value() + 60 <= bar.maximum()) else -60
    before = bar.value()
    bar.setValue(before + step)
    if bar.value() == before:
        raise RuntimeError("the view cannot be panned here")


def median_of(repeats: int, fn, app, indexed: bool = False) -> float:
    samples = []
    for k in range(repeats):
        samples.append(fn(k) if indexed else fn())
        settle(app, 0.02)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 200 and 1,000 nodes")
    parser.add_argument("--sizes", help="comma-separated graph sizes (default 40,100,200,1000,5000; 40 is opened in "
                                        "one turn, bigger ones over several: gui.graph.build.SYNC_NODES)")
    parser.add_argument("--repeats", type=int, help="timed repeats per figure (default 5, --quick 3)")
    parser.add_argument("--parts", help="comma-separated: interact, paths, export (default all; the open always)")
    parser.add_argument("--turns", action="store_true", help="print what each event-loop gap over 50 ms held")
    parser.add_argument("--automatic-gc", action="store_true",
                        help="leave Python's automatic garbage collection on (the app turns it off, see gui.garbage)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([40, 200, 1000] if args.quick else
                                                                       [40, 100, 200, 1000, 5000])
    repeats = args.repeats or (3 if args.quick else 5)
    if args.parts:
        PARTS.clear()
        PARTS.update(args.parts.split(","))
    print(f"checkout {ROOT}; load {os.getloadavg()[0]:.1f}")
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    if args.turns:
        global TURNS
        from turn_log import TurnLog, log_graph_work, logging_application
        TURNS = TurnLog()
        app = logging_application(TURNS, sys.argv)
        log_graph_work(TURNS)
    else:
        app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        warm_up = first_open(app, Path(tmp), make_file(Path(tmp), 100))[0]   # one-time costs (fonts, Qt's enums)
        warm_up.close()
        if not args.automatic_gc:   # what main.py does once the first window is up
            from gui.garbage import collect_on_gui_thread, freeze_long_lived
            gc.disable()
            freeze_long_lived()
            collect_on_gui_thread(app)
        for size in sizes:
            bench_size(app, Path(tmp), size, repeats)


if __name__ == "__main__":
    main()
