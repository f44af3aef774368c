"""The import graph follows the pipeline: no module imports a later stage, and no two
modules import each other, directly or around a loop (imports made for type checking,
or inside a function, count too). ARCHITECTURE.md describes the same layers."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
PACKAGES = (CHECKOUT / "guardfix", CHECKOUT / "codemods" / "guardfix_codemods")

# Bottom up: a module may import modules of its own layer and of the layers below it.
# `name` is that module only; `name.*` is the package and everything in it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "shared",
        (
            "guardfix",
            "guardfix.model",
            "guardfix.files",
            "guardfix.patterns",
            "guardfix.tomlfile",
            "guardfix.syntax",
            "guardfix.parse",
            "guardfix.module",
            "guardfix.edits",
        ),
    ),
    ("select", ("guardfix.config", "guardfix.git", "guardfix.select")),
    ("find actions", ("guardfix.actions",)),
    ("facts", ("guardfix.libraries.*", "guardfix.facts.*")),
    ("rules", ("guardfix.rules.*", "guardfix.suppressions", "guardfix.severity")),
    ("fixes", ("guardfix.fixes", "guardfix_codemods.*")),
    ("edits", ("guardfix.rewrite", "guardfix.verify")),
    ("pipeline", ("guardfix.engine",)),
    ("render and write", ("guardfix.report.*", "guardfix.write", "guardfix.baseline")),
    ("command line", ("guardfix.cli", "guardfix.__main__")),
)


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    line: int


def modules(roots: tuple[Path, ...]) -> dict[str, Path]:
    """Every module of the packages at `roots`, by dotted name."""
    found: dict[str, Path] = {}
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(known: dict[str, Path]) -> Iterator[Import]:
    """Each import of one known module by another, wherever in the file it stands."""
    for source, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from pkg import sub` imports the submodule; `from pkg import name`, the package.
                subs = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t if t in known else node.module for t in subs]
            else:
                continue
            for target in dict.fromkeys(targets):
                if target in known and target != source:
                    yield Import(source, target, node.lineno)


def layer_of(module: str) -> int | None:
    for rank, (_, members) in enumerate(LAYERS):
        for member in members:
            package = member.removesuffix(".*")
            if module == package or (member.endswith(".*") and module.startswith(package + ".")):
                return rank
    return None


def upward(found: list[Import]) -> list[str]:
    """Imports of a later stage than the importer's own."""
    out = []
    for imp in found:
        source, target = layer_of(imp.source), layer_of(imp.target)
        if source is not None and target is not None and target > source:
            out.append(
                f"{imp.source}:{imp.line} imports {imp.target} "
                f"({LAYERS[source][0]} -> {LAYERS[target][0]})"
            )
    return out


def cycles(found: list[Import]) -> list[list[str]]:
    """The groups of modules that import each other around a loop (Tarjan's components)."""
    graph: dict[str, set[str]] = {}
    for imp in found:
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


KNOWN = modules(PACKAGES)
FOUND = list(imports(KNOWN))


def test_every_module_has_a_layer() -> None:
    assert [name for name in KNOWN if layer_of(name) is None] == []


def test_no_module_imports_a_later_stage() -> None:
    assert upward(FOUND) == []


def test_no_import_cycle() -> None:
    assert cycles(FOUND) == []


# What a codemod knows of an action comes from the facts stage: it never walks code itself.
FACTS_INTERNALS = {
    "guardfix.facts.flow": {"Walker", "State"},
    "guardfix.facts.lookups": {"classify_lookup"},
}


def test_the_codemods_read_facts_not_the_walker() -> None:
    used = [
        f"{name}:{node.lineno} imports {node.module}.{alias.name}"
        for name, path in KNOWN.items()
        if name.startswith("guardfix_codemods")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module in FACTS_INTERNALS
        for alias in node.names
        if alias.name in FACTS_INTERNALS[node.module]
    ]
    assert used == []


def test_the_architecture_page_names_every_module() -> None:
    page = (CHECKOUT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert [name for name, token in page_names(KNOWN).items() if token not in page] == []


def page_names(known: dict[str, Path]) -> dict[str, str]:
    """How the page names each module: by its file name (`run.py`), a package by its
    folder (`libraries/`); by its path from the package where two share a name
    (`guardfix/facts/orms/prisma.py`, `guardfix_codemods/orms/prisma.py`)."""
    short = {
        name: f"{path.parent.name}/`" if path.name == "__init__.py" else f"{path.name}`"
        for name, path in known.items()
        if name not in ("guardfix", "guardfix_codemods")
    }
    shared = {token for token in short.values() if list(short.values()).count(token) > 1}
    return {
        name: f"{name.replace('.', '/')}/`"
        if token.endswith("/`")
        else f"{name.replace('.', '/')}.py`"
        if token in shared
        else token
        for name, token in short.items()
    }


# The checks themselves, on a small package made for them: each must be able to fail.
@pytest.mark.parametrize(
    ("files", "expected_upward", "expected_cycles"),
    [
        (
            {"model.py": "", "engine.py": "from guardfix import model\n"},
            [],
            [],
        ),
        (
            {"model.py": "def f():\n    from guardfix.engine import check\n", "engine.py": ""},
            ["guardfix.model:2 imports guardfix.engine (shared -> pipeline)"],
            [],
        ),
        (
            {
                "syntax.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from guardfix.module import Module\n",
                "module.py": "import guardfix.syntax\n",
            },
            [],
            [["guardfix.module", "guardfix.syntax"]],
        ),
    ],
)
def test_the_checks_find_what_they_look_for(
    tmp_path: Path,
    files: dict[str, str],
    expected_upward: list[str],
    expected_cycles: list[list[str]],
) -> None:
    package = tmp_path / "guardfix"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in files.items():
        (package / name).write_text(text)
    found = list(imports(modules((package,))))
    assert upward(found) == expected_upward
    assert cycles(found) == expected_cycles
