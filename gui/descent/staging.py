"""A big function is brought into the Descent workspace over several turns of the event loop.

On a formula of a couple of thousand characters, building its derivatives, resampling the surface and contours,
drawing the race afresh and choosing the runs' learning rates (trial runs, engine.analysis.rates) each take tens of
milliseconds, the rate trials over a hundred: done in one call they froze the window for half a second. For a big
function (as many operations as the Surface's preparer calls big, gui/surface/preparing.BIG) the workspace shown
stages that work, one piece per turn of the event loop:

1. its gradient, its Hessian and their evaluation plans (three turns; the engine keeps them),
2. the runs restart on the new function without their rates (the run list says "choosing its learning rate…"),
3. the surface is sampled, 4. the surface is drawn, shown, then the contours drawn (a turn each),
5. the rate trials of every waiting run run on a worker thread (gradient descent's and the heavy ball's run
   together, one indivisible piece; the engine keeps the answers), the window answering meanwhile,
6. the waiting runs restart with their rates (the answers are looked up, not worked out again), and then
7. the race's frames are worked out, then drawn: in 3D, on the contour map, then in the plots (each view's
   paint with the runs' items is a turn of its own); the race's redraws are held until then.

A newer function supersedes an unfinished staging (a generation counter). Play and Step do not wait: they finish
the staging at once, synchronously (and RunsModel.step itself chooses any waiting run's rates first), so a run
never takes a step on an old function or with rates the app has not chosen. Small functions are done at once.

A mixin of DescentWorkspace: it uses the workspace's session, model, views and redraw hold.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

import numpy as np

from engine import evaluate_many
from engine.analysis.rates import default_hyperparameters
from gui.surface.preparing import BIG
from gui.worker_pace import quick_thread_switches

TURN_MS = 1   # not 0: a zero timer set by a stage could fire before a timer due since before that stage
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="descent-rates")


def is_big(expression) -> bool:
    return expression.node_count() >= BIG


class _Relay(QObject):
    """Tells the GUI thread that the worker has found the waiting runs' rates (a queued signal)."""
    done = Signal(int)   # the staging generation it worked for


