"""The inspector's formulas: ∇f and H of the function as closed-form formulas, in a group below their numbers.

Formulas belong to the function, not to the point, so they are computed once per (function, plotted axes) on a
worker thread and cached; moving the point never recomputes them. Each formula is rendered for people (superscripts,
·, e raised to a power) and copied as plain text that the function box (and ``engine.parse``) reads back: right-click
the formulas to copy one of them, or press the row's Copy button for every formula of the row.
"""
from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from gui.worker_pace import quick_thread_switches

if TYPE_CHECKING:   # the formulas' module loads on the worker with the first formulas, not at start
    from engine.expr.closed_form import DerivativeFormulas

CACHE_SIZE = 16
START_DELAY_MS = 250     # a new function's formulas are worked out after its views have painted…
HELD_BACK_MS = 40        # …and, while ``hold_back()`` says the views are still being drawn, a little later again
HOLD_BACK_AT_MOST = 50   # times (2 s): then the formulas are worked out anyway
SHOWN_CHARACTERS = 600   # a longer formula is shown cut short (the copy holds all of it)
MUTED = "slategray"
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formulas")
_CACHE: "OrderedDict[tuple, DerivativeFormulas]" = OrderedDict()


def partial_name(v: str, n: int) -> str:
    return f"df/d{v}" if n == 1 else f"∂f/∂{v}"


def second_name(u: str, v: str, n: int) -> str:
    if n == 1:
        return f"d²f/d{u}²"
    return f"∂²f/∂{u}²" if u == v else f"∂²f/∂{u}∂{v}"


def gradient_lines(d: DerivativeFormulas) -> list[tuple[str, object]]:
    n = len(d.variables)
    return [(partial_name(v, n), g) for v, g in zip(d.variables, d.gradient)]


def hessian_lines(d: DerivativeFormulas) -> list[tuple[str, object]]:
    names, n = d.variables, len(d.variables)
    return [(second_name(names[i], names[j], n), d.hessian[i][j]) for i in range(n) for j in range(i, n)]


def plain_text(lines: list[tuple[str, object]]) -> str:
    """One ``name = formula`` per line, each formula in full (no shared names): text engine.parse reads back."""
    return "\n".join(f"{label} = {formula.text if formula.complete else '(too long to write out)'}"
                     for label, formula in lines)


class _Relay(QObject):
    computed = Signal(object, object)   # key, DerivativeFormulas (emitted on the worker thread, queued to the GUI)


