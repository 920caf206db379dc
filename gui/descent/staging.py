"""A big function is brought into the Descent workspace over several turns of the event loop.

On a formula of a couple of thousand characters, building its derivatives, resampling the surface and contours,
drawing the race afresh and choosing the runs' learning rates (trial runs, engine.analysis.rates) each take tens of
milliseconds, the rate trials over a hundred: done in one call they froze the window for half a second. For a big
function (as many operations as the Surface's preparer calls big, gui/surface/preparing.BIG) the workspace shown
stages that work, one piece per turn of the event loop:

1. its gradient, its Hessian and their evaluation plans (three turns; the engine keeps them),
2. the runs restart on the new function without their rates (the run list says "choosing its learning rate…"),
3. the surface is sampled, 4. the surface is drawn, its text and layer painted hidden (parts.py), then it is
   shown, then the contours drawn (a turn each),
5. the rate trials of every waiting run run on a worker thread (gradient descent's and the heavy ball's run
   together, one indivisible piece; the engine keeps the answers), the window answering meanwhile,
6. the waiting runs restart with their rates (the answers are looked up, not worked out again), and then
7. the race's frames are worked out, then drawn: in 3D, on the contour map, in the loss plot, then the rest (each
   view's paint with the runs' items is a turn of its own); the race's redraws are held until then.

A newer function supersedes an unfinished staging (a generation counter). Play and Step do not wait: they finish
the staging at once, synchronously (and RunsModel.step itself chooses any waiting run's rates first), so a run
never takes a step on an old function or with rates the app has not chosen. Small functions are done at once,
except inside a :meth:`Staging.batch` (the tab's first show, a tour scene): there the model changes are made at
once and only the drawing is staged, stages 3, 4 and 7 (:meth:`Staging._begin_view_staging`), the race drawn once.

The views and plots not built yet at the tab's first show are built first, one per turn, in the same chain of turns
(parts.py). :attr:`settled` is False until all of it is done, :meth:`flush` does what is left at once, and the
``became_settled`` signal says when the chain of turns has run out (tests and the tour wait for it).

A mixin of DescentWorkspace: it uses the workspace's session, model, views and redraw hold.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal

import numpy as np

from engine import evaluate_many
from engine.analysis.rates import default_hyperparameters
from gui.surface.preparing import BIG
from gui.worker_pace import quick_thread_switches

TURN_MS = 1   # not 0: a zero timer set by a stage could fire before a timer due since before that stage
LATE_S = 0.010   # a turn's timer this late waited for a paint (see Staging._schedule)
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="descent-rates")


def is_big(expression) -> bool:
    return expression.node_count() >= BIG


class _Relay(QObject):
    """Tells the GUI thread that the worker has found the waiting runs' rates (a queued signal)."""
    done = Signal(int)   # the staging generation it worked for


