"""What the Descent workspace says about a run: its status line in the run list (the presenter of RunsModel).

The model keeps the runs and classifies them (RunsModel.status_kind, RunsModel.verdict); the words are here.
"""
from __future__ import annotations

from engine.analysis.verdicts import diverged_text, step_limit_text, stop_text
from engine.optim.descent import METHODS
from gui.descent.runs import Run, RunsModel


def list_entry(model: RunsModel, run: Run) -> tuple[str, str]:
    """The run's entry in the run list: (its text — method, rate and status line —, its tooltip)."""
    status = status_text(model, run)
    rate = f"  (lr {run.hyper['lr']:.3g})" if "lr" in run.hyper and run.run_id not in model.waiting else ""
    return f"{run.label}{rate}\n    {status}", f"{run.label}: {status}\n{METHODS[run.method].description}"


def status_text(model: RunsModel, run: Run) -> str:
    """The run's status line in the run list: ready, running, converged (and to what), diverged (and why), stopped."""
    if run.error:
        return f"error: {run.error}"
    if run.run_id in model.waiting:
        return "choosing its learning rate…"
    d = run.descent
    if d.status == "diverged":
        return _diverged_text(model, run)
    if d.status == "converged":
        return stop_text(run.steps, model.verdict(run))
    if run.steps >= model.max_steps or d.status == "max_steps":
        return step_limit_text(run.steps, d.values)
    return "ready" if run.steps == 0 else f"running · step {run.steps}"


def _diverged_text(model: RunsModel, run: Run) -> str:
    """The engine's words (the command line's too), with what the user can do about a blow-up."""
    d = run.descent
    kind, text = diverged_text(d, model.objective.variables)
    if kind != "blew up":
        return text
    at = d.diverged_at if d.diverged_at is not None else run.steps
    hint = "" if run.method == "newton" else " (learning rate too large?)"
    if any(changed_at >= at for changed_at, _, _ in run.history):
        hint += ": settings changed, press R (Reset) to restart from the start"
    return text + hint
