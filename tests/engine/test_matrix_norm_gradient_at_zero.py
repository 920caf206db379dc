"""A squared norm has a gradient where its argument is zero (a perfect fit): the numeric backward pass gives 0 there,
not 0/0 = NaN, and agrees with central differences."""
import warnings

import numpy as np

from engine.matrix import finite_difference_gradient, gradient_values, parse_matrix


def test_squared_norm_at_a_perfect_fit_has_a_zero_gradient():
    m = parse_matrix("norm2(x - y)^2", shapes={"x": (3, 1), "y": (3, 1)})
    values = {"x": np.array([[1.0], [2.0], [3.0]]), "y": np.array([[1.0], [2.0], [3.0]])}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grads = gradient_values(m, ["x", "y"], values)
    for name in ("x", "y"):
        assert np.all(np.isfinite(grads[name])) and np.allclose(grads[name], 0.0)
        assert np.allclose(grads[name], finite_difference_gradient(m, name, values), atol=1e-6)


def test_norm_away_from_zero_keeps_its_gradient():
    m = parse_matrix("norm2(x)", shapes={"x": (2, 1)})
    values = {"x": np.array([[3.0], [4.0]])}
    assert np.allclose(gradient_values(m, ["x"], values)["x"], [[0.6], [0.8]])
