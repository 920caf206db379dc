"""The trial runs behind the default learning rates (:mod:`engine.analysis.rates`), run side by side.

A default rate is found by trying one and halving it while a short trial run diverges. Run as one Descent per trial,
each step evaluates f and ∇f at one point, in separate calls: ~240 calls per trial, and a formula of two thousand
characters costs about a millisecond a call. Here every candidate rate of every question steps in lockstep as one row
of an array: one evaluation of f and ∇f at all the current points per step (the Nesterov look-ahead points in the
same call), and the trials stop as soon as every question's answer is known.

Each row repeats what :class:`~engine.optim.descent.Descent` does — the same arithmetic in the same order, applied
elementwise, and the same judgement of each step (norms by the same :func:`vector_norm`) — so the answers are the
trial Descents' own, bit for bit (tests compare them with Descent-run trials on the presets and the chapter's
functions).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.optim.descent import EXPLODE_FACTOR
from engine.analysis.taylor import vector_norm

RUNNING, DIVERGED, FINISHED = 0, 1, 2     # FINISHED: converged or at the step limit
TOL = 1e-8                                 # Descent's default tolerance, which the trials use
KINDS = {"gd": 0, "momentum": 1, "nesterov": 2}


class EvaluationFailed(Exception):
    """The objective could not evaluate the points of a step (the trials are then run one Descent at a time)."""


@dataclass(frozen=True)
class Trial:
    """One question: at ``start``, the first of ``candidates`` (tried in order) whose trial run does not diverge,
    or ``last`` when every one does. ``momentum``: the momentum coefficient of the run (unused by gd)."""
    method: str
    start: np.ndarray
    momentum: float
    candidates: tuple[float, ...]
    last: float


#: too_fast(method, diverged, values) → True when a finished trial run with these values diverges (as rates judges)
Judge = Callable[[str, bool, np.ndarray], bool]


def first_stable_rates(many, trials: list[Trial], steps: int, too_fast: Judge) -> list[float]:
    """The answer to each trial, with ``many(points) -> (values, gradients)`` evaluating f and ∇f at rows."""
    answers: list[float | None] = [None if t.candidates else t.last for t in trials]
    if any(t.candidates for t in trials):
        rows = _Rows(trials, steps)
        rows.evaluate(many, rows.x)
        rows.judge(0, np.zeros_like(rows.x))
        for t in range(1, steps + 1):
            if not rows.settle(answers, trials, too_fast):
                break
            rows.step(many, t)
        rows.settle(answers, trials, too_fast)
    return [t.last if a is None else a for a, t in zip(answers, trials)]


class _Rows:
    """Every candidate of every trial, one row each, with its point, velocity, gradients and trail of values.

    The rows still running are kept packed and sorted by method (gradient descent, momentum, Nesterov), so a step
    is a few whole-array operations on slices; a row that finishes, or whose answer no longer matters, is dropped.
    """

    def __init__(self, trials: list[Trial], steps: int):
        index = sorted(((KINDS[t.method], k, c) for k, t in enumerate(trials) for c in range(len(t.candidates))))
        self.trial = np.array([k for _m, k, _c in index], dtype=np.intp)
        self.candidate = np.array([c for _m, _k, c in index], dtype=np.intp)
        self.kind = np.array([m for m, _k, _c in index], dtype=np.intp)
        self.lr = np.array([[trials[k].candidates[c]] for _m, k, c in index], dtype=np.float64)
        self.beta = np.array([[trials[k].momentum] for _m, k, _c in index], dtype=np.float64)
        n = trials[0].start.size
        self.x = np.array([trials[k].start for _m, k, _c in index], dtype=np.float64).reshape(len(index), n)
        self.v = np.zeros_like(self.x)
        self.g = np.full_like(self.x, np.nan)         # ∇f at x
        self.look_g = np.full_like(self.x, np.nan)    # ∇f at the look-ahead point x + β·v (Nesterov)
        self.f = np.full(len(index), np.nan)
        self.values = np.full((len(index), steps + 1), np.nan)    # every row's trail, by its original number
        self.ids = np.arange(len(index))                          # packed row → original number
        self.outcome = np.full(len(index), -1, dtype=np.intp)     # 1 diverges, 0 does not, -1 not known yet
        self.status = np.full(len(index), RUNNING, dtype=np.intp)
        self.end = np.zeros(len(index), dtype=np.intp)
        self.point_bound = np.array([EXPLODE_FACTOR * max(1.0, vector_norm(trials[k].start)) for _m, k, _c in index])
        self.value_bound = np.zeros(len(index))   # both packed, as the rows
        self.steps = steps
        self._bounds()

    def _bounds(self) -> None:
        self.ball = int(np.searchsorted(self.kind, KINDS["momentum"]))    # rows before it: gradient descent
        self.ahead = int(np.searchsorted(self.kind, KINDS["nesterov"]))   # rows from it: Nesterov

    def step(self, many, t: int) -> None:
        """One step of every packed row (as the methods' step functions take it), evaluated and judged."""
        a, b = self.ball, self.ahead
        x = self.x
        with np.errstate(all="ignore"):
            new = np.empty_like(x)
            new[:a] = x[:a] - self.lr[:a] * self.g[:a]
            self.v[a:b] = self.beta[a:b] * self.v[a:b] - self.lr[a:b] * self.g[a:b]
            self.v[b:] = self.beta[b:] * self.v[b:] - self.lr[b:] * self.look_g
            new[a:] = x[a:] + self.v[a:]
            moved = new - x
        self.x = new
        self.evaluate(many, new)
        self.judge(t, moved)

    def evaluate(self, many, points: np.ndarray) -> None:
        """f and ∇f at the packed rows' points (NaN where a point is not finite: Descent does not evaluate there),
        and ∇f at the Nesterov rows' next look-ahead points x + β·v, in one call."""
        with np.errstate(all="ignore"):
            self.x_size = _largest(points)
        finite = np.isfinite(self.x_size)
        every = bool(finite.all())
        b = self.ahead
        with np.errstate(all="ignore"):
            look = self.x[b:] + self.beta[b:] * self.v[b:]
        try:
            here = points if every else points[finite]
            values, grads = many(np.concatenate([here, look]) if len(look) else here)
        except Exception as exc:  # noqa: BLE001 - a Descent turns any failure into a diverged run; see rates
            raise EvaluationFailed(str(exc)) from exc
        count = len(points) if every else int(finite.sum())
        if every:
            self.f, self.g = np.array(values[:count], dtype=np.float64), grads[:count]
        else:
            self.f, self.g = np.full(len(points), np.nan), np.full_like(points, np.nan)
            self.f[finite], self.g[finite] = values[:count], grads[:count]
        self.look_g = grads[count:]

    def judge(self, t: int, moved: np.ndarray) -> None:
        """Descent._judge for each packed row at step ``t``: diverged, converged, stalled or at the step limit.

        A norm is at least the largest |component| and at most √n times it, so most rows are judged from those;
        the exact norm (vector_norm, as Descent) is taken only for the rows near a threshold."""
        f, x, ids, x_size = self.f, self.x, self.ids, self.x_size
        self.values[ids, t] = f
        root_n = math.sqrt(x.shape[1]) * (1 + 1e-9)
        with np.errstate(all="ignore"):   # as Descent's float arithmetic: overflow is ∞, quietly
            g_size = _largest(self.g)
            if t == 0:
                self.value_bound = EXPLODE_FACTOR * np.where(np.isfinite(f), np.maximum(1.0, np.abs(f)), 1.0)
            problem = ~(np.isfinite(f) & np.isfinite(g_size) & np.isfinite(x_size)) | (np.abs(f) > self.value_bound)
            near = ~problem & (x_size * root_n >= self.point_bound)
            if near.any():
                near = np.flatnonzero(near)
                problem[near] = _norms(x[near]) > self.point_bound[near]
            status = np.where(problem, DIVERGED, RUNNING)
            near = ~problem & (g_size < TOL)
            if near.any():
                near = np.flatnonzero(near)
                status[near[_norms(self.g[near]) < TOL]] = FINISHED
            if t > 0:
                near = (status == RUNNING) & (_largest(moved) <= 1e-12 * (1.0 + x_size * root_n) * (1 + 1e-9))
                if near.any():
                    self._stall(np.flatnonzero(near), moved, status)
            if t >= self.steps:
                status[status == RUNNING] = FINISHED
        done = status != RUNNING
        if done.any():
            self.status[ids[done]] = status[done]
            self.end[ids[done]] = t

    def _stall(self, near: np.ndarray, moved: np.ndarray, status: np.ndarray) -> None:
        """Rows whose step no longer moves the point converged, unless their velocity overflowed (diverged)."""
        stalled = near[_norms(moved[near]) <= 1e-12 * (1.0 + _norms(self.x[near]))]
        overflowed = (self.kind[stalled] != KINDS["gd"]) & ~np.all(np.isfinite(self.v[stalled]), axis=1)
        status[stalled] = np.where(overflowed, DIVERGED, FINISHED)

    def settle(self, answers: list, trials: list[Trial], too_fast: Judge) -> bool:
        """Judge the rows that finished, answer the trials whose answer is now known, and keep packed only the
        rows that still matter (running, of an unanswered trial, before its first candidate known not to
        diverge). False when none is left."""
        finished = self.ids[self.status[self.ids] != RUNNING]
        if finished.size == 0:
            return True
        for row in finished:
            method = trials[self.trial[row]].method
            self.outcome[row] = int(too_fast(method, bool(self.status[row] == DIVERGED),
                                             self.values[row, : self.end[row] + 1]))
        needed = np.zeros(len(self.outcome), dtype=bool)
        for k, trial in enumerate(trials):
            if answers[k] is None:
                answers[k] = self._answer(k, trial, needed)
        keep = needed[self.ids] & (self.status[self.ids] == RUNNING)
        for name in ("ids", "kind", "lr", "beta", "x", "v", "g", "f", "point_bound", "value_bound", "x_size"):
            setattr(self, name, getattr(self, name)[keep])
        b = self.ahead
        self.look_g = self.look_g[keep[b:]]
        self._bounds()
        return bool(self.ids.size)

    def _answer(self, k: int, trial: Trial, needed: np.ndarray) -> float | None:
        """The trial's answer if it is known (else None, marking the rows it still needs)."""
        rows = np.flatnonzero(self.trial == k)
        outcomes = self.outcome[rows][np.argsort(self.candidate[rows])]
        rows = rows[np.argsort(self.candidate[rows])]
        for c, outcome in enumerate(outcomes):
            if outcome == 0:
                return trial.candidates[c]
            if outcome < 0:
                needed[rows[c:]] = True
                stable = np.flatnonzero(outcomes == 0)
                if stable.size:
                    needed[rows[stable[0]:]] = False
                return None
        return trial.last


def _largest(m: np.ndarray) -> np.ndarray:
    """The largest |component| of each row (NaN where one is NaN, so also: is the row finite)."""
    return np.max(np.abs(m), axis=1) if m.shape[1] else np.zeros(len(m))


def _norms(m: np.ndarray) -> np.ndarray:
    """vector_norm of each row (math.hypot, NaN where a component is NaN), exactly as Descent measures them."""
    out = np.array([math.hypot(*row) for row in m.tolist()], dtype=np.float64).reshape(len(m))
    out[np.any(np.isnan(m), axis=1)] = np.nan
    return out
