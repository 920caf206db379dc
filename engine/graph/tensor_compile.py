"""A tensor graph compiled to one shaped expression (the Matrix workspace's syntax), and forward mode over it.

:func:`compile_tensor_graph` builds the output (or any node) as one :class:`~engine.matrix.ShapedExpression` in the
input names, each input a variable of its shape: a tensor formula node's own shaped expression with its parents'
compiled expressions put in for its variables, node by node in topological order (shared work stays shared in the
DAG; only the printed text repeats it). Nothing is simplified on the way, so the compiled expression is the graph's
computation, operation for operation. A scalar formula node (its parents 1×1) is carried over operation by
operation: the scalar primitives are the matrix rule table's elementwise operations under the same names, and the
three the table lacks are written with ones it has (tan = sin/cos, sinh and cosh through exp).

:func:`tensor_forward_mode` pushes the tangent of one entry of an input forward (every node's d node / d entry, in
the node's shape). Its Jacobian-vector products come from the rule table's vector-Jacobian products, transposed
symbolically: with G a variable in the node's shape, ⟨G, J·t⟩ = ⟨Jᵀ·G, t⟩, so J·t is the gradient in G of
Σ_p dot(VJP_p(G), T_p). No second rule table, and no dense Jacobian.
"""
from __future__ import annotations

from typing import Mapping, NamedTuple

import numpy as np

from engine.expr.node import topological_order as scalar_order
from engine.expr.parser import ParseError
from engine.graph.nodes import GraphError
from engine.graph.tensor_passes import _run, _scalar_partials   # the values and partials the backward pass uses
from engine.matrix import build as B
from engine.matrix.grad import gradients
from engine.matrix.node import ShapedExpression, evaluate_many, make
from engine.matrix.parser import MAX_LENGTH, parse_matrix
from engine.matrix.printing import text_length_estimate, to_text
from engine.matrix.rules import RULES
from engine.matrix.shapes import SCALAR

ADJOINT = "g·"        # the name of the symbolic adjoint variable G (no node name contains "·")
TANGENT = "t·"        # prefix of each parent's tangent variable


def compile_tensor_graph(graph, name: str | None = None) -> ShapedExpression:
    """The node ``name`` (default: the output) as one shaped expression over the input names."""
    target = graph.require_output() if name is None else graph.node(name).name
    key = ("compile-shaped", target)
    if key in graph._cache:
        return graph._cache[key]
    needed = graph.ancestors(target) | {target}
    built: dict[str, ShapedExpression] = {}
    for n in graph.topological_order():
        if n not in needed:
            continue
        node = graph.nodes[n]
        if node.is_input:
            built[n] = B.var(n, node.value_shape)
        elif node.is_tensor:
            built[n] = _substituted(node.expression, built)
        else:
            built[n] = _from_scalar(n, node.expression, built)
    graph._cache[key] = built[target]
    return built[target]


def compiled_matrix_text(graph, name: str | None = None, limit: int = MAX_LENGTH) -> str:
    """The compiled expression as text the Matrix workspace reads; GraphError when it is longer than ``limit``
    characters (the Matrix workspace's cap on a typed formula: printed text repeats shared parts)."""
    expression = compile_tensor_graph(graph, name)
    if text_length_estimate(expression) > 8 * limit:
        raise GraphError(f"the compiled formula of '{name or graph.output}' is far longer than {limit:,} characters "
                         "(its text repeats the shared parts of the graph)")
    text = to_text(expression)
    if len(text) > limit:
        raise GraphError(f"the compiled formula of '{name or graph.output}' has {len(text):,} characters; the "
                         f"Matrix workspace takes up to {limit:,}")
    return text


class MatrixProblem(NamedTuple):
    """What the Matrix workspace needs to show a graph's output: the formula, each variable's shape and numbers, and
    the variable whose gradient it shows first."""
    expression: str
    shapes: dict
    values: dict
    wrt: str


def matrix_problem(graph, max_side: int | None = None) -> MatrixProblem:
    """The graph's output as a Matrix-workspace problem: its compiled formula over the inputs it uses, their shapes
    and current values, and the first of them (in node order) as the "with respect to" variable. GraphError if the
    output is not a scalar, the text is too long, or an input has more than ``max_side`` rows or columns."""
    output = graph.require_output()
    expression = compile_tensor_graph(graph)
    if expression.shape != SCALAR:
        rows, cols = expression.shape
        raise GraphError(f"the output '{output}' is {rows}×{cols}; the Matrix workspace differentiates a scalar "
                         "(e.g. a loss: sum(…) or norm2(…)^2)")
    used = [n for n in graph.inputs if n in expression.variables]
    shapes = {n: graph.shape(n) for n in used}
    too_big = [f"{n} ({r}×{c})" for n, (r, c) in shapes.items() if max_side is not None and max(r, c) > max_side]
    if too_big:
        raise GraphError(f"{', '.join(too_big)}: the Matrix workspace shows variables of up to {max_side} rows and "
                         "columns")
    text = compiled_matrix_text(graph)
    try:
        parse_matrix(text, shapes)
    except ParseError as error:   # a node name the matrix syntax reads as a function (e.g. an input called tr)
        raise GraphError(f"the compiled formula does not read back in the matrix syntax: {error}") from None
    values = {n: np.array(graph.nodes[n].value, dtype=np.float64).reshape(shapes[n]) for n in used}
    return MatrixProblem(text, shapes, values, used[0] if used else "")


