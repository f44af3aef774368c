"""Odd repositories: bare, worktrees, submodules, quoted names, symlinks in the index,
.gitattributes conversion, a merge in progress, a mode change. All real git, in temp folders.

(Not a repository, no commits yet, an empty stage, deleted, renamed and partially staged
files are in test_select.py and test_apply.py.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guardfix.cli import main
from tests.conftest import git, write_tree
from tests.test_apply import ACTION, FIXED, PROJECT, VULNERABLE
from tests.test_select import commit_all, run_json

# The staged change must touch the action for the staged mode to report it.
TOUCHED = VULNERABLE.replace('formData.get("id")', 'formData.get("postId")')
TOUCHED_FIXED = FIXED.replace('formData.get("id")', 'formData.get("postId")')


@pytest.fixture
def app(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Auth.js + Prisma project, committed, with the shell in it."""
    write_tree(repo, PROJECT)
    commit_all(repo)
    monkeypatch.chdir(repo)
    return repo


def test_bare_repository_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    monkeypatch.chdir(bare)
    assert main([]) == 2
    assert f"needs a work tree, and {bare} is a bare repository" in capsys.readouterr().err


def test_linked_worktree(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = app.parent / "feature"
    git(app, "worktree", "add", "-q", str(tree))
    monkeypatch.chdir(tree)
    (tree / ACTION).write_text(TOUCHED)
    git(tree, "add", ACTION)
    assert main(["--apply"]) == 1
    assert f"Rewrote {ACTION}" in capsys.readouterr().out
    assert (tree / ACTION).read_text() == TOUCHED_FIXED
    assert (app / ACTION).read_text() == VULNERABLE  # the main tree is not touched


def test_submodules_are_skipped_and_said(
    app: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A submodule whose folder name looks like a source file, staged and in --all.
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q", "-b", "main")
    write_tree(library, {"index.ts": VULNERABLE})
    git(library, "add", "-A")
    git(library, "-c", "user.name=L", "-c", "user.email=l@x", "commit", "-q", "-m", "lib")
    git(app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "lib.ts")
    assert main([]) == 0
    assert "lib.ts: skipped, a submodule (check it in its own repository)" in (
        capsys.readouterr().out
    )
    commit_all(app)
    assert main(["--all"]) == 1  # the project's own action, not the submodule's
    out = capsys.readouterr().out
    assert "lib.ts: skipped, a submodule" in out
    assert "index.ts" not in out


NAMES = [
    'app/say "hi".ts',
    "app/tab\there.ts",
    "app/new\nline.ts",
    "app/back\\slash.ts",
    "app/ünï cödé 日本.ts",
]


@pytest.mark.parametrize("name", NAMES, ids=["quotes", "tab", "newline", "backslash", "unicode"])
def test_names_git_quotes(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write_tree(app, {name: VULNERABLE})
    git(app, "add", "-A")
    code, found = run_json(app, monkeypatch, capsys)
    assert code == 1
    assert ("GF001", name, "deletePost", 6) in found
    assert main(["--apply"]) == 1
    capsys.readouterr()
    assert (app / name).read_text() == FIXED


def test_names_git_quotes_in_the_branch_diff(
    app: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(app, "checkout", "-q", "-b", "feature")
    write_tree(app, {NAMES[0]: VULNERABLE, NAMES[2]: VULNERABLE})
    commit_all(app)
    code, found = run_json(app, monkeypatch, capsys, "--diff-base", "main")
    assert code == 1
    assert {path for _, path, _, _ in found} == {NAMES[0], NAMES[2]}


def test_text_report_escapes_a_newline_in_a_name(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(app, {NAMES[2]: VULNERABLE})
    git(app, "add", "-A")
    assert main([]) == 1
    assert "app/new\\nline.ts:6:9: GF001" in capsys.readouterr().out


def test_staged_symlink_is_neither_followed_nor_written(
    app: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.ts"
    outside.write_text(VULNERABLE)
    (app / "app/actions/link.ts").symlink_to(outside)
    git(app, "add", "-A")  # the index holds the link (mode 120000), its blob is the target
    assert main(["--apply"]) == 0
    out = capsys.readouterr().out
    assert "0 server actions" in out
    assert outside.read_text() == VULNERABLE
    assert main(["--apply", "--all"]) == 1
    out = capsys.readouterr().out
    assert "app/actions/link.ts: skipped, cannot be read (or points outside the project)" in out
    assert outside.read_text() == VULNERABLE


def test_eol_conversion_is_written_back_as_checked_out(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `eol=crlf`: the index holds LF, the working tree CRLF; the fix must keep CRLF.
    (app / ".gitattributes").write_text("*.ts text eol=crlf\n")
    commit_all(app)
    (app / ACTION).unlink()
    git(app, "checkout", "--", ACTION)
    assert (app / ACTION).read_bytes() == VULNERABLE.replace("\n", "\r\n").encode()
    (app / ACTION).write_bytes(TOUCHED.replace("\n", "\r\n").encode())
    git(app, "add", ACTION)
    assert main(["--apply"]) == 1
    assert f"Rewrote {ACTION}" in capsys.readouterr().out
    assert (app / ACTION).read_bytes() == TOUCHED_FIXED.replace("\n", "\r\n").encode()
    assert git(app, "diff", "--stat").count("insertion") == 1  # only the fix is unstaged


def test_a_clean_filter_is_not_guessed_at(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The filter drops `// local` lines on the way into the index: the index and the
    # working tree differ with nothing unstaged, and guardfix cannot redo the filter.
    git(app, "config", "filter.local.clean", "sed '/^\\/\\/ local/d'")
    git(app, "config", "filter.local.smudge", "cat")
    (app / ".gitattributes").write_text("*.ts filter=local\n")
    commit_all(app)
    (app / ACTION).write_text(TOUCHED + "// local note\n")
    git(app, "add", ACTION)
    assert git(app, "diff", "--name-only") == ""  # git sees nothing unstaged
    assert main(["--apply"]) == 2
    out = capsys.readouterr().out
    assert f"Not rewritten: {ACTION}: the working tree differs from the staged version" in out
    assert "`guardfix --apply PATH`" in out
    assert (app / ACTION).read_text() == TOUCHED + "// local note\n"


def test_merge_in_progress(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(app, "checkout", "-q", "-b", "theirs")
    (app / ACTION).write_text(VULNERABLE.replace('"id"', '"theirs"'))
    commit_all(app)
    git(app, "checkout", "-q", "main")
    (app / ACTION).write_text(VULNERABLE.replace('"id"', '"ours"'))
    commit_all(app)
    merge = subprocess.run(["git", "merge", "-q", "theirs"], capture_output=True, check=False)
    assert merge.returncode != 0  # a conflict
    conflicted = (app / ACTION).read_bytes()

    assert main(["--apply"]) == 0
    out = capsys.readouterr().out
    assert f"{ACTION}: skipped, unmerged (resolve the conflict and stage it first)" in out
    assert main(["--apply", "--staged", ACTION]) == 0
    assert "skipped, unmerged" in capsys.readouterr().out
    assert (app / ACTION).read_bytes() == conflicted

    # --all lists an unmerged path once, not once per stage.
    main(["--all"])
    out = capsys.readouterr().out
    assert "in 2 files checked" in out  # auth.ts and posts.ts, each once


def test_mode_change_only_is_quiet(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / ACTION).chmod(0o755)
    git(app, "add", ACTION)
    assert "old mode" in git(app, "diff", "--cached")
    assert main(["--apply"]) == 0
    assert "No problems found (1 server action in 1 file checked)." in capsys.readouterr().out
    assert (app / ACTION).read_text() == VULNERABLE


@pytest.mark.parametrize("name", ["app/my action.ts", "app/my files/an action.ts", "app/1 2.ts"])
def test_a_name_with_spaces_in_a_repository_with_no_commit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    # `git cat-file --batch` answers `<name> missing` for HEAD:<name>; the name's own
    # spaces must not be read as the object's type and size.
    write_tree(repo, {**PROJECT, name: VULNERABLE})
    git(repo, "add", "-A")
    monkeypatch.chdir(repo)
    assert main(["--format", "json"]) == 1
    out = capsys.readouterr().out
    assert f'"path": "{name}"' in out
    assert main(["--staged", name]) == 1
