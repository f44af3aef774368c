"""A few of the tables' cases through the command itself, in a git repository on disk: what
`guardfix --apply --all .` writes and prints there is what the tables' in-memory run
(`fix_project`) gives."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.engine import fix_source
from tests.codemods.projects import Files, config_of
from tests.codemods.test_no_fix import NO_FIX, UNCHANGED
from tests.codemods.test_owner_filter import OWNER_FILTERS, UNSAFE_FIXES
from tests.codemods.test_session_guard import GUARD_SHAPES
from tests.conftest import git, write_tree


def case(table: list[pytest.ParameterSet], name: str) -> Sequence[object]:
    """The values of the table's case `name`."""
    return next(p.values for p in table if p.id == name)


def commit(repo: Path, files: Files) -> Path:
    """`files` committed in `repo`; the first file's path."""
    write_tree(repo, dict(files))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "project")
    return repo / next(iter(files))


@pytest.mark.parametrize(
    ("files", "expected", "flags"),
    [
        pytest.param(*case(GUARD_SHAPES, "function-declaration"), (), id="session-guard"),
        # The configuration is found on disk, next to the project.
        pytest.param(
            *case(OWNER_FILTERS, "prisma-owner-from-configuration"), (), id="owner-filter"
        ),
        pytest.param(
            *case(UNSAFE_FIXES, "supabase-guessed-user_id"), ("--unsafe-fixes",), id="unsafe"
        ),
    ],
)
def test_the_command_writes_the_fix(
    repo: Path, monkeypatch: pytest.MonkeyPatch, files: Files, expected: str, flags: tuple[str]
) -> None:
    target = commit(repo, files)
    monkeypatch.chdir(repo)
    assert main(["--apply", "--all", ".", *flags]) == 1  # 1: a file was rewritten
    after = target.read_bytes()
    assert after.decode("utf-8") == expected
    encoded = {path: content.encode("utf-8") for path, content in files.items()}
    unsafe = "--unsafe-fixes" in flags
    assert fix_source(encoded, next(iter(files)), config_of(files), unsafe) == after
    assert main(["--apply", "--all", "."]) == 0, "a second run still finds something"
    assert target.read_bytes() == after, "a second run changed the file again"


@pytest.mark.parametrize(
    ("files", "code", "said"),
    [
        pytest.param(case(UNCHANGED, "guarded-and-owned")[0], 0, "No problems found", id="fine"),
        pytest.param(case(NO_FIX, "name-taken")[0], 1, case(NO_FIX, "name-taken")[1], id="no-fix"),
    ],
)
def test_the_command_leaves_the_file(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: Files,
    code: int,
    said: str,
) -> None:
    target = commit(repo, files)
    monkeypatch.chdir(repo)
    assert main(["--apply", "--all", "."]) == code
    assert target.read_bytes() == files[next(iter(files))].encode("utf-8")
    assert said in capsys.readouterr().out
