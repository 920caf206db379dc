"""``python -m engine matrix EXPR [--shapes NAME=RxC|NAME=N,…] [--set NAME=JSON …] [--wrt NAME …] [--seed S]
[--check FORMULA] [--json]``.

A matrix expression's value at given or random numbers, and for a scalar expression each gradient: its formula in
matrix notation, its shape, its numbers and the largest difference from central finite differences. With
``--check`` and one ``--wrt``: whether the typed formula is that gradient, or off by a sign, a transpose, a factor,
a shape, or just different.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np

from engine.expr.parser import ParseError
from engine.cli.common import CLIError, add_expression, add_repeated, format_number, subcommand
from engine.matrix.check import check_gradient, instance, max_fd_error
from engine.matrix.node import as_value, evaluate_many
from engine.matrix.parser import parse_matrix
from engine.matrix.shapes import NAME, ShapeError, describe, normalize_shape, shape_text

_SHAPE = re.compile(r"\s*(\d+)\s*(?:[x×]\s*(\d+)\s*)?\Z")


DESCRIPTION = ("Parses a matrix expression (a–g scalars, h–z 3-vectors, A–Z 3×3 matrices unless --shapes says "
               "otherwise; * is the matrix product, .* ./ .^ are entrywise, ' transposes) and evaluates it at the "
               "--set numbers, the others standard normal from --seed (redrawn positive, or symmetric positive "
               "definite, only where the expression is not finite at normal numbers). For a scalar expression: each "
               "gradient in matrix notation (denominator layout: the variable's shape), its numbers and the largest "
               "difference from central finite differences.")


def register(subparsers) -> None:
    with subcommand(subparsers, "matrix", matrix_command, render_matrix, description=DESCRIPTION,
                    help="value and gradients of a vector/matrix expression, checked by finite differences") as matrix:
        add_expression(matrix, "e.g. \"norm2(X - U*V)^2\"")
        add_repeated(matrix, "--shapes", "NAME=RxC|NAME=N,…",
                     "shapes that differ from the convention, e.g. X=5x4,U=5x2,V=2x4 or v=6 (a 6-vector)")
        add_repeated(matrix, "--set", "NAME=JSON", "a variable's numbers as JSON (repeatable): 2, [1,2,3] (a column) "
                     "or [[1,2],[3,4]]; sets the shape too unless --shapes gives it", dest="assignments")
        add_repeated(matrix, "--wrt", "NAME",
                     "the gradients to show (repeatable or comma-separated; default: every variable)")
        matrix.add_argument("--seed", type=int, default=0, help="seed of the random numbers (default 0)")
        matrix.add_argument("--check", metavar="FORMULA",
                            help="is FORMULA the gradient with respect to the one --wrt variable?")


def parse_shapes(items: list[str]) -> dict[str, tuple[int, int]]:
    shapes = {}
    for item in ",".join(items).split(","):
        if not item.strip():
            continue
        name, sep, text = item.partition("=")
        name = name.strip()
        match = _SHAPE.match(text)
        if not sep or not NAME.match(name) or not match:
            raise CLIError(f"--shapes needs NAME=RxC or NAME=N (an N-vector), got {item.strip()!r}")
        rows, cols = int(match.group(1)), int(match.group(2) or 1)
        try:
            shapes[name] = normalize_shape((rows, cols), f"--shapes {name}")
        except ValueError as error:
            raise CLIError(str(error)) from None
    return shapes


def _number_array(text: str, name: str) -> np.ndarray:
    try:
        array = np.asarray(json.loads(text), dtype=np.float64)
    except (ValueError, TypeError):
        raise CLIError(f"--set {name}: {text!r} is not a number or a (nested) JSON list of numbers") from None
    if array.ndim > 2 or array.size == 0 or not np.all(np.isfinite(array)):
        raise CLIError(f"--set {name}: give a finite number, a list or a list of equal-length rows")
    return array


def parse_assignments(items: list[str], shapes: dict) -> dict[str, np.ndarray]:
    """``NAME=JSON`` values; a name without a --shapes entry takes its shape from the value (a list is a column)."""
    values = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not NAME.match(name):
            raise CLIError(f"--set needs NAME=JSON, got {item!r}")
        array = _number_array(text, name)
        if name not in shapes:
            shapes[name] = (1, 1) if array.ndim == 0 else (array.shape[0], 1) if array.ndim == 1 else array.shape
        try:
            values[name] = as_value(array, shapes[name], f"--set {name}")
        except ValueError as error:
            raise CLIError(str(error)) from None
    return values


def _parse(text: str, shapes: dict, what: str = ""):
    try:
        return parse_matrix(text, shapes)
    except ParseError as exc:
        pos = max(0, min(int(exc.position), len(text)))
        message = str(exc) if isinstance(exc, ShapeError) else f"{exc.message} (at character {pos + 1})"
        raise CLIError(f"{what}{message}\n  {text}\n  {' ' * pos}^") from None


def _wanted(args, variables: dict) -> list[str]:
    names = [n.strip() for item in args.wrt for n in item.split(",") if n.strip()]
    for name in names:
        if name not in variables:
            raise CLIError(f"--wrt {name}: not a variable of the expression (it uses {', '.join(variables)})")
    return list(dict.fromkeys(names)) or list(variables)


def _plain(array: np.ndarray):
    """A scalar as a number, anything else as nested lists of its shape."""
    array = np.asarray(array, dtype=np.float64)
    return float(array[0, 0]) if array.shape == (1, 1) else array.tolist()


def matrix_command(args) -> dict:
    shapes = parse_shapes(args.shapes)
    fixed = parse_assignments(args.assignments, shapes)
    m = _parse(args.expression, shapes)
    variables = m.variables
    for name in fixed:
        if name not in variables:
            raise CLIError(f"--set {name}: not a variable of the expression (it uses {', '.join(variables) or 'none'})")
    if (args.wrt or args.check) and not m.is_scalar:
        raise CLIError(f"gradients need a scalar expression; this one is {describe(m.shape)}")
    values = instance(m, args.seed, fixed=fixed)
    result = {"expression": str(m), "shapes": {n: list(s) for n, s in variables.items()},
              "values": {n: _plain(values[n]) for n in variables}, "value": _plain(evaluate_many([m], values)[0])}
    if m.is_scalar and variables:
        names = _wanted(args, variables)
        grads = {n: m.grad(n) for n in names}
        numbers = dict(zip(names, evaluate_many(list(grads.values()), values)))
        result["gradients"] = {n: {"formula": str(g), "shape": list(g.shape), "values": _plain(numbers[n]),
                                   "max_fd_error": max_fd_error(m, n, values, numbers[n])}
                               for n, g in grads.items()}
        if args.check is not None:
            result["check"] = _check(m, names, args, fixed)
    elif args.check is not None:
        raise CLIError("--check needs a variable to differentiate by")
    return result


def _check(m, names: list[str], args, fixed: dict) -> dict:
    if len(names) != 1:
        raise CLIError(f"--check needs exactly one --wrt variable (the expression uses {', '.join(m.variables)})")
    cand = _parse(args.check, dict(m.variables), "--check: ")
    verdict = check_gradient(m, names[0], cand, seed=args.seed, fixed=fixed)
    return {"candidate": args.check, "wrt": names[0], "verdict": verdict.verdict, "factor": verdict.factor,
            "relative_error": verdict.relative_error, "words": verdict.words()}


def _grid(value, indent: str = "  ") -> list[str]:
    rows = np.atleast_2d(np.asarray(value, dtype=np.float64))
    cells = [[format_number(v) for v in row] for row in rows]
    width = max(len(c) for row in cells for c in row)
    return [indent + "  ".join(c.rjust(width) for c in row) for row in cells]


def render_matrix(result: dict) -> str:
    shapes = result["shapes"]
    lines = [f"f = {result['expression']}",
             "shapes: " + (", ".join(f"{n} {shape_text(tuple(s))}" for n, s in shapes.items()) or "none")]
    value = result["value"]
    if isinstance(value, list):
        lines += ["value:"] + _grid(value)
    else:
        lines.append(f"value = {format_number(value)}")
    for name, g in result.get("gradients", {}).items():
        error = g["max_fd_error"]
        lines += ["", f"∂f/∂{name} = {g['formula']}    ({shape_text(tuple(g['shape']))}; largest difference from "
                      f"central differences {format_number(error) if error is not None and math.isfinite(error) else 'n/a'})"]
        lines += _grid(g["values"])
    check = result.get("check")
    if check:
        error = check["relative_error"]
        lines += ["", f"check {check['candidate']}: {check['verdict']} — {check['words']}"
                      + (f" (relative error {format_number(error)})" if error is not None else "")]
    return "\n".join(lines)
