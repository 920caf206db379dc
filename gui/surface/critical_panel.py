"""“Find critical points in view”: the search runs on a worker thread with progress and cancel; results are listed
(click one to select it) and handed to the views to mark, coloured by kind.
"""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.critical import Cancelled, critical_points
from gui.surface.inspector import vector_text
from gui.surface.overlays import KIND_COLORS
from gui.views.ticks import format_number

PROGRESS_STEPS = 1000


class CriticalSearch(QThread):
    """One search; ``progressed`` carries a fraction, ``found`` the list of CriticalPoints."""

    progressed = Signal(float)
    found = Signal(object)
    failed = Signal(str)

    def __init__(self, f, variables, box, parent=None):
        super().__init__(parent)
        self.f, self.variables, self.box = f, tuple(variables), [tuple(b) for b in box]
        self._cancel = threading.Event()
        # the derivatives are built here, on the UI thread, so the worker only reads the shared expression table
        f.grad(self.variables)
        f.hessian(self.variables)

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            points = critical_points(self.f, self.box, self.variables, progress=self.progressed.emit,
                                     cancelled=self._cancel.is_set)
        except Cancelled:
            return
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
            self.failed.emit(str(error))
            return
        self.found.emit(points)


class CriticalPanel(QWidget):
    search_requested = Signal()
    point_selected = Signal(object)      # np.ndarray
    results_changed = Signal(object)     # list[CriticalPoint]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("criticalPanel")
        self.results: list = []
        self.search: CriticalSearch | None = None
        self.findButton = QPushButton("Find critical points in view", self)
        self.findButton.setObjectName("findCriticalButton")
        self.findButton.setToolTip("Solve ∇f = 0 inside the plotted ranges (multi-start Newton); Ctrl+F")
        self.findButton.setShortcut("Ctrl+F")
        self.cancelButton = QPushButton("Cancel", self)
        self.cancelButton.setObjectName("cancelCriticalButton")
        self.cancelButton.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.status = QLabel("Not searched yet.", self)
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("criticalList")
        self.table.setHorizontalHeaderLabels(["Point", "f", "Test", "Verdict"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setToolTip("Click a row to select that point")
        buttons = QHBoxLayout()
        buttons.addWidget(self.findButton, 1)
        buttons.addWidget(self.cancelButton)
        legend = QLabel(" ".join(f"<span style='color:rgb{c}'>◆</span> {k}" for k, c in KIND_COLORS.items()
                                 if k != "regular"), self)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(legend)
        layout.addWidget(self.table, 1)
        self.findButton.clicked.connect(self.search_requested)
        self.cancelButton.clicked.connect(self.cancel)
        self.table.cellClicked.connect(self._on_cell_clicked)

    # --- searching ----------------------------------------------------------------------------------------------
    def start(self, f, variables, box) -> None:
        self.cancel()
        self.clear_results("Searching…")
        search = CriticalSearch(f, variables, box, self)
        search.progressed.connect(lambda fraction: self._on_progress(search, fraction))
        search.found.connect(lambda points: self._on_found(search, points))
        search.failed.connect(lambda message: self._on_failed(search, message))
        search.finished.connect(lambda: self._on_thread_done(search))
        self.search = search
        self.findButton.setEnabled(False)
        self.cancelButton.setEnabled(True)
        search.start()

    def cancel(self) -> None:
        """Stop a running search; its results, if any arrive, are ignored."""
        if self.search is not None:
            self.search.cancel()
            self.search = None
            self.status.setText("Cancelled.")
            self._idle()

    def is_running(self) -> bool:
        return self.search is not None

    def _idle(self) -> None:
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
        self.set_results(points)

    def _on_failed(self, search, message: str) -> None:
        if search is self.search:
            self.search = None
            self._idle()
            self.status.setText(f"Search failed: {message}")

    def _on_thread_done(self, search) -> None:
        search.deleteLater()

    def shutdown(self) -> None:
        """Cancel and wait, so no thread outlives the window."""
        search = self.search
        self.cancel()
        if search is not None:
            search.wait()

    # --- results ------------------------------------------------------------------------------------------------
    def clear_results(self, status: str = "Not searched yet.") -> None:
        self.results = []
        self.table.setRowCount(0)
        self.progress.setValue(0)
        self.status.setText(status)
        self.results_changed.emit([])

    def set_results(self, points: list) -> None:
        self.results = list(points)
        self.table.setRowCount(len(points))
        for row, c in enumerate(points):
            color = QBrush(QColor(*KIND_COLORS.get(c.kind, KIND_COLORS["degenerate"])))
            cells = [vector_text(c.point), format_number(c.value), c.kind, c.verdict]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setForeground(color)
                item.setToolTip(f"eigenvalues {vector_text(c.eigenvalues)}, |∇f| = {c.gradient_norm:.2g}")
                self.table.setItem(row, col, item)
        count = len(points)
        self.status.setText(f"{count} critical point{'s' if count != 1 else ''} in view." if count
                            else "No critical points in view.")
        self.results_changed.emit(self.results)

    def _on_cell_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.results):
            self.point_selected.emit(np.array(self.results[row].point, dtype=float))
