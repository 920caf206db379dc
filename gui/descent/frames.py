"""What one animation frame shows of each run: its trail so far, its current point, arrows and Newton's model.

Built once per frame from the RunsModel and handed to both views, so the 3D and 2D pictures always agree. A frame
may show an earlier step than the runs have reached (GIF export replays the race this way). A run's iterates are kept
as arrays that grow as it steps (:class:`Trail`): a frame holds views of them, so building one costs the same at
step 3,000 as at step 10.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.optim.descent import newton_explain
from gui.descent.geometry import inside_box
from gui.views.growing import Growing
from gui.descent.runs import Run, RunsModel

VELOCITY_METHODS = ("momentum", "nesterov")


@dataclass
class RunFrame:
    run_id: int
    colour: str
    method: str
    key: tuple                    # names the trail (changes when it restarts)
    points: np.ndarray            # the iterates up to the step shown, (step + 1, number of variables)
    inside: np.ndarray            # which of them are drawn (finite, within the view)
    values: np.ndarray            # f at each of them
    defined: np.ndarray           # where f has a finite value (a point where f is undefined has no height)
    step: int                     # the step shown
    point: np.ndarray             # points[step], wherever it is
    current: np.ndarray | None    # points[step] when it is within the view, else None
    gradient: np.ndarray | None
    velocity: np.ndarray | None
    newton: object | None         # engine NewtonExplanation at the current point (also when outside the view)
    status: str
    final: bool = False           # the step shown is the last the run has taken
    glide: float = 1.0            # the marker on its way from the previous iterate (0) to the current one (1)

    @property
    def point_defined(self) -> bool:
        return bool(self.defined[self.step])

    @property
    def gliding(self) -> bool:
        """The marker is drawn between the previous iterate and the current one (both drawn, in view)."""
        s = self.step
        return self.glide < 1.0 and s >= 1 and bool(self.inside[s - 1] and self.defined[s - 1])

    def glided(self, previous, current):
        """The marker's position between the previous iterate's ``previous`` and the current one's ``current`` (in
        whatever coordinates a view plots them)."""
        if not self.gliding:
            return current
        t = max(self.glide, 0.0)
        return previous + t * (current - previous)


class Trail:
    """One run's iterates, their values and which are inside the box, as arrays that grow as the run steps (only the
    new steps are converted); started over when the run restarts, recomputed when the box changes."""

    def __init__(self):
        self.key, self.box = None, None
        self.points, self.values, self.inside = Growing(1), Growing(1), Growing(1, bool)

    def sync(self, run: Run, box) -> None:
        d = run.descent
        total, dim = len(d.points), len(d.points[0])
        key = (run.run_id, run.generation)
        if key != self.key or total < self.points.size or dim != self.points.width:
            self.key, self.box = key, None
            self.points, self.values, self.inside = Growing(dim), Growing(1), Growing(1, bool)
        box = tuple(tuple(map(float, b)) for b in box)
        if box != self.box:
            self.box = box
            self.inside.clear()
            self.inside.append(inside_box(self.points.view(), box))
        done = self.points.size
        if total > done:
            new = np.asarray(d.points[done:total], dtype=np.float64).reshape(-1, dim)
            self.points.append(new)
            self.values.append(np.asarray(d.values[done:total], dtype=np.float64))
            self.inside.append(inside_box(new, box))


class FrameBuilder:
    """Turns the model into RunFrames; caches Newton's explanations (a Hessian per iterate is not free)."""

    def __init__(self, model: RunsModel):
        self.model = model
        self._newton_cache: dict[tuple, object] = {}
        self._trails: dict[int, Trail] = {}

    def frames(self, box, step_limit: int | None = None, glide=None) -> list[RunFrame]:
        """``glide(run_id, step)``: how far each marker is on its way to the step shown (Player.glide_for)."""
        n = len(self.model.objective.variables)
        runs = [run for run in self.model.runs if run.descent is not None and len(run.descent.points[0]) == n]
        live = {run.run_id for run in runs}
        for run_id in [i for i in self._trails if i not in live]:
            del self._trails[run_id]
        frames = [self._frame(run, box, step_limit) for run in runs]
        if glide is not None:
            for frame in frames:
                frame.glide = glide(frame.run_id, frame.step) if frame.final else 1.0
        return frames

    def _frame(self, run: Run, box, step_limit) -> RunFrame:
        d = run.descent
        trail = self._trails.setdefault(run.run_id, Trail())
        trail.sync(run, box)
        step = len(d.points) - 1 if step_limit is None else min(step_limit, len(d.points) - 1)
        points = trail.points.view(step + 1)
        inside = trail.inside.view(step + 1)[:, 0]
        values = trail.values.view(step + 1)[:, 0]
        defined = np.isfinite(values)
        point = points[step]
        current = point if inside[step] else None
        gradient = velocity = newton = None
        if defined[step] and np.all(np.isfinite(point)):
            gradient = None if self.model.status_kind(run) in ("converged", "critical") else _gradient_at(run, step)
            if run.method in VELOCITY_METHODS and step >= 1:
                velocity = d.infos[step - 1].get("velocity")
            if run.method == "newton":
                newton = self._newton(run, step, point)
        return RunFrame(run.run_id, run.colour, run.method, trail.key, points, inside, values, defined, step, point,
                        current, gradient, velocity, newton, self.model.status_kind(run),
                        final=step == len(d.points) - 1)

    def _newton(self, run: Run, step: int, point: np.ndarray):
        key = (run.run_id, run.generation, step, tuple(sorted(run.hyper.items())))
        if key not in self._newton_cache:
            if len(self._newton_cache) > 2000:
                self._newton_cache.clear()
            try:
                self._newton_cache[key] = newton_explain(self.model.objective, point, **run.hyper)
            except Exception:  # e.g. no Hessian from this objective: the run's own status already says why
                self._newton_cache[key] = None
        return self._newton_cache[key]

    def clear(self) -> None:
        self._newton_cache.clear()
        self._trails.clear()


def _gradient_at(run: Run, step: int) -> np.ndarray | None:
    gradients = run.descent.gradients
    if step < len(gradients) and gradients[step] is not None:
        g = np.asarray(gradients[step], dtype=np.float64)
        return g if np.all(np.isfinite(g)) and np.any(g != 0) else None
    return None


def newton_frame(frames: list[RunFrame]) -> RunFrame | None:
    """The Newton run whose model the views draw and the text explains: the first one."""
    return next((f for f in frames if f.method == "newton"), None)


def newton_drawable(frame: RunFrame | None) -> bool:
    """Its quadratic model can be drawn: the iterate is in view, f is defined there, the model and jump are finite."""
    ex = None if frame is None else frame.newton
    if ex is None or frame.current is None or ex.model is None:
        return False
    parts = (ex.target, ex.model.value, ex.model.gradient, ex.model.hessian)
    return all(np.all(np.isfinite(np.asarray(p, dtype=np.float64))) for p in parts)


def items_per_frame(frames: list[RunFrame], items_by_run: dict, view, make) -> list:
    """The drawn items of each frame's run (``make(view)`` builds them the first time a run is seen), after taking
    the items of runs no longer in the race out of ``view``. Shared by the 3D and 2D scenes."""
    live = {f.run_id for f in frames}
    for run_id in [r for r in items_by_run if r not in live]:
        for item in items_by_run.pop(run_id).items:
            view.remove_item(item)
    return [items_by_run.get(f.run_id) or items_by_run.setdefault(f.run_id, make(view)) for f in frames]
