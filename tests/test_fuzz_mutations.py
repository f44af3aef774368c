"""Mutation fuzzing of `--apply`: damaged, real-looking server-action files, rewritten safely.

A handful of realistic action files (Auth.js + Prisma, Drizzle, an inline action in a page,
next-safe-action, Supabase, CRLF, tabs, a BOM, non-ASCII text) sit in a small Next.js
project (test_fix_properties' PROJECT, plus the helpers they import). Each example takes one
of them and applies one to four random mutations to its bytes: insert a TypeScript token or
stray punctuation, delete a token or a byte range, truncate, change newlines (to CRLF, lone
CR, mixed), insert unicode (RTL marks, zero-width characters, U+2028, emoji), duplicate a
line, or insert bytes that are not UTF-8. Offsets are uniform or near the places fixes edit,
and may fall inside a multi-byte character. Then the real `guardfix --apply FILE` runs
in-process in the project, and the test checks:

1. nothing escapes: the exit status is 0 or 1 (2 only for a file that is not text, which
   must be named in a notice), and nothing is printed on stderr;
2. the written file is the input, or valid UTF-8 again (when the input was) with no more
   syntax errors than the input had;
3. it is the input with the applied fixes' edits spliced in, nothing else changed; a file
   that is not text is left alone;
4. a second `--apply` is a no-op: it rewrites nothing and the file stays as it is;
5. no applied edit touches a line that holds an ERROR or MISSING node of the input's tree,
   or the line before or after one.

The fixes are those of the run itself: `guardfix.cli._rewrites` is wrapped to record the
Rewrite objects the command wrote. `test_seeds_are_rewritten` checks that every seed, as
written, is rewritten: the search starts from files where the fixes do something.

By default the search is derandomized: the same 2000 examples on every CI run (about 40 s
on two cores; a third of them rewritten), so that a pull request is never failed by a bug
it did not touch. A longer, random search, for a nightly job or by hand, also replays the
failures kept in the example database (.hypothesis/):

    GUARDFIX_MUTATION_EXAMPLES=20000 python -m pytest tests/test_fuzz_mutations.py \\
        --hypothesis-show-statistics

`--hypothesis-show-statistics` shows how many examples were rewritten, left unchanged or
skipped, overall and per seed, and why fixes were left out.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer.main
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from guardfix import cli, git, rewrite, select
from guardfix.model import Edit, Report, Rewrite
from guardfix.parse import parse
from tests.test_fix_properties import PROJECT, TSCONFIG, error_count, splice

ENV = "GUARDFIX_MUTATION_EXAMPLES"
EXAMPLES = int(os.environ.get(ENV, "2000"))
NIGHTLY = ENV in os.environ
BOM = "\ufeff"

# -- the project and the seeds ------------------------------------------------------------

DEPENDENCIES = (
    '"next": "15.0.0", "next-safe-action": "^7.9.0", "zod": "^3.23.0", "@supabase/ssr": "^0.5.0"'
)
FILES: dict[str, str] = {
    **PROJECT,
    "package.json": PROJECT["package.json"].replace('"next": "15.0.0"', DEPENDENCIES),
    "tsconfig.json": TSCONFIG,
    "lib/session.ts": """import { redirect } from "next/navigation";
import { auth } from "@/auth";

export async function requireUser() {
  const session = await auth();
  if (!session?.user?.id) {
    redirect("/login");
  }
  return session.user;
}
""",
    "lib/safe-action.ts": """import { createSafeActionClient } from "next-safe-action";
import { auth } from "@/auth";

export const actionClient = createSafeActionClient();

export const authActionClient = actionClient.use(async ({ next }) => {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  return next({ ctx: { userId: session.user.id } });
});
""",
    "utils/supabase/server.ts": """import { createServerClient } from "@supabase/ssr";
import { cookies } from "next/headers";

