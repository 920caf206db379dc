"""10⁴ random mutations (valid and invalid) keep every invariant, refusals change nothing, the events keep a view in
step, and undoing every accepted mutation walks the graph back through exactly the states it went through."""
import random

from engine.graph import Graph, GraphError
from engine.graph.fileformat import graph_from_dict, graph_to_dict
from tests.engine.graph_helpers import Mirror, assert_invariants

SEQUENCES = 200
STEPS = 50          # 200 × 50 = 10⁴ mutations
VALID_NAMES = [f"n{i}" for i in range(16)] + ["e2", "node_7"]
INVALID_NAMES = ["pi", "e", "1bad", "exp", "a b"]
TEMPLATES = ["{a} + {b}", "{a}*{b}", "sin({a})", "{a}^2 - {b}", "tanh({a}*{b}) + 1", "{a}/(1 + {b}^2)",
             "exp(0.1*{a})", "2.5", "{a} - {a}", "{a} +* {b}", "log("]
VALUES = [0.0, 1.5, -2.0, 0.25, 3, -0.5, 1e-3, float("nan"), float("inf"), "3"]


def random_mutation(g: Graph, rng: random.Random):
    names = list(g.nodes) or ["n0"]
    pick = rng.choice

    def new_name():
        return pick(INVALID_NAMES) if rng.random() < 0.1 else pick(VALID_NAMES)

    formula = pick(TEMPLATES).format(a=pick(names) if rng.random() < 0.9 else new_name(), b=pick(names))
    choices = [
        lambda: g.add_input(new_name(), pick(VALUES), (rng.uniform(-100, 100), 0.0)),
        lambda: g.add_formula(new_name(), formula),
        lambda: g.add_formula(new_name(), formula),
        lambda: g.remove(pick(names), force=rng.random() < 0.3),
        lambda: g.rename(pick(names), new_name()),
        lambda: g.set_value(pick(names), pick(VALUES)),
        lambda: g.set_formula(pick(names), formula),
        lambda: g.set_formula(pick(names), formula),
        lambda: g.move(pick(names), (rng.uniform(-50, 50), rng.uniform(-50, 50))),
        lambda: g.set_output(pick(names + [None])),
        lambda: g.remove_many(rng.sample(names, min(len(names), 2))),
    ]
    if rng.random() < 0.01:
        return lambda: g.replace_all(Graph())
    if rng.random() < 0.5 / (1 + len(g.nodes) / 3):   # an empty graph needs inputs before anything else works
        return choices[0]
    return pick(choices)


def run_sequence(seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    g = Graph()
    mirror = Mirror(g)
    history, undos, refusals = [g.snapshot()], [], 0
    for _ in range(STEPS):
        mutate = random_mutation(g, rng)
        before, heard = g.snapshot(), len(mirror.events)
        try:
            undo = mutate()
        except GraphError:
            refusals += 1
            assert g.snapshot() == before and len(mirror.events) == heard
            continue
        undos.append(undo)
        history.append(g.snapshot())
        assert_invariants(g)
        assert mirror.agrees()
        if g.output is not None:
            assert g.backward() == graph_from_dict(graph_to_dict(g)).backward()   # no stale cached pass
    redos = []
    for undo, state in zip(reversed(undos), reversed(history[:-1])):
        redos.append(undo())
        assert g.snapshot() == state
        assert mirror.agrees()
    for redo, state in zip(reversed(redos), history[1:]):
        redo()
        assert g.snapshot() == state
    assert_invariants(g)
    return len(undos), refusals


def test_ten_thousand_random_mutations_keep_invariants_and_undo_exactly():
    accepted = refused = 0
    for seed in range(SEQUENCES):
        a, r = run_sequence(seed)
        accepted += a
        refused += r
    assert accepted + refused == SEQUENCES * STEPS
    assert accepted > 4000 and refused > 2500   # both kinds are well exercised

