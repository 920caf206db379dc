"""Optimizers that descend an :class:`~engine.optim.objective.Objective`, step by step, for racing and animating.

:data:`METHODS` lists each method once: its label, default hyperparameters, their valid ranges, a description and
its pure step function (:mod:`engine.optim.steps`). :class:`RunSettings` is what defines a run (method, every
hyperparameter, start), validated and read-only. :class:`Descent` owns one and runs it, keeping the trail (points,
values, gradients, what each step did) and a status. It never raises on a bad run: a non-finite or exploding trail,
or an objective that cannot be evaluated, ends with status 'diverged'.

Divergence bound: a run diverges when a value, gradient or point is not finite, when ``|f|`` exceeds
``EXPLODE_FACTOR · max(1, |f(start)|)``, or when ``|x|`` exceeds ``EXPLODE_FACTOR · max(1, |start|)``.
Convergence: ``|∇f| < tol`` at the new point, or a step too small to move the point (``|Δx| ≤ 1e-12·(1 + |x|)``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np

from engine.analysis import classify as C
from engine.expr import build as E
from engine.expr.limits import check_variable_count
from engine.optim import steps as S
from engine.optim.objective import Objective
from engine.analysis.taylor import TaylorModel, model_from_derivatives, vector_norm

EXPLODE_FACTOR = 1e8

#: Valid range of each hyperparameter: (low, high, low_inclusive).
LIMITS: dict[str, tuple[float, float, bool]] = {
    "lr": (0.0, 1e6, False), "momentum": (0.0, 1.0, True), "beta1": (0.0, 1.0, True),
    "beta2": (0.0, 1.0, True), "eps": (0.0, 1.0, False), "damping": (0.0, 1e12, True),
}
#: What each hyperparameter does, for tooltips.
HYPER_HELP: dict[str, str] = {
    "lr": "learning rate: how far each step goes (Newton: fraction of the Newton step)",
    "momentum": "momentum β: fraction of the previous displacement kept each step (0 = plain gradient descent)",
    "beta1": "β₁: decay of the running mean of gradients",
    "beta2": "β₂: decay of the running mean of squared gradients",
    "eps": "ε: keeps the division by √(mean square) finite",
    "damping": "Levenberg damping λ: step with (H + λI)⁻¹; 0 = pure Newton where H is positive definite",
}


@dataclass(frozen=True)
class Method:
    name: str
    label: str
    defaults: dict[str, float]
    description: str
    step: Callable


METHODS: dict[str, Method] = {m.name: m for m in [
    Method("gd", "Gradient descent", {"lr": 0.1}, "x ← x − lr·∇f", S.gd_step),
    Method("momentum", "Momentum", {"lr": 0.05, "momentum": 0.9},
           "v ← β·v − lr·∇f(x);  x ← x + v: a heavy ball that keeps moving", S.momentum_step),
    Method("nesterov", "Nesterov", {"lr": 0.05, "momentum": 0.9},
           "momentum with the gradient taken at the look-ahead point x + β·v", S.nesterov_step),
    Method("adagrad", "AdaGrad", {"lr": 0.5, "eps": 1e-8},
           "per-coordinate steps lr/√(sum of squared gradients): big early, ever smaller", S.adagrad_step),
    Method("rmsprop", "RMSProp", {"lr": 0.05, "beta2": 0.9, "eps": 1e-8},
           "per-coordinate steps lr/√(running mean of squared gradients)", S.rmsprop_step),
    Method("adam", "Adam", {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
           "momentum on the gradient and RMSProp scaling, both bias-corrected", S.adam_step),
    Method("newton", "Newton", {"lr": 1.0, "damping": 0.0},
           "fit the quadratic model and jump to its minimum: x ← x − (H + λI)⁻¹∇f", S.newton_step),
]}


def validate_hyperparameters(method: str, values: dict) -> dict[str, float]:
    """Checked float values for ``method``'s hyperparameters; ValueError naming the first bad one."""
    m = _method(method)
    out = {}
    for key, raw in values.items():
        if key not in m.defaults:
            raise ValueError(f"{m.label} has no hyperparameter {key!r} (it has {', '.join(m.defaults)})")
        try:
            v = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{key} must be a number, got {raw!r}") from None
        lo, hi, closed = LIMITS[key]
        if not (np.isfinite(v) and (v >= lo if closed else v > lo) and v < hi):
            bracket = "[" if closed else "("
            raise ValueError(f"{key} must be in {bracket}{lo:g}, {hi:g}), got {v:g}")
        out[key] = v
    return out


