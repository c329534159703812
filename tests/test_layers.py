"""The import graph of the package: arrows point one way, no cycles, no private names across packages.

Read from the source with ``ast`` (imports inside functions included), so a new back-arrow fails
here before anyone trips over it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "framing"

#: Each part of the package and its floor: a module may import only from floors below its own, or
#: from its own part. ingestion and analysis share a floor and never import each other.
FLOORS = {
    "schema": 0, "_cache": 0, "_memory": 0, "_progress": 0, "_deadline": 0, "_builds": 0, "resources": 0, "speedups": 1, "_texts": 1, "text": 1, "knowledge": 1, "data": 1,
    "ingestion": 2, "analysis": 2,
    "plots": 3, "notebook": 3, "dask": 3, "reader": 3, "explorer": 3, "__init__": 3,
    "report": 4, "project": 4, "cli": 5,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import in a file."""
    name = _module_name(path)
    package = name if _is_package(path) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("framing")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("framing"):
                found.append((target, [a.name for a in node.names], node.lineno))
    return found


def _graph() -> dict[str, list[tuple[str, list[str], int]]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        edges = []
        for target, names, line in _imports(path):
            # "from .pkg import module" imports a module: count the edge to it
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            edges += [(s, [], line) for s in subs]
            rest = [n for n in names if f"{target}.{n}" not in modules]
            if rest or not names:
                edges.append((target, rest, line))
        graph[name] = edges
    return graph


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _where(module: str) -> str:
    return module.replace(".", "/") + ".py"


def test_every_part_of_the_package_has_a_floor():
    parts = {_part(m) for m in _graph()}
    assert parts <= set(FLOORS), f"give these parts a floor in FLOORS: {sorted(parts - set(FLOORS))}"


def test_imports_point_down_the_floors():
    wrong = []
    for module, edges in _graph().items():
        for target, _, line in edges:
            a, b = _part(module), _part(target)
            if a == b or target == "framing":
                continue
            if FLOORS[b] >= FLOORS[a]:
                wrong.append(f"{_where(module)}:{line} imports {target} (floor {FLOORS[b]} from floor {FLOORS[a]})")
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(wrong)


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in edges if t in _graph_modules()} for m, edges in _graph().items()}
    seen, stack, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in stack:
            cycles.append(" -> ".join(stack[stack.index(node):] + [node]))
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt != node and not (node.startswith(nxt + ".") and _is_package_module(nxt)):
                visit(nxt)
        stack.pop()

    for module in sorted(graph):
        visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _graph_modules() -> set[str]:
    return {_module_name(p) for p in PACKAGE.rglob("*.py")}


def _is_package_module(name: str) -> bool:
    return (SRC / name.replace(".", "/") / "__init__.py").exists()


def _package_of(module: str) -> str:
    return module if _is_package_module(module) else module.rpartition(".")[0]


def _private_parents(target: str, names: list[str]) -> list[tuple[str, str]]:
    """(private thing, the package it is private to) for an import of `names` from `target`."""
    parts = target.split(".")
    found = [(".".join(parts[:i + 1]), ".".join(parts[:i])) for i, p in enumerate(parts) if p.startswith("_") and p != "__init__"]
    return found + [(f"{target}.{n}", _package_of(target)) for n in names if n.startswith("_")]


def test_no_private_name_is_imported_from_another_package():
    wrong = []
    for module, edges in _graph().items():
        for target, names, line in edges:
            for thing, home in _private_parents(target, names):
                if not module.startswith(home + "."):
                    wrong.append(f"{_where(module)}:{line} takes {thing}, private to {home}")
    assert not wrong, "private names used outside their package:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_what_it_holds(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.split(".")[0]) > 10, f"{path.relative_to(ROOT)} needs an opening docstring"
