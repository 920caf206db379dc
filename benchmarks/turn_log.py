"""What each long event-loop gap held: a diagnostic for the benchmarks that measure gaps (``--turns``).

``TurnLog.install(app)`` times every event the application delivers (its receiver's class and the event's type;
nested deliveries, e.g. inside a local event loop, are kept with their depth) and ``wrap(owner, name)`` times calls
of a chosen function or method. ``held(start, end)`` lists what started within a gap and took at least
``min_ms``, so a long gap reads as e.g. "Timer→GraphScene 22 ms: _work 21 ms; Paint→QWidget 31 ms". Timing every
event costs a few microseconds each: figures printed with it are a little slower than without.
"""
from __future__ import annotations

import functools
import gc
import time


class TurnLog:
    def __init__(self, min_ms: float = 3.0):
        self.min_ms = min_ms
        self.records: list[tuple[float, float, int, str, float]] = []   # (start, end, depth, what, CPU seconds)
        self.depth = 0

    def wrap(self, owner, name: str, label: str | None = None) -> None:
        """Time every call of ``owner.name`` (a class's method or a module's function)."""
        original = getattr(owner, name)
        label = label or name
        log = self

        @functools.wraps(original)
        def timed(*args, **kwargs):
            start, cpu = time.perf_counter(), time.thread_time()
            log.depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                log.depth -= 1
                log._add(start, label, cpu)
        setattr(owner, name, timed)

    def _add(self, start: float, what: str, cpu: float | None = None) -> None:
        """Record what ran from ``start`` (perf_counter) until now; ``cpu``: the GUI thread's thread_time at
        ``start`` (the CPU time is shown beside the wall time: a loaded machine inflates the wall time only)."""
        end = time.perf_counter()
        if (end - start) * 1e3 >= self.min_ms:
            used = time.thread_time() - cpu if cpu is not None else float("nan")
            self.records.append((start, end, self.depth, what, used))

    def notify(self, base_notify, receiver, event) -> bool:
        start, cpu = time.perf_counter(), time.thread_time()
        self.depth += 1
        try:
            return base_notify(receiver, event)
        finally:
            self.depth -= 1
            if (time.perf_counter() - start) * 1e3 >= self.min_ms:
                kind = getattr(event.type(), "name", str(event.type()))
                self._add(start, f"{kind}→{type(receiver).__name__}", cpu)

    def held(self, start: float, end: float) -> str:
        """What started in [start, end] (and took at least min_ms), in order, nested ones indented: wall ms
        (/CPU ms when they differ by more than 20%)."""
        inside = sorted((r for r in self.records if start <= r[0] <= end), key=lambda r: (r[0], r[2]))
        if not inside:
            return "(nothing logged)"
        top = min(r[2] for r in inside)

        def ms(wall, cpu):
            return f"{1e3 * wall:.0f}" + (f"/{1e3 * cpu:.0f}" if not abs(cpu - wall) <= 0.2 * wall else "")
        return "; ".join(f"{'·' * (d - top)}{what} {ms(e - s, c)}" for s, e, d, what, c in inside)

    def clear(self) -> None:
        self.records.clear()


def logging_application(log: TurnLog, argv):
    """A QApplication whose every delivered event is timed into ``log``."""
    from PySide6.QtWidgets import QApplication

    class Logged(QApplication):
        def notify(self, receiver, event):
            return log.notify(super().notify, receiver, event)
    return Logged(argv)


def log_descent_work(log) -> None:
    """The Descent tab's pieces of work that a gap may hold: its build after a click, each staged piece by name, the
    3D view's paints (those the checkout measured has)."""
    import importlib
    for module, owner, names in (("gui.tab_visits", "TabVisits", ("_turn", "_install")),
                                 ("gui.main_window", "MainWindow", ("workspace",)),
                                 ("gui.views.surface_view", "SurfaceView", ("paintGL",)),
                                 ("gui.garbage", "GuiThreadCollector", ("collect_due",))):
        try:
            target = getattr(importlib.import_module(module), owner)
        except (ImportError, AttributeError):   # a checkout without it
            continue
        for name in names:
            if hasattr(target, name):
                log.wrap(target, name, f"{owner}.{name}")
    try:
        staging = importlib.import_module("gui.descent.staging").Staging
    except ImportError:
        return
    next_stage = staging._next_stage

    def named(self):   # each turn of the chain named after the part or stage it does
        due = getattr(self, "_parts_due", None)
        what = due[0] if due else (self._stages[0].__name__ if self._stages else "settled")
        start, cpu = time.perf_counter(), time.thread_time()
        log.depth += 1
        try:
            return next_stage(self)
        finally:
            log.depth -= 1
            log._add(start, f"descent {what}", cpu)
    staging._next_stage = named


def log_graph_work(log) -> None:
    """The Graph workspace's pieces of work that a gap may hold (those the checkout measured has)."""
    import importlib
    for module, owner, names in (
            ("gui.graph.build", "SceneBuild", ("_work", "_build", "fit_scene_rect")),
            ("gui.graph.edge_layout", "EdgeLayout", ("run", "_check_slots", "_order")),
            ("gui.graph.detail", "LevelOfDetail", ("_label", "_apply_level")),
            ("gui.graph.scene", "GraphScene", ("recompute", "refresh_numbers", "highlight")),
            ("gui.graph.overview", "OverviewItem", ("rebuild",)),
            ("gui.graph.paths", "PathPanel", ("_bring_up_to_date", "_fill", "_update_numbers")),
            ("gui.graph.workspace", "GraphWorkspace", ("_replace",)),
            ("gui.graph.opening", "Busy", ("progress", "_show_dialog")),
            ("gui.graph.exporting", None, ("_laid_out", "_draw", "_write")),
            ("gui.graph.slices", "Slices", ("_run_one",)),
            ("gui.garbage", "GuiThreadCollector", ("collect_due",))):
        try:
            target = importlib.import_module(module)
        except ImportError:   # a checkout without it
            continue
        target = getattr(target, owner) if owner else target
        for name in names:
            if hasattr(target, name):
                log.wrap(target, name, f"{owner or module.rsplit('.', 1)[-1]}.{name}")

    busy = importlib.import_module("gui.graph.opening").Busy
    in_slices = busy.run_in_slices

    def run_in_slices(self, step, *args, **kwargs):   # each slice named after the function that slices its work
        label = step.__qualname__.replace(".<locals>", "")

        def timed():
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return step()
            finally:
                log._add(start, label, cpu)
        return in_slices(self, timed, *args, **kwargs)
    busy.run_in_slices = run_in_slices

    def on_gc(phase, info):
        if info["generation"] == 2:
            if phase == "start":
                log.gc_start = time.perf_counter(), time.thread_time()
            else:
                log.records.append((log.gc_start[0], time.perf_counter(), log.depth + 1, "full gc",
                                    time.thread_time() - log.gc_start[1]))
    gc.callbacks.append(on_gc)