export async function createClient() {
  const store = await cookies();
  return createServerClient(process.env.SUPABASE_URL!, process.env.SUPABASE_KEY!, {
    cookies: { getAll: () => store.getAll() },
  });
}
""",
}

# name -> (path, content). Each has an action a fix changes; most also have a guarded one,
# whose guard the fix copies.
SEEDS: dict[str, tuple[str, str]] = {
    "authjs-prisma": (
        "app/actions/posts.ts",
        """"use server";

import { revalidatePath } from "next/cache";
import { auth } from "@/auth";
import { prisma } from "@/lib/prisma";

export async function deletePost(formData: FormData) {
  const id = String(formData.get("id"));
  await prisma.post.delete({ where: { id } });
  revalidatePath("/dashboard");
}

export async function updatePost(formData: FormData) {
  const id = String(formData.get("id"));
  const title = String(formData.get("title"));
  await prisma.post.update({
    where: { id },
    data: { title },
  });
  revalidatePath("/dashboard");
}

export async function renamePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  await prisma.post.update({
    where: { id: String(formData.get("id")), authorId: session.user.id },
    data: { title: String(formData.get("title")) },
  });
}
""",
    ),
    "drizzle": (
        "app/actions/drizzle.ts",
        """"use server";

import { eq } from "drizzle-orm";
import { db } from "@/db";
import { posts } from "@/db/schema";

export const deletePost = async (formData: FormData) => {
  const id = formData.get("id") as string;
  await db.delete(posts).where(eq(posts.id, id));
};

export async function retitlePost(id: string, title: string) {
  await db
    .update(posts)
    .set({ title })
    .where(eq(posts.id, id));
}
""",
    ),
    "page-inline": (
        "app/dashboard/page.tsx",
        """import { prisma } from "@/lib/prisma";

export default async function Page() {
  const posts = await prisma.post.findMany();

  async function clearPost(formData: FormData) {
    "use server";
    await prisma.post.delete({ where: { id: String(formData.get("id")) } });
  }

  return (
    <main>
      {posts.map((post) => (
        <form key={post.id} action={clearPost}>
          <input type="hidden" name="id" value={post.id} />
          <button>Delete {`${post.title}`}</button>
        </form>
      ))}
      <form
        action={async (formData: FormData) => {
          "use server";
          await prisma.post.updateMany({ where: { id: String(formData.get("id")) }, data: { title: "" } });
        }}
      >
        <button>Clear</button>
      </form>
    </main>
  );
}
""",
    ),
    "safe-action": (
        "app/actions/comments.ts",
        """"use server";

import { z } from "zod";
import { prisma } from "@/lib/prisma";
import { actionClient, authActionClient } from "@/lib/safe-action";

export const renamePost = authActionClient
  .schema(z.object({ id: z.string(), title: z.string() }))
  .action(async ({ parsedInput, ctx }) => {
    await prisma.post.update({
      where: { id: parsedInput.id, authorId: ctx.userId },
      data: { title: parsedInput.title },
    });
  });

export const deletePost = actionClient
  .schema(z.object({ id: z.string() }))
  .action(async ({ parsedInput }) => {
    await prisma.post.delete({ where: { id: parsedInput.id } });
  });
""",
    ),
    "supabase": (
        "app/actions/supabase.ts",
        """'use server'

import { createClient } from '@/utils/supabase/server'

export async function deletePost(formData: FormData) {
  const supabase = await createClient()
  const id = formData.get('id') as string
  const { error } = await supabase.from('posts').delete().eq('id', id)
  if (error) throw error
}

export async function publishPost(id: string) {
  const supabase = await createClient()
  const {
    data: { user },
  } = await supabase.auth.getUser()
  if (!user) {
    throw new Error('Unauthorized')
  }
  await supabase.from('posts').update({ published: true }).eq('id', id).eq('user_id', user.id)
}
""",
    ),
    "crlf": (
        "app/actions/crlf.ts",
        """"use server";

import { prisma } from "@/lib/prisma";

export async function deletePost(formData: FormData) {
  const id = String(formData.get("id"));
  await prisma.post.delete({ where: { id } });
}

