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
import sys
from typing import Sequence

import numpy as np

from engine.parser import ParseError


class CLIError(Exception):
    """A problem with the user's input, shown as ``error: <message>``."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CLIError(f"{message}\n{self.format_usage().rstrip()}")


def parse_number(text: str, name: str) -> float:
    """One finite number; CLIError naming ``name`` (an option, or an option and what it sets) otherwise."""
    try:
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
    """Numbers for tables: 10 significant digits, 'nan'/'inf' spelled out."""
    if v is None:
        return "null"
    v = float(v)
    if not math.isfinite(v):
        return str(v)
    return f"{v:.10g}" if v != 0 else "0"


def format_vector(values) -> str:
    return "(" + ", ".join(format_number(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)) + ")"


def parse_error_text(exc: ParseError, formula: str) -> str:
    """The parse error with the formula and a caret under the offending character."""
    pos = max(0, min(int(exc.position), len(formula)))
    return f"{exc.message} (at character {pos + 1})\n  {formula}\n  {' ' * pos}^"


def parse_formula(text: str):
    """``engine.parse`` with a parse error turned into a CLIError that points at the character."""
    from engine.parser import parse
    try:
        return parse(text)
    except ParseError as exc:
        raise CLIError(parse_error_text(exc, text)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m engine",
                     description="Gradscape's calculus engine: local models, critical points, optimizers "
                                 "and chain-rule graphs. Each command takes --json for one JSON object.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    from engine import cli_commands, graph_cli, matrix_cli
    cli_commands.register(subparsers)
    graph_cli.register(subparsers)
    matrix_cli.register(subparsers)
    return parser


def _options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """(every option string, the options that take a value) over the parser and its subcommands."""
    every, valued = set(), set()
    stack = [parser]
    while stack:
        p = stack.pop()
        for action in p._actions:
            every.update(action.option_strings)
            if action.option_strings and action.nargs != 0:
                valued.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
    return every, valued


def normalize_argv(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """Join dash-led option values (``--at -1,0`` → ``--at=-1,0``); move dash-led positionals after ``--``."""
    every, valued = _options(parser)
    out, trailing, args = [], [], list(argv)
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            trailing += args[i + 1:]
            break
        if token in valued and i + 1 < len(args) and args[i + 1].startswith("-") and args[i + 1] not in every:
            out.append(f"{token}={args[i + 1]}")
            i += 2
            continue
        if token.startswith("-") and token.split("=", 1)[0] not in every and len(token) > 1:
            trailing.append(token)
        else:
            out.append(token)
        i += 1
    return out + (["--"] + trailing if trailing else [])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(normalize_argv(args_list, parser))
        result = args.handler(args)
        text = to_json(result) if getattr(args, "json", False) else args.render(result)
    except CLIError as exc:
        return _fail(str(exc))
    except ParseError as exc:
        return _fail(str(exc))
    except (ValueError, KeyError, ArithmeticError, OSError) as exc:
        return _fail(str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc))
    print(text)
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