class Staging:
    """Needs ``staged = Signal(str)`` on the workspace: the name of each stage just done (tests, benchmarks), and
    ``became_settled = Signal()``: the turns have run out (the views drawn, the race on them)."""

    def _init_staging(self) -> None:
        self._stage_generation = 0
        self._stages: list = []          # what is left to do, one per turn (a worker's job counts as one)
        self._after_restart: list = []   # what waits for the runs to be on the new function (a first race)
        self._stage_hold = False         # the race's redraws are held until the views are resampled
        self._sampled = None             # (box, the surface's values) for the views' stage
        self._contour_field = None       # the same, for the contours' stage after it
        self._relay = _Relay(self)
        self._relay.done.connect(self._worker_done)
        self._parts_due: list[str] = []   # the views and plots the first show builds, one per turn (parts.py)
        self._turn_asked = None           # the generation a turn of the chain is asked for, if any
        self._job_pending = False         # the chain waits for the worker's answer
        self._batch_depth = 0             # inside batch(): the views' drawing is due at its end
        self._shown_before_batch = False
        self._views_due = False

    @property
    def settled(self) -> bool:
        """Nothing left to build or draw in later turns."""
        return not (self._stages or self._parts_due)

    def flush(self) -> None:
        """Build and draw whatever is left for later turns now (where a picture is needed at once)."""
        while self._parts_due:
            self._build_part(self._parts_due.pop(0))
        if self._stages:
            self.finish_staging()
        self._announce_settled()

    @contextmanager
    def batch(self):
        """Model changes inside (runs removed and added, a new function or range, steps) are made at once, and the
        race and the views are drawn once, after it, over the following turns of the event loop (a small function's
        in ~6 turns of a few tens of ms; a big function's staging is left to go on). The app's learning rates of
        runs added or restarted inside are chosen in those turns too, one run a turn (a step chooses them first)."""
        if not self._batch_depth:
            self._shown_before_batch = self.isVisible()
        self._batch_depth += 1
        self._redraws_held += 1
        self.panel.hold()
        deferring, self.model.defer_rates = self.model.defer_rates, True
        try:
            yield
        finally:
            self.model.defer_rates = deferring
            self.panel.release()
            self._batch_depth -= 1
            if self._batch_depth:
                self._redraws_held -= 1
            elif self._stages or not self.isVisible() or not (self._views_due or self._redraw_due
                                                              or self.model.waiting):
                # hidden (drawn at once, as before), nothing to draw, or a big function staging its own drawing
                views_due, self._views_due = self._views_due and not self._stages, False
                with self._one_redraw():
                    self._redraws_held -= 1
                    if not self._stages:
                        self.model.choose_all_rates()
                    if views_due:
                        self._update_views()
            else:
                self._begin_view_staging()

    def _begin_view_staging(self) -> None:
        """The batch's drawing, one piece per turn; the batch's hold on the race's redraws is released at the end."""
        views_due, self._views_due = self._views_due, False
        if views_due and not self._shown_before_batch:
            # the tab shown with the batch: its views show "Bringing in f…" until drawn, not the function they
            # had when hidden (and the tab's first paint is not a whole 3D view and contour map of it)
            for place in (self.surface_place, self.contour_place):
                place.conceal()
        self._cancel_staging()
        self._stage_generation += 1
        self._stages = [self._stage_sample, self._stage_views, self._stage_text, self._stage_layer,
                        self._stage_surface, self._stage_contours] if views_due else []
        self._stages += [self._stage_one_rate] * len(self.model.waiting)
        self._stages += [self._stage_frames, self._stage_race3d, self._stage_race2d, self._stage_loss, self._stage_race]
        self._stage_hold = True   # the batch's hold: _stage_race releases it
        self._schedule_turn()

    def defer_views(self) -> bool:
        """True (the views' drawing is then due) inside a batch of the shown workspace: drawn at its end."""
        if self._batch_depth and self.isVisible():
            self._views_due = True
            return True
        return False

    @property
    def staging(self) -> bool:
        """True while a big function is still being brought in."""
        return bool(self._stages)

    def _begin_staging(self) -> None:
        self._cancel_staging()
        self._stage_generation += 1
        self._stages = [self._stage_gradient, self._stage_hessian, self._stage_curvature, self._stage_restart,
                        self._stage_sample, self._stage_views, self._stage_text, self._stage_layer,
                        self._stage_surface, self._stage_contours,
                        self._submit_rates, self._stage_rates, self._stage_frames, self._stage_race3d,
                        self._stage_race2d, self._stage_loss, self._stage_race]
        self._stage_hold = True
        self._redraws_held += 1
        self._schedule_turn()

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
        self._job_pending = False
        while self._stages:
            stage = self._stages.pop(0)
            if stage != self._submit_rates:
                stage()
        self.model.choose_all_rates()

    def _cancel_staging(self) -> None:
        """A newer function supersedes what is staged (the runs restart on it)."""
        self._stage_generation += 1
        self._stages, self._after_restart, self._sampled, self._contour_field = [], [], None, None
        self._job_pending = False
        self._release_hold()
        if self._parts_due:
            self._schedule_turn()   # the views the first show builds still come one per turn
        else:
            self._announce_settled()

    def _release_hold(self) -> None:
        if self._stage_hold:
            self._stage_hold = False
            with self._one_redraw():
                self._redraws_held -= 1

    def _schedule(self, stage, yielded: bool = False) -> None:
        """``stage`` at a later turn: a timer (not a queued call) of TURN_MS, so that timers already due, the
        paint the last stage asked for and the user's input all come first. A timer that fires late waited for
        something (the paint of the last stage's picture): other timers due since then may come after it in the
        same pass of the event loop, which would make the paint and the stage one long wait for them, so it
        yields once more."""
        generation, asked = self._stage_generation, time.perf_counter()

        def fire() -> None:
            if generation != self._stage_generation:
                return
            if not yielded and time.perf_counter() - asked > LATE_S:
                self._schedule(stage, yielded=True)
            else:
                stage()
        timer = QTimer(self, singleShot=True)
        timer.timeout.connect(fire)
        timer.timeout.connect(timer.deleteLater)
        timer.start(TURN_MS)

    def _schedule_turn(self) -> None:
        """The chain's next turn (one chain at a time: two would share turns)."""
        if self._turn_asked != self._stage_generation and not self._job_pending:
            self._turn_asked = self._stage_generation
            self._schedule(self._next_stage)

    def _next_stage(self) -> None:
        """A view or plot still to build, else the next stage; the one after it at the next turn, or once a
        worker's job is done."""
        self._turn_asked = None
        if self._job_pending:
            return
        if self._parts_due:
            self._build_part(self._parts_due.pop(0))
            self._schedule_turn()
            return
        if not self._stages:
            self._announce_settled()
            return
        stage = self._stages.pop(0)
        job = stage()
        self.staged.emit(stage.__name__.removeprefix("_stage_").removeprefix("_"))
        if job is not None:
            self._job_pending = True
            generation, relay = self._stage_generation, self._relay
            job.add_done_callback(lambda _done: _deliver(relay, generation))
        elif self._stages or self._parts_due:
            self._schedule_turn()
        else:
            self._announce_settled()

    def _announce_settled(self) -> None:
        if self.settled:
            self.became_settled.emit()

    def _worker_done(self, generation: int) -> None:
        if generation == self._stage_generation:
            self._job_pending = False
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
        that cannot be sampled: the drawing says so); the previous race taken off the views."""
        from gui.descent.workspace import GRID, _samples   # (the workspace imports this module)
        self._sampled = None
        for race in ("race3d", "race2d"):   # the previous function's race is not left over the new surface
            if self.built(race):
                getattr(self, race).draw([])
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

    def _stage_loss(self) -> None:
        """The race's losses alone (the eigen-error plot and Newton's text with the rest, at the next turn)."""
        self.loss_plot.draw(self.frames.frames(self.session.box(), self.step_limit, glide=self.player.glide_for))
        self.loss_place.reveal()
        self._one_paint.flush(self.window())

    def _stage_race(self) -> None:
        self.model.choose_all_rates()   # (none is left waiting, unless a run was added meanwhile)
        self._release_hold()

    def _stage_one_rate(self) -> None:
        """One waiting run restarts with the app's rates (its trials: a few to tens of ms)."""
        self.model.choose_rates()

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
