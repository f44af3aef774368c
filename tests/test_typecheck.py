"""Code rewritten by `guardfix --apply` still type-checks with the real TypeScript compiler.

tests/fixtures/tsc-app is a small strict TypeScript app (Prisma-shaped and real Drizzle
actions, a tab/CRLF file, an inline action in a page, an action writing the id of a row it
created), with three apps nested in it: `returns/`, whose guarded actions leave with `return
null` and whose unguarded ones are used by callers that need their result, `guests/`,
where every visitor has a guest session that the project's own checks turn away, and
`mapped/`, whose users are found by the auth provider's id. The tests copy it to a temporary
folder, run `tsc --noEmit` on it as is, then run the real CLI with `--apply` on the copy and
type-check the result. The fixture's packages are installed once with `npm ci` from its
committed package-lock.json; Node and npm are required, not optional.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import npm_ci

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tsc-app"
NODE_MODULES = FIXTURE / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
NOT_COPIED = ("node_modules", ".npm-cache")

REWRITTEN = {
    "app/actions/posts.ts",
    "app/actions/drizzle.ts",
    "app/actions/tabs.ts",
    "app/posts/page.tsx",
    "returns/actions/posts.ts",
    "guests/actions/chats.ts",
    "guests/actions/guarded.ts",
    "mapped/actions/notes.ts",
}


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """The fixture's node_modules, installed with `npm ci` when missing or stale."""
    npm_ci(FIXTURE, "tests/test_typecheck.py runs the real TypeScript compiler")
    if not TSC.is_file():
        pytest.fail(f"npm ci did not install TypeScript: {TSC} is missing", pytrace=False)
    return NODE_MODULES


@pytest.fixture
def app(tmp_path: Path, node_modules: Path) -> Path:
    """A copy of the fixture's sources (not a git repo) sharing the fixture's node_modules."""
    copy = tmp_path / "app"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(*NOT_COPIED))
    (copy / "node_modules").symlink_to(node_modules, target_is_directory=True)
    return copy