def _method(name: str) -> Method:
    if name not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose one of {', '.join(METHODS)}")
    return METHODS[name]


@dataclass(frozen=True, eq=False)
class RunSettings:
    """What defines a run before its first step: the method, every one of its hyperparameters, the start.

    A value: validated when made (ValueError naming the first bad field), read-only (``hyper`` is a read-only
    mapping, ``start`` a read-only array), and changed only by making a new one (:meth:`replaced`), so whoever
    holds one can trust it. A :class:`Descent` owns its settings.
    """
    method: str
    hyper: Mapping[str, float]
    start: np.ndarray

    def __post_init__(self):
        m = _method(self.method)
        hyper = {**m.defaults, **validate_hyperparameters(m.name, dict(self.hyper))}
        start = np.array(self.start, dtype=np.float64).reshape(-1)
        start.flags.writeable = False
        object.__setattr__(self, "method", m.name)
        object.__setattr__(self, "hyper", MappingProxyType(hyper))
        object.__setattr__(self, "start", start)

    def replaced(self, *, method: str | None = None, hyper: Mapping[str, float] | None = None,
                 start=None) -> "RunSettings":
        """New settings with the given fields changed. A new method starts from its own defaults (plus ``hyper``);
        otherwise ``hyper`` updates the current values."""
        if method is not None and method != self.method:
            return RunSettings(method, dict(hyper or {}), self.start if start is None else start)
        return RunSettings(self.method, {**self.hyper, **(hyper or {})}, self.start if start is None else start)

    def __eq__(self, other) -> bool:
        if not isinstance(other, RunSettings):
            return NotImplemented
        return (self.method, dict(self.hyper)) == (other.method, dict(other.hyper)) and \
            np.array_equal(self.start, other.start)

    __hash__ = None


@dataclass
class StepRecord:
    index: int            # 1 for the first step
    point: np.ndarray     # where the step landed
    value: float
    gradient: np.ndarray  # at ``point``
    info: dict = field(default_factory=dict)


class _Memo:
    """The objective with a one-point memory, so the gradient at a step's end is not recomputed at the next start."""

    def __init__(self, objective: Objective):
        self.variables = objective.variables
        self._objective = objective
        self.hessian = objective.hessian
        self._key = self._grad = None

    def value(self, x):
        return self._objective.value(x)

    def gradient(self, x):
        key = np.asarray(x, dtype=np.float64).tobytes()
        if key != self._key:
            self._key, self._grad = key, np.asarray(self._objective.gradient(x), dtype=np.float64)
        return self._grad


