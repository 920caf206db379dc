"""A matrix expression written out in components as one scalar formula for the scalar engine (``engine.parse``).

Each node becomes an array of scalar formula strings: ``X`` is ``X_0_0, X_0_1, …``; a matrix product is the sums
of products; ``det`` a Laplace expansion; ``inv`` the adjugate over the determinant. The scalar engine then
differentiates the written-out function with its own primitive rules, independently of the matrix rule table.
Meant for tiny shapes (the strings grow fast).
"""
import numpy as np

ELEMENTWISE = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "softplus", "step", "sign")


def component_name(name: str, i: int, j: int) -> str:
    return f"{name}_{i}_{j}"


def _grid(shape, fill):
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        out[index] = fill(*index)
    return out


def _broadcast(a, b):
    if a.shape == (1, 1):
        a = _grid(b.shape, lambda i, j: a[0, 0])
    if b.shape == (1, 1):
        b = _grid(a.shape, lambda i, j: b[0, 0])
    return a, b


def _entrywise(op, a, b):
    a, b = _broadcast(a, b)
    return _grid(a.shape, lambda i, j: f"({a[i, j]}){op}({b[i, j]})")


def _det(m) -> str:
    n = m.shape[0]
    if n == 1:
        return f"({m[0, 0]})"
    terms = []
    for j in range(n):
        minor = np.delete(np.delete(m, 0, axis=0), j, axis=1)
        terms.append(f"{'+' if j % 2 == 0 else '-'}({m[0, j]})*{_det(minor)}")
    return "(" + "".join(terms) + ")"


def _inv(m):
    n = m.shape[0]
    det = _det(m)
    if n == 1:
        return _grid((1, 1), lambda i, j: f"1/{det}")

    def cofactor(i, j):   # (i, j) of the inverse is the (j, i) cofactor over det
        minor = np.delete(np.delete(m, j, axis=0), i, axis=1)
        return f"({'' if (i + j) % 2 == 0 else '-'}{_det(minor)})/{det}"
    return _grid((n, n), cofactor)


def _scalar(text: str):
    return _grid((1, 1), lambda i, j: text)


def components(node, memo=None):
    """The array of scalar formula strings for ``node`` (a ShapedExpression)."""
    memo = {} if memo is None else memo
    if id(node) in memo:
        return memo[id(node)]
    op, args = node.op, [components(a, memo) for a in node.args]
    if op == "var":
        out = _grid(node.shape, lambda i, j: component_name(node.attr[0], i, j))
    elif op == "const":
        out = _scalar(repr(node.attr))
    elif op in ("ones", "zeros", "eye"):
        out = _grid(node.shape, lambda i, j: "1" if op == "ones" or (op == "eye" and i == j) else "0")
    elif op in ("add", "sub", "mul", "div", "pow"):
        out = _entrywise({"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}[op], *args)
    elif op == "neg":
        out = _grid(node.shape, lambda i, j: f"-({args[0][i, j]})")
    elif op == "matmul":
        a, b = args
        out = _grid(node.shape, lambda i, j: "+".join(f"({a[i, k]})*({b[k, j]})" for k in range(a.shape[1])))
    elif op == "transpose":
        out = args[0].T.copy()
    elif op in ELEMENTWISE:
        out = _grid(node.shape, lambda i, j: f"{op}({args[0][i, j]})")
    elif op == "sum":
        out = _scalar("+".join(f"({t})" for t in args[0].flat))
    elif op == "norm1":
        out = _scalar("+".join(f"abs({t})" for t in args[0].flat))
    elif op == "norm2":
        out = _scalar("sqrt(" + "+".join(f"({t})^2" for t in args[0].flat) + ")")
    elif op == "tr":
        out = _scalar("+".join(f"({args[0][i, i]})" for i in range(node.args[0].shape[0])))
    elif op == "dot":
        out = _scalar("+".join(f"({a})*({b})" for a, b in zip(args[0].flat, args[1].flat)))
    elif op == "det":
        out = _scalar(_det(args[0]))
    elif op == "logdet":
        out = _scalar(f"log({_det(args[0])})")
    elif op == "inv":
        out = _inv(args[0])
    else:
        raise NotImplementedError(op)
    memo[id(node)] = out
    return out


def component_values(values: dict) -> dict:
    """Matrix values → the scalar engine's variables ``X_i_j``."""
    out = {}
    for name, value in values.items():
        value = np.atleast_2d(np.asarray(value, dtype=float))
        for (i, j), v in np.ndenumerate(value):
            out[component_name(name, i, j)] = float(v)
    return out
