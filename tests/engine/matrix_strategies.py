"""Hypothesis strategies: random well-shaped matrix formulas as text, paired with an independent numpy reference.

A formula of a wanted shape is grown from operations whose shape rules are known (sums, scalings, matrix
products with a random inner size, transposes, entrywise functions, sum/norm/trace/dot/det/inv/logdet). The
reference is built from the same random tree by plain numpy calls, never through the engine, so a test can compare
the engine's parse, value and gradient with what the formula means (the gradient by central differences of the
reference).
"""
import numpy as np
from hypothesis import strategies as st

DIMS = st.integers(1, 3)

SMOOTH = {
    "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "softplus": lambda v: np.logaddexp(0.0, v),
}


def variable_name(shape, index: int) -> str:
    return f"{'PQ'[index]}{shape[0]}{shape[1]}"


def _mm(a, b):
    return a * b if a.shape == (1, 1) or b.shape == (1, 1) else a @ b


def _leaf(draw, shape):
    if shape == (1, 1) and draw(st.booleans()):
        c = draw(st.sampled_from([0.5, 2.0, 3.0, 1.5]))
        return repr(c), lambda env, c=c: np.full((1, 1), c)
    name = variable_name(shape, draw(st.integers(0, 1)))
    return name, lambda env, n=name: env[n]


def _scalar_only(draw, depth):
    kind = draw(st.sampled_from(["sum", "norm2sq", "norm2", "tr", "dot", "det", "logdet"]))
    inner = (draw(DIMS), draw(DIMS))
    if kind in ("tr", "det", "logdet"):
        inner = (inner[0], inner[0])
    a_text, a = draw(shaped(inner, depth - 1))
    if kind == "sum":
        return f"sum({a_text})", lambda env: np.full((1, 1), np.sum(a(env)))
    if kind == "norm2sq":
        return f"norm2({a_text})^2", lambda env: np.full((1, 1), np.sum(a(env) ** 2))
    if kind == "norm2":
        return f"norm2(1 + ({a_text}).^2)", lambda env: np.full((1, 1), np.sqrt(np.sum((1 + a(env) ** 2) ** 2)))
    if kind == "tr":
        return f"tr({a_text})", lambda env: np.full((1, 1), np.trace(a(env)))
    if kind == "dot":
        b_text, b = draw(shaped(inner, depth - 1))
        return f"dot({a_text}, {b_text})", lambda env: np.full((1, 1), np.sum(a(env) * b(env)))
    n = inner[0]
    safe = lambda env: 4 * np.eye(n) + np.sin(a(env))   # noqa: E731 - eigenvalues have real parts >= 1
    if kind == "det":
        return f"det(4*eye({n}) + sin({a_text}))", lambda env: np.full((1, 1), np.linalg.det(safe(env)))
    return f"logdet(4*eye({n}) + sin({a_text}))", lambda env: np.full((1, 1), np.log(np.linalg.det(safe(env))))


def _composite(draw, shape, depth):
    r, c = shape
    kinds = ["add", "sub", "scale", "broadcast", "matmul", "transpose", "smooth", "emul", "ediv", "square", "logsq",
             "expsin"]
    if r == c:
        kinds.append("inv")
    if shape == (1, 1):
        kinds += ["scalar"] * 4
    kind = draw(st.sampled_from(kinds))
    sub = lambda s: draw(shaped(s, depth - 1))   # noqa: E731
    if kind == "scalar":
        return _scalar_only(draw, depth)
    if kind in ("add", "sub", "emul"):
        (at, a), (bt, b) = sub(shape), sub(shape)
        op, fn = {"add": ("+", np.add), "sub": ("-", np.subtract), "emul": (".*", np.multiply)}[kind]
        return f"({at}) {op} ({bt})", lambda env: fn(a(env), b(env))
    if kind == "ediv":
        (at, a), (bt, b) = sub(shape), sub(shape)
        return f"({at})./(1 + ({bt}).^2)", lambda env: a(env) / (1 + b(env) ** 2)
    if kind in ("scale", "broadcast"):
        (st_, s), (at, a) = sub((1, 1)), sub(shape)
        if kind == "scale":
            return f"({st_})*({at})", lambda env: s(env) * a(env)
        return f"({st_}) + ({at})", lambda env: s(env) + a(env)
    if kind == "matmul":
        k = draw(DIMS)
        (at, a), (bt, b) = sub((r, k)), sub((k, c))
        return f"({at})*({bt})", lambda env: _mm(a(env), b(env))
    if kind == "transpose":
        at, a = sub((c, r))
        return f"({at})'", lambda env: a(env).T
    if kind == "inv":
        at, a = sub(shape)
        return f"inv(4*eye({r}) + sin({at}))", lambda env: np.linalg.inv(4 * np.eye(r) + np.sin(a(env)))
    at, a = sub(shape)
    if kind == "smooth":
        name = draw(st.sampled_from(sorted(SMOOTH)))
        return f"{name}({at})", lambda env, f=SMOOTH[name]: f(a(env))
    if kind == "square":
        return f"({at}).^2", lambda env: a(env) ** 2
    if kind == "logsq":
        return f"log(1 + ({at}).^2)", lambda env: np.log(1 + a(env) ** 2)
    return f"exp(sin({at}))", lambda env: np.exp(np.sin(a(env)))


@st.composite
def shaped(draw, shape, depth):
    """(text, reference) of a formula of ``shape``; ``reference(env)`` is a 2-D array of that shape."""
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return _leaf(draw, shape)
    return _composite(draw, shape, depth)


@st.composite
def scalar_formulas(draw, depth: int = 3):
    """(text, reference) of a scalar-valued formula."""
    return draw(shaped((1, 1), depth))


def shapes_of(text: str) -> dict:
    """The shapes the variable names of :func:`variable_name` spell (P23 is 2×3)."""
    import re
    return {m: (int(m[1]), int(m[2])) for m in set(re.findall(r"\b[PQ]\d\d\b", text))}


def env_for(shapes: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape) for name, shape in sorted(shapes.items())}


def central_differences(reference, env: dict, name: str, h: float = 1e-6) -> np.ndarray:
    """d reference / d env[name], entry by entry, by central differences (shares no code with the engine)."""
    base = env[name]
    out = np.empty(base.shape)
    for index in np.ndindex(*base.shape):
        up, down = base.copy(), base.copy()
        up[index] += h
        down[index] -= h
        out[index] = (reference({**env, name: up})[0, 0] - reference({**env, name: down})[0, 0]) / (2 * h)
    return out
