"""Passes on another thread: a copy of a graph to compute on, and taking its results back.

An editor may run a big graph's passes on a worker thread while the user goes on editing. The worker must not read
the live graph (an edit may change it half-way through a pass), so it computes on ``detached(graph)``: the same
(immutable) nodes and output, the compiled plans of the current structure (never changed once built) and copies of
the per-node compiled programs (which building a plan extends), so a value edit's passes cost what they cost on the
live graph. ``adopt(graph, copy)`` takes back what the worker compiled and computed, if the graph has not changed
since it was copied: the next pass on the live graph (a path sum, a Backward) is then answered from its cache.
"""
from __future__ import annotations

import copy as _copy

from engine.graph.model import Graph


def detached(graph: Graph) -> Graph:
    """An independent copy to run passes on (on any thread), starting from what ``graph`` has compiled."""
    other = graph.copy()
    other._plans = dict(graph._plans)
    other._programs = {key: _layout_copy(layout) for key, layout in graph._programs.items()}
    other._cache = dict(graph._cache)
    other._detached_from = (graph, graph.version)
    return other


def adopt(graph: Graph, other: Graph) -> bool:
    """Take the plans and results ``other`` (a detached copy of ``graph``) computed, if ``graph`` is still as it was
    when copied; False (nothing taken) if it has changed. Call it on the thread that changes ``graph``."""
    source, version = getattr(other, "_detached_from", (None, None))
    if source is not graph or graph.version != version:
        return False
    for key, plan in other._plans.items():
        if key not in graph._plans:
            graph._plans[key] = plan
            if key[0] == "plan":   # the layout that plan was laid out in goes with it
                graph._programs[key[1]] = other._programs[key[1]]
    for key, result in other._cache.items():
        graph._cache.setdefault(key, result)
    return True


def _layout_copy(layout):
    """A layout that can be extended without changing ``layout`` (its registers and placed nodes are copied)."""
    other = _copy.copy(layout)
    other.template = list(layout.template)
    other.blocks = dict(layout.blocks)
    return other
