"""Why a step size diverges: gradient descent and momentum on the quadratic model, eigen-direction by eigen-direction.

On a quadratic with Hessian H (eigenvalues λᵢ, eigenvectors vᵢ) and minimum x*, gradient descent's error
e = x − x* obeys e ← (I − ηH) e, so along vᵢ it is multiplied by (1 − ηλᵢ) at every step. The run contracts by
max_i |1 − ηλᵢ| per step (the *predicted factor*) and converges exactly when that is < 1, i.e. when every λᵢ > 0
and η < 2/λmax (the *threshold*). Momentum (heavy ball, v ← βv − η∇f, x ← x + v) multiplies each eigen-component
by the roots of z² − (1 + β − ηλ)z + β; for 0 ≤ β < 1 they lie inside the unit circle exactly when
0 < ηλ < 2(1 + β), so its bound is 2(1 + β)/λmax. Nesterov in the engine's look-ahead form (v ← βv − η∇f(x + βv),
x ← x + v) multiplies it by the roots of z² − (1 + β)(1 − ηλ)z + β(1 − ηλ): stable exactly when
0 < ηλ < 2(1 + β)/(1 + 2β) — a smaller bound than the heavy ball's (1.36/λmax at β = 0.9 against 3.8/λmax), the
price of damping the oscillation. Newton's step −η(H + dI)⁻¹∇f scales each direction by ηλ/(λ + d). The adaptive
methods divide by a running scale of the gradients: their step is not linear in the error and no bound applies.

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
from engine.optim.descent import METHODS


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


def iteration_matrix(method: str, h: float, beta: float = 0.0) -> np.ndarray:
    """The matrix that one step applies to an eigen-component of the error when ηλ = ``h``: 1×1 for gradient
    descent, 2×2 on (error, velocity) for the heavy ball and for Nesterov's look-ahead form
    (v ← βv − η∇f(x + βv), x ← x + v, so v' = β(1 − h)v − h·e and e' = e + v')."""
    if method == "gd":
        return np.array([[1.0 - h]])
    if method == "momentum":
        return np.array([[1.0 - h, beta], [-h, beta]])
    if method == "nesterov":
        return np.array([[1.0 - h, beta * (1.0 - h)], [-h, beta * (1.0 - h)]])
    raise ValueError(f"no iteration matrix for {method!r}")


def _quadratic_root_modulus(b, c) -> np.ndarray:
    """The largest |root| of z² − b·z + c, elementwise (b, c arrays): the spectral radius of a 2×2 step."""
    b, c = np.asarray(b, dtype=np.float64), np.asarray(c, dtype=np.float64)
    disc = np.sqrt((b * b - 4.0 * c).astype(np.complex128))
    return np.maximum(np.abs((b + disc) / 2.0), np.abs((b - disc) / 2.0))


def mode_factors(eigenvalues, method: str, hyper: dict) -> np.ndarray | None:
    """Each eigen-direction's per-step factor on the quadratic (the spectral radius of its iteration matrix);
    None for the methods whose step is not linear in the error (AdaGrad, RMSProp, Adam).

    - gd: |1 − h|, h = ηλ
    - momentum: the roots of z² − (1 + β − h)z + β  (the trace and determinant of its iteration matrix)
    - nesterov: the roots of z² − (1 + β)(1 − h)z + β(1 − h)
    - newton: |1 − ηλ/(λ + damping)| (the step −η(H + dI)⁻¹∇f scales each direction by λ/(λ + d))
    """
    lam = np.asarray(eigenvalues, dtype=np.float64).reshape(-1)
    lr = float(hyper.get("lr", 0.0))
    h = lr * lam
    if method == "gd":
        return np.abs(1.0 - h)
    if method == "newton":
        with np.errstate(all="ignore"):
            return np.abs(1.0 - lr * lam / (lam + float(hyper.get("damping", 0.0))))
    beta = float(hyper.get("momentum", 0.0))
    if method == "momentum":
        return _quadratic_root_modulus(1.0 + beta - h, np.full_like(h, beta))
    if method == "nesterov":
        return _quadratic_root_modulus((1.0 + beta) * (1.0 - h), beta * (1.0 - h))
    return None


def gd_factor(eigenvalues, lr: float) -> float:
    """max_i |1 − η λᵢ|: gradient descent's per-step factor on the quadratic."""
    return _largest(mode_factors(eigenvalues, "gd", {"lr": lr}))


def momentum_factor(eigenvalues, lr: float, beta: float) -> float:
    """The heavy ball's per-step factor: the largest |root| of z² − (1 + β − ηλ)z + β over the eigenvalues."""
    return _largest(mode_factors(eigenvalues, "momentum", {"lr": lr, "momentum": beta}))


def nesterov_factor(eigenvalues, lr: float, beta: float) -> float:
    """Nesterov's per-step factor: the largest |root| of z² − (1 + β)(1 − ηλ)z + β(1 − ηλ) over the eigenvalues."""
    return _largest(mode_factors(eigenvalues, "nesterov", {"lr": lr, "momentum": beta}))


def _largest(factors) -> float:
    return float(np.max(factors)) if factors is not None and np.size(factors) else float("nan")


def distance_ratios(points, minimum) -> np.ndarray:
    """|x_{k+1} − x*| / |x_k − x*| for each step of a recorded run (NaN where x_k is x* itself)."""
    d = np.linalg.norm(np.asarray(points, dtype=np.float64) - np.asarray(minimum, dtype=np.float64), axis=1)
    with np.errstate(all="ignore"):
        return np.where(d[:-1] > 0, d[1:] / np.where(d[:-1] > 0, d[:-1], 1.0), np.nan)


#: How many of a run's last steps its measured factor is fitted over.
MEASURE_WINDOW = 20
#: An eigen-direction whose error stays under this fraction of the largest one is at rounding level: not measured.
ROUNDING_LEVEL = 1e-9


def measured_factor(points, minimum, eigenvectors=None, window: int = MEASURE_WINDOW) -> float | None:
    """The per-step factor the run shows over its last ``window`` steps (None before the first step or where it is
    undefined).

    Along each eigen-direction (a column of ``eigenvectors``) the error of gd, Newton, momentum or Nesterov on a
    quadratic obeys a recurrence of at most two terms, e_{k+1} = b·e_k − c·e_{k−1}; it is fitted by least squares
    over the window and the direction's factor is the largest |root| of z² − bz + c (one term, e_{k+1} = r·e_k, where
    the errors fit that already: gd, Newton, or momentum once its smaller root has died out). The measured factor is
    the largest over the directions whose error is above rounding. With complex roots (momentum, Nesterov) the error
    turns round while it shrinks, so one step's ratio of distances swings above and below the factor (1.05 for a
    factor of 0.894); the fit does not. Without ``eigenvectors``, the geometric mean of the window's ratios of
    distances to the minimum."""
    if len(points) < 2:
        return None
    # only the window is read: the panel asks every frame, and a trail's cost must not grow with its length
    e = np.asarray(points[-(window + 2):], dtype=np.float64) - np.asarray(minimum, dtype=np.float64)
    if not np.all(np.isfinite(e)):
        return None
    if eigenvectors is None:
        d = np.linalg.norm(e[-(window + 1):], axis=1)
        r = (d[-1] / d[0]) ** (1.0 / (len(d) - 1)) if d[0] > 0 else float("nan")
        return float(r) if np.isfinite(r) else None
    errors = e @ np.asarray(eigenvectors, dtype=np.float64)
    floor = ROUNDING_LEVEL * np.max(np.abs(errors))
    factors = [_fitted_factor(errors[:, j]) for j in range(errors.shape[1]) if np.max(np.abs(errors[:, j])) > floor]
    return float(max(factors)) if factors else None


def _fitted_factor(e: np.ndarray) -> float:
    """The largest |root| of the shortest recurrence (two terms at most) the errors ``e`` fit by least squares."""
    if len(e) >= 4:
        a = np.column_stack([e[1:-1], -e[:-2]])
        singular = np.linalg.svd(a, compute_uv=False)
        if singular[-1] > 1e-8 * singular[0]:   # else the two columns are one geometric sequence: one term
            (b, c), *_ = np.linalg.lstsq(a, e[2:], rcond=None)
            return float(_quadratic_root_modulus(b, c))
    return float(abs(np.dot(e[1:], e[:-1]) / np.dot(e[:-1], e[:-1]))) if np.any(e[:-1]) else 0.0


def eigen_errors(points, minimum, eigenvectors) -> np.ndarray:
    """The error along each eigen-direction per step: row k is Vᵀ(x_k − x*) (shape steps+1 × n)."""
    e = np.asarray(points, dtype=np.float64) - np.asarray(minimum, dtype=np.float64)
    return e @ np.asarray(eigenvectors, dtype=np.float64)


#: The methods whose step on a quadratic is linear in the error, each with the name of its stability bound on η.
BOUND_NAMES = {"gd": "2/λmax", "momentum": "2(1+β)/λmax", "nesterov": "2(1+β)/((1+2β)λmax)",
               "newton": "2(1+damping/λmax)"}
#: The adaptive methods: their step is divided by a running scale of the gradients, so no fixed η threshold applies.
ADAPTIVE = ("adagrad", "rmsprop", "adam")


def predicted_factor(model: StepSizeModel, method: str, hyper: dict) -> float | None:
    """The predicted per-step factor of ``method`` with these hyperparameters: the largest of its
    :func:`mode_factors` (None for the adaptive methods)."""
    factors = mode_factors(model.eigenvalues, method, hyper)
    return None if factors is None else _largest(factors)


def stability_bound(model: StepSizeModel, method: str, hyper: dict) -> float | None:
    """The largest stable learning rate on the quadratic model (None without a minimum, for β outside [0, 1), or for
    a method with no such bound). Each mode's iteration is stable exactly while ηλ stays under a bound (Jury's test
    on its characteristic polynomial z² − bz + c: |c| < 1 and 1 ± b + c > 0):

    - gd: ηλ < 2;  momentum: ηλ < 2(1 + β);  nesterov: 1 + (1 + 2β)(1 − ηλ) > 0, i.e. ηλ < 2(1 + β)/(1 + 2β);
    - newton: ηλ/(λ + d) < 2 for every λ, i.e. η < 2(1 + d/λmax).

    The largest eigenvalue is the first to cross, so the bound is the one for λmax."""
    if method not in BOUND_NAMES or not model.has_minimum:
        return None
    if method == "gd":
        return model.threshold()
    if method == "newton":
        return 2.0 * (1.0 + float(hyper.get("damping", 0.0)) / model.lambda_max)
    beta = float(hyper["momentum"])
    if not 0.0 <= beta < 1.0:
        return None
    if method == "momentum":
        return model.momentum_bound(beta)
    return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * model.lambda_max)


