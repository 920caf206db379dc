"""Every subcommand is registered through engine.cli.common's shared shapes: each has its handler and renderer, the
same --json option listed last, EXPR where it takes a formula, and repeatable options that collect into a list."""
import argparse

import pytest

from engine.cli.main import COMMANDS, build_parser

JSON_HELP = "print one JSON object instead of a table"


def subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_module_is_a_subcommand():
    assert list(subparsers()) == [m.__name__.rsplit(".", 1)[1] for m in COMMANDS]


@pytest.mark.parametrize("name", ["analyze", "critical", "descend", "graph", "matrix"])
def test_each_command_has_a_handler_a_renderer_and_json_last(name):
    parser = subparsers()[name]
    assert callable(parser.get_default("handler")) and callable(parser.get_default("render"))
    options = [a for a in parser._actions if a.option_strings and a.dest != "help"]
    assert options[-1].option_strings == ["--json"] and options[-1].help == JSON_HELP
    assert parser.format_help().rstrip().endswith(JSON_HELP)


@pytest.mark.parametrize("name", ["analyze", "critical", "descend", "matrix"])
def test_formula_commands_take_expr_first(name):
    positional = [a for a in subparsers()[name]._actions if not a.option_strings]
    assert [(a.dest, a.metavar) for a in positional] == [("expression", "EXPR")]


@pytest.mark.parametrize("argv, dest", [(["graph", "f.json", "--set", "a=1", "--set", "b=2"], "assignments"),
                                        (["matrix", "x", "--wrt", "x", "--wrt", "y"], "wrt"),
                                        (["matrix", "x", "--shapes", "x=2", "--shapes", "y=3"], "shapes")])
def test_repeatable_options_collect_every_value(argv, dest):
    args = build_parser().parse_args(argv)
    assert getattr(args, dest) == argv[3::2]
    assert getattr(build_parser().parse_args(argv[:2]), dest) == []
