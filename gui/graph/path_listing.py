"""What the Paths panel lists that depends only on the graph's structure, kept while only values change.

A value edit changes no path: only the products along the listed paths, their sum and the adjoint. So the listing
(the exact count, the first paths in the engine's order, the nodes between the input and the output in topological
order) is found once per structure, and each refresh only multiplies the current partials along it. Consecutive
paths of a depth-first listing share long starts, so each product reuses the running product of the start it shares
with the path before (the same multiplications, in the same order, as the engine's walk).
"""
from __future__ import annotations

import itertools

from engine.graph.paths import count_over_paths, finished, path_trails, sum_over_paths, sum_steps_in_pieces

MAX_LISTED = 200
PATHS_PER_STEP = 25   # paths walked (and compared with the one before) between two yields of ``find_steps``


class PathListing:
    """The paths from ``source`` to the graph's output, as the structure gives them (no numbers). ``later``: found
    only when the caller runs :meth:`find_steps` (a piece per event-loop turn on a big graph); the listing is the
    same either way."""

    def __init__(self, graph, source: str, limit: int = MAX_LISTED, later: bool = False):
        self.source, self.target, self.limit = source, graph.output, limit
        self.count = self.edge_count = 0
        self.paths: list[tuple[str, ...]] = []
        self.shared_with_previous: list[int] = []
        self.steps: list = []
        if not later:
            finished(self.find_steps(graph))

    def find_steps(self, graph):
        """Find the listing, yielding between pieces of a few ms each on a 5,000-node graph (a generator)."""
        source, target = self.source, self.target
        steps = yield from sum_steps_in_pieces(graph, source, target)   # the nodes between, found once for all
        self.count = count_over_paths(steps, source, target)
        yield
        between = [source] + [name for name, _ in steps] if steps is not None else []
        trails = path_trails(graph, source, between=between)
        while len(self.paths) < self.limit:
            found = list(itertools.islice(trails, min(PATHS_PER_STEP, self.limit - len(self.paths))))
            before = self.paths[-1:]
            self.paths += found
            self.shared_with_previous += [common_start(a, b) for a, b in zip(before + found, found)] if before \
                else [0] + [common_start(a, b) for a, b in zip(found, found[1:])]
            if len(found) < PATHS_PER_STEP:
                break
            yield
        yield
        self.edge_count = len(graph.edges())
        self.steps = steps or []

    def products(self, partials) -> list[float]:
        """Each listed path's product of local partials, left to right from 1 (as the engine multiplies)."""
        found, running = [], [1.0]
        for nodes, shared in zip(self.paths, self.shared_with_previous):
            del running[max(shared, 1):]
            for a, b in zip(nodes[len(running) - 1:], nodes[len(running):]):
                running.append(running[-1] * partials[a, b])
            found.append(running[-1])
        return found

    def path_sum(self, partials) -> float:
        """The sum over every path of its product (d output / d source): the engine's sweep over the kept steps."""
        return sum_over_paths(self.steps, self.source, self.target, partials)


def common_start(a, b) -> int:
    """How many leading nodes two paths share."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
