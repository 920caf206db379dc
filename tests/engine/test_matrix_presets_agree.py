"""Every matrix preset's gradient agrees with central differences, with the same function written out in
components through the scalar engine, and with the hand-derived closed form."""
import numpy as np
import pytest

from engine import parse
from engine.matrix import max_fd_error
from engine.matrix.presets import find_preset, load_presets
from tests.engine.matrix_components import component_name, component_values, components

PRESETS = load_presets()
KEYS = [p.key for p in PRESETS]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# d f / d variable, derived by hand (denominator layout), as numpy on the values
CLOSED_FORMS = {
    ("beta-x", "x"): lambda v: v["beta"].T,
    ("x-beta", "x"): lambda v: v["beta"].T,
    ("quadratic-form", "x"): lambda v: (v["A"] + v["A"].T) @ v["x"],
    ("factorization", "V"): lambda v: -2 * v["U"].T @ (v["X"] - v["U"] @ v["V"]),
    ("factorization", "U"): lambda v: -2 * (v["X"] - v["U"] @ v["V"]) @ v["V"].T,
    ("least-squares", "x"): lambda v: 2 * v["A"].T @ (v["A"] @ v["x"] - v["b"]),
    ("ridge", "x"): lambda v: 2 * v["A"].T @ (v["A"] @ v["x"] - v["b"]) + 2 * v["c"] * v["x"],
    ("logistic", "w"): lambda v: -v["X"].T @ (v["y"] * _sigmoid(-v["y"] * (v["X"] @ v["w"]))),
    ("linear-regression", "w"): lambda v: 2 * v["X"].T @ (v["X"] @ v["w"] + v["b"] - v["y"]),
    ("linear-regression", "b"): lambda v: np.full((1, 1), 2 * np.sum(v["X"] @ v["w"] + v["b"] - v["y"])),
    ("trace", "X"): lambda v: v["A"].T @ v["B"].T,
    ("logdet", "X"): lambda v: np.linalg.inv(v["X"]),          # X is symmetric: inv(X)' = inv(X)
    ("norm-v", "v"): lambda v: v["v"] / np.linalg.norm(v["v"]),
}


def _values(preset, seed=0):
    return {k: np.atleast_2d(np.asarray(v, dtype=float)) for k, v in preset.values_for(seed).items()}


def _gradient(m, name, values):
    return np.asarray(m.grad(name).evaluate(values), dtype=float).reshape(m.variables[name])


def test_presets_load_and_cover_the_issue():
    assert {"beta-x", "quadratic-form", "factorization", "least-squares", "ridge", "logistic",
            "linear-regression", "trace", "logdet", "norm-v"} <= set(KEYS)
    assert find_preset(PRESETS, "factorization").descend == ("U", "V")


@pytest.mark.parametrize("key", KEYS)
def test_preset_gradients_match_central_differences(key):
    preset = find_preset(PRESETS, key)
    m = preset.parse()
    for seed in range(3):
        values = _values(preset, seed)
        for name in m.variables:
            scale = max(1.0, float(np.max(np.abs(_gradient(m, name, values)))))
            assert max_fd_error(m, name, values) < 1e-6 * scale, (key, name)


@pytest.mark.parametrize("key", KEYS)
def test_preset_gradients_match_the_scalar_engine_in_components(key):
    preset = find_preset(PRESETS, key)
    m = preset.parse()
    f = parse(components(m)[0, 0])
    values = _values(preset)
    flat = component_values(values)
    assert f.evaluate(flat) == pytest.approx(m.evaluate(values), rel=1e-10)
    scalar_gradient = dict(zip(f.variables, f.grad()))
    for name, shape in m.variables.items():
        expected = np.array([[float(scalar_gradient[component_name(name, i, j)].evaluate(flat))
                              if component_name(name, i, j) in scalar_gradient else 0.0
                              for j in range(shape[1])] for i in range(shape[0])])
        np.testing.assert_allclose(_gradient(m, name, values), expected, rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("key, name", sorted(CLOSED_FORMS))
def test_preset_gradients_match_the_closed_forms(key, name):
    preset = find_preset(PRESETS, key)
    m = preset.parse()
    for seed in range(3):
        values = _values(preset, seed)
        np.testing.assert_allclose(_gradient(m, name, values), CLOSED_FORMS[key, name](values), rtol=1e-10,
                                   atol=1e-12)


def test_logdet_values_are_symmetric_positive_definite():
    X = _values(find_preset(PRESETS, "logdet"))["X"]
    np.testing.assert_allclose(X, X.T)
    assert np.all(np.linalg.eigvalsh(X) > 0)


def test_fixed_preset_values_are_kept():
    values = _values(find_preset(PRESETS, "logistic"))
    assert set(np.unique(values["y"])) == {-1.0, 1.0}
    assert _values(find_preset(PRESETS, "ridge"))["c"][0, 0] == 0.5


def test_chapter_factorization_sign():
    """The chapter prints 2Uᵀ(X − UV); the engine computes (and central differences confirm) −2Uᵀ(X − UV)."""
    assert str(find_preset(PRESETS, "factorization").parse().grad("V")) == "-2*U'*(X - U*V)"
