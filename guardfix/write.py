"""The write stage: replace a file atomically, and only if it is still what was read."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class WriteRefused(Exception):
    """The file was left as it was; the message says why."""


def write_atomic(root: Path, path: str, expected: bytes, new: bytes, *, staged: bool) -> None:
    """Write `new` over `path` if it still holds `expected`: temp file, then rename."""
    full = root / path
    if full.is_symlink():
        raise WriteRefused("it is a symbolic link; guardfix does not write through links")
    try:
        current = full.read_bytes()
        mode = stat.S_IMODE(full.stat().st_mode)
    except OSError as exc:
        raise WriteRefused(f"cannot read it ({exc.strerror})") from None
    if current != expected:
        raise WriteRefused(
            "the working tree differs from the staged version; stage or stash those edits first"
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


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)
