"""The house rules of engine/: no GUI imports, no import cycles, the GUI reaches the engine only by public names."""
import ast
import graphlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "OpenGL")
SUBPACKAGES = ("expr", "analysis", "optim", "graph", "matrix", "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) for every import statement in a file, at any depth (function-level ones too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
    return found


def _engine_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / "engine").rglob("*.py"))}


def _import_graph() -> dict[str, set[str]]:
    """module → the engine modules it imports (``from pkg import submodule`` counts as importing the submodule)."""
    modules = _engine_modules()
    edges = {}
    for name, path in modules.items():
        targets = set()
        for module, names in _imports(path):
            if module in modules:
                targets.add(module)
            targets.update(f"{module}.{n}" for n in names if f"{module}.{n}" in modules)
        edges[name] = {t for t in targets if t != name and not name.startswith(t + ".") and t != "engine"}
    return edges


def test_engine_sources_do_not_import_gui_packages():
    offenders = [f"{name}: {module}" for name, path in _engine_modules().items()
                 for module, _ in _imports(path) if module.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_every_engine_module_loads_no_gui_package():
    modules = [m for m in _engine_modules() if not m.endswith("__main__")]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\nprint(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_engine_modules_import_each_other_without_cycles():
    # a package's __init__ re-exports its modules; importing a sibling through the package name would make every
    # module depend on all the others, so inside engine/ modules import each other by full module path.
    graph = _import_graph()
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_engine_modules_import_each_other_by_full_module_path():
    # "from engine.matrix import parse_matrix" runs the package's __init__ and every module it re-exports; a module
    # names what it uses where it is defined ("from engine.matrix.parser import parse_matrix"), or imports a module.
    modules = _engine_modules()
    offenders = []
    for name, path in modules.items():
        if path.name == "__init__.py":
            continue
        for module, names in _imports(path):
            if module in modules and modules[module].name == "__init__.py" and module != "engine":
                offenders += [f"{name}: from {module} import {n}" for n in names if f"{module}.{n}" not in modules]
    assert offenders == []


def test_engine_is_one_subpackage_per_idea():
    loose = sorted(p.name for p in (ROOT / "engine").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "files.py"]
    for package in SUBPACKAGES:
        if package == "matrix" and not (ROOT / "engine" / package).exists():
            continue
        assert (ROOT / "engine" / package / "__init__.py").exists(), package


def test_gui_imports_only_public_engine_names():
    offenders = []
    for path in sorted((ROOT / "gui").rglob("*.py")) + [ROOT / "main.py"]:
        for module, names in _imports(path):
            if module.split(".")[0] != "engine":
                continue
            private = [part for part in module.split(".") + names if part.startswith("_")]
            if private:
                offenders.append(f"{path.relative_to(ROOT)}: {module} {names}")
    assert offenders == []


def test_cycle_check_finds_a_cycle():
    # the check itself must be able to fail
    with __import__("pytest").raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())
