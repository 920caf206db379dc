"""Paths through a chain-rule graph: exact counts, lazy enumeration, and the sum over all paths.

The chain rule says d target / d source is the sum, over every path from source to target, of the product of the
local partials along the path. Counting and summing are dynamic programs over the DAG (linear in its size); listing
is a lazy depth-first walk that only enters nodes that still reach the target, so the first K of 2⁶⁰ paths come at
once.
"""
from __future__ import annotations

from typing import Iterator, NamedTuple

from engine.graph.passes import values_and_partials


class Path(NamedTuple):
    nodes: tuple[str, ...]   # source first, target last
    product: float           # the product of the local partials along the path (1 for the empty path)


def _endpoints(graph, source: str, target: str | None) -> tuple[str, str]:
    graph.node(source)
    if target is None:
        target = graph.require_output()
    graph.node(target)
    return source, target


def finished(steps):
    """Run a generator of this module's ``..._in_pieces`` kind to its end; what it returns."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def _between(graph, source: str, target: str) -> list[str]:
    """Nodes on some path source → target, in topological order."""
    return finished(_between_in_pieces(graph, source, target))


def _between_in_pieces(graph, source: str, target: str):
    """:func:`_between` as a generator that yields between its pieces (each a few ms on a 5,000-node graph)."""
    if source == target:
        return [source]
    downstream = graph.descendants(source)
    if target not in downstream:
        return []
    yield
    upstream = graph.ancestors(target)
    yield
    keep = (downstream & upstream) | {source, target}
    return [n for n in graph.topological_order() if n in keep]


def path_count(graph, source: str, target: str | None = None) -> int:
    """How many distinct paths lead from source to target (the output by default). Exact, without enumerating."""
    source, target = _endpoints(graph, source, target)
    between = _between(graph, source, target)
    count = dict.fromkeys(between, 0)
    if not between:
        return 0
    count[source] = 1
    for name in between[1:]:
        count[name] = sum(count.get(p, 0) for p in graph.node(name).parents)
    return count[target]


def path_sum(graph, source: str, target: str | None = None, inputs=None) -> float:
    """The sum over all paths of the products of local partials (= d target / d source), without enumerating."""
    source, target = _endpoints(graph, source, target)
    steps = sum_steps(graph, source, target)
    if steps is None:
        return 0.0
    return sum_over_paths(steps, source, target, values_and_partials(graph, inputs)[1])


def sum_steps(graph, source: str, target: str) -> list[tuple[str, tuple[str, ...]]] | None:
    """The structure :func:`sum_over_paths` sweeps: each node after ``source`` on a path to ``target``, in topological
    order, with its parents on such paths; None when no path leads there. It depends only on the structure, so a
    caller may keep it while only values change."""
    return finished(sum_steps_in_pieces(graph, source, target))


def sum_steps_in_pieces(graph, source: str, target: str, chunk: int = 1000):
    """:func:`sum_steps` as a generator that yields between pieces (the nodes downstream, those upstream, then
    ``chunk`` nodes at a time) and returns what sum_steps returns, so a caller can spread it over event-loop turns."""
    between = yield from _between_in_pieces(graph, source, target)
    if not between:
        return None
    keep = set(between)
    found = []
    for start in range(1, len(between), chunk):
        yield
        found.extend((n, tuple(p for p in graph.node(n).parents if p in keep)) for n in between[start:start + chunk])
    return found


def count_over_paths(steps, source: str, target: str) -> int:
    """How many paths lead from source to target, by the sweep of :func:`sum_over_paths` over ``steps`` (from
    :func:`sum_steps`; None: no path) with every partial 1, in exact integers: :func:`path_count` for a caller that
    keeps the steps."""
    if source == target:
        return 1
    count = {source: 1}
    for name, parents in steps or ():
        count[name] = sum(count[p] for p in parents if p in count)
    return count.get(target, 0)


def sum_over_paths(steps, source: str, target: str, partials) -> float:
    """Σ over paths of the products of ``partials[(parent, child)]``, by one sweep over ``steps``."""
    if source == target:
        return 1.0
    total = {source: 1.0}
    for name, parents in steps:
        total[name] = sum(total[p] * partials[p, name] for p in parents if p in total)
    return float(total.get(target, 0.0))


def paths(graph, source: str, target: str | None = None, inputs=None) -> Iterator[Path]:
    """Every path from source to target, lazily, in a stable order (children in node order, depth first)."""
    source, target = _endpoints(graph, source, target)
    keep = set(_between(graph, source, target))
    partials = values_and_partials(graph, inputs)[1] if keep else {}
    return _walk(graph, source, target, keep, partials)


def path_trails(graph, source: str, target: str | None = None, between=None) -> Iterator[tuple[str, ...]]:
    """Every path's nodes, lazily, in the order of :func:`paths`, computing no number (for what depends only on
    the structure, such as a listing kept while values change). ``between``: the nodes on paths from source to
    target when the caller knows them already (see :func:`sum_steps`)."""
    source, target = _endpoints(graph, source, target)
    keep = set(_between(graph, source, target) if between is None else between)
    return (p.nodes for p in _walk(graph, source, target, keep, _Ones()))


class _Ones:
    """The partials of a walk that lists paths without their products."""

    def __getitem__(self, key):
        return 1.0


def _walk(graph, source, target, keep, partials) -> Iterator[Path]:
    if not keep:
        return
    if source == target:
        yield Path((source,), 1.0)
        return
    next_steps: dict[str, list[str]] = {}   # found as the walk enters a node: the first paths need few

    def onwards(name: str) -> list[str]:
        found = next_steps.get(name)
        if found is None:
            found = next_steps[name] = [c for c in graph.children(name) if c in keep]
        return found
    trail, products = [source], [1.0]
    stack = [iter(onwards(source))]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            trail.pop()
            products.pop()
            continue
        product = products[-1] * partials[trail[-1], child]
        if child == target:
            yield Path(tuple(trail) + (child,), product)
            continue
        trail.append(child)
        products.append(product)
        stack.append(iter(onwards(child)))

