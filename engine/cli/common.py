"""``python -m engine``: the calculus engine from a shell.

Subcommands are plug-ins: a module with ``register(subparsers)`` whose parser calls
``set_defaults(handler=fn(args) -> dict, render=fn(dict) -> str)``. The handler computes a JSON-ready dict; ``--json``
prints it as one JSON object, otherwise ``render`` makes a readable table. Handlers raise :class:`CLIError` (or
``ParseError``/``ValueError``) for bad input; the user sees ``error: …`` on stderr and exit status 2, never a traceback.

JSON has no inf or NaN: :func:`to_json` writes non-finite numbers as ``null``.

Values and formulas may begin with a minus sign (``--at -1,0``, ``critical "-(x^4+y^4)"``), which argparse would take
for options: :func:`normalize_argv` joins such option values (``--at=-1,0``) and moves a dash-led formula after ``--``.
"""
from __future__ import annotations

import argparse
import json
import math
from contextlib import contextmanager
from typing import Callable, Iterator

import numpy as np

from engine.expr.numbers import format_number as readable_number
from engine.expr.parser import ParseError, parse


class CLIError(Exception):
    """A problem with the user's input, shown as ``error: <message>``."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CLIError(f"{message}\n{self.format_usage().rstrip()}")


@contextmanager
def subcommand(subparsers, name: str, handler: Callable[[argparse.Namespace], dict], render: Callable[[dict], str],
               *, help: str, description: str) -> Iterator[argparse.ArgumentParser]:
    """A subcommand's parser, for the ``with`` block to add its arguments to; on leaving it, the ``--json`` option
    every command has (listed last) and the handler and renderer :func:`engine.cli.main` calls."""
    parser = subparsers.add_parser(name, help=help, description=description)
    yield parser
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.set_defaults(handler=handler, render=render)


def add_expression(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """The formula argument ``EXPR``."""
    parser.add_argument("expression", metavar="EXPR", help=help)


def add_numbers(parser: argparse.ArgumentParser, option: str, help: str, *, dest: str | None = None,
              metavar: str = "V1,V2,…", required: bool = True) -> None:
    """An option taking comma-separated numbers (one per variable, or a pair per variable), read by the handler with
    :func:`parse_point` or :func:`parse_vector`."""
    parser.add_argument(option, dest=dest, required=required, metavar=metavar, help=help)


def add_repeated(parser: argparse.ArgumentParser, option: str, metavar: str, help: str,
                 dest: str | None = None) -> None:
    """An option that may be given many times, collected in a list (empty when not given)."""
    parser.add_argument(option, dest=dest, action="append", default=[], metavar=metavar, help=help)


def parse_number(text: str, name: str) -> float:
    """One finite number; CLIError naming ``name`` (an option, or an option and what it sets) otherwise."""
    try:
        if not str(text).isascii():   # float() also reads other scripts' digits (١ as 1, ５ as 5)
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise CLIError(f"{name}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CLIError(f"{name}: {text!r} is not a finite number")
    return value


def parse_vector(text: str, name: str) -> list[float]:
    """Comma-separated finite numbers, e.g. ``-1,0`` or ``0.5, 2e-3``; CLIError naming ``name`` otherwise."""
    parts = [p.strip() for p in str(text).split(",")]
    if not parts or any(p == "" for p in parts):
        raise CLIError(f"{name} needs comma-separated numbers, got {text!r}")
    return [parse_number(p, name) for p in parts]


def _plain(obj):
    """JSON-ready copy: numpy arrays and scalars to lists and floats, non-finite floats to None."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    return obj


def to_json(obj) -> str:
    """One JSON object; non-finite numbers become null."""
    return json.dumps(_plain(obj), allow_nan=False, ensure_ascii=False)


def format_number(v) -> str:
    """Numbers for tables: the engine's one formatter, 10 significant digits, ASCII ('nan', 'inf', 'null')."""
    return readable_number(v, 10, style="ascii")


def format_vector(values) -> str:
    return "(" + ", ".join(format_number(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)) + ")"


def parse_error_text(exc: ParseError, formula: str) -> str:
    """The parse error with the formula and a caret under the offending character."""
    pos = max(0, min(int(exc.position), len(formula)))
    return f"{exc.message} (at character {pos + 1})\n  {formula}\n  {' ' * pos}^"


def parse_formula(text: str):
    """``engine.parse`` with a parse error turned into a CLIError that points at the character."""
    try:
        return parse(text)
    except ParseError as exc:
        raise CLIError(parse_error_text(exc, text)) from None


def parse_point(text: str, option: str, variables) -> np.ndarray:
    values = parse_vector(text, option)
    if len(values) != len(variables):
        names = ", ".join(variables) if variables else "none"
        raise CLIError(f"{option} needs {len(variables)} value(s), one per variable ({names}), got {len(values)}")
    return np.array(values)


def parse_function(text: str):
    f = parse_formula(text)
    if not f.variables:
        raise CLIError(f"{text!r} has no variables: there is nothing to vary")
    return f


def function_heading(result: dict) -> str:
    return f"f({', '.join(result['variables'])}) = {result['expression']}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return [line.rstrip() for line in lines]