class Descent:
    """One optimizer run from a start; call :meth:`step` or iterate :meth:`run`. Its :class:`RunSettings` (method,
    hyperparameters, start) are the one copy of them: ``method``, ``hyper`` and ``start`` read through to them."""

    def __init__(self, objective: Objective | E.Expression, start: Sequence[float], method: str, *,
                 max_steps: int = 500, tol: float = 1e-8, **hyper):
        self._prepare(objective, RunSettings(method, hyper, start), max_steps, tol)

    @classmethod
    def from_settings(cls, objective: Objective | E.Expression, settings: RunSettings, *, max_steps: int = 500,
                      tol: float = 1e-8) -> "Descent":
        descent = cls.__new__(cls)
        descent._prepare(objective, settings, max_steps, tol)
        return descent

    def _prepare(self, objective, settings: RunSettings, max_steps: int, tol: float) -> None:
        self.objective = objective if isinstance(objective, Objective) else Objective.from_expression(objective)
        if settings.method == "newton":
            check_variable_count(len(self.objective.variables), "Newton's method")
        if settings.start.size != len(self.objective.variables):
            raise ValueError(f"the start needs {len(self.objective.variables)} value(s) "
                             f"({', '.join(self.objective.variables)}), got {settings.start.size}")
        if int(max_steps) < 0 or not tol > 0:
            raise ValueError("max_steps must be ≥ 0 and tol > 0")
        self.settings = settings
        self.max_steps, self.tol = int(max_steps), float(tol)
        self._memo = _Memo(self.objective)
        self.reset()

    @property
    def method(self) -> str:
        return self.settings.method

    @property
    def hyper(self) -> Mapping[str, float]:
        """Every hyperparameter of the method (read-only; change them with :meth:`set_hyperparameters`)."""
        return self.settings.hyper

    @property
    def start(self) -> np.ndarray:
        return self.settings.start

    # --- state ------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the start: the trail and the method's state are cleared; hyperparameters are kept."""
        self.points: list[np.ndarray] = [self.start.copy()]
        self.values: list[float] = []
        self.gradients: list[np.ndarray] = []
        self.infos: list[dict] = []
        self.state: dict = {}
        self.status, self.diverged_at, self.message = "running", None, ""
        value, grad, problem = self._evaluate(self.start)
        self.values.append(value)
        self.gradients.append(grad)
        self._judge(0, np.zeros_like(self.start), problem)

    def set_hyperparameters(self, **hyper) -> None:
        """Change hyperparameters mid-run (validated first; nothing changes on error). The trail and state stay."""
        self.settings = self.settings.replaced(hyper=hyper)

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def steps_taken(self) -> int:
        return len(self.points) - 1

    # --- running ----------------------------------------------------------------------------------------------
    def step(self) -> StepRecord | None:
        """Take one step; None once the run has finished."""
        if self.finished:
            return None
        x = self.points[-1]
        try:
            with np.errstate(all="ignore"):
                new, state, info = METHODS[self.method].step(self._memo, x, self.state, **self.hyper)
            new = np.asarray(new, dtype=np.float64)
        except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
            new, state, info = np.full_like(x, np.nan), self.state, {"message": f"step failed: {exc}"}
        value, grad, problem = self._evaluate(new)
        self.points.append(new)
        self.values.append(value)
        self.gradients.append(grad)
        self.infos.append(info)
        self.state = state
        self._judge(self.steps_taken, new - x, problem)
        return StepRecord(self.steps_taken, new, value, grad, info)

    def run(self, max_steps: int | None = None) -> Iterator[StepRecord]:
        """Yield steps until the run finishes (or ``max_steps`` more steps, when given)."""
        taken = 0
        while not self.finished and (max_steps is None or taken < max_steps):
            record = self.step()
            if record is None:
                break
            taken += 1
            yield record

    def _evaluate(self, x: np.ndarray) -> tuple[float, np.ndarray, str | None]:
        if not np.all(np.isfinite(x)):
            return float("nan"), np.full_like(x, np.nan), "the point is not finite"
        try:
            with np.errstate(all="ignore"):
                value = float(self._memo.value(x))
                grad = np.array(self._memo.gradient(x), dtype=np.float64)
        except Exception as exc:  # an objective that cannot be evaluated here has no value here: the run stops
            return float("nan"), np.full_like(x, np.nan), f"evaluation failed: {exc or type(exc).__name__}"
        if not np.isfinite(value):
            return value, grad, f"f = {value} is not finite"
        if not np.all(np.isfinite(grad)):
            return value, grad, "the gradient is not finite"
        return value, grad, None

    def _judge(self, index: int, moved: np.ndarray, problem: str | None) -> None:
        x, value, grad = self.points[-1], self.values[-1], self.gradients[-1]
        value_bound = EXPLODE_FACTOR * max(1.0, abs(self.values[0]) if np.isfinite(self.values[0]) else 1.0)
        point_bound = EXPLODE_FACTOR * max(1.0, vector_norm(self.start))
        if problem is None and abs(value) > value_bound:
            problem = f"|f| = {abs(value):.3g} exploded past {value_bound:.3g}"
        if problem is None and vector_norm(x) > point_bound:
            problem = f"|x| = {vector_norm(x):.3g} exploded past {point_bound:.3g}"
        norm = vector_norm(grad)
        if problem is not None:
            self.status, self.diverged_at = "diverged", index
            self.message = f"diverged at step {index}: {problem}"
        elif norm < self.tol:
            self.status = "converged"
            self.message = f"converged after {index} step(s): |∇f| = {norm:.3g} < {self.tol:g}"
        elif index > 0 and vector_norm(moved) <= 1e-12 * (1.0 + vector_norm(x)) and not _overflowed(self.state):
            self.status = "converged"
            self.message = f"converged after {index} step(s): the step no longer moves the point"
        elif index > 0 and vector_norm(moved) <= 1e-12 * (1.0 + vector_norm(x)):
            # AdaGrad, RMSProp, Adam divide by √(mean of g²): g² overflows to ∞ past |g| ~ 1e154 and the step is 0
            self.status, self.diverged_at = "diverged", index
            self.message = (f"diverged at step {index}: stalled, |∇f| = {norm:.3g} is so large that the mean of its "
                            "squares overflowed and the step is 0")
        elif index >= self.max_steps:
            self.status = "max_steps"
            self.message = f"stopped at the step limit ({index} step{'' if index == 1 else 's'}); |∇f| = {norm:.3g}"


