"""The package's imports point down: no cycles (imports inside functions count), layers kept.

Read with ``ast`` from the source, so an import inside a function, or under
``TYPE_CHECKING``, counts like any other: a cycle through a lazy import is still a
cycle for the next person who moves code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "alucorpus"

#: Layer of each module (lower numbers are lower): a module imports only from its own
#: layer or below. The order follows STYLE.md's "Dependencies point one way".
LAYERS: dict[str, int] = {
    "errors": 0,
    "records": 0,
    "config": 0,
    "display": 0,
    "analysis": 1,
    "dates": 1,
    "segcache": 5,
    "lexicon": 2,
    "function_words": 2,
    "departments": 2,
    "documents": 2,
    "tables": 2,
    "ingest": 3,
    "store": 3,
    "quality": 4,
    "segments": 3,
    "index": 4,
    "generations": 4,
    "workers": 4,
    "bulkindex": 5,
    "search": 6,
    "versions": 5,
    "citations": 6,
    "batch": 7,
    "corpus": 8,
    "kwic": 7,
    "trends": 7,
    "evaluation": 8,
    "cli": 9,
    "__main__": 9,
    "__init__": 9,
}

#: The CLI may import only these modules of the package: the public API and its errors.
CLI_ALLOWED = {
    "alucorpus",
    "alucorpus.errors",
    "alucorpus.corpus",
    "alucorpus.records",
    "alucorpus.search",  # its result types (SearchResults), for type hints
    "alucorpus.display",  # display widths for the tables it prints
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, anywhere in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("alucorpus"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("alucorpus"):
                continue
            for alias in node.names:  # from . import x: x may be a module
                candidate = f"{target}.{alias.name}"
                if _exists(candidate):
                    found.add(candidate)
                else:
                    found.add(target)
    found.discard(name)
    return found


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_there_are_no_import_cycles() -> None:
    graph = _graph()
    # A package's __init__ re-exports its modules: an edge from a submodule to its
    # own package (``from . import x`` inside the package) is not followed back.
    done: set[str] = set()
    stack: list[str] = []

    def visit(node: str) -> None:
        if node in stack:
            cycle = [*stack[stack.index(node) :], node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if node.startswith(target + "."):  # a submodule importing its own package
                continue
            visit(target)
        stack.pop()
        done.add(node)

    for module in graph:
        visit(module)
    assert len(graph) > 30  # the walk saw the package


def test_imports_point_down() -> None:
    wrong = []
    for module, targets in _graph().items():
        layer = LAYERS.get(_top(module))
        assert layer is not None, f"{module} has no layer in tests/test_layers.py"
        for target in targets:
            if target == "alucorpus":
                continue  # __version__ and the public names
            if LAYERS[_top(target)] > layer:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_the_cli_imports_only_the_public_api() -> None:
    targets = _imports(PACKAGE / "cli.py")
    assert targets - CLI_ALLOWED == set()


def test_no_module_is_over_a_thousand_lines() -> None:
    long = {
        _module_name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 1000
    }
    assert long == {}


def test_whoosh_internals_are_read_in_one_module() -> None:
    # whoosh's private names (its codec's blocks, writer internals) appear in
    # alucorpus/segments.py only; ruff's SLF001 checks attribute access the same way.
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "segments.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
                offenders += [
                    f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")
                ]
    assert offenders == []
