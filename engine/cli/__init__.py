"""``python -m engine``: one module per subcommand (analyze, critical, descend, graph, matrix), shared helpers in ``common``."""
from engine.cli.common import CLIError, format_number, parse_vector, to_json
from engine.cli.main import build_parser, main, normalize_argv

__all__ = ["CLIError", "build_parser", "format_number", "main", "normalize_argv", "parse_vector", "to_json"]