export const archivePost = async (id: string) => {
  await prisma.post.update({ where: { id }, data: { title: "[archived]" } });
};
""".replace("\n", "\r\n"),
    ),
    "tabs": (
        "app/actions/tabs.ts",
        """"use server";

import { prisma } from "@/lib/prisma";
import { requireUser } from "@/lib/session";

export async function deletePost(formData: FormData) {
\tconst id = String(formData.get("id"));
\tif (!id) {
\t\treturn;
\t}
\tawait prisma.post.delete({
\t\twhere: { id },
\t});
}

export async function publishPost(formData: FormData) {
\tconst user = await requireUser();
\tawait prisma.post.updateMany({
\t\twhere: { id: String(formData.get("id")), authorId: user.id },
\t\tdata: { title: "published" },
\t});
}
""",
    ),
    "bom": (
        "app/actions/bom.ts",
        BOM
        + """"use server";
import { prisma } from "@/lib/prisma";

export async function deletePost(id: string) {
  await prisma.post.delete({ where: { id } });
}

export async function archivePost(id: string) {
  await prisma.post.update({ where: { id }, data: { title: "[archived]" } });
}
""",
    ),
    "unicode": (
        "app/actions/unicode.ts",
        """// Beiträge löschen — nur für Eigentümer ✓ 投稿を削除する 🗑️
"use server";

import { prisma } from "@/lib/prisma";

const étiquette = "Grüße, мир — 世界 🌍";

export async function löschePost(formData: FormData) {
  const id = String(formData.get("id")); // «id» \u200f\u05e2\u05d1\u05e8\u05d9\u05ea\u200f (Hebrew, in RTL marks)
  await prisma.post.delete({ where: { id } });
}

