"""``python -m engine critical``: every critical point in a box, classified."""
from __future__ import annotations

from engine.analysis.critical import critical_points
from engine.cli.common import (CLIError, add_expression, add_numbers, format_number, format_vector, function_heading,
                               parse_function, parse_vector, subcommand, table)


def register(subparsers) -> None:
    with subcommand(subparsers, "critical", critical_command, render_critical,
                    help="every critical point in a box, classified",
                    description="Finds the points where the gradient is zero inside a box (multi-start Newton), with "
                                "the second-derivative test (kind) and what each point is (verdict).") as parser:
        add_expression(parser)
        add_numbers(parser, "--box", "a (low, high) pair per variable in alphabetical order; one pair applies to all",
                    metavar="LO1,HI1[,LO2,HI2,…]")
        parser.add_argument("--max-seconds", type=float, default=10.0, help="time limit for the search (default 10)")


def critical_command(args) -> dict:
    f = parse_function(args.expression)
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
                        "description": c.describe(names)} for c in points],
            "complete": points.complete, "message": points.message,
            "undefined_points": [{"point": p, "note": "f undefined here"} for p in points.undefined]}


def render_critical(r: dict) -> str:
    ranges = ", ".join(f"{n} in [{format_number(lo)}, {format_number(hi)}]" for n, (lo, hi) in zip(r["variables"],
                                                                                                  r["box"]))
    head = [function_heading(r), f"critical points with {ranges}: {len(r['points'])}"]
    if r.get("message"):
        head.append(r["message"])
    head += [f"∇f = 0 at {format_vector(u['point'])}, but {u['note']} (not a critical point of f)"
             for u in r.get("undefined_points", [])]
    if not r["points"]:
        return "\n".join(head)
    head.append("")
    rows = [[format_vector(p["point"]), format_number(p["value"]), p["kind"], p["verdict"],
             format_vector(p["eigenvalues"]), p.get("description", "")] for p in r["points"]]
    point_name = f"({', '.join(r['variables'])})"
    lines = table([point_name, "f", "kind", "verdict", "Hessian eigenvalues", "set"], rows)
    if any(p.get("dimension", 0) > 0 for p in r["points"]):
        lines += ["", "A set of critical points is listed once, at a point of it near its middle; its verdict holds for "
                      "every point of it, as a non-strict extremum."]
    return "\n".join(head + lines)
