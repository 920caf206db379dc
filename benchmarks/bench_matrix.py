"""Matrix engine benchmark: prints RATIOS measured in one run (never a test; numbers depend on the machine).

    .venv/bin/python benchmarks/bench_matrix.py [--quick]

Targets (../shared/DESIGN.md, "Performance targets"):
  * a shaped expression evaluated <= 1.3x the hand-written numpy;
  * its gradient <= 3x its value: least squares ||Ax - b||^2 with A 2000x2000, ||X - UV||^2 with X 1000x800;
  * deriving and printing a gradient formula < 50 ms.
The gradient is timed two ways: evaluating the symbolic gradient formula (which recomputes the shared forward
values it needs), and one numeric forward + backward pass over the rule table's VJPs. Each ratio's sides are
timed in turn within every repeat and each figure is the fastest of its repeats: on a shared machine a call is
either what the code costs or that plus a preemption (samples here were bimodal, 1.3 ms or 5–20 ms for the same
product), and the minimum keeps the preemptions out. BLAS runs on one thread unless OPENBLAS_NUM_THREADS says
otherwise (threads fighting over two cores made matrix products vary tenfold between calls).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import interleaved_medians  # noqa: E402
from engine import parse_matrix  # noqa: E402
from engine.matrix import evaluate_many, gradient_values  # noqa: E402
from engine.matrix.presets import load_presets  # noqa: E402


def _squared_norm(r):
    return np.vdot(r, r)              # one BLAS dot: the fastest hand-written sum of squares


def _least_squares_gradient(v, names):
    r = v["A"] @ v["x"] - v["b"]
    return [2 * (v["A"].T @ r)]


def _factorization_gradient(v, names):
    r = v["X"] - v["U"] @ v["V"]
    return [-2 * (r @ v["V"].T) if n == "U" else -2 * (v["U"].T @ r) for n in names]


HAND_GRADIENTS = {"least squares ||Ax-b||^2": _least_squares_gradient,
                  "factorization ||X-UV||^2": _factorization_gradient}


def cases(scale: float):
    """(name, formula, shapes, hand-written numpy value, variables to differentiate)."""
    n = int(2000 * scale)
    rows, cols, rank = int(1000 * scale), int(800 * scale), 50
    samples, features = int(20000 * scale), 50
    return [
        ("least squares ||Ax-b||^2", "norm2(A*x - b)^2", {"A": (n, n), "x": n, "b": n},
         lambda v: _squared_norm(v["A"] @ v["x"] - v["b"]), ["x"]),
        ("factorization ||X-UV||^2", "norm2(X - U*V)^2", {"X": (rows, cols), "U": (rows, rank), "V": (rank, cols)},
         lambda v: _squared_norm(v["X"] - v["U"] @ v["V"]), ["U", "V"]),
        ("logistic loss", "sum(log(1 + exp(-y.*(X*w))))", {"X": (samples, features), "w": features, "y": samples},
         lambda v: np.sum(np.log(1 + np.exp(-v["y"] * (v["X"] @ v["w"])))), ["w"]),
        ("tr(AXB)", "tr(A*X*B)", {"A": (rows // 2, rows), "X": (rows, cols), "B": (cols, rows // 2)},
         lambda v: np.trace(v["A"] @ v["X"] @ v["B"]), ["X"]),
    ]


def evaluation(repeats: int, scale: float) -> None:
    print("Evaluation: engine / hand-written numpy (target <= 1.3)")
    rng = np.random.default_rng(0)
    for name, text, shapes, hand, _ in cases(scale):
        m = parse_matrix(text, shapes)
        values = {k: rng.standard_normal(s) for k, s in m.variables.items()}
        assert np.isclose(m.evaluate(values), hand(values), rtol=1e-9)
        t_hand, t_engine = interleaved_medians([lambda: hand(values), lambda: m.evaluate(values)], repeats,
                                               statistic=min)
        print(f"  {name:28s} numpy {t_hand * 1e3:8.2f} ms   engine {t_engine * 1e3:8.2f} ms   "
              f"ratio {t_engine / t_hand:5.2f}")


def gradients(repeats: int, scale: float) -> None:
    print("Gradient / value (target <= 3): symbolic formula evaluated | numeric forward+backward | the same "
          "gradient hand-written in numpy / its hand-written value (what the arithmetic itself costs here)")
    rng = np.random.default_rng(1)
    for name, text, shapes, hand, wrt in cases(scale)[:2]:
        m = parse_matrix(text, shapes)
        values = {k: rng.standard_normal(s) for k, s in m.variables.items()}
        for names in [[w] for w in wrt] + ([wrt] if len(wrt) > 1 else []):
            grads = [m.grad(w) for w in names]
            t_value, t_formula, t_numeric, t_hand_value, t_hand = interleaved_medians(
                [lambda: m.evaluate(values), lambda: evaluate_many(grads, values),
                 lambda: gradient_values(m, names, values), lambda: hand(values),
                 lambda: HAND_GRADIENTS[name](values, names)], repeats, statistic=min)
            label = f"{name} wrt {','.join(names)}"
            print(f"  {label:34s} value {t_value * 1e3:7.2f} ms   formula {t_formula / t_value:5.2f}x   "
                  f"numeric {t_numeric / t_value:5.2f}x   hand {t_hand / t_hand_value:5.2f}x")


def derivation(repeats: int) -> None:
    print("Parse + derive + print a gradient formula, fresh each time (target < 50 ms)")
    for preset in load_presets():
        def run():
            m = parse_matrix(preset.expression, preset.shapes)
            return [str(m.grad(w)) for w in m.variables]
        (t,) = interleaved_medians([run], repeats, statistic=min)
        print(f"  {preset.key:20s} {len(preset.parse().variables)} gradients   {t * 1e3:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (a smoke run)")
    args = parser.parse_args()
    # many repeats: a longer call is preempted more often, and its fastest repeat needs more tries to be clean
    repeats, scale = (3, 0.25) if args.quick else (41, 1.0)
    evaluation(repeats, scale)
    gradients(repeats, scale)
    derivation(max(repeats, 5))


if __name__ == "__main__":
    main()
