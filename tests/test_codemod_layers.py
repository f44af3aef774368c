"""The codemods' imports: none in a cycle (type-only and function-level ones count), none
of a later pipeline stage, and no walk of their own: what they know of an action comes
from the facts stage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "codemods" / "guardfix_codemods"
LATER_STAGES = ("engine", "cli", "rules", "report", "rewrite", "write", "fixes")
FACTS_INTERNALS = {
    "guardfix.facts.flow": {"Walker", "State"},
    "guardfix.facts.lookups": {"classify_lookup"},
}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in the file, at any depth."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


def _graph() -> dict[str, set[str]]:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        deps: set[str] = set()
        for module, names in _imports(path):
            if module == PACKAGE.name:
                deps |= {n for n in names if n in modules}
            elif module.startswith(PACKAGE.name + "."):
                deps.add(module.split(".")[1])
        graph[path.stem] = deps - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        for dep in sorted(graph.get(node, ())):
            if dep in path:
                return [*path[path.index(dep) :], dep]
            if dep not in done:
                found = visit(dep, [*path, dep])
                if found is not None:
                    return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [start]) if start not in done else None
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ],
)
def test_cycle_search(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert _cycle(graph) == expected


def test_no_import_cycle() -> None:
    assert _cycle(_graph()) is None


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_imports_only_earlier_stages_and_no_walk(path: Path) -> None:
    for module, names in _imports(path):
        parts = module.split(".")
        assert not (parts[0] == "guardfix" and len(parts) > 1 and parts[1] in LATER_STAGES)
        assert not set(names) & FACTS_INTERNALS.get(module, set()), module