class FormulaLabel(QLabel):
    """The rendered formulas of a row in one word-wrapped label; right-click to copy one formula, or all, as plain
    text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[tuple[str, str]] = []   # (name, plain text) per formula
        self.lines: list[str] = []                 # the HTML of each formula line
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(lambda pos: self.context_menu().exec(self.mapToGlobal(pos)))

    def set_lines(self, lines: list[str], entries: list[tuple[str, str]]) -> None:
        self.lines, self.entries = lines, entries
        self.setText("".join(line if line.startswith("<table") else f"<div>{line}</div>" for line in lines))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        for i, (name, plain) in enumerate(self.entries):
            action = menu.addAction(f"Copy formula {name}", lambda text=plain: QGuiApplication.clipboard().setText(text))
            action.setObjectName(f"copyFormula{i}")
            action.setEnabled(bool(plain))
        if self.entries:
            menu.addSeparator()
            every = menu.addAction("Copy all formulas", lambda: QGuiApplication.clipboard().setText(
                plain_text([(name, _Plain(text)) for name, text in self.entries])))
            every.setObjectName("copyAllFormulas")
        return menu


class _Plain:
    def __init__(self, text: str):
        self.text = text


class FormulaRow(QObject):
    """The formulas of ∇f or of H: a header (name and Copy button) over the rendered formulas."""

    def __init__(self, key: str, title: str, parent: QWidget):
        super().__init__(parent)
        self.header = QWidget(parent)
        self.header.setObjectName(f"inspector_{key}_formulas_header")
        self.copyButton = QToolButton(self.header)
        self.copyButton.setObjectName(f"copy_{key}_formulas")
        self.copyButton.setText("Copy")
        self.copyButton.setToolTip("Copy these formulas as plain text (one 'name = formula' per line) that the "
                                   "function box reads back; right-click a formula to copy one")
        self.copyButton.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text))
        row = QHBoxLayout(self.header)
        row.setContentsMargins(0, 0, 0, 0)
        self.titleLabel = QLabel(title, self.header)
        self.titleLabel.setWordWrap(True)
        row.addWidget(self.titleLabel, 1)
        row.addWidget(self.copyButton)
        self.view = FormulaLabel(parent)
        self.view.setObjectName(f"inspector_{key}_formulas")
        self.text = ""
        self.show_message("—")

    def show_message(self, message: str) -> None:
        self.text = ""
        self.view.set_lines([f"<span style='color:{MUTED}'>{message}</span>"], [])
        self.copyButton.setEnabled(False)

    def show_lines(self, lines: list[tuple[str, object]]) -> None:
        self.text = plain_text(lines)
        self.view.set_lines([_shown(formula, f"{label} = ") for label, formula in lines],
                            [(label, formula.text if formula.complete else "") for label, formula in lines])
        self.copyButton.setEnabled(True)

    def visible_html(self) -> list[str]:
        return list(self.view.lines)

    def isVisible(self) -> bool:   # noqa: N802 - reads like the widgets it stands for
        return self.view.isVisible() and self.header.isVisible()


def _shown(formula, lead: str) -> str:
    if not formula.complete:
        return f"{lead}<span style='color:{MUTED}'>too long to write out</span>"
    if len(formula.body) > SHOWN_CHARACTERS:
        return (f"{lead}{_escape(formula.body[:SHOWN_CHARACTERS])}… <span style='color:{MUTED}'>"
                f"({len(formula.text)} characters: Copy for all of it)</span>")
    return formula.display_html(lead)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FormulaRows(QObject):
    """The ∇f and H formula rows of the inspector, filled from the cache or, once computed, from the worker."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.box = QGroupBox("Formulas (the same at every point)", parent)
        self.box.setObjectName("inspectorFormulas")
        self.gradient = FormulaRow("gradient", "∇f", self.box)
        self.hessian = FormulaRow("hessian", "H", self.box)
        self.hessian.titleLabel.setToolTip("The Hessian's entries on and above the diagonal (H is symmetric)")
        self.names = QLabel(self.box)
        self.names.setObjectName("inspector_formula_names")
        self.names.setWordWrap(True)
        self.names.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.names.hide()
        layout = QVBoxLayout(self.box)
        for row in (self.gradient, self.hessian):
            layout.addWidget(row.header)
            layout.addWidget(row.view)
        layout.addWidget(self.names)
        self.wanted: tuple | None = None
        self.formulas: DerivativeFormulas | None = None
        self._relay = _Relay(self)
        self._relay.computed.connect(self._on_computed)
        # The worker holds the interpreter while it runs (~200 ms for the chain preset's 4 variables), so every
        # frame composed meanwhile waits for it (a frame of the contour view took 90 ms instead of 10): it starts
        # once the views' redraw is over (the workspace sets ``hold_back``).
        self.hold_back: Callable[[], bool] = lambda: False
        self._held = 0
        self._start = QTimer(self)
        self._start.setSingleShot(True)
        self._start.timeout.connect(self._submit)

    def show_for(self, expression, axes, fixed=()) -> None:
        """Show the formulas of ``expression`` with respect to ``axes`` (None: no function); ``fixed`` names the
        variables held fixed, which stay symbols in the formulas."""
        scope = f" in ({', '.join(axes)})" if fixed else ""
        self.gradient.titleLabel.setText(f"∇f{scope}")
        self.hessian.titleLabel.setText(f"H{scope}")
        if expression is None or not axes:
            self.wanted, self.formulas = None, None
            for row in (self.gradient, self.hessian):
                row.show_message("—")
            self.names.hide()
            return
        key = (expression, tuple(axes))
        if key == self.wanted and self.formulas is not None:
            return
        self.wanted = key
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            self._show(cached)
            return
        self.formulas = None
        for row in (self.gradient, self.hessian):
            row.show_message("working out the formulas…")
        self.names.hide()
        self._held = 0
        self._start.start(START_DELAY_MS)   # the worker holds the interpreter while it runs: let the new function paint first

    def _submit(self) -> None:
        if self.hold_back() and self._held < HOLD_BACK_AT_MOST:
            self._held += 1
            self._start.start(HELD_BACK_MS)
            return
        key, relay = self.wanted, self._relay
        if key is None or key in _CACHE:
            if key is not None:
                self._on_computed(key, _CACHE[key])
            return
        _EXECUTOR.submit(_compute, key).add_done_callback(lambda done: _deliver(relay, key, done))

    def _on_computed(self, key, result) -> None:
        """``result``: the DerivativeFormulas, or why there are none (a str)."""
        if not isinstance(result, str):
            _CACHE[key] = result
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        if key != self.wanted:
            return
        if not isinstance(result, str):
            self._show(result)
        else:
            for row in (self.gradient, self.hessian):
                row.show_message(f"no formula: {result}")

    def _show(self, d: DerivativeFormulas) -> None:
        self.formulas = d
        self.gradient.show_lines(gradient_lines(d))
        self.hessian.show_lines(hessian_lines(d))
        self.names.setText("<br>".join(f"<span style='color:{MUTED}'>where</span> <i>{b.name}</i> = {b.html}"
                                       for b in d.names))
        self.names.setVisible(bool(d.names))


def _compute(key):
    from engine.expr.closed_form import derivative_formulas
    expression, axes = key
    with quick_thread_switches():   # else this busy Python thread starves Qt's timers (gui/worker_pace.py)
        return derivative_formulas(expression, axes)


def _deliver(relay: _Relay, key, done) -> None:
    error = done.exception()
    try:
        relay.computed.emit(key, done.result() if error is None else str(error))
    except RuntimeError:   # the window closed while the formulas were worked out
        pass
