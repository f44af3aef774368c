"""`--apply --verify`: the real TypeScript compiler decides which fixes are written.

A small strict project is built in a temporary folder with the type-check fixture's
node_modules linked in (installed once by tests/test_typecheck.py's `node_modules`). Its
guarded actions exit with `return { error }`, so the GF001 fix copies that exit; the owner
column of `tag` is configured although the tag's filter type has none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.verify import Diagnostic, added, parse_output
from tests.conftest import git, write_tree
from tests.test_typecheck import TSC, guardfix, node_modules

__all__ = ["node_modules"]  # the fixture that installs TypeScript, shared with test_typecheck

PROJECT: dict[str, str | bytes] = {
    "package.json": (
        '{ "private": true, "dependencies": { "@prisma/client": "6.19.3" },'
        ' "devDependencies": { "typescript": "5.9.3" } }\n'
    ),
    # `incremental` makes tsc write tsconfig.tsbuildinfo: a run in the user's tree would show.
    "tsconfig.json": """{
  "compilerOptions": {
    "target": "es2022", "lib": ["dom", "es2022"], "module": "esnext",
    "moduleResolution": "bundler", "strict": true, "noEmit": true, "skipLibCheck": true,
    "incremental": true, "baseUrl": ".", "paths": { "@/*": ["./*"] }
  },
  "include": ["**/*.ts"],
  "exclude": ["node_modules"]
}
""",
    "guardfix.toml": 'owner-fields = { note = "ownerId", tag = "ownerId" }\n',
    "auth.ts": """export type Session = { user: { id: string } };
export async function auth(): Promise<Session | null> {
  return null;
}
""",
    "lib/db.ts": """type Note = { id: string; ownerId: string };
type Tag = { id: string; label: string };
export declare const db: {
  note: { delete(args: { where: { id: string; ownerId?: string } }): Promise<Note> };
  tag: { delete(args: { where: { id: string } }): Promise<Tag> };
};
""",
    "app/actions/guarded.ts": """"use server";
import { auth } from "@/auth";
import { db } from "@/lib/db";

export async function archiveNote(id: string) {
  const session = await auth();
  if (!session) return { error: "Sign in first" };
  await db.note.delete({ where: { id, ownerId: session.user.id } });
  return { ok: true };
}

export async function hideNote(id: string) {
  const session = await auth();
  if (!session) return { error: "Sign in first" };
  await db.note.delete({ where: { id, ownerId: session.user.id } });
  return { ok: true };
}
""",
    # A caller that relies on dropNote's inferred return type.
    "lib/use.ts": """import { dropNote } from "@/app/actions/drop";

export async function dropped(): Promise<string> {
  const result = await dropNote("a");
  return result.id;
}
""",
}


@dataclass(frozen=True)
class Case:
    path: str
    source: str
    kept: tuple[str, ...]  # text the written file has
    dropped: tuple[str, ...]  # text it must not have
    errors: tuple[str, ...]  # the new tsc errors named for the dropped fixes


CASES = [
    # Both fixes type-check: the lookup with the project's exit, and the owner filter.
    Case(
        "app/actions/notes.ts",
        """"use server";
import { db } from "@/lib/db";

export async function removeNote(id: string) {
  await db.note.delete({ where: { id } });
}
""",
        (
            'if (!session) throw new Error("Unauthorized");',
            "where: { id, ownerId: session.user.id }",
        ),
        (),
        (),
    ),
    # The tag's filter type has no owner column: the lookup is kept, the owner filter dropped.
    Case(
        "app/actions/tags.ts",
        """"use server";
import { db } from "@/lib/db";

export async function removeTag(id: string) {
  await db.tag.delete({ where: { id } });
}
""",
        ('if (!session) throw new Error("Unauthorized");',),
        ("ownerId",),
        ("app/actions/tags.ts:8:38: TS2353 Object literal may only specify known properties",),
    ),
    # Already guarded: its one fix (the owner filter) is dropped and the file left as it was.
    Case(
        "app/actions/labels.ts",
        """"use server";
import { auth } from "@/auth";
import { db } from "@/lib/db";

export async function removeLabel(id: string) {
  const session = await auth();
  if (!session) return { error: "Sign in first" };
  await db.tag.delete({ where: { id } });
}
""",
        (),
        ("ownerId",),
        ("app/actions/labels.ts:8:38: TS2353 Object literal may only specify known properties",),
    ),
    # The project's `return { error }` exit would widen the action's inferred result, which
    # a caller in another file reads: the check throws instead, and tsc agrees.
    Case(
        "app/actions/drop.ts",
        """"use server";
import { db } from "@/lib/db";

