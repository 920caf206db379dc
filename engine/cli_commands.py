"""The ``analyze``, ``critical`` and ``descend`` subcommands of ``python -m engine`` (see :mod:`engine.cli`)."""
from __future__ import annotations

import numpy as np

from engine.cli import CLIError, format_number, format_vector, parse_formula, parse_vector
from engine.critical import critical_points
from engine.objective import Objective
from engine.optimizers import METHODS, HYPER_HELP, Descent
from engine.taylor import analyze_point

MAX_CLI_STEPS = 100_000   # every step's point is kept and printed: a bound keeps a typo from eating memory


def register(subparsers) -> None:
    analyze = subparsers.add_parser(
        "analyze", help="value, gradient, Hessian, Taylor models and kind of point at a point",
        description="Value, gradient, Hessian (with eigenvalues), the linear and quadratic Taylor models, and the "
                    "second-derivative test at a point. With --step, compares both models with f at point+step.")
    analyze.add_argument("expression", metavar="EXPR", help='the function, e.g. "x*exp(-x^2-y^2)"')
    analyze.add_argument("--at", required=True, metavar="V1,V2,…",
                         help="the point: one value per variable, in alphabetical variable order")
    analyze.add_argument("--step", metavar="D1,D2,…", help="an offset from the point, one value per variable")
    analyze.set_defaults(handler=analyze_command, render=render_analyze)

    critical = subparsers.add_parser(
        "critical", help="every critical point in a box, classified",
        description="Finds the points where the gradient is zero inside a box (multi-start Newton), with the "
                    "second-derivative test (kind) and what each point is (verdict).")
    critical.add_argument("expression", metavar="EXPR")
    critical.add_argument("--box", required=True, metavar="LO1,HI1[,LO2,HI2,…]",
                          help="a (low, high) pair per variable in alphabetical order; one pair applies to all")
    critical.add_argument("--max-seconds", type=float, default=10.0, help="time limit for the search (default 10)")
    critical.set_defaults(handler=critical_command, render=render_critical)

    descend = subparsers.add_parser(
        "descend", help="run an optimizer from a start point",
        description="Runs one optimizer and prints its trail: points, values and the final status "
                    "(converged, diverged or max_steps).")
    descend.add_argument("expression", metavar="EXPR")
    descend.add_argument("--from", dest="start", required=True, metavar="V1,V2,…", help="the start point")
    descend.add_argument("--method", required=True, choices=list(METHODS), help="the optimizer")
    descend.add_argument("--steps", type=int, default=200, help="most steps to take, at most 100,000 (default 200)")
    descend.add_argument("--tol", type=float, default=1e-8, help="converged when |gradient| < TOL (default 1e-8)")
    for name, help_text in HYPER_HELP.items():
        descend.add_argument(f"--{name}", type=float, help=f"{help_text} (used by the methods that have it)")
    descend.set_defaults(handler=descend_command, render=render_descend)

    for sub in (analyze, critical, descend):
        sub.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def _point(text: str, option: str, variables) -> np.ndarray:
    values = parse_vector(text, option)
    if len(values) != len(variables):
        names = ", ".join(variables) if variables else "none"
        raise CLIError(f"{option} needs {len(variables)} value(s), one per variable ({names}), got {len(values)}")
    return np.array(values)


def _function(text: str):
    f = parse_formula(text)
    if not f.variables:
        raise CLIError(f"{text!r} has no variables: there is nothing to vary")
    return f


def analyze_command(args) -> dict:
    f = _function(args.expression)
    names = f.variables
    point = _point(args.at, "--at", names)
    a = analyze_point(f, point)
    result = {"expression": str(f), "variables": list(names), "point": point, "value": a.value,
              "gradient": a.gradient, "hessian": a.hessian, "eigenvalues": a.eigenvalues,
              "eigenvectors": a.eigenvectors, "kind": a.kind,
              "linear": {"formula": a.linear.formula}, "quadratic": {"formula": a.quadratic.formula}}
    if args.step is not None:
        step = _point(args.step, "--step", names)
        result.update(step=step, linear_estimate=a.linear.at_offset(step),
                      quadratic_estimate=a.quadratic.at_offset(step), true_value=f.evaluate_at(point + step))
    return result


def _function_heading(result: dict) -> str:
    return f"f({', '.join(result['variables'])}) = {result['expression']}"


