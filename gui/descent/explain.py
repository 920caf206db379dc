"""The sentence under the views that says what Newton's method is doing at its current iterate, and why."""
from __future__ import annotations

import numpy as np

from engine.optim.steps import hessian_shape

from gui.descent.frames import RunFrame
from engine.expr.numbers import format_point as point_text


def newton_text(frame: RunFrame | None, names) -> str:
    """Rich text for the Newton run followed by the views ('' when there is none or it has nothing to say)."""
    if frame is None:
        return ""
    head = f"<span style='color:{frame.colour}'>■</span> <b>Newton</b> at step {frame.step}"
    place = point_text(names, frame.point)
    if not np.all(np.isfinite(frame.point)):
        return f"{head}: the iterate is not finite, so there is no quadratic model."
    if not frame.point_defined:
        return f"{head}: <b>f is undefined</b> at {place}, so there is no quadratic model to jump on."
    ex = frame.newton
    if ex is None:
        return ""
    where = "" if frame.current is not None else f" (the iterate {place} is <b>outside the view</b>)"
    eig = ", ".join(f"{v:.3g}" for v in ex.hessian_eigenvalues)
    verdict = "has a minimum" if ex.has_minimum else model_verdict(ex.hessian_eigenvalues)
    if frame.status in ("converged", "critical") and frame.final:
        # the explanation's step is the one Newton would take; a converged run takes none
        stop = "∇f = 0 at the start" if frame.step == 0 else \
            "it has converged here" if frame.status == "converged" else "∇f ≈ 0 here"
        return f"{head}{where}: {stop}, so Newton takes no step. Hessian eigenvalues {eig} — the quadratic model " \
               f"{verdict}."
    return (f"{head}{where}: Hessian eigenvalues {eig} — the quadratic model {verdict}. "
            f"{_sentence(ex.message)}")


def model_verdict(eigenvalues) -> str:
    """Why the quadratic model has no minimum, in the engine's own words (a flat direction is not a saddle)."""
    what, _ = hessian_shape(eigenvalues)
    if what == "zero":
        return "<b>is flat: no unique minimum</b>"
    if what == "undefined":
        return "<b>is undefined</b> (the Hessian has no finite value)"
    if what == "positive semidefinite":
        return "<b>has no unique minimum (flat along a direction)</b>"
    shape = {"indefinite": "a saddle", "negative definite": "a maximum"}.get(what, "it curves down or is flat")
    return f"<b>has no minimum</b> ({shape})"


def _sentence(message: str) -> str:
    message = message.strip()
    return message if not message or message.endswith(".") else message + "."
