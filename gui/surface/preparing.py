"""A big typed function is made ready on a worker thread before it replaces the drawn one.

Drawing a function needs its gradient and Hessian over the plotted axes (the inspector, the gradient field, the
typical scales that judge "∇f = 0") and an evaluation plan for each set of formulas evaluated together. For a formula
of a couple of thousand characters that is ~10⁴ nodes built and planned: a few hundred milliseconds in which the
window would not answer. Here the typed text is parsed at once (a bad formula gets its error at once), and a big one
is prepared on a worker while the old surface stays; once ready it is applied as usual, and the redraw finds every
derivative and plan already made (they are kept on the Expression and in the engine's plan cache). A newer formula,
Cancel, or any other change of the function (undo, a preset, a file) supersedes the one being prepared.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine import ParseError, evaluate_many, parse
from gui.session import DEFAULT_RANGE
from gui.surface.point_context import typical_scales

BIG = 150   # nodes: smaller functions are drawn at once (their derivatives take a few milliseconds)
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-function")


class Cancelled(Exception):
    pass


class FunctionPreparer(QObject):
    """Prepares one typed function at a time; ``ready`` gives its text back once the redraw will be quick."""

    ready = Signal(str)          # the text to apply now
    progressed = Signal(str)     # what is being worked out ("" once done or cancelled)
    _finished = Signal(int, object)   # generation, None or the error (from the worker, queued to the GUI thread)
    _stepped = Signal(int, str)       # generation, what the worker starts now (queued to the GUI thread)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._text = ""
        self._finished.connect(self._on_finished)
        self._stepped.connect(self._on_stepped)
        session.function_changed.connect(self.cancel)   # whatever changed it supersedes what was being prepared

    @classmethod
    def for_workspace(cls, workspace) -> "FunctionPreparer":
        """One wired to a Surface workspace: its function bar shows the progress and cancels; ready text is drawn."""
        preparer = cls(workspace.session, workspace)
        preparer.ready.connect(lambda text: workspace.set_function_text(text, prepared=True))
        preparer.progressed.connect(workspace.function_bar.show_busy)
        workspace.function_bar.cancel_requested.connect(preparer.cancel)
        return preparer

    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def prepare_first(self, text: str) -> bool:
        """True when ``text`` is a big function, now being prepared (``ready`` follows); False when it should be
        applied at once (small, or not a formula: applying it shows the error)."""
        self.cancel()
        try:
            f = parse(text)
        except ParseError:
            return False
        if f.node_count() < BIG:
            return False
        self._generation += 1
        self._cancel, self._text = threading.Event(), text
        axes = f.variables if 1 <= len(f.variables) <= 2 else ()
        box = [self.session.domain.get(a, DEFAULT_RANGE) for a in axes]
        self._size = f.node_count()
        self._on_stepped(self._generation, "the gradient (1 of 4)")
        generation, cancel, relay, stepped = self._generation, self._cancel, self._finished, self._stepped
        _EXECUTOR.submit(_prepare, f, axes, box, cancel, lambda what: _deliver_step(stepped, generation, what)
                         ).add_done_callback(lambda done: _deliver(relay, generation, done))
        return True

    def _on_stepped(self, generation: int, what: str) -> None:
        if generation == self._generation and self._cancel is not None:
            self.progressed.emit(f"Working out the new function's derivatives ({self._size} operations): {what}…")

    def cancel(self) -> None:
        """Stop preparing (the worker stops at its next step; its result is dropped)."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
            self.progressed.emit("")

    def _on_finished(self, generation: int, error) -> None:
        if generation != self._generation or self._cancel is None:
            return   # superseded or cancelled
        self._cancel = None
        self.progressed.emit("")
        self.ready.emit(self._text)   # an error while preparing: the redraw meets it and says so as usual


def _prepare(f, axes, box, cancel: threading.Event, said) -> None:
    """Build what drawing ``f`` over ``axes`` needs, checking for cancel between the steps (``said(what)``
    tells which step starts)."""
    for what, step in _steps(f, axes, box):
        if cancel.is_set():
            raise Cancelled
        said(what)
        with np.errstate(all="ignore"):
            step()


def _steps(f, axes, box):
    """The derivatives (kept on the Expression), then one evaluation of each set of formulas the views evaluate
    together (which builds and caches its plan), then the typical scales the inspector judges "∇f = 0" by."""
    yield "the gradient (1 of 4)", lambda: f.grad(axes or None)
    yield "the Hessian (2 of 4)", lambda: f.hessian(axes or None)
    if not axes:
        return
    grads, second = list(f.grad(axes)), [h for row in f.hessian(axes) for h in row]
    centre = {a: np.float64(0.5 * (lo + hi)) for a, (lo, hi) in zip(axes, box)}
    for roots in ([f],                      # the surface and the cursor readout
                  [f, *grads, *second],     # the selected point's analysis
                  grads,                    # the gradient field; descents
                  second,                   # Newton's steps
                  [f, *grads]):             # the default learning rates' trial runs
        yield "evaluation plans (3 of 4)", lambda roots=roots: evaluate_many(roots, centre)
    yield "its scales over the view (4 of 4)", lambda: typical_scales(f, tuple(axes), tuple(map(tuple, box)))


def _deliver_step(relay, generation: int, what: str) -> None:
    try:
        relay.emit(generation, what)
    except RuntimeError:   # the window closed meanwhile
        pass


def _deliver(relay, generation: int, done) -> None:
    error = done.exception()
    try:
        relay.emit(generation, error)
    except RuntimeError:   # the window closed meanwhile
        pass
