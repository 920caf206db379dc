"""Import the modules of the tabs not built yet while the window is idle, one module per event-loop turn.

Start-up builds only what the first picture needs (gui.main_window: Descent, Graph and Matrix are built when first
shown). Their modules were then imported on the first click of each tab, all in that one turn: 90-95 ms of the Graph's
and the Matrix's first visit, more of the Descent's. After the first picture has settled, :class:`ModulePrefetch`
imports them in the background of the event loop instead, leaves first, one module per timer tick, so no turn holds
more than one module's import (a few ms; one big third-party package at most) and a click on a tab only builds it.

The order comes from the modules' own source: for a module of our packages (``engine``, ``gui``) the imports its
body runs at import time (module level, ``if``/``try`` blocks included; not inside functions, which import later)
are visited first, so importing the module itself finds them loaded. Other packages are imported whole, as one
step. A module that fails to import is skipped (its tab reports the error when it is built, as before).
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterable, Iterator

from PySide6.QtCore import QObject, QTimer, Signal

OWN_PACKAGES = ("engine", "gui")
TICK_MS = 5   # between two imports: input, paints and other timers get their turns


def _own(name: str) -> bool:
    return name.split(".")[0] in OWN_PACKAGES


def _spec(name: str):
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return None


def _is_package(name: str) -> bool:
    spec = _spec(name)
    return spec is not None and spec.submodule_search_locations is not None


def _run_at_import(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The import statements a module body runs when imported (not those inside functions or classes)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for block in (getattr(node, "body", []), getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                yield from _run_at_import(block)
            for handler in getattr(node, "handlers", []):
                yield from _run_at_import(handler.body)


def imports_of(name: str) -> list[str]:
    """The modules ``name``'s source imports when it is imported: its parent packages first, then each import
    statement's module (``from package import sub`` names the submodule when ``sub`` is one)."""
    parts = name.split(".")
    found = [".".join(parts[:i]) for i in range(1, len(parts))]
    spec = _spec(name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return found
    try:
        with open(spec.origin, encoding="utf-8") as file:
            tree = ast.parse(file.read(), spec.origin)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return found
    package = name if spec.submodule_search_locations is not None else ".".join(parts[:-1])
    for node in _run_at_import(tree.body):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        found.append(base)
        if _own(base) and _is_package(base):
            found += [f"{base}.{alias.name}" for alias in node.names
                      if alias.name != "*" and _spec(f"{base}.{alias.name}") is not None]
    return [module for module in found if module and module != name]


def import_order(roots: Iterable[str]) -> Iterator[str]:
    """The modules to import for ``roots``, each after the modules of ours it imports (leaves first), skipping what
    is loaded already. Lazy: each step reads at most one source file."""
    seen: set[str] = set()

    def visit(name: str) -> Iterator[str]:
        if name in seen or name in sys.modules:
            return
        seen.add(name)
        if _own(name):
            for module in imports_of(name):
                yield from visit(module)
        yield name

    for root in roots:
        yield from visit(root)


class ModulePrefetch(QObject):
    """Imports ``roots`` and what they need, one module per tick of a timer; ``finished`` when all are loaded.
    ``imported`` lists what it imported, in order."""

    finished = Signal()

    def __init__(self, roots: Iterable[str], parent: QObject | None = None, tick_ms: int = TICK_MS):
        super().__init__(parent)
        self.imported: list[str] = []
        self.failed: list[str] = []
        self._order = import_order(tuple(roots))
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        self._timer.start()

    def done(self) -> bool:
        return not self._timer.isActive()

    def _step(self) -> None:
        for name in self._order:   # only the first module not loaded meanwhile (a tab built by a click loads many)
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
                self.imported.append(name)
            except Exception:   # noqa: BLE001 - the tab that needs it reports the error when it is built
                self.failed.append(name)
            return
        self._timer.stop()
        self.finished.emit()