def _overflowed(state: dict) -> bool:
    """A method's running state holds an infinite or undefined number (it can no longer take a meaningful step)."""
    return any(isinstance(v, np.ndarray) and not np.all(np.isfinite(v)) for v in state.values())


def descend(objective_or_expression, start: Sequence[float], method: str, steps: int = 200, **hyper) -> Descent:
    """Run ``method`` from ``start`` for at most ``steps`` steps (or until it converges or diverges)."""
    run = Descent(objective_or_expression, start, method, max_steps=steps, **hyper)
    for _ in run.run():
        pass
    return run


@dataclass
class NewtonExplanation:
    point: np.ndarray
    model: TaylorModel                  # the quadratic model at ``point``
    hessian_eigenvalues: np.ndarray
    has_minimum: bool                   # the model has a minimum (H positive definite)
    stationary_point: np.ndarray | None  # where the model's gradient is zero (None if H is singular)
    step_kind: str                      # 'full' | 'damped' | 'gradient_fallback'
    target: np.ndarray                  # where the step actually goes
    message: str
    damping_used: float = 0.0           # the λ of the step taken (raised above the setting where H is not definite)


def newton_explain(objective: Objective, point: Sequence[float], **hyper) -> NewtonExplanation:
    """What one Newton step from ``point`` does: the quadratic model it fits and where it jumps, and why."""
    if objective.hessian is None:
        raise ValueError("Newton's method needs the Hessian; this objective has none")
    settings = {**METHODS["newton"].defaults, **validate_hyperparameters("newton", hyper)}
    x = np.array(point, dtype=np.float64).reshape(-1)
    with np.errstate(all="ignore"):
        value, g = float(objective.value(x)), np.asarray(objective.gradient(x), dtype=np.float64)
        h = np.asarray(objective.hessian(x), dtype=np.float64)
    model = model_from_derivatives(objective.variables, x, value, g, h, 2)
    eig = C.eigenvalues(model.hessian)
    shape = "undefined" if eig is None else C.definiteness(eig)
    eig = np.full(len(x), np.nan) if eig is None else eig
    has_minimum = shape == "positive definite"
    stationary = None
    if shape in ("positive definite", "negative definite", "indefinite") and np.all(np.isfinite(g)):
        stationary = x - np.linalg.solve(model.hessian, g)
    _, _, info = S.newton_step(objective, x, {}, **settings)
    return NewtonExplanation(x, model, eig, has_minimum, stationary, info["newton_step"], info["target"],
                             info["message"], float(info.get("damping_used", 0.0)))
