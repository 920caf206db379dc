"""Expression engine benchmark: prints RATIOS measured in one run (never a test; numbers depend on the machine).

    .venv/bin/python benchmarks/bench_expressions.py [--quick]

Targets (docs: ../shared/DESIGN.md, "Performance targets"):
  * parse + evaluate f on 1024² <= 1.2x the hand-written numpy expression; parse + prepare < 5 ms;
  * whole gradient on 512² <= 3x f; whole Hessian <= 6x f (log-sum-exp, x*exp(-x^2-y^2), the chapter's nested chain).
sympy's lambdify is timed beside as a peer. Its input is the trusted text written in this file, never user text.
Every figure is the median of several repeats, so a busy machine skews it less.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import median_seconds  # noqa: E402
from engine import evaluate_many, parse  # noqa: E402
from engine.expr.autodiff import hessian  # noqa: E402
from engine.expr.evaluation import clear_plan_cache  # noqa: E402

NESTED = "(((w+x+y+z)^2+(w+x-y-z)^2)^2+((w+x+y+z)^2-(w+x-y-z)^2)^2)^2"


def _lse_numpy(x, y):
    return np.log(np.exp(x) + np.exp(y))


def _bump_numpy(x, y):
    return x * np.exp(-x ** 2 - y ** 2)


def _nested_numpy(w, x, y, z):
    a, b = (w + x + y + z) ** 2, (w + x - y - z) ** 2
    u, v = (a + b) ** 2, (a - b) ** 2
    return (u + v) ** 2


# name, formula (parsed by the engine and, as trusted text, by sympy), hand-written numpy, variables
CASES = [
    ("log-sum-exp", "log(exp(x)+exp(y))", _lse_numpy, ("x", "y")),
    ("x*e^(-x^2-y^2)", "x*exp(-x^2-y^2)", _bump_numpy, ("x", "y")),
    ("nested chain", NESTED, _nested_numpy, ("w", "x", "y", "z")),
]


def grid(names, n: int) -> dict[str, np.ndarray]:
    """Full n x n arrays for every variable (values in [-1, 1], so the nested chain stays finite)."""
    rng = np.random.default_rng(7)
    return {name: rng.uniform(-1.0, 1.0, size=(n, n)) for name in names}


def parse_and_prepare_ms(text: str, repeats: int) -> float:
    def run():
        clear_plan_cache()
        f = parse(text)
        evaluate_many([f], {v: 0.0 for v in f.variables})  # builds and caches f's evaluation plan
    return 1000 * median_seconds(run, repeats)


def bench_evaluate(n: int, repeats: int) -> list[tuple]:
    rows = []
    for name, text, hand, names in CASES:
        env = grid(names, n)
        args = [env[v] for v in names]
        t_numpy = median_seconds(lambda: hand(*args), repeats)
        f = parse(text)
        t_engine = median_seconds(lambda: f.evaluate(env), repeats)
        t_cold = median_seconds(lambda: (clear_plan_cache(), parse(text).evaluate(env)), repeats)
        rows.append((name, t_numpy, t_engine / t_numpy, t_cold / t_numpy, parse_and_prepare_ms(text, repeats)))
    return rows


def bench_derivatives(n: int, repeats: int) -> list[tuple]:
    rows = []
    for name, text, _hand, names in CASES:
        env = grid(names, n)
        f = parse(text)
        grad = list(f.grad())
        hess = [h for i, row in enumerate(f.hessian()) for h in row[i:]]  # the distinct entries (symmetric)
        t_f = median_seconds(lambda: evaluate_many([f], env), repeats)
        t_g = median_seconds(lambda: evaluate_many(grad, env), repeats)
        t_h = median_seconds(lambda: evaluate_many(hess, env), repeats)
        t_build = median_seconds(lambda: hessian(parse(text), names), repeats)  # symbolic grad + Hessian
        rows.append((name, t_f, t_g / t_f, t_h / t_f, f.node_count(), len(hess), 1000 * t_build))
    return rows


def bench_sympy(n: int, repeats: int) -> list[tuple] | None:
    try:
        import sympy
    except ImportError:
        return None
    rows = []
    for name, text, _hand, names in CASES:
        symbols = sympy.symbols(names)
        f = sympy.sympify(text.replace("^", "**"))  # trusted text written above, not user input
        grad = [sympy.diff(f, s) for s in symbols]
        hess = [sympy.diff(g, s) for i, g in enumerate(grad) for s in symbols[i:]]
        env = grid(names, n)
        args = [env[v] for v in names]
        f_fn = sympy.lambdify(symbols, f, "numpy")
        g_fn = sympy.lambdify(symbols, grad, "numpy", cse=True)
        h_fn = sympy.lambdify(symbols, hess, "numpy", cse=True)
        t_f = median_seconds(lambda: f_fn(*args), repeats)
        t_g = median_seconds(lambda: g_fn(*args), repeats)
        t_h = median_seconds(lambda: h_fn(*args), repeats)
        ours = parse(text)
        t_ours = median_seconds(lambda: ours.evaluate(env), repeats)
        rows.append((name, t_f, t_g / t_f, t_h / t_f, t_f / t_ours))
    return rows


def verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    opts = parser.parse_args()
    repeats = 5 if opts.quick else 15

    print("1. parse + evaluate f on 1024x1024 vs hand-written numpy (target <= 1.2x; parse+prepare < 5 ms)")
    print(f"   {'function':<16} {'numpy ms':>9} {'engine/numpy':>13} {'parse+eval/numpy':>17} {'parse+prep ms':>14}")
    for name, t_np, r_warm, r_cold, prep in bench_evaluate(1024, repeats):
        print(f"   {name:<16} {1000 * t_np:9.2f} {r_warm:12.2f}x {r_cold:16.2f}x {prep:13.2f}"
              f"   {verdict(r_cold, 1.2)}, {verdict(prep, 5.0)}")

    print("\n2. whole gradient and whole Hessian (its n(n+1)/2 entries) vs f on 512x512 (targets <= 3x and <= 6x);"
          "\n   build = building the symbolic gradient and Hessian from parsed text")
    print(f"   {'function':<16} {'f ms':>7} {'grad/f':>8} {'hessian/f':>10} {'nodes in f':>11} {'entries':>8}"
          f" {'build ms':>9}")
    for name, t_f, r_g, r_h, nodes, entries, build in bench_derivatives(512, repeats):
        print(f"   {name:<16} {1000 * t_f:7.2f} {r_g:7.2f}x {r_h:9.2f}x {nodes:11d} {entries:8d} {build:9.2f}"
              f"   grad {verdict(r_g, 3.0)}, hessian {verdict(r_h, 6.0)}")

    sympy_rows = bench_sympy(512, repeats)
    print("\n3. peer: sympy lambdify (cse=True for derivatives) on 512x512, its own ratios")
    if sympy_rows is None:
        print("   sympy not installed: skipped")
        return
    print(f"   {'function':<16} {'f ms':>7} {'grad/f':>8} {'hessian/f':>10} {'sympy f / engine f':>19}")
    for name, t_f, r_g, r_h, r_peer in sympy_rows:
        print(f"   {name:<16} {1000 * t_f:7.2f} {r_g:7.2f}x {r_h:9.2f}x {r_peer:18.2f}x")


if __name__ == "__main__":
    main()