def _substituted(expression: ShapedExpression, built: Mapping[str, ShapedExpression]) -> ShapedExpression:
    """``expression`` with each variable replaced by its compiled expression, every operation kept as it is."""
    done: dict[int, ShapedExpression] = {}
    for node in expression.nodes():
        if node.op == "var":
            done[id(node)] = built[node.attr[0]]
        elif not node.args:
            done[id(node)] = node
        else:
            done[id(node)] = make(node.op, tuple(done[id(a)] for a in node.args), node.attr)
    return done[id(expression)]


def _from_scalar(name: str, expression, built: Mapping[str, ShapedExpression]) -> ShapedExpression:
    """A scalar Expression (over 1×1 parents) as a 1×1 shaped expression, operation by operation."""
    done: dict[int, ShapedExpression] = {}
    for node in scalar_order([expression]):
        args = tuple(done[id(a)] for a in node.args)
        if node.op == "var":
            done[id(node)] = built[node.name]
        elif node.op == "const":
            done[id(node)] = make("const", (), float(node.value), SCALAR)
        elif node.op in _REWRITTEN:
            done[id(node)] = _REWRITTEN[node.op](*args)
        elif node.op in RULES:
            done[id(node)] = make(node.op, args, None)
        else:
            raise GraphError(f"'{name}' uses {node.op}, which the matrix syntax does not have")
    return done[id(expression)]


def _exp_pair(a, sign: str) -> ShapedExpression:
    plus, minus = make("exp", (a,)), make("exp", (make("neg", (a,)),))
    return make("div", (make(sign, (plus, minus)), make("const", (), 2.0, SCALAR)))


_REWRITTEN = {
    "tan": lambda a: make("div", (make("sin", (a,)), make("cos", (a,)))),
    "sinh": lambda a: _exp_pair(a, "sub"),
    "cosh": lambda a: _exp_pair(a, "add"),
}


# --- forward mode -------------------------------------------------------------------------------------------------
def tensor_forward_mode(graph, source: str, entry: tuple[int, int] = (0, 0), inputs=None) -> dict[str, np.ndarray]:
    """d node / d source[entry] for every node, in the node's shape, in one forward sweep of Jacobian-vector
    products (the tangent of ``source`` is the unit matrix at ``entry``, every other input's is 0)."""
    node = graph.node(source)
    if not node.is_input:
        raise GraphError(f"'{source}' is not an input; forward mode pushes the derivative of an input")
    rows, cols = node.value_shape
    i, j = entry
    if not (0 <= i < rows and 0 <= j < cols):
        raise GraphError(f"{source} is {rows}×{cols}; it has no entry [{i + 1},{j + 1}]")
    values, _ = _run(graph, inputs)
    tangent: dict[str, np.ndarray] = {}
    for name in graph.topological_order():
        n = graph.nodes[name]
        if n.is_input:
            tangent[name] = np.zeros(values[name].shape)
            if name == source:
                tangent[name][i, j] = 1.0
        elif not any(np.any(tangent[p]) for p in n.parents):
            tangent[name] = np.zeros(values[name].shape)
        elif n.is_tensor:
            tangent[name] = _jvp(graph, n, values, tangent)
        else:
            partials = _scalar_partials(n, values)
            tangent[name] = np.full((1, 1), sum(d * float(tangent[p][0, 0]) for p, d in zip(n.parents, partials)))
    return tangent


def _jvp(graph, node, values, tangent) -> np.ndarray:
    program, parents = _jvp_program(graph, node)
    if program is None:
        return np.zeros(values[node.name].shape)
    env = {p: values[p] for p in node.parents}
    env.update({TANGENT + p: tangent[p] for p in parents})
    env[ADJOINT] = np.zeros(node.expression.shape)   # J·t does not depend on G (it is linear in G)
    with np.errstate(all="ignore"):
        return evaluate_many([program], env)[0]


def _jvp_program(graph, node) -> tuple[ShapedExpression | None, tuple[str, ...]]:
    """J·t of the node's formula as a shaped expression in its parents and their tangents T_p (None: J is 0)."""
    key = ("jvp", node.expression)
    if key in graph._programs:
        return graph._programs[key]
    expression = node.expression
    shapes = expression.variables
    g = B.var(ADJOINT, expression.shape)
    paired = B.fn("dot", g, expression) if expression.shape != SCALAR else B.mul(g, expression)
    vjps = gradients(paired, list(shapes))
    total = None
    for p, v in vjps.items():
        term = B.fn("dot", v, B.var(TANGENT + p, shapes[p])) if shapes[p] != SCALAR else B.mul(v, B.var(TANGENT + p,
                                                                                                      SCALAR))
        total = term if total is None else B.add(total, term)
    found = (None, ()) if total is None or ADJOINT not in total.variables else \
        (gradients(total, [ADJOINT])[ADJOINT], tuple(shapes))
    graph._programs[key] = found
    return found
