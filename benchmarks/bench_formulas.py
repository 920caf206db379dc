"""Closed-form formula benchmark: how long our simplified derivative texts are next to sympy's simplify() of the same
derivatives (a ratio measured in one run; target <= 1.5x overall). Never a test.

    .venv/bin/python benchmarks/bench_formulas.py

Functions: every preset of resources/functions.json and the chapter's examples. For each, every partial derivative and
every Hessian entry (upper triangle) is written by engine.expr.closed_form and by sympy (diff, then simplify); both
texts are measured without spaces and with ** written ^. sympy reads the trusted formulas of this file and the
presets, never user text. Times are printed beside (ours and sympy's, per function).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import parse  # noqa: E402
from engine.expr.closed_form import derivative_formulas  # noqa: E402

CHAPTER = {
    "log-sum-exp (chapter)": "log(exp(x) + exp(y))",
    "x·e^(−x²−y²) (chapter)": "x*exp(-x^2 - y^2)",
    "3x⁴ − 4x³ − 12x² (chapter)": "3*x^4 - 4*x^3 - 12*x^2",
    "chain f(w,x,y,z) (chapter)": "(((w+x+y+z)^2 + (w+x-y-z)^2)^2 + ((w+x+y+z)^2 - (w+x-y-z)^2)^2)^2",
    "general quadratic (chapter)": "a + b1*x1 + b2*x2 + c11*x1^2 + c12*x1*x2 + c22*x2^2",
    "‖v‖₂ (exercise 2)": "sqrt(v1^2 + v2^2 + v3^2)",
    "x²y + xy² (exercise 4)": "x^2*y + x*y^2",
    "βx (exercise 1)": "b1*x1 + b2*x2 + b3*x3",
}


def functions() -> dict[str, str]:
    presets = json.loads((ROOT / "resources" / "functions.json").read_text(encoding="utf-8"))
    found = {p["key"]: p["formula"] for group in presets["groups"] for p in group["presets"]}
    known = set(found.values())
    found.update({label: f for label, f in CHAPTER.items() if f not in known})   # each function once
    return found


def measure(text: str) -> int:
    return len(text.replace("**", "^").replace(" ", ""))


def ours(formula: str) -> list[str]:
    f = parse(formula)
    d = derivative_formulas(f)
    n = len(f.variables)
    return [g.text for g in d.gradient] + [d.hessian[i][j].text for i in range(n) for j in range(i, n)]


def theirs(formula: str) -> list[str]:
    import sympy
    names = sorted(parse(formula).variables)
    symbols = {name: sympy.Symbol(name) for name in names}
    expr = sympy.sympify(formula.replace("^", "**"), locals=symbols)
    ordered = [symbols[name] for name in names]
    out = [sympy.simplify(sympy.diff(expr, v)) for v in ordered]
    out += [sympy.simplify(sympy.diff(expr, a, b)) for i, a in enumerate(ordered) for b in ordered[i:]]
    return [str(e) for e in out]


def main() -> None:
    try:
        import sympy  # noqa: F401
    except ImportError:
        print("sympy is not installed: nothing to compare with")
        return
    total_ours = total_theirs = 0
    worst = (0.0, "")
    print(f"{'function':34} {'ours':>6} {'sympy':>6} {'ratio':>6} {'worst entry':>11} {'ours s':>7} {'sympy s':>7}")
    for label, formula in functions().items():
        start = time.perf_counter()
        mine = ours(formula)
        ours_seconds = time.perf_counter() - start
        start = time.perf_counter()
        reference = theirs(formula)
        sympy_seconds = time.perf_counter() - start
        a, b = sum(map(measure, mine)), sum(map(measure, reference))
        entry_ratio = max(measure(m) / max(1, measure(r)) for m, r in zip(mine, reference))
        total_ours += a
        total_theirs += b
        worst = max(worst, (a / b, label))
        print(f"{label[:34]:34} {a:6d} {b:6d} {a / b:6.2f} {entry_ratio:11.2f} {ours_seconds:7.3f} {sympy_seconds:7.2f}")
    print(f"\noverall: {total_ours} characters vs sympy's {total_theirs}: ratio {total_ours / total_theirs:.2f} "
          f"(target <= 1.5); worst function {worst[1]} at {worst[0]:.2f}")


if __name__ == "__main__":
    main()