class Staging:
    """Needs ``staged = Signal(str)`` on the workspace: the name of each stage just done (tests, benchmarks)."""

    def _init_staging(self) -> None:
        self._stage_generation = 0
        self._stages: list = []          # what is left to do, one per turn (a worker's job counts as one)
        self._after_restart: list = []   # what waits for the runs to be on the new function (a first race)
        self._stage_hold = False         # the race's redraws are held until the views are resampled
        self._sampled = None             # (box, the surface's values) for the views' stage
        self._contour_field = None       # the same, for the contours' stage after it
        self._relay = _Relay(self)
        self._relay.done.connect(self._worker_done)

    @property
    def staging(self) -> bool:
        """True while a big function is still being brought in."""
        return bool(self._stages)

    def _begin_staging(self) -> None:
        self._cancel_staging()
        self._stage_generation += 1
        self._stages = [self._stage_gradient, self._stage_hessian, self._stage_curvature, self._stage_restart,
                        self._stage_sample, self._stage_views, self._stage_surface, self._stage_contours,
                        self._submit_rates, self._stage_rates, self._stage_frames, self._stage_race3d,
                        self._stage_race2d, self._stage_race]
        self._stage_hold = True
        self._redraws_held += 1
        self._schedule(self._next_stage)

    def when_restarted(self, action) -> None:
        """``action()`` once the runs are on the new function: now, or right after the staged restart."""
        if self.restart_staged():
            self._after_restart.append(action)
        else:
            action()

    def restart_staged(self) -> bool:
        """True while the runs are still on the previous function (their restart is staged)."""
        return self._stage_restart in self._stages

    def finish_staging(self) -> None:
        """Everything left, at once (before the race steps); the worker's answers still to come are dropped."""
        self._stage_generation += 1
        while self._stages:
            stage = self._stages.pop(0)
            if stage != self._submit_rates:
                stage()
        self.model.choose_all_rates()

    def _cancel_staging(self) -> None:
        """A newer function supersedes what is staged (the runs restart on it)."""
        self._stage_generation += 1
        self._stages, self._after_restart, self._sampled, self._contour_field = [], [], None, None
        self._release_hold()

    def _release_hold(self) -> None:
        if self._stage_hold:
            self._stage_hold = False
            with self._one_redraw():
                self._redraws_held -= 1

    def _schedule(self, stage) -> None:
        """``stage`` at a later turn: a timer (not a queued call) of TURN_MS, so that timers already due, the
        paint the last stage asked for and the user's input all come first."""
        generation = self._stage_generation
        timer = QTimer(self, singleShot=True)
        timer.timeout.connect(lambda: stage() if generation == self._stage_generation else None)
        timer.timeout.connect(timer.deleteLater)
        timer.start(TURN_MS)

    def _next_stage(self) -> None:
        """The next stage; the one after it at the next turn, or once a worker's job is done."""
        if not self._stages:
            return
        stage = self._stages.pop(0)
        job = stage()
        self.staged.emit(stage.__name__.removeprefix("_stage_").removeprefix("_"))
        if job is not None:
            generation, relay = self._stage_generation, self._relay
            job.add_done_callback(lambda _done: _deliver(relay, generation))
        elif self._stages:
            self._schedule(self._next_stage)

    def _worker_done(self, generation: int) -> None:
        if generation == self._stage_generation:
            self._next_stage()

    def _stage_gradient(self) -> None:
        """The gradient (kept on the expression: the objective built at the restart finds it made) and the
        evaluation plans of f and ∇f (kept by the engine), each made by evaluating once at the box's centre."""
        f, axes = self.session.plotted_expression(), self.session.axes
        grads = list(f.grad(axes))
        for roots in ([f], grads, [f, *grads]):
            self._evaluate_once(roots)

    def _stage_hessian(self) -> None:
        self.session.plotted_expression().hessian(self.session.axes)

    def _stage_curvature(self) -> None:
        """The Hessian's evaluation plan (the default start, the step-size view and Newton evaluate it)."""
        hessian = self.session.plotted_expression().hessian(self.session.axes)
        self._evaluate_once([h for row in hessian for h in row])

    def _evaluate_once(self, roots) -> None:
        centre = {a: np.float64(0.5 * (lo + hi)) for a, (lo, hi) in zip(self.session.axes, self.session.box())}
        with np.errstate(all="ignore"):
            evaluate_many(roots, centre)

    def _stage_restart(self) -> None:
        """The runs restart on the new function; the app's rates wait (RunsModel.waiting)."""
        self.model.defer_rates = True
        try:
            objective = self.session.objective()
        except Exception as exc:  # a source that cannot build an objective leaves the race as it was
            self.model.defer_rates = False
            self._cancel_staging()
            self._show_notice(f"Cannot descend this function: {exc}")
            return
        try:
            self._restart_on(objective)
            for action in self._after_restart:
                action()
        finally:
            self._after_restart = []
            self.model.defer_rates = False

    def _stage_sample(self) -> None:
        """(box, f over the GRID² grid of the box) for the next turn's drawing, or None (one variable, or a box
        that cannot be sampled: the drawing says so)."""
        from gui.descent.workspace import GRID, _samples   # (the workspace imports this module)
        self._sampled = None
        if self.one_variable():
            return
        box = self.session.box()
        try:
            xs, ys = (_samples(lo, hi, GRID) for lo, hi in box)
        except ValueError:
            return
        self._sampled = box, self.sample_surface(self.plotted_function(), xs, ys)

    def _stage_views(self) -> None:
        """The surface (or, for one variable, the curve), shown at the next turn, the contour map at the one after
        (each view's paint is a turn of its own)."""
        sampled, self._sampled = self._sampled, None
        for race in ("race3d", "race2d"):   # the previous function's race is not left over the new surface
            if self.built(race):
                getattr(self, race).draw([])
        self._update_views(sampled, in_turns=sampled is not None)   # a range that cannot be drawn: its notice says so
        self._contour_field = sampled

    def _stage_surface(self) -> None:
        """The 3D view shown with its new surface (its paint, a turn of its own)."""
        if not self.one_variable() and self.built("surface_view") and self.surface_view.extent is not None:
            self.surface_place.reveal()   # (not an empty view: a range that cannot be drawn leaves its words)

    def _stage_contours(self) -> None:
        from gui.descent.workspace import GRID, _samples   # (the workspace imports this module)
        sampled, self._contour_field = self._contour_field, None
        if sampled is None:
            return   # drawn with the views (one variable, or a range that cannot be sampled)
        if sampled[0] != self.session.box() or self.one_variable():
            self._update_views()   # the box changed meanwhile
            return
        xs, ys = (_samples(lo, hi, GRID) for lo, hi in sampled[0])
        self.draw_contours(xs, ys, sampled[1])

    def _stage_frames(self) -> None:
        """The race's frames worked out (Newton's model at its start, which the frame builder keeps) before the
        turn that draws and paints them."""
        self.frames.frames(self.session.box(), self.step_limit, glide=self.player.glide_for)

    def _stage_race3d(self) -> None:
        """The race on the 3D view alone: its first paint with the runs' items is a turn of its own (the race drawn
        at the next turn finds it drawn)."""
        if not self.one_variable():
            self.race3d.draw(self.frames.frames(self.session.box(), self.step_limit, glide=self.player.glide_for))

    def _stage_race2d(self) -> None:
        """The race on the contour map alone (the loss and eigen-error plots at the next turn)."""
        if not self.one_variable():
            self.race2d.draw(self.frames.frames(self.session.box(), self.step_limit, glide=self.player.glide_for))
            self._one_paint.flush(self.window())

    def _stage_race(self) -> None:
        self._release_hold()

    def _submit_rates(self):
        """The waiting runs' rate trials on a worker, the window answering meanwhile."""
        questions = [(r.method, r.start.copy()) for r in self.model.runs if r.run_id in self.model.waiting]
        return _EXECUTOR.submit(_find_rates, self.model.objective, questions) if questions else None

    def _stage_rates(self) -> None:
        """The waiting runs restart with their rates (found by the worker: looked up), before the race is drawn:
        drawn before, every run's trail was drawn twice (the 3D view's trails layer painted afresh each time)."""
        self.model.choose_all_rates()


def _find_rates(objective, questions) -> None:
    """Every waiting run's rate trials (on the worker): the engine keeps the answers, so each run's restart on the
    GUI thread afterwards only looks them up. A failure is left for that restart to meet and show on its run."""
    with quick_thread_switches():   # else this busy Python thread starves Qt's timers (gui/worker_pace.py)
        for method, start in questions:
            try:
                default_hyperparameters(objective, method, start)
            except Exception:  # noqa: BLE001 - see above
                pass


def _deliver(relay: _Relay, generation: int) -> None:
    try:
        relay.done.emit(generation)
    except RuntimeError:   # the window closed meanwhile
        pass
