"""“Find critical points in view”: the search runs on a worker thread with progress and cancel; results are listed
(click one to select it) and handed to the views to mark, coloured by kind.

An entry is an isolated point or a whole set of critical points (a curve, an interval, a flat region); the list says
which (the "What" column, with the engine's full description in the tooltip and under the list), and a click on a
set selects its representative point.
"""
from __future__ import annotations

import sys
import threading
import time

import numpy as np
from PySide6.QtCore import QThread, QTimer, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from gui.frame_gate import FrameGate
from gui.progress_bar import ProgressBar
from gui.surface.inspector import vector_text
from gui.surface.overlays import KIND_COLORS, kind_color
from gui.views.ticks import format_value
from gui.worker_pace import quick_thread_switches
from engine.expr.numbers import format_number

_SOLVER_NAMES = ("critical_points", "Cancelled")


def __getattr__(name: str):
    """The solver's ``critical_points`` and ``Cancelled`` load engine.analysis.critical with the first search, not
    at start (PEP 562); once loaded, or replaced by a test, they are this module's own names."""
    if name not in _SOLVER_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from engine.analysis import critical
    value = globals()[name] = getattr(critical, name)
    return value


PROGRESS_STEPS = 1000
LIST_SLICE = 25          # rows listed per event-loop turn when a search's results arrive
PROGRESS_EVERY_S = 0.25   # each new value is a frame of the whole window: a few a second (a search reports ~100)
COLUMNS = ("Point", "What", "f", "Test", "Verdict")
TABLE_DIGITS = 5   # the list stays narrow; the tooltip and the inspector give every digit


def shape_of(c) -> str:
    """One word for what an entry is: 'point', or the set's shape as the engine describes it ('curve', …)."""
    return "point" if not c.is_set else c.describe().split(" of critical points")[0]


def _plural(word: str, count: int) -> str:
    return word if count == 1 else f"{word}s"


def summary(points: list) -> str:
    """'9 points', '1 curve and 2 points', '2 curves, 1 region and 3 points'."""
    counts: dict[str, int] = {}
    for c in points:
        counts[shape_of(c)] = counts.get(shape_of(c), 0) + 1
    order = sorted(counts, key=lambda shape: (shape == "point", shape))   # sets first, points last
    parts = [f"{counts[shape]} {_plural(shape, counts[shape])}" for shape in order]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class CriticalSearch(QThread):
    """One search; ``progressed`` carries a fraction, ``found`` the list of CriticalPoints."""

    progressed = Signal(float)
    found = Signal(object)
    failed = Signal(str)

    def __init__(self, f, variables, box, parent=None, gate: FrameGate | None = None):
        super().__init__(parent)
        self.f, self.variables, self.box = f, tuple(variables), [tuple(b) for b in box]
        self._cancel = threading.Event()
        self._gate = gate   # the search stands still while the window paints (gui/frame_gate.py)
        self._reported = -float("inf")
        # the derivatives (tens of ms for a large function) are built in run(), on the worker: the engine's
        # expression table is interned under a lock, so building there is safe and the UI stays free

    def cancel(self) -> None:
        self._cancel.set()

    def _cancelled(self) -> bool:
        """Polled by the solver between its steps: first wait while the window paints."""
        if self._gate is not None:
            self._gate.checkpoint()
        return self._cancel.is_set()

    def _progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._reported >= PROGRESS_EVERY_S:
            self._reported = now
            self.progressed.emit(fraction)

    def run(self) -> None:
        module = sys.modules[__name__]
        critical_points, Cancelled = module.critical_points, module.Cancelled   # noqa: N806 - the solver's names
        try:
            with quick_thread_switches():   # else this busy Python thread starves Qt's timers (gui/worker_pace.py)
                self._cancelled()   # the frame that shows "Searching…" is composed first
                points = critical_points(self.f, self.box, self.variables, progress=self._progress,
                                         cancelled=self._cancelled)
        except Cancelled:
            return
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
            self.failed.emit(str(error))
            return
        except Exception as error:   # a bug must end the search with a message, not leave it "Searching…"
            self.failed.emit(f"{type(error).__name__}: {error}")
            return
        self.found.emit(points)


