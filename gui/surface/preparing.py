"""A big function is made ready on a worker thread before it replaces the drawn one.

Drawing a function needs its gradient and Hessian over the plotted axes (the inspector, the gradient field, the
typical scales that judge "∇f = 0") and an evaluation plan for each set of formulas evaluated together. For a formula
of a couple of thousand characters that is ~10⁴ nodes built and planned: a few hundred milliseconds in which the
window would not answer. Every way a new function arrives (typed, a preset, a file, another workspace, the tour)
comes through :meth:`FunctionPreparer.bring`, as an Expression and the undo step that draws it: a small one is applied
at once; a big one is prepared on a worker while the old surface stays, then applied as usual, and the redraw finds
every derivative and plan already made (they are kept on the Expression and in the engine's plan cache, which is also
why undo and redo back to a function drawn before need no preparing). A newer function, Cancel, or any other change of
the function (undo, a slider) supersedes the one being prepared.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Mapping

import numpy as np
from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from engine import Expression, evaluate_many
from gui.garbage import freeze_settled
from gui.session import DEFAULT_RANGE, plotted_of
from gui.surface.point_context import typical_scales
from gui.worker_pace import quick_thread_switches

BIG = 150   # nodes: smaller functions are drawn at once (their derivatives take a few milliseconds)
SETTLED_MS = 500   # after a big function is applied, what it leaves alive is frozen (gui.garbage.freeze_settled)
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-function")


class Cancelled(Exception):
    pass


class FunctionPreparer(QObject):
    """Prepares one arriving function at a time; once it is ready, the ``apply`` it came with is called."""

    progressed = Signal(str)     # what is being worked out ("" once done or cancelled)
    _finished = Signal(int, object)   # generation, None or the error (from the worker, queued to the GUI thread)
    _stepped = Signal(int, str)       # generation, what the worker starts now (queued to the GUI thread)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._apply: Callable[[], None] | None = None
        self._finished.connect(self._on_finished)
        self._stepped.connect(self._on_stepped)
        session.function_changed.connect(self.cancel)   # whatever changed it supersedes what was being prepared

    @classmethod
    def for_workspace(cls, workspace) -> "FunctionPreparer":
        """One wired to a Surface workspace: its function bar shows the progress and cancels."""
        preparer = cls(workspace.session, workspace)
        preparer.progressed.connect(workspace.function_bar.show_busy)
        workspace.function_bar.cancel_requested.connect(preparer.cancel)
        return preparer

    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def bring(self, f: Expression, apply: Callable[[], None], *, axes=None, fixed: Mapping[str, float] | None = None,
              domain: Mapping[str, tuple[float, float]] | None = None) -> bool:
        """Have ``apply()`` (which makes ``f`` the session's function, plotted over ``axes`` with the held variables
        at ``fixed`` and ranges ``domain``: those the session keeps where not given) called on the GUI thread once
        drawing ``f`` is quick: at once for a small function (False), after the worker for a big one (True)."""
        self.cancel()
        if f.node_count() < BIG:
            apply()
            return False
        plotted, axes, box = self._target(f, axes, fixed or {}, domain or {})
        self._generation += 1
        self._cancel, self._apply, self._size = threading.Event(), apply, f.node_count()
        self._on_stepped(self._generation, "the gradient (1 of 4)")
        generation, cancel, relay, stepped = self._generation, self._cancel, self._finished, self._stepped
        _EXECUTOR.submit(_prepare, plotted, axes, box, cancel, lambda what: _deliver_step(stepped, generation, what)
                         ).add_done_callback(lambda done: _deliver(relay, generation, done))
        return True

    def _target(self, f: Expression, axes, fixed: Mapping, domain: Mapping):
        """What the views will draw: ``f`` with the held variables at their values, its axes and their ranges (for
        more than two variables without chosen axes: only ``f``'s own derivatives, the axes being the session's
        choice)."""
        names = f.variables
        axes = tuple(axes) if axes else names if 1 <= len(names) <= 2 else ()
        values = {**self.session.values(), **fixed}
        held = {v: float(values.get(v, 0.0)) for v in names if v not in axes} if axes else {}
        box = [tuple(domain.get(a) or self.session.domain.get(a, DEFAULT_RANGE)) for a in axes]
        return plotted_of(f, held), axes, box

    def wait(self) -> None:
        """Return once the function being prepared is applied or dropped, running a nested event loop meanwhile (at
        once when none is)."""
        if self._cancel is None:
            return
        loop = QEventLoop()
        self.progressed.connect(loop.quit)   # "" once done or cancelled; a step's message: go on waiting below
        try:
            while self._cancel is not None:
                loop.exec()
        finally:
            self.progressed.disconnect(loop.quit)

    def _on_stepped(self, generation: int, what: str) -> None:
        if generation == self._generation and self._cancel is not None:
            self.progressed.emit(f"Working out the new function's derivatives ({self._size} operations): {what}…")

    def cancel(self) -> None:
        """Stop preparing (the worker stops at its next step; its result is dropped)."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel, self._apply = None, None
            self.progressed.emit("")

    def _on_finished(self, generation: int, error) -> None:
        if generation != self._generation or self._cancel is None:
            return   # superseded or cancelled
        apply, self._cancel, self._apply = self._apply, None, None
        self.progressed.emit("")
        apply()   # an error while preparing: the redraw meets it and says so as usual
        # what a big function leaves alive (its interned nodes, derivatives and plans: ~30,000 tuples for the
        # 1,900-character one) lives as long as the caches keep it: out of the full collections' walks (65-500 ms
        # pauses after a few huge formulas), once the redraw's turns are done
        QTimer.singleShot(SETTLED_MS, freeze_settled)


def _prepare(f, axes, box, cancel: threading.Event, said) -> None:
    """Build what drawing ``f`` over ``axes`` needs, checking for cancel between the steps (``said(what)``
    tells which step starts)."""
    with quick_thread_switches():
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
