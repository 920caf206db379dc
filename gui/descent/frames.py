"""What one animation frame shows of each run: its trail so far, its current point, arrows and Newton's model.

Built once per frame from the RunsModel and handed to both views, so the 3D and 2D pictures always agree. A frame
may show an earlier step than the runs have reached (GIF export replays the race this way).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.optimizers import newton_explain
from gui.descent.geometry import inside_box
from gui.descent.runs import Run, RunsModel

VELOCITY_METHODS = ("momentum", "nesterov")


@dataclass
class RunFrame:
    run_id: int
    colour: str
    method: str
    key: tuple                    # names the trail (changes when it restarts)
    points: np.ndarray            # the iterates up to the step shown, (step + 1, 2)
    inside: np.ndarray            # which of them are drawn (finite, within the view)
    step: int                     # the step shown
    current: np.ndarray | None    # points[step], None if it is outside the view
    gradient: np.ndarray | None
    velocity: np.ndarray | None
    newton: object | None         # engine NewtonExplanation at the current point
    status: str


class FrameBuilder:
    """Turns the model into RunFrames; caches Newton's explanations (a Hessian per iterate is not free)."""

    def __init__(self, model: RunsModel):
        self.model = model
        self._newton_cache: dict[tuple, object] = {}

    def frames(self, box, step_limit: int | None = None) -> list[RunFrame]:
        return [self._frame(run, box, step_limit) for run in self.model.runs if run.descent is not None
                and len(run.descent.points[0]) == 2]

    def _frame(self, run: Run, box, step_limit) -> RunFrame:
        d = run.descent
        step = len(d.points) - 1 if step_limit is None else min(step_limit, len(d.points) - 1)
        points = np.asarray(d.points[: step + 1], dtype=np.float64).reshape(-1, 2)
        inside = inside_box(points, box)
        current = points[step] if inside[step] else None
        gradient = velocity = newton = None
        if current is not None:
            gradient = None if self.model.status_kind(run) == "converged" else _gradient_at(run, step)
            if run.method in VELOCITY_METHODS and step >= 1:
                velocity = d.infos[step - 1].get("velocity")
            if run.method == "newton":
                newton = self._newton(run, step, current)
        key = (run.run_id, run.generation)
        return RunFrame(run.run_id, run.colour, run.method, key, points, inside, step, current, gradient,
                        velocity, newton, self.model.status_kind(run))

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


def _gradient_at(run: Run, step: int) -> np.ndarray | None:
    gradients = run.descent.gradients
    if step < len(gradients) and gradients[step] is not None:
        g = np.asarray(gradients[step], dtype=np.float64)
        return g if np.all(np.isfinite(g)) and np.any(g != 0) else None
    return None
