"""Project files as every stage sees them: root-relative `/` paths, the reader that
reads them (working tree, index or a commit), and whether their bytes are source text."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
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


class MemoryReader:
    """A project's files held in memory by root-relative path: a reader with no disk or git."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files

    def read(self, path: str) -> bytes | None:
        norm = inside_root(path)
        return None if norm is None else self.files.get(norm)

    def prefetch(self, paths: list[str]) -> None:
        """Nothing to fetch."""

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def search(
        self, *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str] | None:
        return None  # the project reads the files itself, as outside git

    def folders(self, path: str) -> list[str]:
        norm = inside_root(path)
        if norm is None:
            return []
        prefix = f"{norm}/" if norm else ""
        below = [p.removeprefix(prefix) for p in self.files if p.startswith(prefix)]
        return sorted({p.split("/")[0] for p in below if "/" in p})
