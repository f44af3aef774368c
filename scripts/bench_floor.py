"""The floor for scripts/bench.py: the least work any "use server" checker has to do.

    cd REPO && python /path/to/scripts/bench_floor.py

Lists the tracked files (`git ls-files`), reads every TypeScript/JavaScript source among
them (not .d.ts, not under node_modules), keeps those whose bytes hold "use server" and
parses those with tree-sitter (the tsx grammar for .tsx/.jsx/.js, typescript for the rest).
Prints how many files it parsed.
"""

from __future__ import annotations

import subprocess

import tree_sitter_typescript
from tree_sitter import Language, Parser

SOURCE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
TSX_SUFFIXES = (".tsx", ".jsx", ".js")


def sources(cwd: str | None = None) -> list[str]:
    """The tracked TypeScript/JavaScript sources, as paths relative to cwd."""
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=cwd, capture_output=True, check=True
    ).stdout
    names = listing.decode("utf-8", "surrogateescape").split("\0")
    return [
        name
        for name in names
        if name.endswith(SOURCE_SUFFIXES)
        and not name.endswith(".d.ts")
        and "node_modules/" not in f"/{name}"
    ]


def main() -> None:
    tsx = Parser(Language(tree_sitter_typescript.language_tsx()))
    typescript = Parser(Language(tree_sitter_typescript.language_typescript()))
    parsed = 0
    for name in sources():
        try:
            with open(name, "rb") as file:
                data = file.read()
        except OSError:
            continue  # listed but absent (a sparse or partial checkout)
        if b"use server" not in data:
            continue
        (tsx if name.endswith(TSX_SUFFIXES) else typescript).parse(data)
        parsed += 1
    print(parsed)


if __name__ == "__main__":
    main()