def method_note(method: str) -> str:
    """What the quadratic model says about a method's step size in general (empty for gd / momentum / nesterov)."""
    if method in ADAPTIVE:
        label = METHODS[method].label
        return (f"The quadratic threshold 2/λmax does not apply to {label}: it divides each step by a running "
                "scale of the gradients, so the step is not η·∇f and its stability is not set by the Hessian alone.")
    if method == "newton":
        return ("Newton rescales each eigen-direction by λᵢ/(λᵢ + damping): on a quadratic with a minimum, "
                "η = 1 and no damping jump to it in one step, and any η < 2(1 + damping/λmax) converges.")
    return ""


def step_size_line(model: StepSizeModel, method: str, hyper: dict, points=None) -> str:
    """One line for the optimizer panel: the threshold, the predicted factor and (given the run's points) the
    measured one; or why there is no threshold (empty for the adaptive methods: see :func:`method_note`)."""
    if method not in BOUND_NAMES:
        return ""
    bound = stability_bound(model, method, hyper)
    if bound is None:
        return "no η threshold: " + (model.reason or "β must be in [0, 1)")
    factor = predicted_factor(model, method, hyper)
    verdict = "converges" if factor < 1 else "diverges"
    text = f"η threshold {BOUND_NAMES[method]} = {bound:.4g} · predicted factor {factor:.3g} ({verdict})"
    measured = measured_factor(points, model.minimum, model.eigenvectors) if points is not None else None
    if measured is not None:
        text += f" · measured {measured:.3g}"
    return text


def step_size_report(f, start, method: str, hyper: dict, points=None) -> dict:
    """What the quadratic model at ``start`` says about this run's step size, as plain data (the CLI prints it,
    the Descent workspace shows the same line): the Hessian's eigenvalues, the method's bound on η (its name and
    value, None where there is none), the predicted per-step factor, and the line of text."""
    try:
        with np.errstate(all="ignore"):
            model = step_size_model(f, start)
    except (ArithmeticError, ValueError, TypeError) as exc:
        return {"eigenvalues": None, "bound": None, "threshold": None, "predicted_factor": None,
                "text": f"no quadratic model at the start: {exc}"}
    return {"eigenvalues": [float(v) for v in model.eigenvalues], "bound": BOUND_NAMES.get(method),
            "threshold": stability_bound(model, method, hyper), "predicted_factor": predicted_factor(model, method, hyper),
            "text": step_size_line(model, method, hyper, points) or method_note(method)}
