"""Project files as every stage sees them: root-relative `/` paths, the reader that
reads them (working tree, index or a commit), and whether their bytes are source text."""

from __future__ import annotations

import os
import posixpath
from typing import Protocol


class Reader(Protocol):
    """Reads project files by root-relative `/` path (working tree, index or a commit)."""

    def read(self, path: str) -> bytes | None: ...

    def prefetch(self, paths: list[str]) -> None:
        """Read many files at once (one `git cat-file --batch` for the index)."""

    def exists(self, path: str) -> bool: ...

    def search(
        self, *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str] | None:
        """The project's files below the folder `under` whose text holds one of `needles`
        (git searches them), or None when the reader cannot search: the caller reads the
        files itself."""

    def folders(self, path: str) -> list[str]:
        """Names of the folders directly in `path` ("" for the root): workspace globs."""


def inside_root(path: str) -> str | None:
    """Normalise a root-relative path; None when it leaves the root."""
    if path.startswith("/"):
        return None
    norm = posixpath.normpath(path)
    if norm == ".." or norm.startswith("../"):
        return None
    return "" if norm == "." else norm


def within(path: str, root: str) -> bool:
    """Whether the absolute `path` is `root` or below it (both resolved alike)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def unreadable(content: bytes) -> str | None:
    """Why a file's content is not source text guardfix can read, or None."""
    if b"\0" in content[:8192]:
        return "binary content"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (invalid byte at offset {exc.start})"
    return None