def render_analyze(r: dict) -> str:
    rows = [("value", format_number(r["value"])), ("gradient", format_vector(r["gradient"]))]
    hessian = np.asarray(r["hessian"], dtype=np.float64)
    rows += [("Hessian" if i == 0 else "", format_vector(row)) for i, row in enumerate(hessian)]
    rows += [("eigenvalues", format_vector(r["eigenvalues"])),
             ("kind", r["kind"] + (" (the gradient is not zero)" if r["kind"] == "regular" else "")),
             ("linear model", r["linear"]["formula"]), ("quadratic model", r["quadratic"]["formula"])]
    if "step" in r:
        rows += [("step", format_vector(r["step"])), ("linear estimate", format_number(r["linear_estimate"])),
                 ("quadratic estimate", format_number(r["quadratic_estimate"])),
                 ("true value", format_number(r["true_value"]))]
    width = max(len(k) for k, _ in rows) + 2
    head = [_function_heading(r), f"at ({', '.join(r['variables'])}) = {format_vector(r['point'])}", ""]
    return "\n".join(head + [k.ljust(width) + v for k, v in rows])


def critical_command(args) -> dict:
    f = _function(args.expression)
    names = f.variables
    values = parse_vector(args.box, "--box")
    if len(values) == 2 and len(names) > 1:
        values = values * len(names)
    if len(values) != 2 * len(names):
        raise CLIError(f"--box needs {2 * len(names)} values (a low,high pair for each of {', '.join(names)}), "
                       f"got {len(values)}")
    box = [(values[2 * i], values[2 * i + 1]) for i in range(len(names))]
    bad = [n for n, (lo, hi) in zip(names, box) if not lo < hi]
    if bad:
        raise CLIError(f"--box: the range of {bad[0]} needs low < high")
    if not args.max_seconds > 0:
        raise CLIError("--max-seconds must be positive")
    points = critical_points(f, box, max_seconds=args.max_seconds)
    return {"expression": str(f), "variables": list(names), "box": box,
            "points": [{"point": c.point, "value": c.value, "kind": c.kind, "verdict": c.verdict,
                        "eigenvalues": c.eigenvalues, "gradient_norm": c.gradient_norm,
                        "dimension": c.dimension, "flat": c.flat, "extent": c.extent, "samples": c.samples,
                        "description": c.describe(names)} for c in points]}


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return [line.rstrip() for line in lines]


def render_critical(r: dict) -> str:
    ranges = ", ".join(f"{n} in [{format_number(lo)}, {format_number(hi)}]" for n, (lo, hi) in zip(r["variables"],
                                                                                                  r["box"]))
    head = [_function_heading(r), f"critical points with {ranges}: {len(r['points'])}", ""]
    if not r["points"]:
        return "\n".join(head[:2])
    rows = [[format_vector(p["point"]), format_number(p["value"]), p["kind"], p["verdict"],
             format_vector(p["eigenvalues"]), p.get("description", "")] for p in r["points"]]
    point_name = f"({', '.join(r['variables'])})"
    lines = _table([point_name, "f", "kind", "verdict", "Hessian eigenvalues", "set"], rows)
    if any(p.get("dimension", 0) > 0 for p in r["points"]):
        lines += ["", "A set of critical points is listed once, at a point of it near its middle; its verdict holds for "
                      "every point of it, as a non-strict extremum."]
    return "\n".join(head + lines)


def descend_command(args) -> dict:
    f = _function(args.expression)
    names = f.variables
    start = _point(args.start, "--from", names)
    method = METHODS[args.method]
    given = {k: getattr(args, k) for k in HYPER_HELP if getattr(args, k) is not None}
    unused = [k for k in given if k not in method.defaults]
    if unused:
        raise CLIError(f"{method.label} does not use --{unused[0]} (it takes {', '.join(method.defaults)})")
    if not 0 <= args.steps <= MAX_CLI_STEPS:
        raise CLIError(f"--steps must be a whole number from 0 to {MAX_CLI_STEPS:,} (got {args.steps})")
    run = Descent(Objective.from_expression(f), start, args.method, max_steps=args.steps, tol=args.tol, **given)
    for _ in run.run():
        pass
    return {"expression": str(f), "variables": list(names), "method": args.method, "hyperparameters": run.hyper,
            "points": run.points, "values": run.values, "status": run.status, "steps": run.steps_taken,
            "diverged_at": run.diverged_at, "message": run.message,
            "newton_steps": [i.get("newton_step") for i in run.infos] if args.method == "newton" else None}


def render_descend(r: dict) -> str:
    hyper = ", ".join(f"{k}={v:g}" for k, v in r["hyperparameters"].items())
    head = [_function_heading(r), f"{METHODS[r['method']].label} ({hyper}): {r['message']}", ""]
    indices = list(range(len(r["points"])))
    if len(indices) > 16:
        indices = indices[:8] + [None] + indices[-6:]
    rows = [["…", "", ""] if i is None else [str(i), format_vector(r["points"][i]), format_number(r["values"][i])]
            for i in indices]
    return "\n".join(head + _table(["step", f"({', '.join(r['variables'])})", "f"], rows))
