"""Paths as Next.js projects name them, through every mode that reads git: the staged change
(whole and from pre-commit's file list), --diff-base, --apply, and the real pre-commit.

Route folders hold brackets, parentheses and `@`; people's folders hold spaces, accents,
`#`, `%`; a name may start with `-` (read as an option unless after `--`) or hold a
character git quotes (`"`). All real git, in temp folders.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardfix.cli import main
from tests.conftest import git, write_tree
from tests.test_apply import FIXED, PROJECT, VULNERABLE
from tests.test_precommit import try_repo
from tests.test_select import commit_all

NAMES = {
    "space": "app/actions/my files/an action.ts",
    "two-spaces": "app/my  docs/a b c.ts",
    "non-ascii": "app/actions/café/naïve.ts",
    "cjk": "app/日本/アクション.ts",
    "brackets": "app/posts/[id]/actions.ts",
    "catch-all": "app/docs/[...slug]/actions.ts",
    "group": "app/(marketing)/actions.ts",
    "parallel": "app/@modal/actions.ts",
    "hash": "app/#private/actions.ts",
    "percent": "app/100%/actions.ts",
    "leading-dash": "-actions.ts",
    "dash-folder": "-app/-actions.ts",
    "quoted": 'app/say "hi".ts',
}
IDS = list(NAMES)


@pytest.fixture
def app(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Auth.js + Prisma project, committed, with the shell in it."""
    write_tree(repo, PROJECT)
    commit_all(repo)
    monkeypatch.chdir(repo)
    return repo


def found(capsys: pytest.CaptureFixture[str]) -> set[str]:
    """The paths with a session finding."""
    out = json.loads(capsys.readouterr().out)
    return {f["path"] for f in out["findings"] if f["rule"] in ("GF001", "GF004")}


@pytest.mark.parametrize("name", NAMES.values(), ids=IDS)
def test_staged_change(app: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    write_tree(app, {name: VULNERABLE})
    git(app, "add", "-A")
    assert main(["--format", "json"]) == 1
    assert found(capsys) == {name}


@pytest.mark.parametrize("name", NAMES.values(), ids=IDS)
def test_staged_files_as_pre_commit_passes_them(
    app: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write_tree(app, {name: VULNERABLE})
    git(app, "add", "-A")
    assert main(["--format", "json", "--staged", "--", name]) == 1
    assert found(capsys) == {name}


@pytest.mark.parametrize("name", NAMES.values(), ids=IDS)
def test_branch_diff(app: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    git(app, "checkout", "-q", "-b", "feature")
    write_tree(app, {name: VULNERABLE})
    commit_all(app)
    assert main(["--format", "json", "--diff-base", "main"]) == 1
    assert found(capsys) == {name}


@pytest.mark.parametrize("name", NAMES.values(), ids=IDS)
def test_apply_staged(app: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    write_tree(app, {name: VULNERABLE})
    git(app, "add", "-A")
    assert main(["--staged", "--apply", "--", name]) == 1
    assert f"Rewrote {name} (2 fixes)" in capsys.readouterr().out
    assert (app / name).read_text() == FIXED
    git(app, "add", "-A")
    assert main(["--staged", "--", name]) == 0


def test_pre_commit_passes_every_name(app: Path, home: Path) -> None:
    write_tree(app, dict.fromkeys(NAMES.values(), VULNERABLE))
    git(app, "add", "-A")
    blocked = try_repo(app, home, "guardfix")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    for name in NAMES.values():
        assert f"{name}:6:" in blocked.stdout, name
    assert "internal error" not in blocked.stdout + blocked.stderr

    rewrote = try_repo(app, home, "guardfix-fix")
    assert rewrote.returncode == 1, rewrote.stdout + rewrote.stderr
    for name in NAMES.values():
        assert (app / name).read_text() == FIXED, name
    git(app, "add", "-A")
    assert try_repo(app, home, "guardfix").returncode == 0
