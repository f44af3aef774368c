"""The few git commands guardfix runs, and readers over the index, a commit or the disk."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from guardfix.facts.resolve import inside_root, within


class GitError(Exception):
    """git failed or is missing; the message is one line for the user."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            # No fsmonitor hook: guardfix's reads need no program of the repository's run.
            ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else proc.returncode}")
    return proc.stdout


def toplevel(start: Path) -> Path | None:
    """The work tree root that contains `start`, or None outside a repository."""
    try:
        out = git(start if start.is_dir() else start.parent, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def ls_files(root: Path) -> list[str]:
    out = git(root, "ls-files", "-z", "--cached")
    # An unmerged path is listed once per stage; once is enough.
    return list(dict.fromkeys(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p))


def index_state(root: Path, path: str) -> str | None:
    """Why the index has no plain file at `path`: "submodule", "unmerged", or None."""
    try:
        out = git(root, "ls-files", "-z", "--stage", "--", f":(literal){path}")
    except GitError:
        return None
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        fields = entry.partition("\t")[0].split()  # mode, object, stage
        if len(fields) == 3 and fields[0] == "160000":
            return "submodule"
        if len(fields) == 3 and fields[2] != "0":
            return "unmerged"
    return None


def read_blobs(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """Read many objects (`:path` for the index, `REV:path`) in one `git cat-file`."""
    result: dict[str, bytes | None] = {}
    for spec in [s for s in specs if "\n" in s]:  # --batch reads one name per line
        try:
            result[spec] = git(root, "cat-file", "blob", spec)
        except GitError:
            result[spec] = None
    specs = [s for s in specs if "\n" not in s]
    if not specs:
        return result
    out = git(
        root,
        "cat-file",
        "--batch",
        stdin="".join(s + "\n" for s in specs).encode("utf-8", "surrogateescape"),
    )
    pos = 0
    for spec in specs:
        end = out.index(b"\n", pos)
        line = out[pos:end]
        pos = end + 1
        # `<name> missing` (or `ambiguous`) repeats the name, which may hold spaces;
        # a found object is `<sha> <type> <size>`.
        header = line.split()
        if len(header) != 3 or not header[2].isdigit():
            result[spec] = None
            continue
        size = int(header[2])
        if header[1] != b"blob":
            result[spec] = None
            pos += size + 1
            continue
        result[spec] = out[pos : pos + size]
        pos += size + 1
    return result


class DiskReader:
    """Project files as they are on disk under `root`; never leaves the root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._real_root = os.path.realpath(root)
        self._real_dirs: dict[str, str] = {}

    def _path(self, path: str) -> Path | None:
        norm = inside_root(path)
        if norm is None:
            return None
        full = self.root / norm
        # Resolve each folder once; the file itself only when it is a symlink.
        parent = os.path.dirname(norm)
        if parent not in self._real_dirs:
            self._real_dirs[parent] = os.path.realpath(self.root / parent)
        real = os.path.join(self._real_dirs[parent], os.path.basename(norm))
        if os.path.islink(real):
            real = os.path.realpath(real)
        if not within(real, self._real_root):
            return None  # a symlink that points outside the project
        return full

    def prefetch(self, paths: list[str]) -> None:
        """Files on disk are read when asked for."""

    def read(self, path: str) -> bytes | None:
        full = self._path(path)
        if full is None:
            return None
        try:
            # Only regular files: a FIFO or device named like a source file would block.
            if not stat.S_ISREG(full.stat().st_mode):
                return None
            return full.read_bytes()
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        full = self._path(path)
        return full is not None and full.is_file()


class BlobReader:
    """Project files as stored in the index (`rev=""`) or in a commit."""

    def __init__(self, root: Path, rev: str = "") -> None:
        self.root = root
        self.rev = rev
        self._files: set[str] | None = None
        self._cache: dict[str, bytes | None] = {}

    def files(self) -> set[str]:
        if self._files is None:
            if self.rev:
                out = git(self.root, "ls-tree", "-r", "-z", "--name-only", self.rev)
                self._files = {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
            else:
                self._files = set(ls_files(self.root))
        return self._files

    def prefetch(self, paths: list[str]) -> None:
        wanted = [p for p in paths if p not in self._cache]
        blobs = read_blobs(self.root, [f"{self.rev}:{p}" for p in wanted])
        for path in wanted:
            self._cache[path] = blobs.get(f"{self.rev}:{path}")

    def read(self, path: str) -> bytes | None:
        norm = inside_root(path)
        if norm is None:
            return None
        if norm not in self._cache:
            self.prefetch([norm])
        return self._cache[norm]

    def exists(self, path: str) -> bool:
        norm = inside_root(path)
        return norm is not None and norm in self.files()
