"""Why a step size diverges: gradient descent and momentum on the quadratic model, eigen-direction by eigen-direction.

On a quadratic with Hessian H (eigenvalues λᵢ, eigenvectors vᵢ) and minimum x*, gradient descent's error
e = x − x* obeys e ← (I − ηH) e, so along vᵢ it is multiplied by (1 − ηλᵢ) at every step. The run contracts by
max_i |1 − ηλᵢ| per step (the *predicted factor*) and converges exactly when that is < 1, i.e. when every λᵢ > 0
and η < 2/λmax (the *threshold*). Momentum (heavy ball, v ← βv − η∇f, x ← x + v) multiplies each eigen-component
by the roots of z² − (1 + β − ηλ)z + β; for 0 ≤ β < 1 they lie inside the unit circle exactly when
0 < ηλ < 2(1 + β), so its bound is 2(1 + β)/λmax.

Where the Hessian is not positive definite the quadratic model has no minimum: some direction has |1 − ηλ| ≥ 1 for
every η > 0, so there is no threshold (``threshold`` is None and ``reason`` says why). Eigenvalues use the one
classification of :mod:`engine.analysis.classify` (same zero tolerance).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from engine.analysis import classify as C
from engine.analysis.taylor import analyze_point


@dataclass(frozen=True, eq=False)
class StepSizeModel:
    """The quadratic model at a point, read for step sizes."""
    point: np.ndarray
    eigenvalues: np.ndarray     # ascending
    eigenvectors: np.ndarray    # columns
    definiteness: str           # classify.definiteness of the eigenvalues
    minimum: np.ndarray | None  # the model's minimiser a − H⁻¹∇f(a); None when H is not positive definite
    reason: str                 # '' when there is a threshold, else why there is none

    @property
    def has_minimum(self) -> bool:
        return self.minimum is not None

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1]) if self.eigenvalues.size else float("nan")

    def threshold(self) -> float | None:
        """Gradient descent's threshold 2/λmax (None when the model has no minimum)."""
        return 2.0 / self.lambda_max if self.has_minimum else None

    def momentum_bound(self, beta: float) -> float | None:
        """Momentum's stability bound 2(1 + β)/λmax (None when the model has no minimum or β is outside [0, 1))."""
        if not self.has_minimum or not 0.0 <= beta < 1.0:
            return None
        return 2.0 * (1.0 + beta) / self.lambda_max

    def gd_factor(self, lr: float) -> float:
        """The predicted contraction factor max_i |1 − ηλᵢ| (≥ 1 for every η when there is no minimum)."""
        return gd_factor(self.eigenvalues, lr)

    def momentum_factor(self, lr: float, beta: float) -> float:
        """The heavy ball's predicted factor: the largest |root| of z² − (1 + β − ηλᵢ)z + β over i."""
        return momentum_factor(self.eigenvalues, lr, beta)


def model_from_hessian(point, gradient, hessian, scale: float = 0.0) -> StepSizeModel:
    """A :class:`StepSizeModel` from numbers: the point, the gradient and the Hessian there."""
    p = np.asarray(point, dtype=np.float64).reshape(-1)
    g = np.asarray(gradient, dtype=np.float64).reshape(-1)
    lam, vec = C.eigen_decomposition(hessian)
    kind = C.definiteness(lam, scale)
    minimum, reason = None, ""
    if kind != "positive definite":
        reason = (f"the Hessian is {kind} (eigenvalues {', '.join(f'{v:.4g}' for v in lam)}): the quadratic model "
                  "has no minimum, so no learning rate makes gradient descent converge on it — no threshold")
    elif not np.all(np.isfinite(g)):
        reason = "the gradient has no finite value here: no model to read"
    else:
        minimum = p - vec @ ((vec.T @ g) / lam)
    return StepSizeModel(p, lam, vec, kind, minimum, reason)