export async function dropNote(id: string) {
  await db.note.delete({ where: { id, ownerId: "system" } });
  return { ok: true, id };
}
""",
        ('if (!session) throw new Error("Unauthorized");',),
        ("Sign in first",),
        (),
    ),
]


@dataclass(frozen=True)
class Run:
    root: Path
    before: dict[str, tuple[bytes, int]]
    after: dict[str, tuple[bytes, int]]
    done: subprocess.CompletedProcess[str]


def typed_project(root: Path, modules: Path | None, files: dict[str, str | bytes]) -> Path:
    """The project's files under `root`, with the installed node_modules linked in."""
    write_tree(root, files)
    if modules is not None:
        (root / "node_modules").symlink_to(modules, target_is_directory=True)
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime (ns) by path; node_modules and .git not entered."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("node_modules", ".git")]
        for name in files:
            path = Path(folder, name)
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> Run:
    files = {**PROJECT, **{case.path: case.source for case in CASES}}
    root = typed_project(tmp_path_factory.mktemp("verify") / "app", node_modules, files)
    before = snapshot(root)
    done = guardfix(root, "--apply", "--verify", "--all", ".")
    return Run(root, before, snapshot(root), done)


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_verify_keeps_fixes_that_type_check(verified: Run, case: Case) -> None:
    report = f"stdout:\n{verified.done.stdout}\nstderr:\n{verified.done.stderr}"
    assert verified.done.returncode == 1, report
    written = verified.after[case.path][0].decode()
    for text in case.kept:
        assert text in written, f"{text!r} missing:\n{written}\n{report}"
    for text in case.dropped:
        assert text not in written, f"{text!r} written:\n{written}\n{report}"
    if not case.kept:  # every fix dropped: not even rewritten in place
        assert verified.after[case.path] == verified.before[case.path], report
    for error in case.errors:
        line = f"{case.path}: .* dropped, tsc: {re.escape(error)}"
        assert re.search(rf"^guardfix: {line}", verified.done.stderr, re.M), report
        assert re.search(rf"^note: {line}", verified.done.stdout, re.M), report
        assert f"fix skipped: tsc reports 1 new TypeScript error with it: {error}" in report
    if not case.errors:
        assert case.path not in verified.done.stderr, report


def test_verify_leaves_the_rest_of_the_tree_untouched(verified: Run) -> None:
    rewritten = {case.path for case in CASES if case.kept}
    assert set(verified.after) == set(verified.before), "files created or removed in the tree"
    for path, (content, mtime) in verified.before.items():
        if path not in rewritten:
            assert verified.after[path] == (content, mtime), path
    assert os.readlink(verified.root / "node_modules") == str(TSC.parents[2])


