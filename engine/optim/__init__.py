"""Optimizers: objectives (from an Expression or a graph), one pure step function per method, and the Descent runner."""
from engine.optim.objective import Objective

__all__ = ["METHODS", "Descent", "Objective", "descend", "newton_explain"]
_IN_DESCENT = ("METHODS", "Descent", "descend", "newton_explain")


def __getattr__(name: str):
    """The Descent runner's names load engine.optim.descent on first use (an Objective alone does not need it)."""
    if name not in _IN_DESCENT:
        raise AttributeError(f"module 'engine.optim' has no attribute {name!r}")
    from engine.optim import descent
    value = globals()[name] = getattr(descent, name)
    return value
