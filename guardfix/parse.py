"""Source bytes to tree-sitter trees, with the grammar chosen by extension."""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

import tree_sitter_typescript as tst
from tree_sitter import Language, Parser, Tree

TYPESCRIPT_EXTENSIONS = frozenset({".ts", ".mts", ".cts"})
TSX_EXTENSIONS = frozenset({".tsx", ".jsx", ".js", ".mjs", ".cjs"})
SOURCE_EXTENSIONS = TYPESCRIPT_EXTENSIONS | TSX_EXTENSIONS
# Folders that hold generated or third-party code, never the project's actions.
SKIPPED_DIRS = frozenset({"node_modules", ".next", "dist", "build", "out", "coverage", ".git"})


def is_source_path(path: str) -> bool:
    # String work, not PurePosixPath: this runs for every file of a tree, several times.
    folders, _, name = path.rpartition("/")
    if name.endswith((".d.ts", ".d.mts", ".d.cts")):
        return False
    dot = name.rfind(".")
    if not 0 < dot < len(name) - 1 or name[dot:] not in SOURCE_EXTENSIONS:
        return False
    return not any(part in SKIPPED_DIRS for part in folders.split("/"))


@cache
def _parser(tsx: bool) -> Parser:
    lang = tst.language_tsx() if tsx else tst.language_typescript()
    return Parser(Language(lang))


def parse(path: str, content: bytes) -> Tree:
    """Parse with the TypeScript grammar for .ts/.mts/.cts and TSX for the rest."""
    tsx = PurePosixPath(path).suffix not in TYPESCRIPT_EXTENSIONS
    return _parser(tsx).parse(content)
