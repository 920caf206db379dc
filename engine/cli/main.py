"""``python -m engine``: the argument parser over the subcommand modules, and the entry point."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from engine.cli import analyze, critical, descend, graph, matrix
from engine.cli.common import CLIError, Parser, to_json
from engine.expr.parser import ParseError

COMMANDS = (analyze, critical, descend, graph, matrix)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m engine",
                     description="Gradscape's calculus engine: local models, critical points, optimizers "
                                 "chain-rule graphs and matrix calculus. Each command takes --json for one JSON object.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subparsers.required = True
    for command in COMMANDS:
        command.register(subparsers)
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
    """Run one command; a reader that stops early (``| head``) ends it quietly, as it would end ``cat``."""
    try:
        status = _run(argv)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at devnull so that flush cannot fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(argv: Sequence[str] | None) -> int:
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
