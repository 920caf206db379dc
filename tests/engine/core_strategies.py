"""Hypothesis strategies: random formulas as text paired with an independent numpy reference.

The reference is built from the same random tree by plain numpy calls, never through the engine, so a test can
compare what the engine parsed, simplified and evaluated with what the formula means.
"""
import numpy as np
from hypothesis import strategies as st

VARIABLES = ("x", "y", "z")

# Functions safe on every real input and slow enough for central differences (sinh of sinh oscillates a sine
# faster than any fixed step can follow); domain-restricted ones get a safe argument below.
SMOOTH = {
    "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "softplus": lambda v: np.logaddexp(0.0, v),
}


def _leaf():
    variables = st.sampled_from(VARIABLES).map(lambda v: (v, lambda env, v=v: env[v]))
    numbers = st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25, 1.5, 10.0]).flatmap(
        lambda c: st.sampled_from([(repr(c), lambda env, c=c: c), (f"(-{c!r})", lambda env, c=c: -c)]))
    return st.one_of(variables, variables, numbers)


def _extend(children):
    def binary(op, fn):
        return st.tuples(children, children).map(
            lambda ab: (f"({ab[0][0]}){op}({ab[1][0]})", lambda env, a=ab[0][1], b=ab[1][1]: fn(a(env), b(env))))

    def unary(name, fn):
        return children.map(lambda a: (f"{name}({a[0]})", lambda env, f=a[1]: fn(f(env))))

    def power(n):
        return children.map(lambda a: (f"({a[0]})^{n}", lambda env, f=a[1]: f(env) ** float(n)))

    return st.one_of(
        binary("+", np.add), binary("-", np.subtract), binary("*", np.multiply),
        st.tuples(children, children).map(  # a denominator that cannot vanish
            lambda ab: (f"({ab[0][0]})/(1+({ab[1][0]})^2)",
                        lambda env, a=ab[0][1], b=ab[1][1]: a(env) / (1.0 + b(env) ** 2))),
        children.map(lambda a: (f"-({a[0]})", lambda env, f=a[1]: -f(env))),
        children.map(lambda a: (f"log(1+({a[0]})^2)", lambda env, f=a[1]: np.log(1.0 + f(env) ** 2))),
        children.map(lambda a: (f"sqrt(2+sin({a[0]}))", lambda env, f=a[1]: np.sqrt(2.0 + np.sin(f(env))))),
        children.map(lambda a: (f"exp(sin({a[0]}))", lambda env, f=a[1]: np.exp(np.sin(f(env))))),
        st.sampled_from([2, 3, -1, -2]).flatmap(lambda n: children.map(
            lambda a, n=n: (f"(2+sin({a[0]}))^{n}", lambda env, f=a[1]: (2.0 + np.sin(f(env))) ** float(n)))),
        st.sampled_from([2, 3]).flatmap(power),
        *(unary(name, fn) for name, fn in SMOOTH.items()),
    )


def formulas(max_leaves: int = 12):
    """(text, reference) where reference(env) evaluates the formula with numpy on a dict of arrays."""
    return st.recursive(_leaf(), _extend, max_leaves=max_leaves)


def points(n_variables: int = len(VARIABLES)):
    return st.lists(st.floats(-1.5, 1.5, allow_nan=False), min_size=n_variables, max_size=n_variables)