class CriticalPanel(QWidget):
    search_requested = Signal()
    point_selected = Signal(object)      # np.ndarray
    results_changed = Signal(object)     # list[CriticalPoint]
    fit_requested = Signal()             # "Fit view": plotted ranges that hold the critical points found

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("criticalPanel")
        self.results: list = []
        self.search: CriticalSearch | None = None
        self.gate = FrameGate(self)   # the running search pauses while the window paints
        self._listing = QTimer(self)   # a search's results are listed a slice per turn, then marked
        self._listing.setInterval(0)
        self._listing.timeout.connect(self._list_slice)
        # every search not yet finished, cancelled ones included: the window waits for them all before it goes
        self._running: set[CriticalSearch] = set()
        self.findButton = QPushButton("Find critical points in view", self)
        self.findButton.setObjectName("findCriticalButton")
        self.findButton.setToolTip("Solve ∇f = 0 inside the plotted ranges (multi-start Newton); Ctrl+F")
        self.cancelButton = QPushButton("Cancel", self)
        self.cancelButton.setObjectName("cancelCriticalButton")
        self.cancelButton.setEnabled(False)
        self.fitButton = QPushButton("Fit view", self)
        self.fitButton.setObjectName("fitCriticalButton")
        self.fitButton.setToolTip("Set the plotted ranges to hold the critical points found, with a margin")
        self.fitButton.setEnabled(False)
        self.progress = ProgressBar(self)   # a new value is painted with the next frame, not at once
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.status = QLabel("Not searched yet.", self)
        self.status.setWordWrap(True)
        self.table = self._build_table()
        self.details = QLabel(self)
        self.details.setObjectName("criticalDetails")
        self.details.setWordWrap(True)
        self.details.setStyleSheet("color: #8890a0;")
        self.axes: tuple[str, ...] = ()
        self.value_scale = 0.0   # the size of f's values in view: a value this small by 1e-12 is printed as 0
        buttons = QHBoxLayout()
        buttons.addWidget(self.findButton, 1)
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.fitButton)
        legend = QLabel(" ".join(f"<span style='color:rgb{c}'>◆</span> {k}" for k, c in KIND_COLORS.items()
                                 if k != "regular") + " · lines, tinted areas: sets of critical points", self)
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(legend)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        self.findButton.clicked.connect(self.search_requested)
        self.cancelButton.clicked.connect(self.cancel)
        self.fitButton.clicked.connect(self.fit_requested)
        self.table.cellClicked.connect(self._on_cell_clicked)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS), self)
        table.setObjectName("criticalList")
        table.setHorizontalHeaderLabels(list(COLUMNS))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the point takes the width that is left (wrapped if need be; every digit in the tooltip): no sideways scrolling
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.setToolTip("Click a row to select that point (for a set: its representative point)")
        return table

    # --- searching ----------------------------------------------------------------------------------------------
    def start(self, f, variables, box) -> None:
        self.cancel()
        self.axes = tuple(variables)
        self.clear_results("Searching…")
        search = CriticalSearch(f, variables, box, self, self.gate)
        search.progressed.connect(lambda fraction: self._on_progress(search, fraction))
        search.found.connect(lambda points: self._on_found(search, points))
        search.failed.connect(lambda message: self._on_failed(search, message))
        search.finished.connect(lambda: self._on_thread_done(search))
        self.search = search
        self._running.add(search)
        self.findButton.setEnabled(False)
        self.cancelButton.setEnabled(True)
        self.gate.watch(self)
        self.gate.hold()   # the worker starts once this turn's frame is composed
        search.start()

    def cancel(self) -> None:
        """Stop a running search; its results, if any arrive, are ignored."""
        if self.search is not None:
            self.search.cancel()
            self.search = None
            self.status.setText("Cancelled.")
            self._idle()

    def is_running(self) -> bool:
        """A search runs, or its results are still being listed."""
        return self.search is not None or self._listing.isActive()

    def _idle(self) -> None:
        self.gate.unwatch()
        self.findButton.setEnabled(True)
        self.cancelButton.setEnabled(False)

    def _on_progress(self, search, fraction: float) -> None:
        if search is self.search:
            self.progress.setValue(int(fraction * PROGRESS_STEPS))

    def _on_found(self, search, points) -> None:
        if search is not self.search:
            return
        self.search = None
        self._idle()
        self.progress.setValue(PROGRESS_STEPS)
        self.set_results(points, staged=True)

    def _on_failed(self, search, message: str) -> None:
        if search is self.search:
            self.search = None
            self._idle()
            self.status.setText(f"Search failed: {message}")

    def _on_thread_done(self, search) -> None:
        self._running.discard(search)
        search.deleteLater()

    def shutdown(self) -> None:
        """Cancel and wait for every search still running (cancelled ones too), so no thread outlives the panel."""
        self.cancel()
        self._listing.stop()
        for search in list(self._running):
            search.cancel()
            search.wait()
        self._running.clear()

    # --- results ------------------------------------------------------------------------------------------------
    def clear_results(self, status: str = "Not searched yet.") -> None:
        had_results, self.results = bool(self.results), []
        self._listing.stop()
        self.table.setRowCount(0)
        self.details.clear()
        self.progress.setValue(0)
        self.status.setText(status)
        self.fitButton.setEnabled(False)
        if had_results:   # else nothing is marked: no redraw of the views (which would contend with a new search)
            self.results_changed.emit([])

    def set_results(self, points: list, axes=None, *, staged: bool = False) -> None:
        """Show the search's results; ``axes`` names the variables (default: those of the last search). Staged: the
        rows are listed LIST_SLICE per event-loop turn, and the results are announced (``results_changed``: the views
        mark them) once all are listed."""
        if axes is not None:
            self.axes = tuple(axes)
        self._listing.stop()
        self.results = list(points)
        self.table.setRowCount(0)
        if staged and len(self.results) > LIST_SLICE:
            self._list_slice()
            self._listing.start()
        else:
            self._list_rows(len(self.results))
            self._listed()

    def _list_slice(self) -> None:
        self._list_rows(LIST_SLICE)
        if self.table.rowCount() >= len(self.results):
            self._listing.stop()
            self._listed()

    def _list_rows(self, count: int) -> None:
        first = self.table.rowCount()
        rows = self.results[first:first + count]
        self.table.setRowCount(first + len(rows))
        for row, c in enumerate(rows, start=first):
            self._fill_row(row, c)

    def _fill_row(self, row: int, c) -> None:
        what = self.description(c)
        tooltip = (f"{what}\n{'representative point' if c.is_set else 'point'} {vector_text(c.point)}, "
                   f"f = {format_value(c.value, self.value_scale)}\n"
                   f"eigenvalues {vector_text(c.eigenvalues)}, |∇f| = {c.gradient_norm:.2g}")
        short_point = "(" + ", ".join(format_number(float(v), TABLE_DIGITS) for v in c.point) + ")"
        cells = [short_point, shape_of(c), format_value(c.value, self.value_scale, TABLE_DIGITS), c.kind, c.verdict]
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col == 3:
                item.setForeground(QBrush(QColor(*kind_color(c))))
            item.setToolTip(tooltip)
            self.table.setItem(row, col, item)

    def _listed(self) -> None:
        points = self.results
        self.details.setText(self._set_notes())
        self.status.setText(f"{self.summary_text()} in view." if points else "No critical points in view.")
        self.fitButton.setEnabled(any(not c.is_set for c in points))
        self.results_changed.emit(self.results)

    def description(self, c) -> str:
        return c.describe(list(self.axes) if len(self.axes) == len(c.point) else None)

    def summary_text(self) -> str:
        """'9 critical points', or what sets there are, e.g. 'Critical points: 1 curve and 2 points'."""
        if not self.results:
            return "No critical points"
        if not any(c.is_set for c in self.results):
            count = len(self.results)
            return f"{count} critical point{'s' if count != 1 else ''}"
        return f"Critical points: {summary(self.results)}"

    def _set_notes(self) -> str:
        return "\n".join(f"• {self.description(c)}" for c in self.results if c.is_set)

    def _show_details(self, row: int) -> None:
        if 0 <= row < len(self.results):
            c = self.results[row]
            where = f"representative point {vector_text(c.point)}" if c.is_set else vector_text(c.point)
            self.details.setText(f"{self.description(c)}: {where}, f = {format_value(c.value, self.value_scale)}")

    def _on_cell_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.results):
            self._show_details(row)
            self.point_selected.emit(np.array(self.results[row].point, dtype=float))
