"""Local analysis: Taylor models, the one second-derivative classification (classify), critical points (roots,
probes for degenerate points, sets of critical points), and the calculus behind a descent race that the CLI and the
GUI share: verdicts on where a run stopped, default hyperparameters, start choice and step-size bounds; slices
and directional derivatives through a point."""
from engine.analysis.taylor import analyze_point, taylor_model

__all__ = ["analyze_point", "critical_points", "taylor_model"]


def __getattr__(name: str):
    """``critical_points`` loads engine.analysis.critical (and its solvers) on first use."""
    if name != "critical_points":
        raise AttributeError(f"module 'engine.analysis' has no attribute {name!r}")
    from engine.analysis.critical import critical_points
    globals()[name] = critical_points
    return critical_points
