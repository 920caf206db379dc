"""The function's spread over the box (what "∇f ≈ 0" at a start is judged against) is the same whether f is
evaluated at every grid point in one call or one point at a time (objectives without a many-points evaluator)."""
import dataclasses

import pytest

from engine import Objective, parse
from engine.analysis.starts import choose_start, function_scale


@pytest.mark.parametrize("text", ["x*exp(-x^2 - y^2)", "log(x) + y^2", "1/x + y", "sqrt(1 - x^2 - y^2)",
                                  "(1 - x)^2 + 100*(y - x^2)^2", "x^2 - y^2", "exp(50*x)*y"])
@pytest.mark.parametrize("box", [[(-2.0, 2.0), (-2.0, 2.0)], [(0.5, 3.0), (-1.0, 0.0)], [(-1e-3, 1e-3), (0.0, 5.0)]])
def test_spread_and_start_are_the_same_in_one_call(text, box):
    objective = Objective.from_expression(parse(text))
    one_at_a_time = dataclasses.replace(objective, value_and_gradient_many=None)
    assert function_scale(objective, box) == function_scale(one_at_a_time, box)
    assert (choose_start(objective, box).point == choose_start(one_at_a_time, box).point).all()
