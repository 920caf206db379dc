"""Symbolic reverse-mode differentiation over the expression DAG.

One backward sweep from the output accumulates an adjoint Expression for every node, using each primitive's local
derivative rule from the primitive table. The derivatives reuse f's own nodes (hash-consing makes the reuse exact),
so evaluating f and its whole gradient together costs a small constant times f alone. A node's contributions are
summed in an order fixed by their structure (not by the sweep), so the separate sweeps that build the Hessian's
rows produce identical sums, which hash-consing then shares.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from engine.expr import build as E
from engine.expr.evaluation import evaluate_many
from engine.expr.primitives import PRIMITIVES


def local_partial(node: E.Expression, i: int) -> E.Expression:
    """∂node/∂(its i-th argument), as an Expression in the argument nodes."""
    return PRIMITIVES[node.op].deriv(i, node.args, node, E)


def adjoints(f: E.Expression, wrt: Sequence[E.Expression] | None = None) -> dict[int, E.Expression]:
    """Adjoint Expressions d f / d node for every node of f that depends on a variable, keyed by ``id(node)``."""
    order = E.topological_order([f])
    varying: set[int] = set()
    for node in order:
        if node.op == "var" or any(id(a) in varying for a in node.args):
            varying.add(id(node))
    contributions: dict[int, list[E.Expression]] = {id(f): [E.ONE]}
    adj: dict[int, E.Expression] = {}
    for node in reversed(order):
        terms = contributions.pop(id(node), None)
        if terms is None:
            continue
        g = adj[id(node)] = _total(terms)
        for i, arg in enumerate(node.args):
            if id(arg) in varying:
                contributions.setdefault(id(arg), []).append(E.mul(g, local_partial(node, i)))
    return adj


def _total(terms: list[E.Expression]) -> E.Expression:
    """The sum of an adjoint's contributions in an order fixed by their structure, not by the sweep that found
    them, so the sweeps for different Hessian rows build the same sums and share them."""
    terms.sort(key=lambda t: t.structure_hash)
    total = terms[0]
    for term in terms[1:]:
        total = E.add(total, term)
    return total


def gradient(f: E.Expression, variables: Sequence[str]) -> tuple[E.Expression, ...]:
    adj = adjoints(f)
    return tuple(adj.get(id(E.var(name)), E.ZERO) for name in variables)


def hessian(f: E.Expression, variables: Sequence[str]) -> tuple[tuple[E.Expression, ...], ...]:
    rows = []
    for g in f.grad(variables):      # Expression.grad keeps each gradient on its node (methods.py)
        rows.append(g.grad(variables))
    # Symmetrize structurally: keep the upper triangle's expressions so H[i][j] is H[j][i].
    n = len(variables)
    return tuple(tuple(rows[min(i, j)][max(i, j)] for j in range(n)) for i in range(n))


def directional_derivative(f: E.Expression, point: Sequence[float], direction: Sequence[float],
                           variables: Sequence[str] | None = None) -> float:
    """Rate of change of f at ``point`` along the unit vector of ``direction`` (∇f · u, u = d/|d|)."""
    names = tuple(f.variables if variables is None else variables)
    d = np.asarray(direction, dtype=np.float64)
    norm = float(np.linalg.norm(d))
    if not norm > 0:
        raise ValueError("the direction must be a non-zero vector")
    grads = evaluate_many(f.grad(names), dict(zip(names, map(float, point))))
    return float(np.dot(np.asarray(grads, dtype=np.float64), d / norm))