def step_size_model(f, point: Sequence[float], variables: Sequence[str] | None = None) -> StepSizeModel:
    """The quadratic model of ``f`` (Expression or Objective) at ``point`` (:func:`analyze_point`), for step sizes."""
    a = analyze_point(f, point, variables)
    return model_from_hessian(a.point, a.gradient, a.hessian, scale=1.0)


def gd_factor(eigenvalues, lr: float) -> float:
    """max_i |1 − η λᵢ|: gradient descent's per-step factor on the quadratic."""
    lam = np.asarray(eigenvalues, dtype=np.float64).reshape(-1)
    return float(np.max(np.abs(1.0 - lr * lam))) if lam.size else float("nan")


def momentum_factor(eigenvalues, lr: float, beta: float) -> float:
    """The heavy ball's per-step factor: the largest |root| of z² − (1 + β − ηλ)z + β over the eigenvalues."""
    lam = np.asarray(eigenvalues, dtype=np.float64).reshape(-1)
    if not lam.size:
        return float("nan")
    return float(max(np.max(np.abs(np.roots([1.0, -(1.0 + beta - lr * v), beta]))) for v in lam))


def distance_ratios(points, minimum) -> np.ndarray:
    """|x_{k+1} − x*| / |x_k − x*| for each step of a recorded run (NaN where x_k is x* itself)."""
    d = np.linalg.norm(np.asarray(points, dtype=np.float64) - np.asarray(minimum, dtype=np.float64), axis=1)
    with np.errstate(all="ignore"):
        return np.where(d[:-1] > 0, d[1:] / np.where(d[:-1] > 0, d[:-1], 1.0), np.nan)


def measured_factor(points, minimum) -> float | None:
    """The last step's ratio of distances to the minimum (None before the first step or where it is undefined)."""
    if len(points) < 2:
        return None
    r = float(distance_ratios(points[-2:], minimum)[-1])
    return r if np.isfinite(r) else None


def eigen_errors(points, minimum, eigenvectors) -> np.ndarray:
    """The error along each eigen-direction per step: row k is Vᵀ(x_k − x*) (shape steps+1 × n)."""
    e = np.asarray(points, dtype=np.float64) - np.asarray(minimum, dtype=np.float64)
    return e @ np.asarray(eigenvectors, dtype=np.float64)


def predicted_factor(model: StepSizeModel, method: str, hyper: dict) -> float | None:
    """The predicted factor of 'gd' or 'momentum' with these hyperparameters (None for other methods)."""
    if method == "gd":
        return model.gd_factor(float(hyper["lr"]))
    if method == "momentum":
        return model.momentum_factor(float(hyper["lr"]), float(hyper["momentum"]))
    return None


def stability_bound(model: StepSizeModel, method: str, hyper: dict) -> float | None:
    """The largest stable learning rate for 'gd' (2/λmax) or 'momentum' (2(1+β)/λmax); None otherwise."""
    if method == "gd":
        return model.threshold()
    if method == "momentum":
        return model.momentum_bound(float(hyper["momentum"]))
    return None


def step_size_line(model: StepSizeModel, method: str, hyper: dict, points=None) -> str:
    """One line for the optimizer panel: the threshold, the predicted factor and (given the run's points) the
    measured one; or why there is no threshold."""
    bound = stability_bound(model, method, hyper)
    if method not in ("gd", "momentum"):
        return ""
    if bound is None:
        return "no η threshold: " + (model.reason or "β must be in [0, 1)")
    name = "2/λmax" if method == "gd" else "2(1+β)/λmax"
    factor = predicted_factor(model, method, hyper)
    verdict = "converges" if factor < 1 else "diverges"
    text = f"η threshold {name} = {bound:.4g} · predicted factor {factor:.3g} ({verdict})"
    measured = measured_factor(points, model.minimum) if points is not None else None
    if measured is not None:
        text += f" · measured {measured:.3g}"
    return text