export async function updatePost(formData: FormData) {
  const título = `${étiquette} — ${formData.get("title")}`;
  await prisma.post.update({ where: { id: String(formData.get("id")) }, data: { title: título } });
}
""",
    ),
}
SEED_NAMES = sorted(SEEDS)

# -- the mutations ------------------------------------------------------------------------

TOKENS: tuple[bytes, ...] = (
    *(b"{", b"}", b"(", b")", b"[", b"]", b";", b",", b".", b":", b"=", b"!", b"?", b"<", b">"),
    *(b'"', b"'", b"`", b"/*", b"*/", b"//", b"/", b"\\", b"=>", b"?.", b"...", b"${", b"@", b"#"),
    *(b"async", b"await", b"function", b"const", b"let", b"export", b"default", b"import"),
    *(b"if", b"else", b"return", b"throw", b"new", b"try", b"catch", b"as", b"from"),
    *(b'"use server"', b"'use server';", b"auth()", b"session", b"where", b"id", b"data"),
    *(b"<div>", b"</div>", b"<>", b"</>", b"<form action={x}>", b"/>", b"{/* */}"),
    *(b"\n", b"\r\n", b"\r", b"\t", b" ", b"\n\n", b"// guardfix-ignore GF001: public\n"),
)
NOT_UTF8: tuple[bytes, ...] = (b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\x00")
UNICODE = (
    *("é", "ß", "ж", "ע", "中", "\uff58", "\U0001d4b3", "🗑️", "👩\u200d💻", "\u0301", "\u00a0"),
    *("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2028", "\u2029", BOM),
)
# Where fixes insert, or the parser decides what a function is; and bytes inside UTF-8
# sequences, to split them.
HOT = re.compile(
    rb"\"use server\"|'use server'|\bawait\b|\basync\b|\bwhere\b|\.where\(|\.eq\(|\.delete\("
    rb"|\.update\(|\bauth\(|\bsession\b|\bimport\b|\bexport\b|=>|\{\r?\n|\}\r?\n|(?<=[\xc0-\xff])[\x80-\xbf]"
)
# A whole character at a time: offsets split characters.
TOKEN = re.compile(
    rb"[A-Za-z_$][\w$]*|\d+|\"[^\"\n]*\"|'[^'\n]*'|=>|\?\.|\.\.\.|[\xc0-\xff][\x80-\xbf]*|\S"
)
NEWLINE = re.compile(rb"\r\n|\r|\n")
NEWLINES = (b"\r\n", b"\n", b"\r\n", b"\r")  # a lone CR makes the whole file unfixable

Mutator = Callable[[st.DrawFn, bytes], tuple[bytes, str]]


# Strategies built once: building them per draw is most of the generation time.
PIECES = st.lists(
    st.sampled_from(UNICODE) | st.characters(exclude_categories=["Cs"]), min_size=1, max_size=4
)


def _index(draw: st.DrawFn, size: int) -> int:
    return draw(st.integers(0, size - 1))


def _offset(draw: st.DrawFn, data: bytes) -> int:
    """Near a hot spot, or anywhere."""
    if draw(st.booleans()):
        spots = [m.start() for m in HOT.finditer(data)]
        if spots:
            spot = spots[_index(draw, len(spots))] + draw(st.integers(-2, 2))
            return min(max(spot, 0), len(data))
    # Hypothesis draws the bounds of a range far more often than the rest (and shrinks to
    # the lower one): turned half-way round, they land mid-file instead of in the BOM or
    # the directive on every fifth draw.
    return (draw(st.integers(0, len(data))) + len(data) // 2) % (len(data) + 1)


def insert_token(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    at, token = _offset(draw, data), TOKENS[_index(draw, len(TOKENS))]
    return data[:at] + token + data[at:], f"insert {token!r} at {at}"


def insert_unicode(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    # Listed ones are strings (an emoji with its variation selector), not always one char.
    at, text = _offset(draw, data), "".join(draw(PIECES))
    return data[:at] + text.encode("utf-8") + data[at:], f"insert {text!r} at {at}"


def insert_not_utf8(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    at, raw = _offset(draw, data), NOT_UTF8[_index(draw, len(NOT_UTF8))]
    return data[:at] + raw + data[at:], f"insert {raw!r} at {at}"


def delete_token(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    tokens = [m.span() for m in TOKEN.finditer(data)]
    if not tokens:
        return data, "delete a token (none)"
    start, end = tokens[_index(draw, len(tokens))]
    return data[:start] + data[end:], f"delete {data[start:end]!r} at {start}"


def delete_range(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    start = _offset(draw, data)
    end = min(start + draw(st.integers(1, 64)), len(data))
    return data[:start] + data[end:], f"delete {data[start:end]!r} at {start}"


def truncate(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    at = _offset(draw, data)
    return data[:at], f"truncate at {at}"


def change_newlines(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    newline = NEWLINES[_index(draw, len(NEWLINES))]
    if draw(st.booleans()):
        start, end = 0, len(data)
    else:
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, len(data)))
    changed = NEWLINE.sub(newline, data[start:end])
    return data[:start] + changed + data[end:], f"newlines to {newline!r} in [{start}, {end})"


def duplicate_line(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data, "duplicate a line (none)"
    i = _index(draw, len(lines))
    return b"".join([*lines[: i + 1], lines[i], *lines[i + 1 :]]), f"duplicate line {i + 1}"


# Repeated entries weigh the draw: mostly damage that leaves a file to fix. (A file that is
# not UTF-8 is only skipped; one in ten or so is plenty.)
MUTATORS: tuple[Mutator, ...] = (
    *(insert_token,) * 8,
    *(insert_unicode, delete_token, delete_range, change_newlines) * 4,
    *(duplicate_line, truncate) * 2,
    insert_not_utf8,
)


@dataclass(frozen=True)
class Mutated:
    seed: str
    path: str
    content: bytes
    steps: tuple[str, ...]
    unsafe: bool  # run with --unsafe-fixes too


@st.composite
def mutated_files(draw: st.DrawFn) -> Mutated:
    seed = SEED_NAMES[_index(draw, len(SEED_NAMES))]
    path, text = SEEDS[seed]
    data = text.encode("utf-8")
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        data, step = MUTATORS[_index(draw, len(MUTATORS))](draw, data)
        steps.append(step)
    return Mutated(seed, path, data, tuple(steps), draw(st.booleans()))


# -- running guardfix ---------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    # What `_rewrites` was given and returned: the report, and the rewrites the command wrote.
    calls: list[tuple[Report, list[Rewrite]]] = field(default_factory=list)


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """The working directory, for a while (contextlib.chdir is Python 3.11+)."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def apply(root: Path, path: str, unsafe: bool) -> Run:
    """`guardfix --apply PATH` in ROOT, in-process, recording the rewrites it computes.

    Only the one file is named: the others are read when it imports them, or when a fix
    looks for the project's guard idiom."""
    calls: list[tuple[Report, list[Rewrite]]] = []
    real = rewrite.rewrites

    def spy(report: Report, *args: Any, **kwargs: Any) -> list[Rewrite]:
        rewrites = real(report, *args, **kwargs)
        calls.append((report, rewrites))
        return rewrites

    out, err = io.StringIO(), io.StringIO()
    args = ["--apply", *(["--unsafe-fixes"] if unsafe else []), path]
    with (
        inside(root),
        mock.patch.object(rewrite, "rewrites", spy),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = cli.main(args)
    return Run(code, out.getvalue(), err.getvalue(), calls)


def not_text(content: bytes) -> str | None:
    """Why guardfix must not read the file as source, or None."""
    if b"\0" in content[:8192]:
        return "binary"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    return None


def rows_near_errors(path: str, content: bytes) -> set[int]:
    """The rows (0-based, as tree-sitter counts: LF only) of error and missing nodes, and
    the rows before and after them."""
    rows: set[int] = set()
    stack = [parse(path, content).root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            rows.update(range(node.start_point[0] - 1, node.end_point[0] + 2))
        elif node.has_error:
            stack.extend(node.children)
    return rows


def edit_rows(content: bytes, edit: Edit) -> range:
    first = content.count(b"\n", 0, edit.start)
    last = content.count(b"\n", 0, max(edit.start, edit.end - 1))
    return range(first, last + 1)


@dataclass
class Outcome:
    what: str  # rewritten, unchanged or skipped, and why
    left_out: list[str] = field(default_factory=list)  # why fixes were not applied


def check_apply(
    root: Path, path: str, before: bytes, unsafe: bool, log: Callable[[str], None]
) -> Outcome:
    """Run `--apply` on `root` (holding `before` at `path`), check properties 1-5, and say
    what happened to the file. `log` records what a failure report should show."""
    target = root / path
    first = apply(root, path, unsafe)
    log(f"exit {first.code}\nstdout:\n{first.stdout}\nstderr:\n{first.stderr}")
    after = target.read_bytes()
    skip = not_text(before)

    # 1: no crash, and the exit status says what happened.
    assert first.stderr == "", f"stderr: {first.stderr}"
    assert len(first.calls) == 1, "the rewrite stage did not run once"
    ((report, rewrites),) = first.calls
    assert all(not rw.fixed for rw in rewrites if rw.path != path), "another file was rewritten"
    mine = [rw for rw in rewrites if rw.path == path]
    if skip is not None:
        # 3: a file that is not text is named and left alone.
        assert after == before, f"a file guardfix could not read ({skip}) was changed"
        assert not mine, f"a rewrite of a file guardfix could not read ({skip})"
        assert any(n.startswith(f"{path}: ") for n in report.notices), report.notices
        assert first.code in (0, 1, 2), f"exit {first.code}"
        return Outcome(f"skipped: {skip}")
    assert first.code == (1 if report.findings else 0), f"exit {first.code}"

    rw = mine[0] if mine else Rewrite(path, before, before, (), ())
    assert len(mine) <= 1, "two rewrites of one file"
    assert rw.before == before, "the rewrite did not start from the file as it was"
    assert after == rw.after, "the file written is not the rewrite computed"
    outcome = Outcome("rewritten", [why for _, why in rw.skipped])

    # 3: the input with the applied edits, nothing else.
    applied = [edit for finding in rw.fixed if finding.fix for edit in finding.fix.edits]
    assert after == splice(before, applied), "bytes outside the reported edits changed"
    if not rw.fixed:
        outcome.what = "unchanged: no fix applied" if report.findings else "unchanged: no findings"
        return outcome

    # 2: the result reads as well as the input did.
    after.decode("utf-8")  # a UTF-8 input stays UTF-8: no edit splits a character
    errors_before = error_count(parse(path, before).root_node)
    errors_after = error_count(parse(path, after).root_node)
    assert errors_after <= errors_before, f"syntax errors: {errors_before} -> {errors_after}"
    if before.startswith(BOM.encode()):
        assert after.startswith(BOM.encode()), "the BOM is no longer first"
    if b"\r" not in before:
        assert b"\r" not in after, "a CR in an LF file"

    # 4: a second run changes nothing.
    second = apply(root, path, unsafe)
    log(f"second run: exit {second.code}\n{second.stdout}{second.stderr}")
    assert second.code in (0, 1) and second.stderr == "", f"second run exit {second.code}"
    assert target.read_bytes() == after, "the second --apply changed the file"
    again = [f"{f.rule} {f.action}" for _, rws in second.calls for r in rws for f in r.fixed]
    assert not again, f"the second --apply would fix again: {again}"

    # 5: no edit next to a part the parser could not read.
    if errors_before:
        near = rows_near_errors(path, before)
        for finding in rw.fixed:
            assert finding.fix is not None
            for edit in finding.fix.edits:
                rows = [r + 1 for r in edit_rows(before, edit) if r in near]
                assert not rows, (
                    f"{finding.rule} {finding.action}: edit {edit} on line(s) {rows}, "
                    "on or next to a syntax error of the input"
                )
    return outcome


# -- the tests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One project for the whole module; each example rewrites only its own file."""
    root = tmp_path_factory.mktemp("mutations")
    assert "next-safe-action" in FILES["package.json"], "PROJECT's package.json changed shape"
    for rel, text in FILES.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    # Two costs of every `main` call that give the same answer each time here, paid once:
    # building the click command from the typer app, and asking git (a subprocess) whether
    # the folder is in a repository. Together they were half the time of a run.
    with (
        mock.patch.object(typer.main, "get_command", functools.cache(typer.main.get_command)),
        mock.patch.object(select, "toplevel", functools.cache(git.toplevel)),
    ):
        yield root


@contextlib.contextmanager
def seeded(root: Path, path: str, content: bytes) -> Iterator[None]:
    """`content` at `path` in the project, for the duration: one seed file at a time."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        yield
    finally:
        target.unlink(missing_ok=True)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seeds_are_rewritten(project: Path, seed: str) -> None:
    """Unmutated, every seed is rewritten, with every safe fix in: the search starts from
    files where the fixes do something."""
    path, text = SEEDS[seed]
    content = text.encode("utf-8")
    assert error_count(parse(path, content).root_node) == 0
    with seeded(project, path, content):
        outcome = check_apply(project, path, content, False, print)
    assert outcome == Outcome("rewritten"), outcome


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # CI: the same examples every run; nightly: random, with the example database.
    derandomize=not NIGHTLY,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=mutated_files())
def test_apply_survives_mutations(project: Path, case: Mutated) -> None:
    note(f"seed {case.seed} ({case.path}), unsafe fixes: {case.unsafe}")
    note("mutations:\n  " + "\n  ".join(case.steps))
    note(f"mutated file:\n{case.content!r}")
    with seeded(project, case.path, case.content):
        outcome = check_apply(project, case.path, case.content, case.unsafe, note)
    errors = "with" if error_count(parse(case.path, case.content).root_node) else "without"
    event(f"outcome: {outcome.what}")
    event(f"outcome, input {errors} syntax errors: {outcome.what}")
    event(f"seed {case.seed}: {outcome.what}")
    for why in outcome.left_out:
        event(f"fix left out: {why}")
