"""`--apply` and the diff: what is written, what is refused, and what is never lost."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.edits import apply_edits
from guardfix.model import Applicability, Edit, Fix, Rewrite
from guardfix.report import diff
from guardfix.write import WriteRefused, write_atomic
from guardfix_codemods import CODEMODS
from tests.conftest import git, write_tree

ACTION = "app/actions/posts.ts"
VULNERABLE = """"use server";
import { auth } from "@/auth";

export async function deletePost(formData: FormData) {
  const id = String(formData.get("id"));
  await prisma.post.delete({ where: { id } });
}
"""
FIXED = """"use server";
import { auth } from "@/auth";

export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  const id = String(formData.get("id"));
  await prisma.post.delete({ where: { id, authorId: session.user.id } });
}
"""
PROJECT: dict[str, str | bytes] = {
    "package.json": '{ "dependencies": { "next-auth": "5.0.0-beta.25", "@prisma/client": "^5.22.0" } }\n',
    "auth.ts": 'import NextAuth from "next-auth";\nexport const { auth } = NextAuth({ adapter: PrismaAdapter(prisma), providers: [] });\n',
    "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n',
    "prisma/schema.prisma": (
        "model User {\n  id String @id\n}\n"
        "model Post {\n  id String @id\n  author User @relation(fields: [authorId], references: [id])\n"
        "  authorId String\n}\n"
    ),
    ACTION: VULNERABLE,
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_dry_run_shows_the_diff_and_writes_nothing(app: Path, capsys) -> None:
    assert main(["--all", "."]) == 1
    out = capsys.readouterr().out
    assert f"--- a/{ACTION}\n+++ b/{ACTION}\n" in out
    assert "+  const session = await auth();\n" in out
    assert "-  await prisma.post.delete({ where: { id } });\n" in out
    assert "+  await prisma.post.delete({ where: { id, authorId: session.user.id } });\n" in out
    assert "= fix: Check the session" in out
    assert "Run `guardfix --apply` to fix 2 of 2 problems" in out
    assert "\033[" not in out  # piped: plain
    assert (app / ACTION).read_text() == VULNERABLE


def test_diff_is_colored_only_when_asked() -> None:
    rewrite = Rewrite("a.ts", b"a\nb\n", b"a\nc\n", (), ())
    assert "\033[32m+c\033[0m" in diff.render([rewrite], color=True)
    assert "+c\n" in diff.render([rewrite], color=False)


def test_apply_writes_once_and_then_has_nothing_to_do(app: Path, capsys) -> None:
    os.chmod(app / ACTION, 0o640)
    assert main(["--apply", "--all", "."]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"Rewrote {ACTION} (2 fixes)\n")
    assert out.rstrip().endswith(
        "Fixed 2 problems in 1 file, 0 remaining (1 server action in 2 files checked)."
    )
    assert (app / ACTION).read_text() == FIXED
    assert stat.S_IMODE((app / ACTION).stat().st_mode) == 0o640
    assert not [p for p in (app / "app/actions").iterdir() if p.name != "posts.ts"]  # no temp files
    assert main(["--apply", "--all", "."]) == 0
    assert "No problems found" in capsys.readouterr().out
    assert (app / ACTION).read_text() == FIXED


def test_json_fix_object_reproduces_the_rewrite(app: Path, capsys) -> None:
    assert main(["--format", "json", "--all", "."]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["rule"] for f in findings] == ["GF001", "GF002"]
    assert all(f["fixable"] and f["fix"]["applicability"] == "safe" for f in findings)
    edits = [
        Edit(e["start"], e["end"], e["text"].encode()) for f in findings for e in f["fix"]["edits"]
    ]
    assert apply_edits(VULNERABLE.encode(), edits).decode() == FIXED


def test_crlf_and_bom_survive(app: Path) -> None:
    source = "\ufeff" + VULNERABLE.replace("\n", "\r\n")
    (app / ACTION).write_bytes(source.encode())
    assert main(["--apply", "--all", "."]) == 1
    written = (app / ACTION).read_bytes()
    assert written == ("\ufeff" + FIXED.replace("\n", "\r\n")).encode()


def test_a_fix_that_would_not_parse_is_dropped(app: Path, monkeypatch, capsys) -> None:
    def broken(finding, plan):
        start = finding.span[0]
        return Fix("break it", Applicability.SAFE, (Edit(start, start, b"{{{ "),))

    monkeypatch.setitem(CODEMODS, "GF001", broken)
    assert main(["--apply", "--all", "."]) == 1
    out = capsys.readouterr().out
    assert "fix skipped: would not parse (break it)" in out
    # The owner filter reads the `session` the guard would declare: it goes too.
    assert "fix skipped: it builds on the GF001 fix, left out" in out
    assert (app / ACTION).read_text() == VULNERABLE


def test_overlapping_fixes_keep_the_first(app: Path, monkeypatch, capsys) -> None:
    def replace_with(value: bytes):
        def codemod(finding, plan):
            start, end = finding.span
            return Fix("replace the call", Applicability.SAFE, (Edit(start, end, value),))

        return codemod

    monkeypatch.setitem(CODEMODS, "GF001", replace_with(b"null"))
    monkeypatch.setitem(CODEMODS, "GF002", replace_with(b"undefined"))
    assert main(["--apply", "--all", "."]) == 1
    assert "fix skipped: it overlaps another fix" in capsys.readouterr().out
    assert "await null;" in (app / ACTION).read_text()


def test_file_changed_after_reading_is_not_clobbered(app: Path, monkeypatch, capsys) -> None:
    from guardfix import rewrite

    real = rewrite.rewrites

    def edit_meanwhile(*args):
        rewrites = real(*args)
        (app / ACTION).write_text(VULNERABLE + "// edited in the editor\n")
        return rewrites

    monkeypatch.setattr(rewrite, "rewrites", edit_meanwhile)
    assert main(["--apply", "--all", "."]) == 2
    out = capsys.readouterr().out
    assert f"Not rewritten: {ACTION}: it changed since guardfix read it" in out
    assert (app / ACTION).read_text() == VULNERABLE + "// edited in the editor\n"


def test_failed_rename_leaves_the_original_and_no_temp_file(app: Path, monkeypatch, capsys) -> None:
    def full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("guardfix.write.os.replace", full)
    assert main(["--apply", "--all", "."]) == 2
    assert "cannot write it (No space left on device)" in capsys.readouterr().out
    assert (app / ACTION).read_text() == VULNERABLE
    assert sorted(p.name for p in (app / "app/actions").iterdir()) == ["posts.ts"]


def test_symlinks_are_never_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real.ts"
    target.write_text("x\n")
    (tmp_path / "link.ts").symlink_to(target)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_atomic(tmp_path, "link.ts", b"x\n", b"y\n", staged=False)
    assert target.read_text() == "x\n"


def test_staged_apply_refuses_unstaged_edits(repo: Path, monkeypatch, capsys) -> None:
    write_tree(repo, {k: v for k, v in PROJECT.items() if k != ACTION})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    write_tree(repo, {ACTION: VULNERABLE})
    git(repo, "add", "-A")
    write_tree(repo, {ACTION: VULNERABLE + "// not staged\n"})
    monkeypatch.chdir(repo)
    assert main(["--apply"]) == 2
    out = capsys.readouterr().out
    assert f"Not rewritten: {ACTION}: the working tree differs from the staged version" in out
    assert (repo / ACTION).read_text() == VULNERABLE + "// not staged\n"

    write_tree(repo, {ACTION: VULNERABLE})  # now the working tree is what is staged
    assert main(["--apply"]) == 1
    assert (repo / ACTION).read_text() == FIXED
    assert git(repo, "show", f":{ACTION}") == VULNERABLE  # re-staging is the user's call


def test_the_configured_lookup_counts_as_one_when_it_cannot_be_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `@acme/auth` is a workspace package that is not installed: its body cannot be read.
    config = (
        'session = { from = "@acme/auth", name = "getViewer", call = "await getViewer()", '
        'user-id = "viewer.id" }\nowner-fields = { Post = "authorId" }\n'
    )
    source = VULNERABLE.replace('import { auth } from "@/auth";\n', "")
    write_tree(tmp_path, {"guardfix.toml": config, ACTION: source})
    monkeypatch.chdir(tmp_path)
    assert main(["--apply", "--all", "."]) == 1
    written = (tmp_path / ACTION).read_text()
    assert 'import { getViewer } from "@acme/auth";' in written
    assert "const viewer = await getViewer();\n  if (!viewer?.id) {" in written
    assert "where: { id, authorId: viewer.id }" in written
    capsys.readouterr()
    assert main(["--apply", "--all", "."]) == 0, capsys.readouterr().out


def test_apply_with_json_reports_the_findings_and_says_what_it_wrote(app: Path, capsys) -> None:
    assert main(["--apply", "--format", "json", "--all", "."]) == 1
    captured = capsys.readouterr()
    assert [f["rule"] for f in json.loads(captured.out)["findings"]] == ["GF001", "GF002"]
    assert captured.err == f"Rewrote {ACTION} (2 fixes)\n"
    assert (app / ACTION).read_text() == FIXED


def test_a_fix_the_checks_do_not_accept_is_not_written(app: Path, monkeypatch, capsys) -> None:
    # Written, the finding would stay, and every run would add the same lines again.
    def no_check(finding, plan):
        start = finding.span[0]
        return Fix("a check that checks nothing", Applicability.SAFE, (Edit(start, start, b"0, "),))

    monkeypatch.setitem(CODEMODS, "GF001", no_check)
    assert main(["--apply", "--all", "."]) == 1
    out = capsys.readouterr().out
    assert "fix skipped: the finding stays after it; guardfix cannot confirm it" in out
    assert (app / ACTION).read_text() == VULNERABLE


def test_a_finding_left_unfixed_does_not_undo_its_neighbour(app: Path, capsys) -> None:
    # Two GF002 findings in one action: the Prisma one has a fix, the Drizzle one has none
    # (no table definition to read the owner column from). The fix must still be written.
    source = VULNERABLE.replace(
        "  await prisma.post.delete({ where: { id } });\n",
        "  await prisma.post.delete({ where: { id } });\n"
        "  await db.delete(posts).where(eq(posts.id, id));\n",
    )
    write_tree(app, {ACTION: source})
    assert main(["--apply", "--all", "."]) == 1
    out = capsys.readouterr().out
    assert f"Rewrote {ACTION} (2 fixes)" in out
    assert "= no fix: cannot find the definition of the table `posts`" in out
    assert "where: { id, authorId: session.user.id }" in (app / ACTION).read_text()
