"""The write stage: replace a file atomically, and only if it is still what was read."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from guardfix.files import within
from guardfix.model import Rewrite

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: compare-before-rename only
    fcntl = None  # type: ignore[assignment]

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class WriteRefused(Exception):
    """The file was left as it was; the message says why."""


def write_atomic(root: Path, path: str, expected: bytes, new: bytes, *, staged: bool) -> None:
    """Write `new` over `path` if it still holds `expected`: temp file, then rename.

    Another guardfix writing the same file waits for the lock, then finds the content
    changed and refuses, so neither run's change is lost.
    """
    full = root / path
    if full.is_symlink():
        raise WriteRefused("it is a symbolic link; guardfix does not write through links")
    if not within(os.path.realpath(full.parent), os.path.realpath(root)):
        raise WriteRefused("its folder is a link to outside the repository")
    try:
        info = full.stat()
    except OSError as exc:
        raise WriteRefused(f"cannot read it ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("it is not a regular file")
    # No write bit for anyone means "do not touch", even where the OS would allow it (root).
    if not info.st_mode & WRITE_BITS:
        raise WriteRefused("it is read-only")
    if not os.stat(full.parent).st_mode & WRITE_BITS:
        raise WriteRefused("its folder is read-only")
    with _locked(full):
        _replace(full, expected, new, stat.S_IMODE(info.st_mode), staged)


def _replace(full: Path, expected: bytes, new: bytes, mode: int, staged: bool) -> None:
    try:
        current = full.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"cannot read it ({exc.strerror})") from None
    if staged and current != expected and b"\r" not in expected + new:
        # .gitattributes `eol=crlf` checks an LF blob out with CRLF: write the fix likewise.
        crlf = expected.replace(b"\n", b"\r\n")
        if current == crlf:
            expected, new = crlf, new.replace(b"\n", b"\r\n")
    if current != expected:
        raise WriteRefused(
            "the working tree differs from the staged version (unstaged edits, or a "
            ".gitattributes filter); stage them, or name the file: `guardfix --apply PATH`"
            if staged
            else "it changed since guardfix read it; run guardfix again"
        )
    try:
        handle, temp = tempfile.mkstemp(dir=full.parent, prefix=f".{full.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteRefused(f"cannot create a temporary file beside it ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        if full.read_bytes() != expected:
            raise WriteRefused("it changed while guardfix was writing; run guardfix again")
        os.replace(temp, full)
    except OSError as exc:
        _remove(temp)
        raise WriteRefused(f"cannot write it ({exc.strerror})") from None
    except BaseException:
        _remove(temp)
        raise


@contextlib.contextmanager
def _locked(full: Path) -> Iterator[None]:
    """An exclusive advisory lock on the file, held from the last compare to the rename.

    A second writer that opened the old file waits here, then reads the new content by
    path and refuses; one that opens it after the rename sees the new content anyway.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise WriteRefused(f"cannot open it ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def write_rewrites(root: Path, rewrites: Iterable[Rewrite], *, staged: bool) -> dict[str, str]:
    """Write each changed file; returns path -> why, for those left as they were."""
    failures: dict[str, str] = {}
    for rw in rewrites:
        if not rw.fixed:
            continue
        try:
            write_atomic(root, rw.path, rw.before, rw.after, staged=staged)
        except WriteRefused as exc:
            failures[rw.path] = str(exc)
    return failures
