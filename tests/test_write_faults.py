"""Faults during `--apply`: whatever fails, the original keeps every byte, no temp file is
left behind, the file is named with the reason, the other files are still written, and the
run exits 2.

Failures are injected into one file's write (the system calls the write stage makes,
patched to fail for that file only) and made real with read-only files and folders.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guardfix.cli import main
from tests.conftest import write_tree
from tests.test_apply import ACTION, FIXED, PROJECT, VULNERABLE

OTHER = "app/actions/other.ts"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {**PROJECT, OTHER: VULNERABLE})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _targets_action(path: Any) -> bool:
    """Whether a path the write stage passes is the action file or its temp file."""
    return os.path.basename(os.fspath(path)).startswith(("posts.ts", ".posts.ts."))


def _fail(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def no_temp_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(".posts.ts."):
            raise _fail(errno.ENOSPC)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def disk_full_on_write(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fdopen

    class Full:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])  # half of it lands, then the disk is full
            raise _fail(errno.ENOSPC)

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real(fd, *args, **kwargs)
        return Full(handle) if _targets_action(os.readlink(f"/proc/self/fd/{fd}")) else handle

    monkeypatch.setattr(os, "fdopen", fdopen)


def _os_call_fails(name: str, code: int, which: int = 0) -> Callable[[pytest.MonkeyPatch], None]:
    """Make `os.<name>` fail for the action file (argument `which` names the path)."""

    def inject(monkeypatch: pytest.MonkeyPatch) -> None:
        real = getattr(os, name)

        def failing(*args: Any, **kwargs: Any) -> Any:
            target = args[which]
            if isinstance(target, int):
                target = os.readlink(f"/proc/self/fd/{target}")
            if _targets_action(target):
                raise _fail(code)
            return real(*args, **kwargs)

        monkeypatch.setattr(os, name, failing)

    return inject


def changed_while_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync

    def fsync(fd: int) -> None:
        real(fd)
        if _targets_action(os.readlink(f"/proc/self/fd/{fd}")):
            Path(ACTION).write_text(VULNERABLE + "// an editor saved this meanwhile\n")

    monkeypatch.setattr(os, "fsync", fsync)


FAULTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str]] = {
    "no-temp-file": (no_temp_file, "cannot create a temporary file beside it (No space left"),
    "disk-full-on-write": (disk_full_on_write, "cannot write it (No space left on device)"),
    "fsync-io-error": (_os_call_fails("fsync", errno.EIO), "cannot write it (Input/output error)"),
    "chmod-denied": (
        _os_call_fails("chmod", errno.EPERM),
        "cannot write it (Operation not permitted)",
    ),
    "rename-denied": (
        _os_call_fails("replace", errno.EACCES, which=1),
        "cannot write it (Permission denied)",
    ),
    "rename-cross-device": (
        _os_call_fails("replace", errno.EXDEV, which=1),
        "cannot write it (Invalid cross-device link)",
    ),
    "lock-open-denied": (
        _os_call_fails("open", errno.EACCES),
        "cannot open it (Permission denied)",
    ),
    "changed-while-writing": (
        changed_while_writing,
        "it changed while guardfix was writing; run guardfix again",
    ),
}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*.tmp"))


@pytest.mark.parametrize("inject,why", FAULTS.values(), ids=list(FAULTS))
def test_an_injected_fault_keeps_the_original(
    app: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    inject: Callable[[pytest.MonkeyPatch], None],
    why: str,
) -> None:
    before = (app / ACTION).read_bytes()
    inject(monkeypatch)
    code = main(["--apply", "--all"])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert f"Not rewritten: {ACTION}: {why}" in out
    if "changed" not in why:
        assert (app / ACTION).read_bytes() == before
    assert leftovers(app) == []
    # The other file is still written.
    assert f"Rewrote {OTHER}" in out
    assert (app / OTHER).read_text() == FIXED


def test_read_only_file_is_left_alone(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = app / ACTION
    path.chmod(0o444)
    assert main(["--apply", "--all"]) == 2
    out = capsys.readouterr().out
    assert f"Not rewritten: {ACTION}: it is read-only" in out
    assert path.read_text() == VULNERABLE
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert leftovers(app) == []
    assert (app / OTHER).read_text() == FIXED


def test_read_only_folder_is_left_alone(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = app / "app/actions"
    (app / "lib").mkdir()
    (app / "lib/other.ts").write_text(VULNERABLE)
    folder.chmod(0o555)
    try:
        assert main(["--apply", "--all"]) == 2
        out = capsys.readouterr().out
        assert f"Not rewritten: {ACTION}: its folder is read-only" in out
        assert f"Not rewritten: {OTHER}: its folder is read-only" in out
        assert (app / ACTION).read_text() == VULNERABLE
        assert sorted(p.name for p in folder.iterdir()) == ["other.ts", "posts.ts"]
        assert (app / "lib/other.ts").read_text() == FIXED
    finally:
        folder.chmod(0o755)


def test_file_deleted_before_the_write(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import guardfix.write

    real = guardfix.write.write_atomic

    def delete_first(root: Path, path: str, *args: Any, **kwargs: Any) -> None:
        if path == ACTION:
            (root / path).unlink()
        real(root, path, *args, **kwargs)

    monkeypatch.setattr(guardfix.write, "write_atomic", delete_first)
    assert main(["--apply", "--all"]) == 2
    out = capsys.readouterr().out
    assert f"Not rewritten: {ACTION}: cannot read it (No such file or directory)" in out
    assert not (app / ACTION).exists()  # not brought back
    assert leftovers(app) == []
    assert (app / OTHER).read_text() == FIXED


def test_file_swapped_for_a_symlink_before_the_write(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import guardfix.write

    real = guardfix.write.write_atomic
    target = app / "elsewhere.ts"

    def swap_first(root: Path, path: str, *args: Any, **kwargs: Any) -> None:
        if path == ACTION:
            target.write_bytes((root / path).read_bytes())
            (root / path).unlink()
            (root / path).symlink_to(target)
        real(root, path, *args, **kwargs)

    monkeypatch.setattr(guardfix.write, "write_atomic", swap_first)
    assert main(["--apply", "--all"]) == 2
    out = capsys.readouterr().out
    assert f"Not rewritten: {ACTION}: it is a symbolic link" in out
    assert target.read_text() == VULNERABLE
    assert (app / ACTION).is_symlink()
    assert leftovers(app) == []
    assert (app / OTHER).read_text() == FIXED


def test_interrupt_during_the_write_leaves_no_temp_file(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = os.fsync

    def interrupted(fd: int) -> None:
        real(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    assert main(["--apply", "--all"]) == 130
    assert "guardfix: interrupted" in capsys.readouterr().err
    assert (app / ACTION).read_text() == VULNERABLE
    assert (app / OTHER).read_text() == VULNERABLE
    assert leftovers(app) == []
