"""Local analysis: Taylor models, the second-derivative classification, critical points (with probes for degenerate
points and sets of critical points)."""
from engine.analysis.critical import critical_points
from engine.analysis.taylor import analyze_point, taylor_model

__all__ = ["analyze_point", "critical_points", "taylor_model"]
