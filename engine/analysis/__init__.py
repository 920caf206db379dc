"""Local analysis: Taylor models, the one second-derivative classification (classify), critical points (roots,
probes for degenerate points, sets of critical points), and the calculus behind a descent race that the CLI and the
GUI share: verdicts on where a run stopped, default hyperparameters, start choice and step-size bounds; slices
and directional derivatives through a point."""
from engine.analysis.critical import critical_points
from engine.analysis.taylor import analyze_point, taylor_model

__all__ = ["analyze_point", "critical_points", "taylor_model"]