def tsc(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(TSC), "--noEmit", "--pretty", "false", "-p", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def guardfix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardfix", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in NOT_COPIED)
        for name in sorted(files):
            yield Path(folder, name)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every source file's bytes by its `/`-separated path (node_modules left out)."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in walk(root)}


def test_fixture_compiles_before_fix(app: Path) -> None:
    # The fixture's bytes survived checkout (tabs.ts is -text in its .gitattributes).
    tabs = (app / "app/actions/tabs.ts").read_bytes()
    assert b"\r\n" in tabs
    assert tabs.count(b"\n") == tabs.count(b"\r\n")

    done = tsc(app)
    assert done.returncode == 0, (
        f"tsc failed on the unmodified fixture:\n{done.stdout}{done.stderr}"
    )


def test_fixed_app_type_checks(app: Path) -> None:
    before = snapshot(app)

    fixed = guardfix(app, "--apply", "--all", ".")
    report = f"stdout:\n{fixed.stdout}\nstderr:\n{fixed.stderr}"
    assert fixed.returncode == 1, report
    for path in sorted(REWRITTEN):
        assert f"Rewrote {path}" in fixed.stdout, report

    after = snapshot(app)
    changed = {path for path in before if after.get(path) != before[path]}
    assert changed == REWRITTEN, report
    assert set(after) == set(before), "--apply created or removed files"
    # Unchanged, down to `authorId: writer.id`: the id of a row the action just created.
    assert after["app/actions/guarded.ts"] == before["app/actions/guarded.ts"]

    # The directive must stay the first statement, or Next.js no longer treats the file
    # (or the inline function) as server actions; tsc would not notice.
    for path in ("app/actions/posts.ts", "app/actions/drizzle.ts", "app/actions/tabs.ts"):
        assert after[path].startswith(b'"use server";'), path

    posts = after["app/actions/posts.ts"].decode()
    # Five actions, one lookup and one check each: archivePost's existing lookup gets only
    # the check, movePost and claimPost already had both.
    assert posts.count("const session = await auth();") == 5, posts
    assert posts.count("if (!session?.user?.id) {") == 5, posts
    assert "authorId: session.user.id" in posts, posts
    assert 'String(formData.get("authorId"))' not in posts, posts  # claimPost's client identity

    drizzle = after["app/actions/drizzle.ts"].decode()
    assert "and(eq(posts.id" in drizzle, drizzle
    assert drizzle.count("eq(posts.authorId, session.user.id)") == 2, drizzle
    assert re.search(r'import\s*\{[^}]*\band\b[^}]*\}\s*from\s*"drizzle-orm"', drizzle), drizzle
    assert re.search(r'import\s*\{[^}]*\bauth\b[^}]*\}\s*from\s*"@/auth"', drizzle), drizzle
    assert drizzle.count("await auth()") == 2, drizzle

    tabs = after["app/actions/tabs.ts"]
    assert tabs.count(b"\n") == tabs.count(b"\r\n"), "tabs.ts got a bare LF"
    assert tabs.count(b"\r") == tabs.count(b"\r\n"), "tabs.ts got a bare CR"
    tab_lines = tabs.decode().split("\r\n")
    assert re.search(r'import\s*\{\s*auth\s*\}\s*from\s*"@/auth"', tabs.decode()), tab_lines
    for line in tab_lines:
        indent = line[: len(line) - len(line.lstrip())]
        assert set(indent) <= {"\t"}, f"space indentation in tabs.ts: {line!r}"
    assert "\tconst session = await auth();" in tab_lines, tab_lines
    assert "\tif (!session?.user?.id) {" in tab_lines, tab_lines
    assert '\t\tthrow new Error("Unauthorized");' in tab_lines, tab_lines

    page = after["app/posts/page.tsx"].decode()
    assert re.search(r'import\s*\{\s*auth\s*\}\s*from\s*"@/auth"', page), page
    inline = re.search(
        r'async function remove\(formData: FormData\) \{\s*"use server";(.*?)\n  \}\n', page, re.S
    )
    assert inline, f"the inline action no longer opens with its directive:\n{page}"
    body = inline.group(1)
    assert "const session = await auth();" in body, page
    assert body.index("await auth()") < body.index("prisma.post.delete"), page

    # The idiom's `return null` only where the action is declared to return null; the
    # others, whose callers use the post or its title, throw instead.
    returns = after["returns/actions/posts.ts"].decode()
    assert returns.count('if (!session?.user?.id) throw new Error("Unauthorized");') == 2, returns
    assert returns.count("if (!session?.user?.id) return null;") == 1, returns

    # A guest has a session with an id: the inserted check turns guests away as the app does.
    chats = after["guests/actions/chats.ts"].decode()
    assert 'if (!session?.user?.id || session?.user?.type === "guest") {' in chats, chats
    # `renameChat` checked only for a session, which a guest has; `deleteChat` beside it
    # turns guests away, and now so does `renameChat`.
    guests = after["guests/actions/guarded.ts"].decode()
    assert guests.count('if (session?.user?.type === "guest") {') == 1, guests

    # The author is the app's own user, found by the provider's id as `editNote` does.
    notes = after["mapped/actions/notes.ts"].decode()
    assert "const member = await db.user.findUnique({ where: { clerkId: userId } });" in notes
    assert "authorId: member.id" in notes, notes

    checked = tsc(app)
    assert checked.returncode == 0, (
        f"tsc rejects the rewritten app:\n{checked.stdout}{checked.stderr}\n{report}"
    )

    again = guardfix(app, "--all", ".")
    assert again.returncode == 0, f"findings left after --apply:\n{again.stdout}{again.stderr}"

    idempotent = guardfix(app, "--apply", "--all", ".")
    assert idempotent.returncode == 0, f"{idempotent.stdout}{idempotent.stderr}"
    assert snapshot(app) == after, "a second --apply changed files again"
