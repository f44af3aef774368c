"""The few git commands guardfix runs, and readers over the index, a commit or the disk."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import weakref
from pathlib import Path
from typing import IO

from guardfix.files import inside_root, within


class GitError(Exception):
    """git failed or is missing; the message is one line for the user."""


# No fsmonitor hook: guardfix's reads need no program of the repository's run.
GIT = ("git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false")
# Requests written before their answers are read: little enough for any pipe's buffer.
CHUNK = 4096


def git(root: Path, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    try:
        proc = subprocess.run(
            [*GIT, *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode not in ok:
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


def grep(
    root: Path, needles: tuple[bytes, ...], rev: str | None, ignore_case: bool, under: str
) -> list[str]:
    """The tracked files below `under` ("" for all) whose text holds one of `needles`: in
    the working tree, or with `rev` in the index ("") or a commit. git reads them, so that
    guardfix need not."""
    where = [] if rev is None else ["--cached"] if not rev else [rev]
    patterns = [a for n in needles for a in ("-e", n.decode("utf-8", "surrogateescape"))]
    case = ["-i"] if ignore_case else []
    # No textconv driver: a search runs nothing of the repository's.
    flags = ["-l", "-z", "-F", "--no-color", "--no-textconv", *case]
    folder = ["--", f":(literal){under}"] if under else []
    out = git(root, "grep", *flags, *patterns, *where, *folder, ok=(0, 1))
    prefix = f"{rev}:" if rev else ""
    return [p.removeprefix(prefix) for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


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


class Blobs:
    """One `git cat-file --batch` for the whole run, started at the first read: objects
    (`:path` for the index, `REV:path`) are asked for when needed, not a process each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = 0  # the process that started it: a forked worker starts its own

    def read(self, specs: list[str]) -> dict[str, bytes | None]:
        result: dict[str, bytes | None] = {}
        for spec in [s for s in specs if "\n" in s]:  # --batch reads one name per line
            try:
                result[spec] = git(self.root, "cat-file", "blob", spec)
            except GitError:
                result[spec] = None
        chunk: list[str] = []
        size = 0
        for spec in [s for s in specs if "\n" not in s]:
            line = len(spec.encode("utf-8", "surrogateescape")) + 1
            if chunk and size + line > CHUNK:
                result.update(self._ask(chunk))
                chunk, size = [], 0
            chunk.append(spec)
            size += line
        if chunk:
            result.update(self._ask(chunk))
        return result

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._owner != os.getpid():
            self._owner = os.getpid()
            try:
                self._proc = subprocess.Popen(
                    [*GIT, "cat-file", "--batch"],
                    cwd=self.root,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,  # unread, it could fill and stall git
                )
            except FileNotFoundError:
                raise GitError("git is not installed or not on PATH") from None
            weakref.finalize(self, _stop, self._proc)
        return self._proc

    def _ask(self, specs: list[str]) -> dict[str, bytes | None]:
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        result: dict[str, bytes | None] = {}
        try:
            proc.stdin.write("".join(s + "\n" for s in specs).encode("utf-8", "surrogateescape"))
            proc.stdin.flush()
            for spec in specs:
                result[spec] = self._answer(proc.stdout)
            return result
        except (BrokenPipeError, EOFError):
            _stop(proc)
            self._proc = None
        # git stopped at this object (a corrupt one...): asked alone, git says why.
        failed = specs[len(result)]
        result[failed] = git(self.root, "cat-file", "blob", failed)
        rest = specs[len(result) :]
        return result | self._ask(rest) if rest else result

    @staticmethod
    def _answer(out: IO[bytes]) -> bytes | None:
        line = out.readline()
        if not line.endswith(b"\n"):
            raise EOFError
        # `<name> missing` (or `ambiguous`) repeats the name, which may hold spaces;
        # a found object is `<sha> <type> <size>`.
        header = line.split()
        if len(header) != 3 or not header[2].isdigit():
            return None
        size = int(header[2])
        body = out.read(size + 1)
        if len(body) != size + 1:
            raise EOFError
        return body[:size] if header[1] == b"blob" else None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(BrokenPipeError):
                stream.close()
    proc.wait()


class DiskReader:
    """Project files as they are on disk under `root`; never leaves the root."""

    def __init__(self, root: Path, *, tracked: bool = False) -> None:
        self.root = root
        self.tracked = tracked  # the root is a repository's, and its tracked files the project
        self._real_root = os.path.realpath(root)
        self._real_dirs: dict[str, str] = {}

    def search(
        self, *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str] | None:
        """The project's files that hold one of `needles`; None when they must be read."""
        return grep(self.root, needles, None, ignore_case, under) if self.tracked else None

    def _path(self, path: str) -> str | None:
        """The file's real location when it is inside the root; links are followed."""
        norm = inside_root(path)
        if norm is None:
            return None
        parent, name = os.path.split(norm)
        # Resolve each folder once; the file itself only when it is a symlink.
        real_dir = self._real_dirs.get(parent)
        if real_dir is None:
            real = os.path.realpath(self.root / parent)
            real_dir = self._real_dirs[parent] = real if within(real, self._real_root) else ""
        if not real_dir:
            return None  # a folder linked to outside the project
        real = os.path.join(real_dir, name)
        if os.path.islink(real):
            real = os.path.realpath(real)
            if not within(real, self._real_root):
                return None  # a symlink that points outside the project
        return real

    def prefetch(self, paths: list[str]) -> None:
        """Files on disk are read when asked for."""

    def read(self, path: str) -> bytes | None:
        full = self._path(path)
        if full is None:
            return None
        try:
            # Only regular files: a FIFO or device named like a source file would block.
            if not stat.S_ISREG(os.stat(full).st_mode):
                return None
            with open(full, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        full = self._path(path)
        return full is not None and os.path.isfile(full)

    def folders(self, path: str) -> list[str]:
        norm = inside_root(path)
        if norm is None:
            return []
        real = os.path.realpath(self.root / norm)
        if not within(real, self._real_root):
            return []
        try:
            with os.scandir(real) as entries:  # links are not followed: they may lead out
                return sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
        except OSError:
            return []


class BlobReader:
    """Project files as stored in the index (`rev=""`) or in a commit."""

    def __init__(self, root: Path, rev: str = "") -> None:
        self.root = root
        self.rev = rev
        self._files: set[str] | None = None
        self._folders: dict[str, set[str]] | None = None
        self._cache: dict[str, bytes | None] = {}
        self._blobs = Blobs(root)

    def files(self) -> set[str]:
        if self._files is None:
            if self.rev:
                out = git(self.root, "ls-tree", "-r", "-z", "--name-only", self.rev)
                self._files = {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
            else:
                self._files = set(ls_files(self.root))
        return self._files

    def search(self, *needles: bytes, ignore_case: bool = False, under: str = "") -> list[str]:
        return grep(self.root, needles, self.rev, ignore_case, under)

    def prefetch(self, paths: list[str]) -> None:
        wanted = [p for p in paths if p not in self._cache]
        blobs = self._blobs.read([f"{self.rev}:{p}" for p in wanted])
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

    def folders(self, path: str) -> list[str]:
        norm = inside_root(path)
        if norm is None:
            return []
        if self._folders is None:
            self._folders = {}
            for file in self.files():
                parts = file.split("/")[:-1]
                for depth, name in enumerate(parts):
                    self._folders.setdefault("/".join(parts[:depth]), set()).add(name)
        return sorted(self._folders.get(norm, ()))
