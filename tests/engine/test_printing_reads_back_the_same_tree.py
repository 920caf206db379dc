"""Printing parses back to the same formula: the same interned node, not merely the same values. The minus sign binds
to the first factor only, so -((x − pi)/e) must not print as -(x − pi)/e (which reads back as (pi − x)/e)."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import parse
from engine.expr import build as E


@pytest.mark.parametrize("text", [
    "exp(-(((x+0)-pi)/e))", "-((x-1)/y)", "-((x-1)*y/z)", "-((x+y)*z)", "-(x*y)", "-(x/y)", "-((-x)^2/y)",
    "-(x-1)*y", "x/-(y+1)", "-(x^2)", "(-x)^2", "-(sin(x)-1)/2", "-(1/x/x)", "2*(x/(x+x))", "2*(2/x/x)",
])
def test_printed_text_is_the_same_node(text):
    f = parse(text)
    assert parse(str(f)) is f, (text, str(f))


def test_the_chapter_case_prints_its_parentheses():
    assert str(parse("exp(-(((x+0)-pi)/e))")) == "exp(-((x - pi)/e))"


_leaves = st.one_of(st.sampled_from([E.var("x"), E.var("y"), E.var("z")]),
                    st.sampled_from([0.0, 1.0, 2.0, 0.5, -1.0, -3.0, math.pi, math.e]).map(E.const))


@settings(max_examples=300, deadline=None)
@given(st.recursive(_leaves, lambda kids: st.one_of(
    st.tuples(st.sampled_from(["add", "sub", "mul", "div", "pow"]), kids, kids).map(lambda t: E.apply(*t)),
    st.tuples(st.sampled_from(["neg", "exp", "sin", "log"]), kids).map(lambda t: E.apply(*t))), max_leaves=8))
def test_trees_built_directly_print_to_text_that_parses_to_the_same_node(f):
    assert parse(str(f)) is f, str(f)
