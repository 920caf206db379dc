"""The runs of a race: each an optimizer with its own hyperparameters, colour and start, descending one objective.

A thin QObject over engine Descents. It validates, stores, then emits; views listen and never write its fields. The
step limit is kept here (not in the Descent) so the user can raise it and carry on from where a run stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.optim.objective import Objective
from engine.optim.descent import METHODS, Descent, validate_hyperparameters
from engine.analysis.rates import default_hyperparameters, falls_without_slowing, keeps_decreasing
from engine.expr.numbers import format_point as point_text
from engine.analysis.verdicts import Verdict, stop_text, stopping_verdict

PALETTE = ("#ff3b30", "#ffcc00", "#00e5ff", "#ff2dcc", "#34c759", "#ff9500", "#ffffff", "#5e5ce6")
HARD_STEP_CAP = 1_000_000   # the Descent's own limit; the user's limit is RunsModel.max_steps


@dataclass
class RunSpec:
    """Everything that defines a run (what undo needs to re-create one), without its trail."""
    method: str
    hyper: dict[str, float]
    colour: str
    start: np.ndarray
    run_id: int = -1
    auto_lr: bool = False   # the learning rate is the app's choice for the function and start (it follows them)


@dataclass
class Run:
    run_id: int
    method: str
    hyper: dict[str, float]
    colour: str
    start: np.ndarray
    descent: Descent | None = None
    error: str = ""                      # set when the optimizer itself failed (never raised to the UI)
    history: list = field(default_factory=list)   # hyperparameter changes: (step, name, value)
    generation: int = 0                  # changes whenever the trail restarts (caches of drawn trails key on it)
    auto_lr: bool = False                # see RunSpec

    @property
    def label(self) -> str:
        return METHODS[self.method].label

    @property
    def steps(self) -> int:
        return 0 if self.descent is None else len(self.descent.points) - 1

    def spec(self) -> RunSpec:
        return RunSpec(self.method, dict(self.hyper), self.colour, self.start.copy(), self.run_id, self.auto_lr)


class RunsModel(QObject):
    run_added = Signal(int)          # run id
    run_removed = Signal(int)        # run id
    run_changed = Signal(int)        # method, hyperparameters, colour or start of one run changed
    runs_advanced = Signal()         # one or more runs took steps
    runs_reset = Signal()            # every trail went back to its start (new function, reset)
    max_steps_changed = Signal(int)
    view_box_changed = Signal()

    def __init__(self, objective: Objective, parent: QObject | None = None):
        super().__init__(parent)
        self.objective = objective
        self.runs: list[Run] = []
        self.max_steps = 200
        self._next_id = 1
        self._generation = 0
        self.view_box: tuple | None = None
        self._verdicts: dict[tuple, Verdict] = {}

    # --- queries ---------------------------------------------------------------------------------------------
    def run(self, run_id: int) -> Run:
        for r in self.runs:
            if r.run_id == run_id:
                return r
        raise KeyError(f"no run with id {run_id}")

    def index_of(self, run_id: int) -> int:
        return self.runs.index(self.run(run_id))

    def is_finished(self, run: Run) -> bool:
        return bool(run.error) or run.descent is None or run.descent.status != "running" \
            or run.steps >= self.max_steps

    def all_finished(self) -> bool:
        return all(self.is_finished(r) for r in self.runs)

    def status_text(self, run: Run) -> str:
        if run.error:
            return f"error: {run.error}"
        d = run.descent
        if d.status == "diverged":
            return self._diverged_text(run)
        if d.status == "converged":
            return stop_text(run.steps, self.verdict(run))
        if run.steps >= self.max_steps or d.status == "max_steps":
            falling = "; f keeps decreasing: it may be unbounded below" if falls_without_slowing(d.values) else ""
            return f"stopped at max steps ({run.steps}){falling}"
        return "ready" if run.steps == 0 else f"running · step {run.steps}"

    def verdict(self, run: Run) -> Verdict:
        """What the point a converged run stopped at is (cached: it costs a Hessian and a look over the box)."""
        key = (run.run_id, run.generation, run.steps, self.view_box)
        if key not in self._verdicts:
            if len(self._verdicts) > 500:
                self._verdicts.clear()
            self._verdicts[key] = stopping_verdict(self.objective, run.descent.points[-1], self.view_box,
                                                   self.objective.variables)
        return self._verdicts[key]

    def set_view_box(self, box) -> None:
        """The plotted box: a run that stops outside it stopped where the gradient fades far away."""
        box = None if box is None else tuple((float(lo), float(hi)) for lo, hi in box)
        if box != self.view_box:
            self.view_box = box
            self.view_box_changed.emit()

    def status_kind(self, run: Run) -> str:
        """'error', 'undefined', 'diverged', 'converged' (at a minimum), 'critical' (stopped where ∇f ≈ 0 at
        another kind of point), 'stopped', 'ready' or 'running' (for colouring)."""
        if run.error:
            return "error"
        if run.descent.status == "diverged" and undefined_where(run.descent) is not None:
            return "undefined"
        if run.descent.status == "converged":
            return "converged" if self.verdict(run).kind == "minimum" else "critical"
        if run.descent.status == "diverged":
            return run.descent.status
        if run.steps >= self.max_steps or run.descent.status == "max_steps":
            return "stopped"
        return "ready" if run.steps == 0 else "running"

    def _diverged_text(self, run: Run) -> str:
        d = run.descent
        at = d.diverged_at if d.diverged_at is not None else run.steps
        where = undefined_where(d)
        if where is not None:
            what, point = where
            place = point_text(self.objective.variables, point)
            if at == 0:
                return f"{what} at the start {place}"
            return f"{what} at step {at}, {place}: the step left f's domain"
        if not np.all(np.isfinite(d.points[at])):
            return f"diverged at step {at}: the step was not finite"
        if keeps_decreasing(d.values[: at + 1]):
            # every step went further down: the method did its job, the function has no bottom there
            return f"diverged at step {at}: f keeps decreasing: it may be unbounded below"
        hint = "" if run.method == "newton" else " (learning rate too large?)"
        if any(changed_at >= at for changed_at, _, _ in run.history):
            hint += ": settings changed, press R (Reset) to restart from the start"
        return f"diverged at step {at}{hint}"

    # --- runs ------------------------------------------------------------------------------------------------
    def default_hyper(self, method: str, start=None) -> dict[str, float]:
        """The method's defaults; with a start, a learning rate suited to the function there (see rates.py)."""
        if start is None:
            return {k: float(v) for k, v in METHODS[method].defaults.items()}
        return default_hyperparameters(self.objective, method, self._checked_point(start))

    def _follow_lr(self, run: Run) -> None:
        if run.auto_lr and "lr" in run.hyper:
            run.hyper.update(default_hyperparameters(self.objective, run.method, run.start))

    def next_colour(self) -> str:
        used = {r.colour for r in self.runs}
        free = [c for c in PALETTE if c not in used]
        return free[0] if free else PALETTE[len(self.runs) % len(PALETTE)]

    def add_run(self, spec: RunSpec, index: int | None = None) -> int:
        """Add a run (a new id unless the spec carries one, as undo does); returns its id."""
        if spec.method not in METHODS:
            raise ValueError(f"unknown method {spec.method!r}; choose one of {', '.join(METHODS)}")
        start = self._checked_point(spec.start)
        run_id = spec.run_id if spec.run_id > 0 else self._next_id
        self._next_id = max(self._next_id, run_id + 1)
        run = Run(run_id, spec.method, dict(spec.hyper), spec.colour, start, auto_lr=spec.auto_lr)
        self._follow_lr(run)
        self._rebuild(run)
        self.runs.insert(len(self.runs) if index is None else index, run)
        self.run_added.emit(run_id)
        return run_id

    def remove_run(self, run_id: int) -> tuple[RunSpec, int]:
        """Remove a run; returns what undo needs to put it back where it was."""
        run = self.run(run_id)
        index = self.runs.index(run)
        self.runs.remove(run)
        self.run_removed.emit(run_id)
        return run.spec(), index

    def set_method(self, run_id: int, method: str, hyper: dict[str, float] | None = None,
                   auto_lr: bool | None = None) -> None:
        """Change the optimizer; its state means nothing to another method, so the run restarts. Without ``hyper``
        the method's defaults, with a learning rate that follows the function."""
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}")
        run = self.run(run_id)
        run.method = method
        run.hyper = dict(hyper) if hyper is not None else self.default_hyper(method)
        run.auto_lr = hyper is None if auto_lr is None else bool(auto_lr)
        self._follow_lr(run)
        self._rebuild(run)
        self.run_changed.emit(run_id)

    def set_hyperparameter(self, run_id: int, name: str, value: float) -> None:
        """Change one hyperparameter between steps, keeping the trail (a bad value raises ValueError, changes nothing)."""
        run = self.run(run_id)
        value = float(value)
        self.validate_hyperparameter(run_id, name, value)
        run.hyper[name] = value
        run.auto_lr = run.auto_lr and name != "lr"
        if run.descent is None:
            self._rebuild(run)
        else:
            run.descent.set_hyperparameters(**{name: value})
        run.history.append((run.steps, name, value))
        self.run_changed.emit(run_id)

    def validate_hyperparameter(self, run_id: int, name: str, value: float) -> None:
        """Raise ValueError (with the optimizer's own reason) if ``value`` is not acceptable; change nothing."""
        run = self.run(run_id)
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number")
        if name not in run.hyper:
            raise ValueError(f"{METHODS[run.method].label} has no hyperparameter {name!r}")
        validate_hyperparameters(run.method, {name: value})

    def set_colour(self, run_id: int, colour: str) -> None:
        self.run(run_id).colour = str(colour)
        self.run_changed.emit(run_id)

    def set_start(self, run_id: int, point) -> None:
        """Move a run's start; its trail restarts there."""
        run = self.run(run_id)
        run.start = self._checked_point(point)
        self._follow_lr(run)
        self._rebuild(run)
        self.run_changed.emit(run_id)

    def set_max_steps(self, n: int) -> None:
        n = int(n)
        if n < 1:
            raise ValueError("the maximum step count must be at least 1")
        if n != self.max_steps:
            self.max_steps = n
            self.max_steps_changed.emit(n)

    def set_objective(self, objective: Objective, fallback_start=None, keep_start=None) -> None:
        """A new function: every run restarts on it. Starts are kept, except those of the wrong size or refused by
        ``keep_start(run)``, which move to ``fallback_start`` (never silently to the origin)."""
        n = len(objective.variables)
        fallback = None if fallback_start is None else np.asarray(fallback_start, dtype=np.float64).reshape(-1)
        if fallback is not None and (len(fallback) != n or not np.all(np.isfinite(fallback))):
            raise ValueError(f"the fallback start needs {n} finite coordinate(s)")
        if fallback is None and any(len(r.start) != n for r in self.runs):
            raise ValueError("a fallback start is needed: the new function has a different number of variables")
        self.objective = objective
        for run in self.runs:
            if len(run.start) != n or (keep_start is not None and fallback is not None and not keep_start(run)):
                run.start = fallback.copy()
            self._follow_lr(run)
            self._rebuild(run)
        self.runs_reset.emit()

    # --- stepping --------------------------------------------------------------------------------------------
    def step(self, count: int = 1) -> bool:
        """Advance each unfinished run by up to ``count`` steps; True if any moved."""
        moved = False
        for run in self.runs:
            for _ in range(count):
                if self.is_finished(run):
                    break
                try:
                    record = run.descent.step()
                except Exception as exc:  # an optimizer failure is shown on its run, never a crash of the app
                    run.error = str(exc) or type(exc).__name__
                    break
                if record is None:
                    break
                moved = True
        if moved or self.runs:
            self.runs_advanced.emit()
        return moved

    def reset(self) -> None:
        for run in self.runs:
            self._rebuild(run)
        self.runs_reset.emit()

    # --- internals -------------------------------------------------------------------------------------------
    def _checked_point(self, point) -> np.ndarray:
        p = np.asarray(point, dtype=np.float64).reshape(-1)
        n = len(self.objective.variables)
        if len(p) != n or not np.all(np.isfinite(p)):
            raise ValueError(f"a start point needs {n} finite coordinate(s)")
        return p

    def _rebuild(self, run: Run) -> None:
        self._generation += 1
        run.generation = self._generation
        run.error = ""
        run.history = []
        try:
            run.descent = Descent(self.objective, run.start, run.method, max_steps=HARD_STEP_CAP, **run.hyper)
        except Exception as exc:  # e.g. Newton on an objective without second derivatives
            run.descent = None
            run.error = str(exc) or type(exc).__name__


def undefined_where(descent: Descent) -> tuple[str, np.ndarray] | None:
    """('f is undefined' | 'f is infinite' | '∇f is undefined', the point) when a run stopped because f or its
    gradient has no finite value at a finite point; None when it diverged for another reason (or did not)."""
    if descent.status != "diverged" or descent.diverged_at is None:
        return None
    at = descent.diverged_at
    point, value = np.asarray(descent.points[at], dtype=np.float64), descent.values[at]
    if not np.all(np.isfinite(point)):
        return None
    if np.isnan(value):
        return "f is undefined", point
    if np.isinf(value):
        return ("f is infinite", point) if at == 0 else None   # later, an overflow is a blow-up, not the domain
    if not np.all(np.isfinite(descent.gradients[at])):
        return "∇f is undefined", point
    return None
