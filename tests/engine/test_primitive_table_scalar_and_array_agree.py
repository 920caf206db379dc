"""One primitive table: each primitive's scalar interpretation (used by the chain-rule graph's passes on Python
floats) gives the same value and the same local partials as its numpy evaluation and its derivative rule, at the
awkward points too: 0, −0, ±inf, NaN, 1e308 and ordinary points."""
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from engine.expr import build as E
from engine.expr.primitives import PRIMITIVES

SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e308, -1e308, 0.5, -0.5, 2.0, -3.0, 1e-300, 40.0, -40.0,
           710.0, 1.0]


def _points(arity):
    return [(x,) for x in SPECIAL] if arity == 1 else list(itertools.product(SPECIAL, repeat=2))


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return a != 0 or math.copysign(1, a) == math.copysign(1, b)
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 4e-16 * max(abs(a), abs(b))


def _array_value(prim, args):
    with np.errstate(all="ignore"):
        return float(prim.impl(*(np.array([a]) for a in args))[0])


def _rule_value(prim, i, args):
    """The derivative rule's expression, evaluated with numpy at ``args``."""
    names = ("x", "y")[:prim.arity]
    variables = [E.var(n) for n in names]
    out = E.apply(prim.name, *variables)
    partial = prim.deriv(i, variables, out, E)
    env = {n: np.array([a]) for n, a in zip(names, args)}
    with np.errstate(all="ignore"):
        return float(np.broadcast_to(E.evaluate_many([partial], env)[0], (1,))[0])


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_scalar_value_matches_the_array_evaluation(name):
    prim = PRIMITIVES[name]
    bad = [(args, prim.scalar(*args), _array_value(prim, args)) for args in _points(prim.arity)
           if not _same(prim.scalar(*args), _array_value(prim, args))]
    assert bad == []


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_scalar_partials_match_the_derivative_rule(name):
    prim = PRIMITIVES[name]
    assert len(prim.scalar_deriv) == prim.arity
    bad = []
    for args in _points(prim.arity):
        for i, partial in enumerate(prim.scalar_deriv):
            got, want = partial(*args), _rule_value(prim, i, args)
            if not _same(got, want):
                bad.append((i, args, got, want))
    assert bad == []


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_scalar_interpretation_never_raises(name):
    prim = PRIMITIVES[name]
    for args in _points(prim.arity):
        assert isinstance(prim.scalar(*args), float)
        for partial in prim.scalar_deriv:
            assert isinstance(partial(*args), float)


def test_graph_passes_have_no_primitives_of_their_own():
    import engine.graph.passes as passes
    source = Path(passes.__file__).read_text(encoding="utf-8")
    assert "math.exp" not in source and "def _sigmoid" not in source and "def _softplus" not in source
