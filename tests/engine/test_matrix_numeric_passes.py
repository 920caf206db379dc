"""The numeric interpretation of the rule table: every node's value, every node's adjoint, one node's VJPs — the
API graph tensor nodes build on — agree with the symbolic gradients and with numpy."""
import numpy as np

from engine import parse_matrix
from engine.matrix import NUMERIC_OPS, backward, forward, vjp
from engine.matrix.rules import RULES


def test_forward_gives_every_node_with_its_shape():
    m = parse_matrix("sigmoid(W*x + b)", {"W": (4, 3), "b": 4})
    rng = np.random.default_rng(0)
    values = {"W": rng.standard_normal((4, 3)), "x": rng.standard_normal((3, 1)), "b": rng.standard_normal((4, 1))}
    computed = forward([m], values)
    assert set(computed) == set(m.nodes())
    for node, value in computed.items():
        assert value.shape == node.shape
    np.testing.assert_allclose(computed[m], 1 / (1 + np.exp(-(values["W"] @ values["x"] + values["b"]))))


def test_backward_with_a_seed_is_a_vector_jacobian_product():
    m = parse_matrix("A*x", {"A": (2, 3)})
    rng = np.random.default_rng(1)
    A, x, seed = rng.standard_normal((2, 3)), rng.standard_normal((3, 1)), rng.standard_normal((2, 1))
    adjoints = backward(m, forward([m], A=A, x=x), seed=seed)
    by_name = {n.name: a for n, a in adjoints.items() if n.op == "var"}
    np.testing.assert_allclose(by_name["x"], A.T @ seed)
    np.testing.assert_allclose(by_name["A"], seed @ x.T)


def test_backward_matches_the_symbolic_gradient_on_a_network_loss():
    m = parse_matrix("norm2(V*tanh(W*X) - Y)^2", {"V": (1, 4), "W": (4, 2), "X": (2, 10), "Y": (1, 10)})
    rng = np.random.default_rng(2)
    values = {n: rng.standard_normal(s) for n, s in m.variables.items()}
    adjoints = backward(m, forward([m], values))
    for node in m.nodes():
        if node.op == "var":
            np.testing.assert_allclose(adjoints[node], m.grad(node.name).evaluate(values), rtol=1e-12)


def test_one_node_vjp():
    m = parse_matrix("X*Y", {"X": (2, 3), "Y": (3, 4)})
    rng = np.random.default_rng(3)
    values = forward([m], X=rng.standard_normal((2, 3)), Y=rng.standard_normal((3, 4)))
    g = rng.standard_normal((2, 4))
    gx, gy = vjp(m, g, values)
    X, Y = (values[a] for a in m.args)
    np.testing.assert_allclose(gx, g @ Y.T)
    np.testing.assert_allclose(gy, X.T @ g)


def test_every_rule_declares_shape_evaluation_vjps_and_printing():
    for name, rule in RULES.items():
        if rule.kind == "leaf":
            continue
        assert rule.shape and rule.evaluate and len(rule.vjp) == rule.arity, name
        assert rule.symbol, name
    assert NUMERIC_OPS.mm(np.ones((1, 1)), np.ones((2, 2))).shape == (2, 2)


def test_long_sums_print_and_differentiate_without_recursion():
    text = "+".join(f"a{i}*b{i}" for i in range(180))
    m = parse_matrix(text)
    assert parse_matrix(str(m)).variables == m.variables
    assert str(m.grad("a7")) == "b7"
