"""The runs of a race: each an optimizer with its own hyperparameters, colour and start, descending one objective.

A thin QObject over engine Descents. Each run's Descent is the one owner of its method, hyperparameters and start
(its :class:`~engine.optim.descent.RunSettings`); the Run keeps only what the GUI adds (id, colour, the trail's
generation, what the app chose, the history of changes, an optimizer failure). Every change of settings goes through
:meth:`RunsModel._settle`. It validates, stores, then emits; views listen and never write its fields. What is said
about a run (its status line) is the presenter's, gui/descent/run_texts.py. The step limit is kept here (not in the
Descent) so the user can raise it and carry on from where a run stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.optim.objective import Objective
from engine.optim.descent import METHODS, Descent, RunSettings, validate_hyperparameters
from engine.analysis.rates import default_hyperparameters
from engine.analysis.verdicts import Verdict, stopping_verdict, undefined_where

# saturated and far apart from each other; none near white (contour lines, the run list's background) or black
PALETTE = ("#ff3b30", "#ffcc00", "#00e5ff", "#ff2dcc", "#34c759", "#ff7f0e", "#b5835a", "#8f7bff")
HARD_STEP_CAP = 1_000_000   # the Descent's own limit; the user's limit is RunsModel.max_steps
#: The hyperparameters the app chooses for a function and start (engine.analysis.rates): a run whose rate is the
#: app's choice follows them; the user editing one of them makes the run's rates the user's.
APP_CHOSEN = ("lr", "momentum")


@dataclass
class RunSpec:
    """Everything that defines a run (what undo needs to re-create one), without its trail."""
    method: str
    hyper: dict[str, float]
    colour: str
    start: np.ndarray
    run_id: int = -1
    auto_lr: bool = False     # the learning rate is the app's choice for the function and start (it follows them)
    auto_start: bool = False  # the start is the app's choice (it follows the view until the user picks one)


@dataclass
class Run:
    """One run: its Descent (method, hyperparameters, start and trail) and the facts only the GUI has."""
    run_id: int
    colour: str
    descent: Descent
    error: str = ""                      # set when the optimizer itself failed (never raised to the UI)
    history: list = field(default_factory=list)   # hyperparameter changes: (step, name, value)
    generation: int = 0                  # changes whenever the trail restarts (caches of drawn trails key on it)
    auto_lr: bool = False                # see RunSpec: what the app chose, flagged on the run itself
    auto_start: bool = False

    @property
    def settings(self) -> RunSettings:
        return self.descent.settings

    @property
    def method(self) -> str:
        return self.descent.method

    @property
    def hyper(self):
        """The hyperparameters (a read-only mapping: change them through the RunsModel)."""
        return self.descent.hyper

    @property
    def start(self) -> np.ndarray:
        """The start (a read-only array)."""
        return self.descent.start

    @property
    def label(self) -> str:
        return METHODS[self.method].label

    @property
    def steps(self) -> int:
        return len(self.descent.points) - 1

    def spec(self) -> RunSpec:
        return RunSpec(self.method, dict(self.hyper), self.colour, self.start.copy(), self.run_id, self.auto_lr,
                       self.auto_start)


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
        #: runs whose rates are the app's but not chosen yet (staged on a big function: see gui/descent/staging.py)
        self.waiting: set[int] = set()
        self.defer_rates = False   # while True, restarts that follow the app's rates leave them waiting

    # --- queries ---------------------------------------------------------------------------------------------
    def run(self, run_id: int) -> Run:
        for r in self.runs:
            if r.run_id == run_id:
                return r
        raise KeyError(f"no run with id {run_id}")

    def index_of(self, run_id: int) -> int:
        return self.runs.index(self.run(run_id))

    def is_finished(self, run: Run) -> bool:
        return bool(run.error) or run.descent.status != "running" or run.steps >= self.max_steps

    def all_finished(self) -> bool:
        return all(self.is_finished(r) for r in self.runs)

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

    # --- runs ------------------------------------------------------------------------------------------------
    def default_hyper(self, method: str, start=None) -> dict[str, float]:
        """The method's defaults; with a start, a learning rate suited to the function there (see rates.py)."""
        if start is None:
            return {k: float(v) for k, v in METHODS[method].defaults.items()}
        return default_hyperparameters(self.objective, method, self._checked_point(start))

    def next_colour(self) -> str:
        used = {r.colour for r in self.runs}
        free = [c for c in PALETTE if c not in used]
        return free[0] if free else PALETTE[len(self.runs) % len(PALETTE)]

    def add_run(self, spec: RunSpec, index: int | None = None) -> int:
        """Add a run (a new id unless the spec carries one, as undo does); returns its id."""
        settings = RunSettings(spec.method, dict(spec.hyper), self._checked_point(spec.start))
        run_id = spec.run_id if spec.run_id > 0 else self._next_id
        deferred = self.defer_rates and spec.auto_lr and "lr" in spec.hyper
        run = Run(run_id, spec.colour, self._descent(settings, spec.auto_lr and not deferred), auto_lr=spec.auto_lr,
                  auto_start=spec.auto_start)
        if deferred:
            self.waiting.add(run_id)
        self._next_id = max(self._next_id, run_id + 1)
        self._new_generation(run)
        self.runs.insert(len(self.runs) if index is None else index, run)
        self.run_added.emit(run_id)
        return run_id

    def remove_run(self, run_id: int) -> tuple[RunSpec, int]:
        """Remove a run; returns what undo needs to put it back where it was."""
        run = self.run(run_id)
        index = self.runs.index(run)
        self.runs.remove(run)
        self.waiting.discard(run_id)
        self.run_removed.emit(run_id)
        return run.spec(), index

    def set_method(self, run_id: int, method: str, hyper: dict[str, float] | None = None,
                   auto_lr: bool | None = None) -> None:
        """Change the optimizer; its state means nothing to another method, so the run restarts. Without ``hyper``
        the method's defaults, with a learning rate that follows the function."""
        run = self.run(run_id)
        settings = RunSettings(method, dict(hyper or {}), run.start)
        run.auto_lr = hyper is None if auto_lr is None else bool(auto_lr)
        self._settle(run, settings)
        self.run_changed.emit(run_id)

    def set_hyperparameter(self, run_id: int, name: str, value: float) -> None:
        """Change one hyperparameter between steps, keeping the trail (a bad value raises ValueError, changes nothing)."""
        run = self.run(run_id)
        value = float(value)
        self.validate_hyperparameter(run_id, name, value)
        run.auto_lr = run.auto_lr and name not in APP_CHOSEN
        self._settle(run, run.settings.replaced(hyper={name: value}), keep_trail=True)
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

    def set_start(self, run_id: int, point, by_app: bool = False) -> None:
        """Move a run's start; its trail restarts there. ``by_app``: the app chose it (it may follow the view)."""
        run = self.run(run_id)
        settings = run.settings.replaced(start=self._checked_point(point))
        run.auto_start = bool(by_app)
        self._settle(run, settings)
        self.run_changed.emit(run_id)

    def user_chose_starts(self) -> None:
        """The user picked the start: no run's start is the app's choice any more."""
        for run in self.runs:
            run.auto_start = False

    def choose_rates(self, run_id: int | None = None) -> None:
        """Choose the rates of one waiting run (the first one without ``run_id``), as a restart on the current
        function would have chosen them; the run restarts with them."""
        if run_id is None:
            run_id = next((r.run_id for r in self.runs if r.run_id in self.waiting), None)
        if run_id is None or run_id not in self.waiting:
            return
        run, deferring = self.run(run_id), self.defer_rates
        self.defer_rates = False
        try:
            self._settle(run, run.settings)
        finally:
            self.defer_rates = deferring
        self.run_changed.emit(run_id)

    def choose_all_rates(self) -> None:
        """Every waiting run's rates now (before a step: no run steps with rates not chosen yet)."""
        while self.waiting:
            self.choose_rates()

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
            settings = run.settings
            if len(run.start) != n or (keep_start is not None and fallback is not None and not keep_start(run)):
                settings, run.auto_start = settings.replaced(start=fallback), True
            self._settle(run, settings)
        self.runs_reset.emit()

    # --- stepping --------------------------------------------------------------------------------------------
    def step(self, count: int = 1, emit: bool = True) -> bool:
        """Advance each unfinished run by up to ``count`` steps; True if any moved. ``emit=False``: do not tell
        the views yet (the player takes several steps per frame and redraws once)."""
        self.choose_all_rates()
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
        if emit and (moved or self.runs):
            self.runs_advanced.emit()
        return moved

    def reset(self) -> None:
        for run in self.runs:
            self._settle(run, run.settings, follow=False)
        self.runs_reset.emit()

    # --- internals -------------------------------------------------------------------------------------------
    def _checked_point(self, point) -> np.ndarray:
        p = np.asarray(point, dtype=np.float64).reshape(-1)
        n = len(self.objective.variables)
        if len(p) != n or not np.all(np.isfinite(p)):
            raise ValueError(f"a start point needs {n} finite coordinate(s)")
        return p

    def _settle(self, run: Run, settings: RunSettings, keep_trail: bool = False, follow: bool = True) -> None:
        """The one place a run's settings change. ``keep_trail``: new hyperparameters between steps; otherwise the
        run restarts from ``settings`` on the current objective (a new trail), with the rates the app chooses
        where they are the app's (``follow``)."""
        if keep_trail:
            run.descent.set_hyperparameters(**settings.hyper)
            if not run.auto_lr:
                self.waiting.discard(run.run_id)
            return
        deferred = self.defer_rates and run.auto_lr and follow and "lr" in settings.hyper
        run.descent = self._descent(settings, run.auto_lr and follow and not deferred)
        if deferred:
            self.waiting.add(run.run_id)
        elif follow:
            self.waiting.discard(run.run_id)
        self._new_generation(run)

    def _descent(self, settings: RunSettings, follow: bool) -> Descent:
        if follow and "lr" in settings.hyper:
            chosen = default_hyperparameters(self.objective, settings.method, settings.start)
            settings = settings.replaced(hyper={k: v for k, v in chosen.items() if k in APP_CHOSEN})
        return Descent.from_settings(self.objective, settings, max_steps=HARD_STEP_CAP)

    def _new_generation(self, run: Run) -> None:
        self._generation += 1
        run.generation, run.error, run.history = self._generation, "", []
