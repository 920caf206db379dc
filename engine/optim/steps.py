"""One step of each optimizer, as a pure function.

``step(objective, point, state, **hyper) -> (new_point, new_state, info)``: nothing is mutated; ``state`` is a dict
the method owns (empty at the start), ``info`` says what the step did (for drawing and explaining it). Conventions:

- gd:        x ← x − lr·g
- momentum:  v ← momentum·v − lr·g;  x ← x + v          (v is the displacement: info['velocity'])
- nesterov:  g̃ = ∇f(x + momentum·v);  v ← momentum·v − lr·g̃;  x ← x + v   (info['lookahead'])
- adagrad:   s ← s + g²;  x ← x − lr·g / (√s + eps)
- rmsprop:   s ← beta2·s + (1 − beta2)·g²;  x ← x − lr·g / (√s + eps)
- adam:      m ← beta1·m + (1 − beta1)·g;  s ← beta2·s + (1 − beta2)·g²;  t ← t + 1;
             x ← x − lr·m̂ / (√ŝ + eps) with m̂ = m/(1 − beta1ᵗ), ŝ = s/(1 − beta2ᵗ)
- newton:    x ← x − lr·(H + λI)⁻¹g, see :func:`newton_step`.
"""
from __future__ import annotations

import numpy as np

from engine.analysis import classify as C


def _grad(objective, x: np.ndarray) -> np.ndarray:
    return np.asarray(objective.gradient(x), dtype=np.float64)


def gd_step(objective, x, state, *, lr):
    g = _grad(objective, x)
    return x - lr * g, dict(state), {"gradient": g}


def momentum_step(objective, x, state, *, lr, momentum):
    g = _grad(objective, x)
    v = momentum * state.get("velocity", np.zeros_like(x)) - lr * g
    return x + v, {"velocity": v}, {"gradient": g, "velocity": v}


def nesterov_step(objective, x, state, *, lr, momentum):
    v0 = state.get("velocity", np.zeros_like(x))
    lookahead = x + momentum * v0
    g = _grad(objective, lookahead)
    v = momentum * v0 - lr * g
    return x + v, {"velocity": v}, {"gradient": g, "velocity": v, "lookahead": lookahead}


def adagrad_step(objective, x, state, *, lr, eps):
    g = _grad(objective, x)
    s = state.get("squares", np.zeros_like(x)) + g * g
    scaled = lr / (np.sqrt(s) + eps)
    return x - scaled * g, {"squares": s}, {"gradient": g, "effective_lr": scaled}


def rmsprop_step(objective, x, state, *, lr, beta2, eps):
    g = _grad(objective, x)
    s = beta2 * state.get("squares", np.zeros_like(x)) + (1.0 - beta2) * g * g
    scaled = lr / (np.sqrt(s) + eps)
    return x - scaled * g, {"squares": s}, {"gradient": g, "effective_lr": scaled}


def adam_step(objective, x, state, *, lr, beta1, beta2, eps):
    g = _grad(objective, x)
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(x)) + (1.0 - beta1) * g
    s = beta2 * state.get("s", np.zeros_like(x)) + (1.0 - beta2) * g * g
    m_hat = m / (1.0 - beta1 ** t)
    s_hat = s / (1.0 - beta2 ** t)
    move = -lr * m_hat / (np.sqrt(s_hat) + eps)
    return x + move, {"t": t, "m": m, "s": s}, {"gradient": g, "velocity": move, "m_hat": m_hat, "s_hat": s_hat}


def _fmt(values) -> str:
    return ", ".join(f"{v:.3g}" for v in values)


def newton_direction(g: np.ndarray, h: np.ndarray | None, damping: float) -> tuple[np.ndarray | None, str, str, float]:
    """(step, kind, message, λ used) for the Newton step −(H + λI)⁻¹g; step None means "fall back to the gradient".

    Full step when H is positive definite and no damping is asked for. Otherwise λ is the requested damping, raised
    as needed so that H + λI is positive definite with its smallest eigenvalue at least max(|λ_min(H)|, 0.1·scale)
    (scale: the largest |eigenvalue|): a barely-positive shift would send the step far along a direction of negative
    or zero curvature.
    """
    if h is None:
        return None, "gradient_fallback", "no Hessian available: took a gradient step", 0.0
    if not np.all(np.isfinite(h)) or not np.all(np.isfinite(g)):
        return None, "gradient_fallback", "Hessian not finite here: took a gradient step", 0.0
    eig = C.eigenvalues(h)
    scale = float(np.max(np.abs(eig))) if eig.size else 0.0
    if scale == 0.0:
        return None, "gradient_fallback", "Hessian is zero: the quadratic model is flat; took a gradient step", 0.0
    shape = C.definiteness(eig)
    positive_definite = shape == "positive definite"
    needed = 0.0 if positive_definite else max(abs(eig[0]), 0.1 * scale) - eig[0]
    lam = max(damping, needed)
    step = -np.linalg.solve(h + lam * np.eye(len(g)), g)
    if lam == 0.0:
        return step, "full", "Hessian positive definite: jumped to the quadratic model's minimum", 0.0
    if positive_definite:
        return step, "damped", f"damped step (H + {lam:.3g}·I), as asked (damping = {damping:.3g})", lam
    return step, "damped", (f"Hessian {shape} (eigenvalues {_fmt(eig)}): {MODEL_SHAPE[shape]}; "
                            f"took a damped step (H + {lam:.3g}·I)"), lam


#: What the quadratic model does, for each definiteness of a Hessian that is not positive definite.
MODEL_SHAPE = {
    "indefinite": "the quadratic model is a saddle and has no minimum",
    "negative definite": "the quadratic model has a maximum, not a minimum",
    "negative semidefinite": "the quadratic model has no minimum",
    "positive semidefinite": "the quadratic model is flat along a direction, so it has no unique minimum",
    "zero": "the quadratic model is flat",
    "undefined": "the quadratic model is undefined",
}


def hessian_shape(eig) -> tuple[str, str]:
    """The definiteness of a Hessian (by the engine's one zero test) and what it means for the quadratic model."""
    shape = C.definiteness(eig)
    return shape, MODEL_SHAPE.get(shape, "the quadratic model has a minimum")


def newton_step(objective, x, state, *, lr, damping):
    g = _grad(objective, x)
    h = None if objective.hessian is None else np.asarray(objective.hessian(x), dtype=np.float64)
    step, kind, message, lam = newton_direction(g, h, damping)
    if step is None:
        step = -g
    target = x + lr * step
    info = {"gradient": g, "newton_step": kind, "message": message, "damping_used": lam,
            "model_center": x.copy(), "target": target}
    if h is not None and np.all(np.isfinite(h)):
        info["hessian_eigenvalues"] = C.eigenvalues(h)
    return target, dict(state), info
