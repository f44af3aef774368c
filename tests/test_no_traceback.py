"""No traceback reaches the user: every way a user can get guardfix wrong, run through the
installed console script in a real process, ends in a `guardfix:` line and exit 2 (or a
normal report), and a bug ends in one line naming the file and asking for a report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from guardfix.cli import ISSUES_URL, main
from tests.conftest import git, write_tree
from tests.test_apply import ACTION, PROJECT, VULNERABLE

SCRIPT = Path(sys.executable).with_name("guardfix")


def guardfix(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def app(tmp_path: Path) -> Path:
    write_tree(tmp_path, PROJECT)
    return tmp_path


def _repo(app: Path) -> None:
    git(app, "init", "-q")


def _no_git_on_path(app: Path) -> dict[str, str]:
    # A PATH with python but not git: the staged mode must say git is missing.
    bin_dir = app.parent / "bin-without-git"
    bin_dir.mkdir()
    return {"PATH": str(bin_dir)}


CASES: dict[str, tuple[Callable[[Path], object], list[str], str]] = {
    "unknown flag": (lambda app: None, ["--frobnicate"], "No such option"),
    "two modes": (lambda app: None, ["--all", "--diff-base", "x"], "use only one of"),
    "missing path": (lambda app: None, ["nope/"], "nope/: no such file or folder"),
    "staged outside git": (lambda app: None, [], "needs a git repository"),
    "unknown ref": (_repo, ["--diff-base", "nope"], "cannot diff against 'nope'"),
    "path outside the repository": (_repo, ["--staged", "../x.ts"], "outside the repository"),
    "--all on a file": (lambda app: None, ["--all", ACTION], "not a folder"),
    "bad format": (lambda app: None, ["--format", "xml", "."], "'xml' is not one of"),
    "bad rule": (lambda app: None, ["--explain", "GF000"], "unknown rule 'GF000'"),
    "config missing": (lambda app: None, ["--config", "x.toml", "."], "no such configuration"),
    "config broken": (
        lambda app: (app / "guardfix.toml").write_text("select = [\n"),
        ["."],
        "guardfix.toml: not valid TOML",
    ),
    "config not utf-8": (
        lambda app: (app / "guardfix.toml").write_bytes(b"\xff"),
        ["."],
        "not UTF-8",
    ),
    "binary source": (
        lambda app: (app / ACTION).write_bytes(b"\x00\xff" * 100),
        ["."],
        "1 file could not be checked",
    ),
}


@pytest.mark.parametrize("prepare,args,message", CASES.values(), ids=list(CASES))
def test_user_mistakes_are_one_line(
    app: Path, prepare: Callable[[Path], object], args: list[str], message: str
) -> None:
    prepare(app)
    done = guardfix(app, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert message in done.stdout + done.stderr
    for line in done.stderr.splitlines():
        assert line.startswith(("guardfix: ", "Try 'guardfix --help'")), done.stderr


def test_git_not_installed(app: Path) -> None:
    _repo(app)
    no_git = _no_git_on_path(app)
    done = guardfix(app, env=no_git)
    assert done.returncode == 2
    assert done.stderr == (
        "guardfix: error: checking the staged change needs git, which is not installed or "
        "not on PATH\n"
    )
    # Named paths need no git: they are read from disk.
    done = guardfix(app, ACTION, env=no_git)
    assert done.returncode == 1, done.stderr
    assert "GF001" in done.stdout


def test_output_into_a_closed_pipe(app: Path) -> None:
    # `guardfix --all | head -1`: the reader leaves early; no BrokenPipeError spew.
    with subprocess.Popen(
        [str(SCRIPT), "--all", "."],
        cwd=app,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) in (1, 2)
    assert "Traceback" not in err
    assert "BrokenPipe" not in err


def test_a_bug_while_checking_a_file_names_it(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(app)

    def broken(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("guardfix.engine.find_actions", broken)
    assert main(["."]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"guardfix: internal error while checking {ACTION}: KeyError('boom'); "
        f"please report it at {ISSUES_URL} with that file if you can\n"
    )


def test_a_bug_while_fixing_a_file_names_it(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(app)

    def broken(*args: object) -> None:
        raise IndexError("fix")

    monkeypatch.setattr("guardfix.rewrite.apply_edits", broken)
    assert main(["--apply", "."]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"guardfix: internal error while checking {ACTION}: IndexError('fix')")
    assert len(err.splitlines()) == 1
    assert (app / ACTION).read_text() == VULNERABLE


def test_a_bug_anywhere_else_is_one_line(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(app)

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("render")

    monkeypatch.setattr("guardfix.report.text.render", broken)
    assert main(["."]) == 2
    err = capsys.readouterr().err
    assert err == (
        "guardfix: internal error: RuntimeError('render'); "
        f"please report it at {ISSUES_URL} with the command you ran\n"
    )


def test_the_console_script_is_the_one_under_test() -> None:
    assert SCRIPT.is_file(), f"{SCRIPT} missing: install the package (pip install -e .)"
    assert shutil.which("git") is not None
