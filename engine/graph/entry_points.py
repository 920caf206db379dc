"""The passes, paths and conversions of a :class:`engine.graph.model.Graph`, as its methods (Graph inherits them).

Each method picks the scalar implementation (passes, paths, compile) or, when any node holds a vector or matrix,
the tensor one (tensor_passes, tensor_compile); the model keeps the nodes and their validated mutations.
"""
from __future__ import annotations

from typing import Iterator, Mapping

from engine.expr.node import Expression
from engine.graph import tensor_passes
from engine.graph.compile import compile_graph
from engine.graph.passes import backward, backward_steps, forward, forward_mode, laid_out, local_partials
from engine.graph.paths import path_count, path_sum, paths
from engine.graph.tensor_compile import compile_tensor_graph, tensor_forward_mode
from engine.matrix.node import ShapedExpression


class GraphPasses:
    """Mixed into Graph: uses its ``is_tensor``, ``nodes``, ``output`` and caches."""

    def forward(self, inputs: Mapping[str, float] | None = None) -> dict[str, float]:
        """Every node's value (``inputs`` overrides node values for this call only, changing nothing)."""
        return tensor_passes.forward(self, inputs) if self.is_tensor else forward(self, inputs)

    def local_partials(self, inputs: Mapping[str, float] | None = None) -> dict[tuple[str, str], float]:
        """∂child/∂parent on every edge, keyed (parent, child), at the current values."""
        return tensor_passes.local_partials(self, inputs) if self.is_tensor else local_partials(self, inputs)

    def backward(self, inputs: Mapping[str, float] | None = None) -> dict[str, float]:
        """d output / d node for every node (0 for nodes the output does not depend on)."""
        return tensor_passes.backward(self, inputs) if self.is_tensor else backward(self, inputs)

    def passes_laid_out(self) -> bool:
        """Whether forward, local partials and backward of this scalar graph would cost one run of its compiled
        steps (about 1 ms per 1,000 nodes) rather than compiling its formulas first (about 150 ms per 1,000 nodes,
        the first time): an editor can run them at once when this holds, and on a worker otherwise. Compiled
        formulas are kept across edits, so after the first pass this holds until most of the graph is new."""
        return not self.is_tensor and laid_out(self)

    def backward_steps(self, inputs: Mapping[str, float] | None = None) -> Iterator:
        """The backward pass one node at a time, from the output back (see passes.BackwardStep)."""
        return tensor_passes.backward_steps(self, inputs) if self.is_tensor else backward_steps(self, inputs)

    def forward_mode(self, source: str, inputs: Mapping[str, float] | None = None,
                     entry: tuple[int, int] = (0, 0)) -> dict[str, float]:
        """d node / d source for every node, in one forward sweep. In a graph with tensor nodes, d node /
        d source[entry] (a 0-based entry of the input) as an array in each node's shape."""
        if self.is_tensor:
            return tensor_forward_mode(self, source, entry, inputs)
        return forward_mode(self, source, inputs)

    def path_count(self, source: str, target: str | None = None) -> int:
        return path_count(self, source, target)

    def paths(self, source: str, target: str | None = None) -> Iterator:
        return tensor_passes.paths(self, source, target) if self.is_tensor else paths(self, source, target)

    def path_sum(self, source: str, target: str | None = None) -> float:
        return tensor_passes.path_sum(self, source, target) if self.is_tensor else path_sum(self, source, target)

    def compile(self, name: str | None = None) -> Expression:
        """The output (or ``name``) as one Expression in the input names, shared subexpressions kept shared
        (a scalar graph; see :meth:`compile_shaped` for one that holds vectors or matrices)."""
        return compile_graph(self, name)

    def compile_shaped(self, name: str | None = None) -> ShapedExpression:
        """The output (or ``name``) as one shaped expression (matrix syntax) over the inputs, each a variable of
        its shape; works for a scalar graph too (every variable 1×1)."""
        return compile_tensor_graph(self, name)
