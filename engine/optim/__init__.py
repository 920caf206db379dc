"""Optimizers: objectives (from an Expression or a graph), one pure step function per method, and the Descent runner."""
from engine.optim.descent import METHODS, Descent, descend, newton_explain
from engine.optim.objective import Objective

__all__ = ["METHODS", "Descent", "Objective", "descend", "newton_explain"]