def test_verified_tree_type_checks(verified: Run) -> None:
    # Incremental off: this check writes nothing in the tree either.
    done = subprocess.run(
        ["node", str(TSC), "--noEmit", "--pretty", "false", "--incremental", "false", "-p", "."],
        cwd=verified.root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_verify_without_typescript_applies_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[0]
    root = typed_project(tmp_path, None, {**PROJECT, case.path: case.source})
    monkeypatch.chdir(root)
    assert main(["--apply", "--verify", "--all", "."]) == 1
    out = capsys.readouterr().out
    assert (
        "note: nothing was verified: no node_modules/typescript in . or above it; "
        "the fixes are applied unchecked"
    ) in out, out
    assert f"Rewrote {case.path} (2 fixes)" in out, out
    assert "ownerId: session.user.id" in (root / case.path).read_text()


def test_verify_without_node_writes_nothing(tmp_path: Path, node_modules: Path) -> None:
    case = CASES[0]
    root = typed_project(tmp_path / "app", node_modules, {**PROJECT, case.path: case.source})
    before = snapshot(root)
    empty = tmp_path / "bin"  # a PATH with git and no node on it
    empty.mkdir()
    git = shutil.which("git")
    assert git is not None
    (empty / "git").symlink_to(git)
    done = subprocess.run(
        [sys.executable, "-m", "guardfix", "--apply", "--verify", "--all", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PATH": str(empty)},
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.splitlines() == [
        "guardfix: error: --verify runs the project's TypeScript compiler with Node.js, and "
        "`node` is not on PATH; install Node.js or leave out --verify"
    ], done.stderr
    assert snapshot(root) == before


def test_verify_needs_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--verify", str(tmp_path)]) == 2
    assert "--verify checks the fixes --apply writes; add --apply" in capsys.readouterr().err


LOCATED = "app/a.ts({line},3): error TS2322: Type 'string' is not assignable to type 'number'."


@pytest.mark.parametrize(
    ("before", "after", "new"),
    [
        # Lines inserted above an old error move it: not new.
        (LOCATED.format(line=4), LOCATED.format(line=9), []),
        # One more of the same error in the file is new.
        (
            LOCATED.format(line=4),
            f"{LOCATED.format(line=4)}\n{LOCATED.format(line=12)}",
            ["app/a.ts:12:3: TS2322 Type 'string' is not assignable to type 'number'."],
        ),
        # The same error in another file is new.
        (
            LOCATED.format(line=4),
            f"{LOCATED.format(line=4)}\n{LOCATED.format(line=4).replace('a.ts', 'b.ts')}",
            ["app/b.ts:4:3: TS2322 Type 'string' is not assignable to type 'number'."],
        ),
        # A chained message is one line; listed files are not errors.
        (
            "/tmp/x/app/a.ts",
            "lib/u.ts(5,3): error TS2322: Type 'string | undefined' is not assignable to type "
            "'string'.\n  Type 'undefined' is not assignable to type 'string'.\n/tmp/x/lib/u.ts",
            [
                "lib/u.ts:5:3: TS2322 Type 'string | undefined' is not assignable to type "
                "'string'. Type 'undefined' is not assignable to type 'string'."
            ],
        ),
        # An error with no file (the configuration) counts too.
        (
            "",
            "error TS5083: Cannot read file '/tmp/x/base.json'.",
            ["TS5083 Cannot read file '/tmp/x/base.json'."],
        ),
        # An error that goes away is not a new one.
        (LOCATED.format(line=4), "", []),
    ],
)
def test_new_errors(before: str, after: str, new: list[str]) -> None:
    def errors(out: str) -> list[Diagnostic]:
        return parse_output(out, "", "/tmp/x")[0]

    assert [str(d) for d in added(errors(before), errors(after))] == new


def test_listed_files_are_relative_to_the_root() -> None:
    out = "app/a.ts(1,1): error TS1005: ';' expected.\n/tmp/x/app/a.ts\n/usr/lib/lib.d.ts\n"
    errors, listed = parse_output(out, "app", "/tmp/x")
    assert [d.path for d in errors] == ["app/app/a.ts"]
    assert listed == {"app/a.ts"}


def test_verify_staged_in_a_monorepo_package(repo: Path, node_modules: Path) -> None:
    """A package whose tsconfig extends one at the root, which holds its `paths`: the copy
    keeps the layout, and the staged version of the rewritten file is what tsc checks."""
    package = {
        f"apps/web/{path}": content
        for path, content in PROJECT.items()
        if path not in ("tsconfig.json", "guardfix.toml")
    }
    case = CASES[1]
    files: dict[str, str | bytes] = {
        **package,
        "guardfix.toml": PROJECT["guardfix.toml"],
        ".gitignore": "node_modules\n",
        "tsconfig.base.json": str(PROJECT["tsconfig.json"]).replace(
            '"paths": { "@/*": ["./*"] }', '"paths": { "@/*": ["./apps/web/*"] }'
        ),
        "apps/web/tsconfig.json": '{ "extends": "../../tsconfig.base.json", "include": ["**/*.ts"] }\n',
    }
    root = typed_project(repo, node_modules, files)
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    (root / "apps/web" / case.path).write_text(case.source)
    git(root, "add", ".")
    before = snapshot(root)

    done = guardfix(root, "--apply", "--verify")

    report = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 1, report
    error = "apps/web/app/actions/tags.ts:8:38: TS2353 Object literal may only specify known properties, and 'ownerId' does not exist in type '{ id: string; }'."
    assert (
        f"guardfix: apps/web/{case.path}: GF002 fix of removeTag dropped, tsc: {error}"
        in done.stderr
    ), report
    assert "nothing was verified" not in report
    written = (root / "apps/web" / case.path).read_text()
    assert case.kept[0] in written and "ownerId" not in written, written
    after = snapshot(root)
    assert {path for path in after if after[path] != before.get(path)} == {f"apps/web/{case.path}"}


def test_verify_when_tsc_fails_writes_nothing(tmp_path: Path) -> None:
    case = CASES[0]
    broken = {"node_modules/typescript/bin/tsc": 'throw new Error("out of memory");\n'}
    root = typed_project(tmp_path, None, {**PROJECT, case.path: case.source, **broken})
    before = snapshot(root)

    done = guardfix(root, "--apply", "--verify", "--all", ".")

    assert done.returncode == 2, done.stdout + done.stderr
    why = "--verify could not type-check tsconfig.json: tsc failed: Error: out of memory"
    assert f"Not rewritten: {case.path}: {why}" in done.stdout, done.stdout
    assert snapshot(root) == before
