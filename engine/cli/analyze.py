"""``python -m engine analyze``: value, gradient, Hessian, Taylor models and the kind of a point."""
from __future__ import annotations

import numpy as np

from engine.analysis.taylor import analyze_point
from engine.expr.closed_form import derivative_formulas
from engine.cli.common import (add_expression, add_numbers, format_number, format_vector, function_heading,
                               parse_function, parse_point, subcommand)


KIND_NOTES = {"regular": " (the gradient is not zero)",
              "undefined": " (f or its gradient has no value here: no tangent plane, no second-derivative test)"}
UNDEFINED_MODEL = "none (f or a derivative has no value here)"


def register(subparsers) -> None:
    with subcommand(subparsers, "analyze", analyze_command, render_analyze,
                    help="value, gradient, Hessian, Taylor models and kind of point at a point",
                    description="Value, gradient, Hessian (with eigenvalues), the linear and quadratic Taylor "
                                "models, and the second-derivative test at a point (kind: minimum, maximum, saddle, "
                                "degenerate, regular, or undefined where f or its gradient has no value). With --step, "
                                "compares both models with f at point+step.") as parser:
        add_expression(parser, 'the function, e.g. "x*exp(-x^2-y^2)"')
        add_numbers(parser, "--at", "the point: one value per variable, in alphabetical variable order")
        add_numbers(parser, "--step", "an offset from the point, one value per variable", metavar="D1,D2,…",
                    required=False)


def analyze_command(args) -> dict:
    f = parse_function(args.expression)
    names = f.variables
    point = parse_point(args.at, "--at", names)
    a = analyze_point(f, point)
    result = {"expression": str(f), "variables": list(names), "point": point, "value": a.value,
              "gradient": a.gradient, "hessian": a.hessian, "eigenvalues": a.eigenvalues,
              "eigenvectors": a.eigenvectors, "kind": a.kind,
              "linear": {"formula": a.linear.formula}, "quadratic": {"formula": a.quadratic.formula}}
    formulas = derivative_formulas(f, names)
    result.update(gradient_formulas=[_written(g) for g in formulas.gradient],
                  hessian_formulas=[[_written(h) for h in row] for row in formulas.hessian])
    if args.step is not None:
        step = parse_point(args.step, "--step", names)
        result.update(step=step, linear_estimate=a.linear.at_offset(step),
                      quadratic_estimate=a.quadratic.at_offset(step), true_value=f.evaluate_at(point + step))
    return result


def _written(formula) -> str | None:
    """The formula's text, or None (JSON null) for a derivative too long to write out."""
    return formula.text if formula.complete else None


def render_analyze(r: dict) -> str:
    rows = [("value", format_number(r["value"])), ("gradient", format_vector(r["gradient"]))]
    hessian = np.asarray(r["hessian"], dtype=np.float64)
    rows += [("Hessian" if i == 0 else "", format_vector(row)) for i, row in enumerate(hessian)]
    rows += _formula_rows(r)
    rows += [("eigenvalues", format_vector(r["eigenvalues"])),
             ("kind", r["kind"] + KIND_NOTES.get(r["kind"], "")),
             ("linear model", r["linear"]["formula"] or UNDEFINED_MODEL),
             ("quadratic model", r["quadratic"]["formula"] or UNDEFINED_MODEL)]
    if "step" in r:
        rows += [("step", format_vector(r["step"])), ("linear estimate", format_number(r["linear_estimate"])),
                 ("quadratic estimate", format_number(r["quadratic_estimate"])),
                 ("true value", format_number(r["true_value"]))]
    width = max(len(k) for k, _ in rows) + 2
    head = [function_heading(r), f"at ({', '.join(r['variables'])}) = {format_vector(r['point'])}", ""]
    return "\n".join(head + [k.ljust(width) + v for k, v in rows])


def _formula_rows(r: dict) -> list[tuple[str, str]]:
    """∂f/∂v and ∂²f/∂u∂v (upper triangle) as closed-form formulas."""
    names = r["variables"]
    d = "d" if len(names) == 1 else "∂"
    rows = [(f"{d}f/{d}{v}", text) for v, text in zip(names, r["gradient_formulas"])]
    rows += [(f"{d}²f/{d}{u}²" if i == j else f"{d}²f/{d}{u}{d}{names[j]}", r["hessian_formulas"][i][j])
             for i, u in enumerate(names) for j in range(i, len(names))]
    return [(name, "(too long to write out)" if text is None else text) for name, text in rows]
