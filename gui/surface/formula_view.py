"""The inspector's formula rows: ∇f and H of the function as closed-form formulas, beside their numbers at the point.

Formulas belong to the function, not to the point, so they are computed once per (function, plotted axes) on a
worker thread and cached; moving the point never recomputes them. Each formula is rendered for people (superscripts,
·, e raised to a power) and copied as plain text that the function box (and ``engine.parse``) reads back: right-click
a formula for "Copy formula", or press the row's Copy button for every formula of the row.
"""
from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from engine.expr.closed_form import DerivativeFormulas, derivative_formulas

CACHE_SIZE = 16
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
    return "\n".join(f"{label} = {formula.text}" for label, formula in lines)


class _Relay(QObject):
    computed = Signal(object, object)   # key, DerivativeFormulas (emitted on the worker thread, queued to the GUI)


class FormulaLabel(QLabel):
    """A rendered formula that copies its plain text (right-click → Copy formula)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plain = ""
        self.all_text = ""
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(lambda pos: self.context_menu().exec(self.mapToGlobal(pos)))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        copy = menu.addAction("Copy formula", lambda: QGuiApplication.clipboard().setText(self.plain))
        copy.setObjectName("copyFormulaAction")
        copy.setEnabled(bool(self.plain))
        every = menu.addAction("Copy all formulas of this row",
                               lambda: QGuiApplication.clipboard().setText(self.all_text))
        every.setEnabled(bool(self.all_text))
        return menu


class FormulaRow(QWidget):
    """The formulas of ∇f or of H: one rendered line per entry, and a Copy button for all of them."""

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        self.setObjectName(f"inspector_{key}_formulas")
        self.lines_box = QVBoxLayout()
        self.lines_box.setContentsMargins(0, 0, 0, 0)
        self.lines_box.setSpacing(2)
        self.copyButton = QToolButton(self)
        self.copyButton.setObjectName(f"copy_{key}_formulas")
        self.copyButton.setText("Copy")
        self.copyButton.setToolTip("Copy these formulas as plain text (one 'name = formula' per line) that the "
                                   "function box reads back")
        self.copyButton.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.lines_box, 1)
        layout.addWidget(self.copyButton, 0, Qt.AlignmentFlag.AlignTop)
        self.labels: list[FormulaLabel] = []
        self.text = ""
        self.show_message("—")

    def show_message(self, message: str) -> None:
        self.text = ""
        self._set_labels([(f"<span style='color:{MUTED}'>{message}</span>", "")])
        self.copyButton.setEnabled(False)

    def show_lines(self, lines: list[tuple[str, object]]) -> None:
        self.text = plain_text(lines)
        self._set_labels([(f"{label} = {_shown(formula)}", formula.text) for label, formula in lines])
        self.copyButton.setEnabled(True)

    def _set_labels(self, rows: list[tuple[str, str]]) -> None:
        while len(self.labels) < len(rows):
            label = FormulaLabel(self)
            label.setObjectName("formulaLine")
            self.lines_box.addWidget(label)
            self.labels.append(label)
        for label, (html, plain) in zip(self.labels, rows):
            label.setText(html)
            label.plain = plain
            label.all_text = self.text
            label.show()
        for label in self.labels[len(rows):]:
            label.hide()

    def visible_html(self) -> list[str]:
        return [label.text() for label in self.labels if not label.isHidden()]


def _shown(formula) -> str:
    if len(formula.body) > SHOWN_CHARACTERS:
        return (f"{_escape(formula.body[:SHOWN_CHARACTERS])}… <span style='color:{MUTED}'>({len(formula.text)} "
                "characters: Copy for all of it)</span>")
    return formula.body_html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FormulaRows(QObject):
    """The ∇f and H formula rows of the inspector, filled from the cache or, once computed, from the worker."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.gradient = FormulaRow("gradient", parent)
        self.hessian = FormulaRow("hessian", parent)
        self.names = QLabel(parent)
        self.names.setObjectName("inspector_formula_names")
        self.names.setWordWrap(True)
        self.names.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.names.hide()
        self.wanted: tuple | None = None
        self.formulas: DerivativeFormulas | None = None
        self._relay = _Relay(self)
        self._relay.computed.connect(self._on_computed)

    def show_for(self, expression, axes) -> None:
        """Show the formulas of ``expression`` with respect to ``axes`` (None: no function)."""
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
        relay = self._relay
        _EXECUTOR.submit(_compute, key).add_done_callback(lambda done: _deliver(relay, key, done))

    def _on_computed(self, key, result) -> None:
        if isinstance(result, DerivativeFormulas):
            _CACHE[key] = result
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        if key != self.wanted:
            return
        if isinstance(result, DerivativeFormulas):
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
    expression, axes = key
    return derivative_formulas(expression, axes)


def _deliver(relay: _Relay, key, done) -> None:
    error = done.exception()
    try:
        relay.computed.emit(key, done.result() if error is None else str(error))
    except RuntimeError:   # the window closed while the formulas were worked out
        pass
