"""Selecting what to check, against real git repositories in temp folders."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from guardfix.cli import main
from tests.conftest import git, write_tree

GUARDED = """"use server";
import { auth } from "@/auth";

export async function deletePost(id: string) {
  const session = await auth();
  if (!session) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id, authorId: session?.user?.id } });
}
"""
VULNERABLE = GUARDED.replace('  if (!session) throw new Error("Unauthorized");\n', "")
LEGACY = """"use server";

export async function legacyDelete(id: string) {
  await prisma.post.delete({ where: { id } });
}

export async function other() {
  return 1;
}
"""


def run_json(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[tuple[str, str, str | None, int]]]:
    monkeypatch.chdir(cwd)
    code = main(["--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    # What is selected is the question here: the session rules stand for all of them.
    return code, [
        (f["rule"], f["path"], f["action"], f["line"])
        for f in out["findings"]
        if f["rule"] in ("GF001", "GF004")
    ]


def commit_all(repo: Path, message: str = "commit") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def test_staged_new_file_is_reported(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/actions.ts": VULNERABLE})
    git(repo, "add", "app/actions.ts")
    assert run_json(repo, monkeypatch, capsys) == (
        1,
        [("GF004", "app/actions.ts", "deletePost", 6)],
    )


def test_repo_without_commits_and_empty_stage(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/actions.ts": VULNERABLE})  # not staged
    assert run_json(repo, monkeypatch, capsys) == (0, [])


def test_index_content_not_working_tree(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/actions.ts": VULNERABLE})
    git(repo, "add", "app/actions.ts")
    write_tree(repo, {"app/actions.ts": GUARDED})  # fixed, but the fix is not staged
    assert run_json(repo, monkeypatch, capsys)[1] == [("GF004", "app/actions.ts", "deletePost", 6)]
    git(repo, "add", "app/actions.ts")
    write_tree(repo, {"app/actions.ts": VULNERABLE})  # broken again, but only on disk
    assert run_json(repo, monkeypatch, capsys) == (0, [])


def test_untouched_legacy_action_does_not_block(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/legacy.ts": LEGACY})
    commit_all(repo)
    write_tree(repo, {"app/legacy.ts": LEGACY.replace("return 1;", "return 2;")})
    git(repo, "add", "-A")
    assert run_json(repo, monkeypatch, capsys) == (0, [])
    # --all still shows it.
    assert run_json(repo, monkeypatch, capsys, "--all")[1] == [
        ("GF001", "app/legacy.ts", "legacyDelete", 4)
    ]


def test_touching_the_legacy_action_reports_it(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/legacy.ts": LEGACY})
    commit_all(repo)
    write_tree(repo, {"app/legacy.ts": LEGACY.replace("(id: string)", "(id: string, _x?: number)")})
    git(repo, "add", "-A")
    assert run_json(repo, monkeypatch, capsys)[1] == [("GF001", "app/legacy.ts", "legacyDelete", 4)]


def test_deleting_the_guard_line_reports_the_action(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/actions.ts": GUARDED})
    commit_all(repo)
    assert run_json(repo, monkeypatch, capsys) == (0, [])
    write_tree(repo, {"app/actions.ts": VULNERABLE})
    git(repo, "add", "-A")
    assert run_json(repo, monkeypatch, capsys)[1] == [("GF004", "app/actions.ts", "deletePost", 6)]


def test_adding_the_directive_reports_every_action(repo: Path, monkeypatch, capsys) -> None:
    body = LEGACY.replace('"use server";\n', "")
    write_tree(repo, {"app/posts.ts": body})
    commit_all(repo)
    write_tree(repo, {"app/posts.ts": '"use server";\n' + body})
    git(repo, "add", "-A")
    assert run_json(repo, monkeypatch, capsys)[1] == [("GF001", "app/posts.ts", "legacyDelete", 4)]


def test_rename_without_change_is_quiet_and_deleted_files_are_skipped(
    repo: Path,
    monkeypatch,
    capsys,
) -> None:
    write_tree(repo, {"app/legacy.ts": LEGACY, "app/gone.ts": VULNERABLE})
    commit_all(repo)
    git(repo, "mv", "app/legacy.ts", "app/renamed.ts")
    git(repo, "rm", "-q", "app/gone.ts")
    assert run_json(repo, monkeypatch, capsys) == (0, [])


def test_rename_with_change_in_the_action(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/legacy.ts": LEGACY})
    commit_all(repo)
    git(repo, "mv", "app/legacy.ts", "app/renamed.ts")
    write_tree(repo, {"app/renamed.ts": LEGACY.replace("where: { id }", "where: { id: id }")})
    git(repo, "add", "-A")
    assert run_json(repo, monkeypatch, capsys)[1] == [
        ("GF001", "app/renamed.ts", "legacyDelete", 4)
    ]


def test_binary_file_with_source_extension_is_not_checked(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/blob.ts": b"\x00\x01use server\x00\xff"})
    git(repo, "add", "-A")
    monkeypatch.chdir(repo)
    assert main([]) == 2  # nothing found would be a claim about a file never read
    out = capsys.readouterr().out
    assert "app/blob.ts: not checked, binary content" in out
    assert "1 file could not be checked" in out


def test_staged_mode_needs_git(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "needs a git repository" in err
    assert "Traceback" not in err


def test_staged_paths_from_pre_commit(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/legacy.ts": LEGACY, "app/other.ts": LEGACY})
    commit_all(repo)
    write_tree(repo, {"app/legacy.ts": LEGACY.replace("return 1;", "return 2;")})
    git(repo, "add", "-A")
    # legacy.ts has a staged change elsewhere: quiet. other.ts has none: checked whole.
    code, found = run_json(repo, monkeypatch, capsys, "--staged", "app/legacy.ts", "app/other.ts")
    assert (code, found) == (1, [("GF001", "app/other.ts", "legacyDelete", 4)])


def test_diff_base_checks_what_the_branch_changes(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"app/legacy.ts": LEGACY})
    commit_all(repo)
    git(repo, "checkout", "-q", "-b", "feature")
    write_tree(repo, {"app/new.ts": VULNERABLE})
    commit_all(repo, "add an action")
    write_tree(repo, {"app/uncommitted.ts": VULNERABLE})  # not part of HEAD
    assert run_json(repo, monkeypatch, capsys, "--diff-base", "main")[1] == [
        ("GF004", "app/new.ts", "deletePost", 6)
    ]


def test_diff_base_unknown_ref(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {"a.ts": "export {};\n"})
    commit_all(repo)
    monkeypatch.chdir(repo)
    assert main(["--diff-base", "no-such-branch"]) == 2
    assert "cannot diff against 'no-such-branch'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["app/my actions.ts", "app/действия.ts", "app/it's.ts"])
def test_odd_file_names(repo: Path, monkeypatch, capsys, name: str) -> None:
    write_tree(repo, {name: VULNERABLE})
    git(repo, "add", "-A")
    assert run_json(repo, monkeypatch, capsys)[1] == [("GF004", name, "deletePost", 6)]


def test_all_outside_git_walks_the_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    write_tree(
        tmp_path,
        {
            "app/actions.ts": VULNERABLE,
            "node_modules/x/actions.ts": VULNERABLE,
            "app/types.d.ts": VULNERABLE,
        },
    )
    assert run_json(tmp_path, monkeypatch, capsys, "--all")[1] == [
        ("GF004", "app/actions.ts", "deletePost", 6)
    ]


def test_tsconfig_alias_read_from_the_index(repo: Path, monkeypatch, capsys) -> None:
    guard = (
        'import { auth } from "@/auth";\n'
        'import { redirect } from "next/navigation";\n'
        "export async function requireUser() {\n"
        "  const session = await auth();\n"
        '  if (!session) redirect("/login");\n'
        "  return session.user;\n"
        "}\n"
    )
    action = (
        '"use server";\nimport { requireUser } from "@/lib/guard";\n'
        "export async function deletePost(id: string) {\n"
        "  const user = await requireUser();\n"
        "  await prisma.post.delete({ where: { id, authorId: user.id } });\n"
        "}\n"
    )
    write_tree(
        repo,
        {
            "tsconfig.json": '{\n  // JSONC\n  "compilerOptions": {"paths": {"@/*": ["./src/*"],},},\n}\n',
            "src/lib/guard.ts": guard,
            "src/app/actions.ts": action,
        },
    )
    git(repo, "add", "-A")
    # The helper is guarded in the index; breaking it on disk only must not matter.
    write_tree(
        repo, {"src/lib/guard.ts": guard.replace('  if (!session) redirect("/login");\n', "")}
    )
    assert run_json(repo, monkeypatch, capsys) == (0, [])


def spy_on_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """From now on, the git commands started, by their subcommand: a `git` first on PATH
    logs each and runs the real one."""
    if sys.platform == "win32":
        pytest.skip("a shell script stands in for git")
    real, log, shim = shutil.which("git"), tmp_path / "git-calls", tmp_path / "bin" / "git"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$5" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    return lambda: log.read_text().splitlines() if log.exists() else []


def test_staged_run_reads_every_file_through_one_git_process(
    repo: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    helper = "export async function removePost(id: string) {\n  await prisma.post.delete({ where: { id } });\n}\n"
    action = '"use server";\nimport { removePost } from "../lib/posts";\n\nexport async function deletePost(id: string) {\n  await removePost(id);\n}\n'
    write_tree(repo, {"app/a.ts": action, "app/b.ts": LEGACY, "lib/posts.ts": helper})
    commit_all(repo)
    write_tree(
        repo,
        {
            "app/a.ts": action.replace("(id);", "(id); // touched"),
            "app/b.ts": LEGACY.replace("} });", "} }); // touched"),
        },
    )
    git(repo, "add", "-A")
    git_calls = spy_on_git(tmp_path, monkeypatch)
    code, found = run_json(repo, monkeypatch, capsys)
    assert (code, [f[:3] for f in found]) == (
        1,
        [("GF001", "app/a.ts", "deletePost"), ("GF001", "app/b.ts", "legacyDelete")],
    )
    # Both staged files and the helper the action calls: one cat-file. The fixes learn the
    # project's idiom through git's own search, never a read of every file.
    calls = git_calls()
    assert calls.count("cat-file") == 1
    assert sorted(set(calls)) == ["cat-file", "diff", "grep", "ls-files", "rev-parse"]


def test_staged_run_lists_no_index_it_does_not_need(
    repo: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    write_tree(
        repo, {"app/a.ts": '"use server";\n\nexport async function ping() {\n  return 1;\n}\n'}
    )
    git(repo, "add", "-A")
    git_calls = spy_on_git(tmp_path, monkeypatch)
    assert run_json(repo, monkeypatch, capsys) == (0, [])
    assert git_calls() == ["rev-parse", "diff", "cat-file"]
