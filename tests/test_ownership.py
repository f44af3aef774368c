"""Whose rows a signed-in caller's writes touch: GF002 missing-ownership, GF003 client identity.

Each case is a small `"use server"` file and the GF002/GF003 findings expected from the
real pipeline, as `(rule, action, line)`: the line of the write for GF002, of the
client value for GF003. Most cases are the body of one action built by `action()`,
which keeps the lines fixed: the body's first line is line `BODY`.
"""

from __future__ import annotations

from textwrap import dedent, indent

import pytest

from tests.conftest import Found

OWNERSHIP = ("GF002", "GF003")


def ts(source: str) -> str:
    """A source written indented in the table, as it sits in the file (line 1 first)."""
    return dedent(source).lstrip("\n")


# `@/x` is `./x` from the project root, for the cases that import a project file.
TSCONFIG = '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./*"] } } }'

# Unused imports cost nothing: every action gets them all, so the line numbers never move.
HEAD = ts("""
    "use server";
    import { and, eq, inArray } from "drizzle-orm";
    import { z } from "zod";
    import { auth } from "@/auth";
    import { db } from "@/db";
    import { posts, todos } from "@/db/schema";
    import { prisma } from "@/lib/prisma";
    import { createClient } from "@/lib/supabase/server";
    """)
# The session, three lines each; `session.user.id` (or `userId`), or Supabase's `user`.
AUTHJS = ts("""
    const session = await auth();
    if (!session?.user?.id) throw new Error("Unauthorized");
    const userId = session.user.id;
    """)
SUPABASE = ts("""
    const supabase = await createClient();
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) throw new Error("Unauthorized");
    """)
BODY = 14  # the line of the body's first line


def action(
    body: str,
    params: str = "formData: FormData",
    *,
    name: str = "act",
    session: str = AUTHJS,
) -> str:
    """`export async function name(params)` with a checked session, then `body`."""
    assert HEAD.count("\n") == 8 and session.count("\n") == 3
    return (
        f"{HEAD}\nexport async function {name}({params}) {{\n"
        + indent(session + ts(body), "  ")
        + "}\n"
    )


def case(body: str, expected: list[Found], id: str, **kw: str) -> object:
    return pytest.param(action(body, **kw), expected, id=id)


def gf002(line: int, name: str | None = "act") -> Found:
    return ("GF002", name, line)


def gf003(line: int, name: str = "act") -> tuple[str, str, int]:
    return ("GF003", name, line)


# -- 1. Prisma -------------------------------------------------------------------------

PRISMA = [
    *(
        case(
            f"""
            const id = String(formData.get("id"));
            await prisma.post.{op}({{ where: {{ id }}{rest} }});
            """,
            [gf002(BODY + 1)],
            id=f"{op}-by-client-id",
        )
        for op, rest in [
            ("delete", ""),
            ("update", ', data: { title: "x" }'),
            ("updateMany", ", data: { published: true }"),
            ("deleteMany", ""),
            ("upsert", ', create: { title: "x", authorId: userId }, update: { title: "x" }'),
        ]
    ),
    *(
        case(
            f"""
            const id = String(formData.get("id"));
            await prisma.post.{op}({{ where: {{ id, authorId: session.user.id }}{rest} }});
            """,
            [],
            id=f"{op}-with-owner",
        )
        for op, rest in [
            ("delete", ""),
            ("update", ', data: { title: "x" }'),
            ("updateMany", ", data: { published: true }"),
            ("deleteMany", ""),
        ]
    ),
    case(
        """
        await prisma.post.delete({ where: { id: String(formData.get("id")), authorId: userId } });
        """,
        [],
        id="owner-from-a-name-bound-to-the-session",
    ),
    case(
        """
        await prisma.user.update({
          where: { id: session.user.id },
          data: { name: String(formData.get("name")) },
        });
        """,
        [],
        id="own-row",
    ),
    case(
        """
        await prisma.user.update({ where: { email: session.user.email! }, data: { bio: "" } });
        """,
        [],
        id="own-row-by-email",
    ),
    case(
        """
        const postId = String(formData.get("postId"));
        await prisma.like.delete({ where: { userId_postId: { userId, postId } } });
        """,
        [],
        id="compound-unique-with-the-user",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.post.delete({ where: { id, author: { email: session.user.email } } });
        """,
        [],
        id="owner-through-a-relation-filter",
    ),
    case(
        """
        await prisma.post.deleteMany({ where: { id: { in: ids } } });
        """,
        [gf002(BODY)],
        id="bulk-in",
        params="ids: string[]",
    ),
    case(
        """
        await prisma.post.updateMany({
          where: { id: { in: ids }, authorId: userId },
          data: { published: false },
        });
        """,
        [],
        id="bulk-in-with-owner",
        params="ids: string[]",
    ),
    case(
        """
        const where = { id: String(formData.get("id")) };
        await prisma.post.delete({ where });
        """,
        [gf002(BODY + 1)],
        id="where-in-a-variable",
    ),
    case(
        """
        const where = { id: String(formData.get("id")), authorId: session.user.id };
        await prisma.post.delete({ where });
        """,
        [],
        id="where-in-a-variable-with-owner",
    ),
    case(
        """
        const filter = { id: String(formData.get("id")), authorId: userId };
        await prisma.post.update({ where: filter, data: { title: "x" } });
        """,
        [],
        id="where-named-filter-with-owner",
    ),
    case(
        """
        await prisma.todo.delete({ where: { id: Number(formData.get("id")) } });
        """,
        [gf002(BODY)],
        id="number-of-form-value",
    ),
    case(
        """
        const schema = z.object({ id: z.string(), title: z.string() });
        const { id, title } = schema.parse(Object.fromEntries(formData));
        await prisma.post.update({ where: { id }, data: { title } });
        """,
        [gf002(BODY + 2)],
        id="zod-parse-of-form-entries",
    ),
    case(
        """
        await prisma.post.update({ where: { id: params.id }, data: { published: true } });
        """,
        [gf002(BODY)],
        id="argument-object",
        params="params: { id: string }",
    ),
    case(
        """
        await prisma.post.delete({ where: { id } });
        """,
        [gf002(BODY)],
        id="argument-id",
        params="id: string",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.$transaction(async (tx) => {
          await tx.comment.deleteMany({ where: { postId: id } });
          await tx.post.delete({ where: { id } });
        });
        """,
        [gf002(BODY + 2), gf002(BODY + 3)],
        id="transaction-callback",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.$transaction(async (tx) => {
          await tx.comment.deleteMany({ where: { postId: id, post: { authorId: userId } } });
          await tx.post.delete({ where: { id, authorId: userId } });
        });
        """,
        [],
        id="transaction-callback-with-owner",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.$transaction([
          prisma.comment.deleteMany({ where: { postId: id } }),
          prisma.post.delete({ where: { id, authorId: userId } }),
        ]);
        """,
        [gf002(BODY + 2)],
        id="transaction-array",
    ),
    case(
        """
        await prisma.post.deleteMany({ where: { authorId: userId, published: false } });
        """,
        [],
        id="filter-from-the-session-only",
    ),
    case(
        """
        await prisma.post.deleteMany({ where: { title: "" } });
        """,
        [],
        id="constant-filter",
    ),
    case(
        """
        await prisma.post.create({ data: { title: String(formData.get("title")), authorId: userId } });
        """,
        [],
        id="create-picks-no-rows",
    ),
    pytest.param(
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(formData: FormData) {
              await prisma.post.delete({ where: { id: String(formData.get("id")) } });
            }
            """),
        [gf002(5, "deletePost")],
        id="no-session-at-all-is-still-reported",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PRISMA)
def test_prisma(project, source: str, expected: list[tuple[str, str, int]]) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 2. Checks before the write --------------------------------------------------------

READ = 'const id = String(formData.get("id"));\nconst post = await prisma.post.findUnique({ where: { id } });\n'
DELETE = "await prisma.post.delete({ where: { id } });\n"

CHECKS = [
    case(
        READ + 'if (post?.authorId !== session.user.id) throw new Error("Forbidden");\n' + DELETE,
        [],
        id="read-and-compare-throw",
    ),
    case(
        READ + 'if (!post || post.authorId !== userId) return { error: "Not found" };\n' + DELETE,
        [],
        id="read-and-compare-return",
    ),
    *(
        case(
            READ + f"if (post?.authorId !== userId) {exit}({arg});\n" + DELETE,
            [],
            id=f"read-and-compare-{exit}",
        )
        for exit, arg in [("redirect", '"/"'), ("notFound", ""), ("forbidden", "")]
    ),
    case(
        READ + "if (userId !== post?.authorId) {\n  throw new Error();\n}\n" + DELETE,
        [],
        id="read-and-compare-session-on-the-left",
    ),
    case(
        """
        const id = String(formData.get("id"));
        const post = await prisma.post.findFirst({ where: { id, authorId: userId } });
        if (!post) notFound();
        await prisma.post.delete({ where: { id } });
        """,
        [],
        id="read-scoped-to-the-owner-then-not-found",
    ),
    case(
        READ + "if (post && post.authorId === userId) {\n  " + DELETE + "}\n",
        [],
        id="write-inside-an-owner-comparison",
    ),
    case(
        READ
        + 'if (post?.authorId !== userId) {\n  return { error: "Forbidden" };\n} else {\n  '
        + DELETE
        + "}\n",
        [],
        id="write-in-the-else-of-a-refusal",
    ),
    case(
        READ + "if (post?.authorId !== userId) {\n  console.warn(id);\n}\n" + DELETE,
        [gf002(BODY + 5)],
        id="comparison-that-does-not-stop",
    ),
    case(
        'if (session.user.role !== "admin") throw new Error("Forbidden");\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="role-check",
    ),
    case(
        READ
        + "const isOwner = post?.authorId === userId;\n"
        + 'const isAdmin = session.user.role === "admin";\n'
        + 'if (!isOwner && !isAdmin) throw new Error("Forbidden");\n'
        + DELETE,
        [],
        id="verdicts-in-variables",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const me = await prisma.user.findUnique({ where: { id: session.user.id } });\n"
        'if (!me) throw new Error("User not found");\n' + DELETE,
        [gf002(BODY + 3)],
        id="reading-the-user-is-not-a-permission",
    ),
    case(
        'if (session.user.role !== Role.ADMIN) redirect("/");\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="role-check-against-an-enum",
    ),
    case(
        'if (!session.user.isAdmin) throw new Error("Forbidden");\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="admin-flag",
    ),
    case(
        'if (!session.user.roles.includes("editor")) forbidden();\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="roles-includes",
    ),
    case(
        READ + 'if (!can(session.user, "delete", post)) throw new Error("Forbidden");\n' + DELETE,
        [],
        id="can",
    ),
    case(
        'await authorize(session, "post:delete");\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="authorize",
    ),
    case(READ + "assertOwner(post, session.user);\n" + DELETE, [], id="assert-owner"),
    case(
        'await requireRole(session.user, "admin");\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="require-role",
    ),
    case(
        'const id = String(formData.get("id"));\nawait ensureEditable(userId, id);\n' + DELETE,
        [],
        id="helper-given-the-user-and-the-id",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const post = await getPostForUser(id, session.user.id);\n" + DELETE,
        [],
        id="helper-given-the-id-and-the-user-returns-the-row",
    ),
    case(
        'const id = String(formData.get("id"));\nassert((await ownerOf(id)) === userId);\n'
        + DELETE,
        [],
        id="assert-a-comparison",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.post.findFirstOrThrow({ where: { id, authorId: userId } });
        await prisma.post.delete({ where: { id } });
        """,
        [],
        id="read-or-throw-scoped-to-the-owner",
    ),
    case(
        """
        const id = String(formData.get("id"));
        const todo = await prisma.todo.findFirst({ where: { id, userId } });
        await prisma.todo.update({ where: { id: todo!.id }, data: { done: true } });
        """,
        [],
        id="id-of-a-row-read-with-the-owner",
    ),
    case(
        """
        const postId = String(formData.get("postId"));
        const existing = await prisma.like.findUnique({
          where: { userId_postId: { userId, postId } },
        });
        if (existing) {
          await prisma.like.delete({ where: { id: existing.id } });
          return { liked: false };
        }
        await prisma.like.create({ data: { userId, postId } });
        return { liked: true };
        """,
        [],
        id="toggle-like-read-with-the-owner",
    ),
    case(
        'if (session.user.email !== "admin@example.com") throw new Error("Forbidden");\n'
        'await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n',
        [],
        id="admin-by-email",
    ),
    case(
        READ + DELETE + 'if (post?.authorId !== userId) throw new Error("Forbidden");\n',
        [gf002(BODY + 2)],
        id="check-after-the-write",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (!session) throw new Error("Unauthorized");\n'
        'if (!session.user) redirect("/login");\n' + DELETE,
        [gf002(BODY + 3)],
        id="only-is-anyone-signed-in",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (!session || !id) return { error: "Missing id" };\n' + DELETE,
        [gf002(BODY + 2)],
        id="session-and-input-presence",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (typeof session?.user?.id !== "string") throw new Error("Unauthorized");\n' + DELETE,
        [gf002(BODY + 2)],
        id="typeof-session-user-id",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (formData.get("confirm") !== "yes") return;\n' + DELETE,
        [gf002(BODY + 2)],
        id="input-validation-only",
    ),
    case(
        'const id = String(formData.get("id"));\nassert(session, "Unauthorized");\n' + DELETE,
        [gf002(BODY + 2)],
        id="assert-the-session",
    ),
    case(
        'const id = String(formData.get("id"));\nconst user = await assertAuthenticated();\n'
        + DELETE,
        [gf002(BODY + 2)],
        id="assert-authenticated-is-not-a-permission",
    ),
    case(
        'const id = String(formData.get("id"));\nawait ensureSignedIn();\n' + DELETE,
        [gf002(BODY + 2)],
        id="ensure-signed-in-is-not-a-permission",
    ),
    case(
        READ
        + 'if (formData.get("kind") === "draft") {\n'
        + '  if (post?.authorId !== userId) throw new Error("Forbidden");\n'
        + "}\n"
        + DELETE,
        [gf002(BODY + 5)],
        id="check-in-one-branch-only",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const { success } = await ratelimit.limit(userId);\n"
        'if (!success) return { error: "Too many requests" };\n'
        'if (!(await ratelimit.limit(session.user.id)).success) return { error: "Slow down" };\n'
        + DELETE,
        [gf002(BODY + 4)],
        id="rate-limit-is-not-a-permission",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (session.user.emailVerified === false) return { error: "Verify your email" };\n'
        + DELETE,
        [gf002(BODY + 2)],
        id="email-verified-is-not-a-permission",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/posts.ts": ts("""
                import { auth } from "@/auth";
                import { prisma } from "@/lib/prisma";

                export async function getOwnPost(id: string) {
                  const session = await auth();
                  return prisma.post.findFirst({ where: { id, authorId: session?.user?.id } });
                }
                """),
            "app/actions.ts": action(
                """
                const id = String(formData.get("id"));
                const post = await getOwnPost(id);
                if (!post) notFound();
                await prisma.post.delete({ where: { id } });
                """
            ).replace('"@/db";', '"@/db";\nimport { getOwnPost } from "@/lib/posts";', 1),
        },
        [],
        id="project-helper-that-reads-the-row-as-the-user",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/slug.ts": ts("""
                export function slugify(title: string, userId: string) {
                  return `${title.toLowerCase()}-${userId.slice(0, 6)}`;
                }
                """),
            "app/actions.ts": action(
                """
                const id = String(formData.get("id"));
                const slug = slugify(String(formData.get("title")), userId);
                await prisma.post.update({ where: { id }, data: { slug } });
                """
            ).replace('"@/db";', '"@/db";\nimport { slugify } from "@/lib/slug";', 1),
        },
        [gf002(BODY + 3)],
        id="helper-given-the-user-and-input-that-checks-nothing",
    ),
    pytest.param(
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              if (!(await auth())) redirect("/login");
              await prisma.post.delete({ where: { id } });
            }
            """),
        [gf002(8, "deletePost")],
        id="lookup-called-in-the-condition",
    ),
    # A predicate over the session, in the condition: the caller's role decides.
    case(
        """
        const id = String(formData.get("id"));
        if (!isModerator(session)) throw new Error("Forbidden");
        await prisma.post.update({ where: { id }, data: { pinned: true } });
        """,
        [],
        id="role-predicate-given-the-session",
    ),
    case(
        """
        const id = String(formData.get("id"));
        if (!isModerator(String(formData.get("who")))) throw new Error("Forbidden");
        await prisma.post.update({ where: { id }, data: { pinned: true } });
        """,
        [gf002(BODY + 2)],
        id="predicate-given-only-the-input",
    ),
    # Writes that only add or remove the caller on a shared row.
    case(
        """
        const id = String(formData.get("id"));
        await prisma.track.update({ where: { id }, data: { members: { connect: { id: userId } } } });
        """,
        [],
        id="join-a-shared-row-as-oneself",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.track.update({
          where: { id },
          data: { members: { connect: { id: String(formData.get("member")) } } },
        });
        """,
        [gf002(BODY + 1)],
        id="connect-someone-the-input-names",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.track.update({ where: { id }, data: { title: "x", members: { connect: { id: userId } } } });
        """,
        [gf002(BODY + 1)],
        id="join-and-rename-a-shared-row",
    ),
    # A permission helper inside `try`, whose `catch` turns its error into a reply.
    case(
        """
        const id = String(formData.get("id"));
        try {
          await assertCanWritePost(userId, id);
        } catch (e) {
          if (e instanceof DeniedError) return { error: "Not found" };
          throw e;
        }
        await prisma.post.delete({ where: { id } });
        """,
        [],
        id="check-in-try-whose-catch-always-leaves",
    ),
    case(
        """
        const id = String(formData.get("id"));
        try {
          await requireRole(["admin"]);
        } catch {
          redirect("/");
        }
        await prisma.post.delete({ where: { id } });
        """,
        [],
        id="role-check-in-try-whose-catch-redirects",
    ),
    case(
        """
        const id = String(formData.get("id"));
        try {
          await assertCanWritePost(userId, id);
        } catch (e) {
          console.error(e);
        }
        await prisma.post.delete({ where: { id } });
        """,
        [gf002(BODY + 6)],
        id="check-in-try-whose-catch-swallows-the-error",
    ),
    case(
        """
        const id = String(formData.get("id"));
        try {
          await assertCanWritePost(userId, id);
        } catch (e) {
          if (e instanceof DeniedError) return { error: "Not found" };
        }
        await prisma.post.delete({ where: { id } });
        """,
        [gf002(BODY + 6)],
        id="check-in-try-whose-catch-leaves-only-sometimes",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CHECKS)
def test_checks(project, source: str, expected: list[tuple[str, str, int]]) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 3. Drizzle ------------------------------------------------------------------------

DRIZZLE = [
    case(
        """
        const id = Number(formData.get("id"));
        await db.delete(posts).where(eq(posts.id, id));
        """,
        [gf002(BODY + 1)],
        id="delete-by-id",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        await db.update(posts).set({ title: "x" }).where(eq(posts.id, id));
        """,
        [gf002(BODY + 1)],
        id="update-by-id",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        await db.delete(posts).where(and(eq(posts.id, id), eq(posts.authorId, session.user.id)));
        """,
        [],
        id="and-with-owner",
    ),
    case(
        """
        await db.delete(posts).where(inArray(posts.id, ids));
        """,
        [gf002(BODY)],
        id="in-array",
        params="ids: number[]",
    ),
    case(
        """
        await db.delete(posts).where(and(inArray(posts.id, ids), eq(posts.authorId, userId)));
        """,
        [],
        id="in-array-with-owner",
        params="ids: number[]",
    ),
    case(
        """
        await db.insert(posts).values({ title: String(formData.get("title")), authorId: userId });
        """,
        [],
        id="insert",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        const condition = and(eq(todos.id, id), eq(todos.userId, userId));
        await db.delete(todos).where(condition);
        """,
        [],
        id="condition-in-a-variable-with-owner",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        const condition = eq(todos.id, id);
        await db.delete(todos).where(condition);
        """,
        [gf002(BODY + 2)],
        id="condition-in-a-variable",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        const [todo] = await db.update(todos).set({ done: true }).where(eq(todos.id, id)).returning();
        return todo;
        """,
        [gf002(BODY + 1)],
        id="update-returning",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        await db.transaction(async (tx) => {
          await tx.delete(posts).where(eq(posts.id, id));
        });
        """,
        [gf002(BODY + 2)],
        id="transaction",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        const [post] = await db.select().from(posts).where(eq(posts.id, id));
        if (!post || post.authorId !== userId) throw new Error("Not found");
        await db.delete(posts).where(eq(posts.id, id));
        """,
        [],
        id="read-and-compare",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        const [post] = await db
          .select()
          .from(posts)
          .where(and(eq(posts.id, id), eq(posts.authorId, userId)));
        if (!post) notFound();
        await db.update(posts).set({ published: true }).where(eq(posts.id, id));
        """,
        [],
        id="read-scoped-to-the-owner",
    ),
    case(
        """
        await db.update(posts).set({ published: false }).where(eq(posts.authorId, userId));
        """,
        [],
        id="all-own-rows",
    ),
]


@pytest.mark.parametrize(("source", "expected"), DRIZZLE)
def test_drizzle(project, source: str, expected: list[tuple[str, str, int]]) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 4. Supabase -----------------------------------------------------------------------

SUPABASE_CASES = [
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").delete().eq("id", id);
        """,
        [gf002(BODY + 1)],
        id="delete-eq-id",
        session=SUPABASE,
    ),
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").delete().eq("id", id).eq("user_id", user.id);
        """,
        [],
        id="delete-eq-id-and-user",
        session=SUPABASE,
    ),
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").update({ title: "x" }).eq("id", id);
        """,
        [gf002(BODY + 1)],
        id="update-eq-id",
        session=SUPABASE,
    ),
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").update({ title: "x" }).match({ id, user_id: user.id });
        """,
        [],
        id="update-match-with-user",
        session=SUPABASE,
    ),
    case(
        """
        const { error } = await supabase
          .from("todos")
          .update({ is_complete: true })
          .eq("id", formData.get("id"))
          .select();
        if (error) throw error;
        """,
        [gf002(BODY)],
        id="update-select-multiline",
        session=SUPABASE,
    ),
    case(
        """
        await supabase.from("posts").delete().in("id", ids);
        """,
        [gf002(BODY)],
        id="delete-in",
        params="ids: string[]",
        session=SUPABASE,
    ),
    case(
        """
        await supabase.from("posts").insert({ title: String(formData.get("title")), user_id: user.id });
        """,
        [],
        id="insert",
        session=SUPABASE,
    ),
    case(
        """
        await supabase.from("profiles").update({ username: formData.get("username") }).eq("id", user.id);
        """,
        [],
        id="own-profile",
        session=SUPABASE,
    ),
    case(
        """
        await supabase.from("bookmarks").delete().match({ id: formData.get("id") });
        """,
        [gf002(BODY)],
        id="delete-match-id",
        session=SUPABASE,
    ),
    pytest.param(
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { createClient } from "@/lib/supabase/server";

            export async function deleteNote(id: string) {
              const supabase = await createClient();
              const { data } = await supabase.auth.getClaims();
              const userId = data?.claims?.sub;
              if (!userId) redirect("/login");
              await supabase.from("notes").delete().eq("id", id).eq("user_id", userId);
            }
            """),
        [],
        id="claims-subject-as-owner",
    ),
]


# Row level security: the client the action writes through, and the project's migrations.
USER_CLIENT = ts("""
    import { createServerClient } from "@supabase/ssr";
    import { cookies } from "next/headers";

    export async function createClient() {
      const jar = await cookies();
      return createServerClient(
        process.env.NEXT_PUBLIC_SUPABASE_URL!,
        process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!,
        { cookies: { getAll: () => jar.getAll() } },
      );
    }
    """)
ADMIN_CLIENT = ts("""
    import { createClient as create } from "@supabase/supabase-js";

    export const createClient = () =>
      create(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);
    """)
NOTES_RLS = ts("""
    create table public.notes (id uuid primary key, user_id uuid not null, body text);
    alter table public.notes enable row level security;
    """)
DELETE_OWN = 'create policy "delete own" on public.notes for delete using (auth.uid() = user_id);\n'
DELETE_NOTE = """
    const id = String(formData.get("id"));
    await supabase.from("notes").delete().eq("id", id);
    """
UPDATE_NOTE = """
    await supabase
      .from("notes")
      .update({ body: String(formData.get("body")), user_id: String(formData.get("owner")) })
      .eq("id", String(formData.get("id")));
    """


def rls_case(
    body: str,
    expected: list[Found],
    id: str,
    *,
    client: str = USER_CLIENT,
    migrations: tuple[str, ...] = (NOTES_RLS + DELETE_OWN,),
) -> object:
    files = {
        "tsconfig.json": TSCONFIG,
        "lib/supabase/server.ts": client,
        "app/actions.ts": action(body, session=SUPABASE),
    }
    for number, sql in enumerate(migrations):
        files[f"db/supabase/migrations/2024010100000{number}_notes.sql"] = sql
    return pytest.param(files, expected, id=id)


RLS_CASES = [
    rls_case(DELETE_NOTE, [], id="rls-delete-own-policy"),
    rls_case(DELETE_NOTE, [gf002(BODY + 1)], id="rls-no-migrations", migrations=()),
    rls_case(DELETE_NOTE, [gf002(BODY + 1)], id="rls-service-role-client", client=ADMIN_CLIENT),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-not-enabled",
        migrations=(NOTES_RLS.split("alter")[0] + DELETE_OWN,),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-policy-dropped-later",
        migrations=(NOTES_RLS + DELETE_OWN, 'drop policy if exists "delete own" on public.notes;'),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-policy-altered-later",
        migrations=(NOTES_RLS + DELETE_OWN, 'alter policy "delete own" on notes using (true);'),
    ),
    rls_case(
        DELETE_NOTE,
        [],
        id="rls-policy-renamed-later",
        migrations=(NOTES_RLS + DELETE_OWN, 'alter policy "delete own" on notes rename to mine;'),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-a-second-policy-opens-every-row",
        migrations=(
            NOTES_RLS + DELETE_OWN + "create policy open on notes for delete using (true);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [],
        id="rls-open-policy-for-the-service-role-only",
        migrations=(
            NOTES_RLS
            + DELETE_OWN
            + "create policy admin on notes for all to service_role using (true);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [],
        id="rls-open-policy-for-anonymous-callers-only",
        migrations=(
            NOTES_RLS + DELETE_OWN + "create policy guests on notes to anon using (true);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-open-policy-for-signed-in-users",
        migrations=(
            NOTES_RLS + DELETE_OWN + "create policy team on notes to authenticated using (true);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-owner-or-anything",
        migrations=(
            NOTES_RLS
            + "create policy d on notes for delete using (auth.uid() = user_id or shared);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-policy-for-another-command",
        migrations=(
            NOTES_RLS + "create policy u on notes for update using (auth.uid() = user_id);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [gf002(BODY + 1)],
        id="rls-signed-in-only-is-not-ownership",
        migrations=(
            NOTES_RLS + "create policy d on notes for delete using (auth.uid() is not null);",
        ),
    ),
    rls_case(
        DELETE_NOTE,
        [],
        id="rls-all-policy-select-uid-with-service-role",
        migrations=(
            NOTES_RLS
            + '/* owners */ create policy "own" on "public"."notes" as permissive for all\n'
            "  to authenticated\n"
            "  using ((select auth.uid()) = notes.user_id or auth.role() = 'service_role');",
        ),
    ),
    rls_case(
        UPDATE_NOTE,
        [],
        id="rls-update-using-checks-the-new-owner-too",
        migrations=(
            NOTES_RLS + "create policy u on notes for update using (auth.uid() = user_id);",
        ),
    ),
    rls_case(
        UPDATE_NOTE,
        [gf003(BODY + 2)],
        id="rls-update-check-on-another-column",
        migrations=(
            NOTES_RLS
            + "create policy u on notes for update using (auth.uid() = user_id) with check (true);",
        ),
    ),
    rls_case(
        """
        await supabase.from("notes").insert({ body: "x", user_id: formData.get("owner") });
        """,
        [],
        id="rls-insert-checked-owner",
        migrations=(
            NOTES_RLS + "create policy i on notes for insert with check (auth.uid() = user_id);",
        ),
    ),
    rls_case(
        """
        await supabase.from("notes").insert({ body: "x", role: formData.get("role") });
        """,
        [gf003(BODY)],
        id="rls-insert-role-is-not-the-checked-column",
        migrations=(
            NOTES_RLS + "create policy i on notes for insert with check (auth.uid() = user_id);",
        ),
    ),
]


@pytest.mark.parametrize(("files", "expected"), RLS_CASES)
def test_supabase_row_level_security(project, files: dict[str, str], expected: list) -> None:
    assert project(files, rules=OWNERSHIP) == expected


@pytest.mark.parametrize(("source", "expected"), SUPABASE_CASES)
def test_supabase(project, source: str, expected: list[tuple[str, str, int]]) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 5. next-safe-action, zsa and wrappers that pass the user -------------------------

SAFE_ACTION_CLIENT = ts("""
    import { createSafeActionClient } from "next-safe-action";
    import { auth } from "@/auth";

    export const actionClient = createSafeActionClient();

    export const authActionClient = actionClient.use(async ({ next }) => {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      return next({ ctx: { userId: session.user.id, user: session.user } });
    });
    """)
ZSA_PROCEDURE = ts("""
    import { createServerActionProcedure } from "zsa";
    import { auth } from "@/auth";

    export const authedProcedure = createServerActionProcedure().handler(async () => {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      return { userId: session.user.id };
    });
    """)


SCHEMA = ".schema(z.object({ id: z.string(), userId: z.string().optional() }))"
ZSA = "authedProcedure.createServerAction().input(z.object({ id: z.string() }))"


def safe_action(handler: str, chain: str = "authActionClient" + SCHEMA) -> dict[str, str]:
    """A `"use server"` file with one action built on `chain`; the handler starts on line 8."""
    source = ts(f"""
        "use server";
        import {{ z }} from "zod";
        import {{ prisma }} from "@/lib/prisma";
        import {{ actionClient, authActionClient }} from "@/lib/safe-action";
        import {{ authedProcedure }} from "@/lib/zsa";

        export const deletePost = {chain}
        """)
    return {
        "lib/safe-action.ts": SAFE_ACTION_CLIENT,
        "lib/zsa.ts": ZSA_PROCEDURE,
        "app/actions.ts": source + ts(handler),
    }


def wrapped(handler: str) -> str:
    """A `"use server"` file with one wrapped action; the handler starts on line 5."""
    return ts("""
        "use server";
        import { prisma } from "@/lib/prisma";
        import { withUser, withAuth } from "@/lib/with-user";

        """) + ts(handler)


BUILT = [
    pytest.param(
        safe_action("""
            .action(async ({ parsedInput, ctx }) =>
              prisma.post.delete({ where: { id: parsedInput.id, authorId: ctx.userId } }),
            );
            """),
        [],
        id="safe-action-owner-from-ctx",
    ),
    pytest.param(
        safe_action("""
            .action(async ({ parsedInput, ctx }) =>
              prisma.post.delete({ where: { id: parsedInput.id } }),
            );
            """),
        [gf002(9, "deletePost")],
        id="safe-action-without-owner",
    ),
    pytest.param(
        safe_action("""
            .action(async ({ parsedInput: { id }, ctx: { userId } }) => {
              await prisma.post.delete({ where: { id, authorId: userId } });
            });
            """),
        [],
        id="safe-action-destructured-ctx",
    ),
    pytest.param(
        safe_action("""
            .action(async ({ parsedInput: { id }, ctx: { user } }) => {
              await prisma.post.delete({ where: { id, authorId: user.id } });
            });
            """),
        [],
        id="safe-action-user-from-ctx",
    ),
    pytest.param(
        safe_action("""
            .action(async ({ parsedInput: { id, userId } }) => {
              await prisma.post.delete({ where: { id, authorId: userId } });
            });
            """),
        [gf003(9, "deletePost")],
        id="safe-action-owner-from-parsed-input",
    ),
    pytest.param(
        safe_action(
            """
            .bindArgsSchemas<[postId: z.ZodString]>([z.string()])
            .action(async ({ bindArgsParsedInputs: [postId], ctx }) => {
              await prisma.post.delete({ where: { id: postId } });
              await prisma.post.delete({ where: { id: postId, authorId: ctx.userId } });
            });
            """
        ),
        [gf002(10, "deletePost")],
        id="safe-action-bound-argument",
    ),
    pytest.param(
        safe_action(
            """
            .action(async ({ parsedInput }) => {
              await prisma.comment.delete({ where: { id: parsedInput.id } });
            });
            """,
            chain="actionClient" + SCHEMA,
        ),
        [gf002(9, "deletePost")],
        id="safe-action-public-client",
    ),
    pytest.param(
        safe_action(
            """
            .handler(async ({ input, ctx }) => {
              await prisma.post.delete({ where: { id: input.id, authorId: ctx.userId } });
            });
            """,
            chain=ZSA,
        ),
        [],
        id="zsa-owner-from-ctx",
    ),
    pytest.param(
        safe_action(
            """
            .handler(async ({ input }) => {
              await prisma.post.delete({ where: { id: input.id } });
            });
            """,
            chain=ZSA,
        ),
        [gf002(9, "deletePost")],
        id="zsa-without-owner",
    ),
    pytest.param(
        wrapped("""
            export const deletePost = withUser(async (user, formData: FormData) => {
              const id = String(formData.get("id"));
              await prisma.post.delete({ where: { id, authorId: user.id } });
            });
            """),
        [],
        id="with-user-owner",
    ),
    pytest.param(
        wrapped("""
            export const deletePost = withUser(async (user, formData: FormData) => {
              const id = String(formData.get("id"));
              await prisma.post.delete({ where: { id } });
            });
            """),
        [gf002(7, "deletePost")],
        id="with-user-without-owner",
    ),
    pytest.param(
        wrapped("""
            export const deletePost = withAuth(async (session, id: string) => {
              await prisma.post.delete({ where: { id, authorId: session.user.id } });
            });
            """),
        [],
        id="with-auth-session-first",
    ),
    pytest.param(
        wrapped("""
            export const deletePost = withAuth(async ({ user }, id: string) => {
              await prisma.post.delete({ where: { id, authorId: user.id } });
            });
            """),
        [],
        id="with-auth-destructured-user",
    ),
    pytest.param(
        wrapped("""
            export const createCourse = withAuth(schema, async ({ id, name }, { user }) => {
              await prisma.course.create({ data: { id, name, userId: user.id } });
            });
            """),
        [],
        id="v6-client-ctx-destructured-second",
    ),
    pytest.param(
        wrapped("""
            export const deletePost = withAuth(async (id: string, user: string) => {
              await prisma.post.delete({ where: { id, authorId: user } });
            });
            """),
        [gf003(6, "deletePost")],
        id="a-later-argument-named-user-is-still-input",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BUILT)
def test_built_actions(project, files: str | dict[str, str], expected: list) -> None:
    assert project(files, rules=OWNERSHIP) == expected


# -- 6. GF003: identity from the caller ------------------------------------------------

IDENTITY = [
    # A check that compares a row's user field with the caller's word for who they are.
    case(
        """
        const id = String(formData.get("id"));
        const reviewer = String(formData.get("reviewer"));
        const memo = await prisma.memo.findFirst({ where: { id, teamId: session.user.teamId } });
        if (!memo) throw new Error("Not found");
        if (memo.reviewerId !== reviewer) throw new Error("Not the reviewer");
        await prisma.memo.update({ where: { id }, data: { approved: true } });
        await prisma.memoLog.create({ data: { memoId: id, note: "approved" } });
        """,
        [gf003(BODY + 4)],
        id="row-reviewer-compared-with-a-reviewer-from-input",
    ),
    case(
        """
        const id = String(formData.get("id"));
        const memo = await prisma.memo.findFirst({ where: { id, teamId: session.user.teamId } });
        if (!memo) throw new Error("Not found");
        if (memo.reviewerId !== userId) throw new Error("Not the reviewer");
        await prisma.memo.update({ where: { id }, data: { approved: true } });
        """,
        [],
        id="row-reviewer-compared-with-the-session",
    ),
    case(
        """
        const id = String(formData.get("id"));
        const reviewer = String(formData.get("reviewer"));
        if (reviewer !== userId) throw new Error("Not you");
        const memo = await prisma.memo.findFirst({ where: { id, teamId: session.user.teamId } });
        if (!memo) throw new Error("Not found");
        if (memo.reviewerId !== reviewer) throw new Error("Not the reviewer");
        await prisma.memo.update({ where: { id }, data: { approved: true } });
        """,
        [],
        id="row-reviewer-compared-with-an-input-pinned-to-the-session",
    ),
    case(
        """
        const other = String(formData.get("other"));
        const seat = await prisma.seat.findFirst({ where: { id: String(formData.get("id")), teamId: session.user.teamId } });
        if (!seat) throw new Error("Not found");
        if (seat.ownerId === other) return { error: "Already theirs" };
        await prisma.seat.update({ where: { id: seat.id }, data: { offered: true } });
        """,
        [],
        id="a-duplicate-turned-away-is-no-claim",
    ),
    # An input id the action refuses unless it is the caller's own.
    case(
        """
        const owner = String(formData.get("owner"));
        if (owner !== session.user.id) return { error: "No" };
        await prisma.bookmark.create({ data: { ownerId: owner } });
        """,
        [],
        id="input-id-pinned-to-the-session-by-a-refusal",
    ),
    case(
        """
        const owner = String(formData.get("owner"));
        if (owner === session.user.id) console.log("self");
        await prisma.bookmark.create({ data: { ownerId: owner } });
        """,
        [gf003(BODY + 2)],
        id="input-id-compared-but-not-refused",
    ),
    # The creator is the caller; the other user is the one the caller assigns.
    case(
        """
        await prisma.task.create({
          data: { title: "t", createdBy: userId, user: String(formData.get("assignee")) },
        });
        """,
        [],
        id="assignee-beside-a-creator-from-the-session",
    ),
    case(
        """
        await prisma.task.create({
          data: { title: "t", createdBy: String(formData.get("by")), user: String(formData.get("assignee")) },
        });
        """,
        [gf003(BODY + 1), gf003(BODY + 1)],
        id="creator-and-user-both-from-input",
    ),
    # A user id read off a row: stored by the server, not typed in by the caller.
    case(
        """
        const request = await prisma.request.findUnique({ where: { id: String(formData.get("id")) } });
        if (!request) return;
        await prisma.booking.create({ data: { userId: request.userId } });
        """,
        [],
        id="user-id-read-off-a-row",
    ),
    # A role check lets an admin act for another user; a check of one row does not.
    case(
        """
        if (session.user.role !== "admin") throw new Error("Forbidden");
        await prisma.post.create({ data: { title: "x", authorId: String(formData.get("authorId")) } });
        """,
        [],
        id="after-a-role-check",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await assertCanEditPost(userId, id);
        await prisma.post.update({ where: { id }, data: { authorId: String(formData.get("authorId")) } });
        """,
        [gf003(BODY + 2)],
        id="after-a-check-of-one-row",
    ),
    case(
        """
        const id = String(formData.get("id"));
        try {
          await assertCanEditPost(userId, id);
        } catch {
          return { error: "Not found" };
        }
        await prisma.post.update({ where: { id }, data: { ownerId: String(formData.get("ownerId")) } });
        """,
        [gf003(BODY + 6)],
        id="after-a-check-of-one-row-in-try",
    ),
    case(
        """
        await prisma.post.create({
          data: { title: String(formData.get("title")), authorId: String(formData.get("authorId")) },
        });
        """,
        [gf003(BODY + 1)],
        id="prisma-author-from-form",
    ),
    case(
        """
        const { title, authorId } = z
          .object({ title: z.string(), authorId: z.string() })
          .parse(Object.fromEntries(formData));
        await prisma.post.create({ data: { title, authorId } });
        """,
        [gf003(BODY + 3)],
        id="prisma-shorthand-author",
    ),
    case(
        """
        await prisma.post.create({
          data: { title: "x", author: { connect: { id: String(formData.get("authorId")) } } },
        });
        """,
        [gf003(BODY + 1)],
        id="prisma-connect-author-from-form",
    ),
    case(
        """
        await prisma.post.create({ data: { title: "x", author: { connect: { id: userId } } } });
        """,
        [],
        id="prisma-connect-author-from-session",
    ),
    case(
        """
        await db.insert(posts).values({ title: input.title, userId: input.userId });
        """,
        [gf003(BODY)],
        id="drizzle-values",
        params="input: { title: string; userId: string }",
    ),
    case(
        """
        await supabase.from("posts").insert({ title: "x", user_id: formData.get("uid") });
        """,
        [gf003(BODY)],
        id="supabase-insert",
        session=SUPABASE,
    ),
    case(
        """
        await prisma.user.update({
          where: { id: session.user.id },
          data: { role: String(formData.get("role")) },
        });
        """,
        [gf003(BODY + 2)],
        id="role-from-form",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await prisma.post.delete({ where: { id, authorId: String(formData.get("authorId")) } });
        """,
        [gf003(BODY + 1)],
        id="prisma-owner-filter-from-form-is-gf003-only",
    ),
    case(
        """
        const id = Number(formData.get("id"));
        const authorId = String(formData.get("authorId"));
        await db.delete(posts).where(and(eq(posts.id, id), eq(posts.authorId, authorId)));
        """,
        [gf003(BODY + 2)],
        id="drizzle-owner-filter-from-form-is-gf003-only",
    ),
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").delete().eq("id", id).eq("user_id", formData.get("uid"));
        """,
        [gf003(BODY + 1)],
        id="supabase-owner-filter-from-form-is-gf003-only",
        session=SUPABASE,
    ),
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").delete().match({ id, user_id: formData.get("uid") });
        """,
        [gf003(BODY + 1)],
        id="supabase-match-owner-from-form-is-gf003-only",
        session=SUPABASE,
    ),
    case(
        """
        const id = String(formData.get("id"));
        await supabase.from("posts").delete().eq("user_id", formData.get("uid")).eq("id", id);
        """,
        [gf003(BODY + 1)],
        id="supabase-owner-filter-first-is-gf003-only",
        session=SUPABASE,
    ),
    case(
        """
        const data = { title: String(formData.get("title")), authorId: String(formData.get("a")) };
        await prisma.post.create({ data });
        """,
        [gf003(BODY)],
        id="data-in-a-variable",
    ),
    case(
        """
        const where = { id: String(formData.get("id")), authorId: String(formData.get("uid")) };
        await prisma.post.delete({ where });
        """,
        [gf003(BODY)],
        id="owner-in-a-where-variable-is-gf003-only",
    ),
    case(
        """
        await prisma.post.create({ data: { title: "x", authorId: session.user.id } });
        await db.insert(posts).values({ title: "x", authorId: userId });
        """,
        [],
        id="identity-from-the-session",
    ),
    case(
        """
        await supabase.from("posts").insert({ title: "x", user_id: user.id });
        """,
        [],
        id="supabase-identity-from-the-session",
        session=SUPABASE,
    ),
    case(
        """
        if (session.user.role !== "admin") throw new Error("Forbidden");
        await prisma.user.update({
          where: { id: String(formData.get("userId")) },
          data: { role: String(formData.get("role")) },
        });
        """,
        [],
        id="admin-sets-a-role",
    ),
    case(
        """
        await prisma.message.create({
          data: { role: message.role, content: message.content },
        });
        """,
        [],
        id="chat-message-role-is-not-a-permission",
        params="message: { chatId: string; role: string; content: string }",
    ),
    case(
        """
        await prisma.message.create({
          data: { senderId: userId, recipientUserId: String(formData.get("to")), body: "" },
        });
        """,
        [],
        id="someone-else-by-design",
    ),
]


# Three lines where the session would be: an action that looks nobody up.
NO_SESSION = "// nobody\n// is looked\n// up\n"
# Helpers below the action, so that its lines do not move.
ROW_HELPERS = ts("""
    async function findInvite(code: string, email: string) {
      const invite = await prisma.invite.findFirst({ where: { id: code, email } });
      return invite;
    }
    async function findPerson(email: string) {
      return prisma.person.findUnique({ where: { email } });
    }
    async function viaInvite(code: string, email: string) {
      return findInvite(code, email);
    }
    async function cleanId(raw: string) {
      return raw.trim();
    }
    function mergeRoles(a: string, b: string) {
      return a === "admin" || b === "admin" ? "admin" : b;
    }
    """)
REPO_HELPERS = ts("""
    async function assertRepo(user: { id: string }, owner: string, name: string) {
      const repo = await hostApi.repos.get({ owner, name, as: user.id });
      if (!repo.canPush) throw new Error("Forbidden");
      return { repo };
    }
    async function loadRepo(user: { id: string }, owner: string, name: string) {
      const repo = await hostApi.repos.get({ owner, name, as: user.id });
      return { repo };
    }
    async function assertRepoName(owner: string, name: string) {
      const repo = await hostApi.repos.get({ owner, name });
      if (!repo) throw new Error("Not found");
      return { repo };
    }
    """)
DRIZZLE_SCHEMA = ts("""
    import { pgTable, text, integer } from "drizzle-orm/pg-core";
    export const users = pgTable("users", { id: text("id").primaryKey() });
    export const orgs = pgTable("orgs", { id: text("id").primaryKey() });
    export const posts = pgTable("posts", {
      id: integer("id").primaryKey(),
      authorId: text("author_id").references(() => users.id),
      ownerId: text("owner_id").references(() => orgs.id),
    });
    export const todos = pgTable("todos", {
      id: integer("id"),
      ownerId: text("owner_id"),
      creatorId: text("creator_id").references(() => users.id),
    });
    """)
PRISMA_SCHEMA = ts("""
    model User {
      id String @id
    }
    model Company {
      id String @id
    }
    model Repo {
      id        String  @id
      ownerId   String
      owner     Company @relation(fields: [ownerId], references: [id])
      creatorId String
      creator   User    @relation(fields: [creatorId], references: [id])
    }
    model Note {
      id        String @id
      ownerId   String
      creatorId String
      creator   User   @relation(fields: [creatorId], references: [id])
    }
    """)


def in_project(
    body: str, expected: list[Found], id: str, files: dict[str, str], **kw: str
) -> object:
    """An action beside project files; `files["after"]` goes below it in its own file."""
    source = action(body, **kw) + files.pop("after", "")
    return pytest.param(
        {"app/actions.ts": source, "tsconfig.json": TSCONFIG, **files}, expected, id=id
    )


IDENTITY += [
    # With no session at all, a user whose own row the action changes is what it acts on:
    # the user id in the filter picks that user's rows (GF002, beside GF001). Without that
    # row written, the caller claims to be the user whose rows these are.
    case(
        """
        const target = String(formData.get("userId"));
        await prisma.report.updateMany({ where: { userId: target }, data: { seen: true } });
        await prisma.user.update({ where: { id: target }, data: { status: "ACTIVE" } });
        """,
        [gf002(BODY + 1), gf002(BODY + 2)],
        id="no-session-user-changed-is-the-target",
        session=NO_SESSION,
    ),
    case(
        """
        const target = String(formData.get("userId"));
        await prisma.report.updateMany({ where: { userId: target }, data: { seen: true } });
        await prisma.user.update({ where: { id: String(formData.get("other")) }, data: { status: "ACTIVE" } });
        """,
        [gf003(BODY + 1), gf002(BODY + 2)],
        id="no-session-another-user-changed",
        session=NO_SESSION,
    ),
    case(
        """
        await prisma.report.updateMany({ where: { userId: String(formData.get("userId")) }, data: { seen: true } });
        """,
        [gf003(BODY)],
        id="no-session-user-in-the-filter-acts-as-them",
        session=NO_SESSION,
    ),
    case(
        """
        const target = String(formData.get("userId"));
        await prisma.report.updateMany({ where: { userId: target }, data: { seen: true } });
        await prisma.user.update({ where: { id: target }, data: { status: "ACTIVE" } });
        """,
        [gf003(BODY + 1), gf002(BODY + 2)],
        id="signed-in-user-changed-from-input",
    ),
    case(
        """
        await prisma.post.create({ data: { title: "x", authorId: String(formData.get("authorId")) } });
        """,
        [gf003(BODY)],
        id="no-session-user-written-from-input",
        session=NO_SESSION,
    ),
    # A row a project helper reads: its columns are the server's, its id and the keys it
    # was found by are the caller's choice.
    in_project(
        """
        const invite = await findInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        await prisma.member.create({ data: { userId, teamId: invite.teamId, role: invite.role } });
        """,
        [],
        id="role-off-a-row-a-helper-reads",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const invite = await viaInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        await prisma.member.create({ data: { userId, teamId: invite.teamId, role: invite.role } });
        """,
        [],
        id="role-off-a-row-a-helper-of-a-helper-reads",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const invite = await findInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        await prisma.share.create({ data: { userId, ownerId: invite.id } });
        """,
        [gf003(BODY + 2)],
        id="id-of-a-row-a-helper-found-by-input",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const invite = await findInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        const { role, teamId } = invite;
        await prisma.member.create({ data: { userId, teamId, role } });
        """,
        [],
        id="role-destructured-off-a-row-a-helper-reads",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const invite = await findInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        const { id: inviteId } = invite;
        await prisma.share.create({ data: { userId, ownerId: inviteId } });
        """,
        [gf003(BODY + 3)],
        id="id-destructured-off-a-row-found-by-input",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const person = await findPerson(String(formData.get("email")));
        await prisma.post.create({ data: { title: "x", authorId: person.id } });
        """,
        [gf003(BODY + 1)],
        id="user-a-helper-found-by-input-email",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const owner = await cleanId(String(formData.get("owner")));
        await prisma.bookmark.create({ data: { ownerId: owner } });
        """,
        [gf003(BODY + 1)],
        id="helper-that-returns-its-input-reads-no-row",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const invite = await findInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        const current = await prisma.member.findFirst({ where: { userId, teamId: invite.teamId } });
        if (!current) return;
        await prisma.member.update({ where: { id: current.id }, data: { role: mergeRoles(current.role, invite.role) } });
        """,
        [],
        id="role-worked-out-from-stored-rows-alone",
        files={"after": ROW_HELPERS},
    ),
    in_project(
        """
        const invite = await findInvite(String(formData.get("code")), session.user.email);
        if (!invite) throw new Error("Gone");
        const current = await prisma.member.findFirst({ where: { userId, teamId: invite.teamId } });
        if (!current) return;
        await prisma.member.update({ where: { id: current.id }, data: { role: mergeRoles(invite.role, String(formData.get("role"))) } });
        """,
        [gf003(BODY + 4)],
        id="role-worked-out-with-input",
        files={"after": ROW_HELPERS},
    ),
    # What a helper given the caller and the input returns once it lets the caller on (it
    # may refuse) is the server's answer: a code host's repository and its owner.
    in_project(
        """
        const { repo } = await assertRepo(session.user, String(formData.get("owner")), "site");
        await prisma.mirror.create({ data: { userId, ownerId: repo.ownerId } });
        """,
        [],
        id="owner-returned-by-a-helper-that-checks-the-caller",
        files={"after": REPO_HELPERS},
    ),
    in_project(
        """
        const { repo } = await loadRepo(session.user, String(formData.get("owner")), "site");
        await prisma.mirror.create({ data: { userId, ownerId: repo.ownerId } });
        """,
        [gf003(BODY + 1)],
        id="owner-returned-by-a-helper-that-never-refuses",
        files={"after": REPO_HELPERS},
    ),
    in_project(
        """
        const { repo } = await assertRepoName(String(formData.get("owner")), "site");
        await prisma.mirror.create({ data: { userId, ownerId: repo.ownerId } });
        """,
        [gf003(BODY + 1)],
        id="owner-returned-by-a-check-of-the-input-alone",
        files={"after": REPO_HELPERS},
    ),
    case(
        """
        const { id, email } = await prisma.person.findUnique({ where: { email: String(formData.get("email")) } });
        await prisma.post.create({ data: { title: email, authorId: id } });
        """,
        [gf003(BODY + 1)],
        id="id-destructured-off-a-row-found-by-input-email",
    ),
    case(
        """
        const target = await prisma.person.findUnique({ where: { email: String(formData.get("email")) } });
        if (!target) return;
        await prisma.post.create({ data: { title: "x", authorId: target.id } });
        """,
        [gf003(BODY + 2)],
        id="id-of-a-row-found-by-input",
    ),
    # A column the schema ties to another table than the users' names no user of the app;
    # one it ties to no table may still hold a user's id.
    in_project(
        """
        await db.insert(posts).values({ authorId: userId, ownerId: String(formData.get("org")) });
        """,
        [],
        id="drizzle-owner-column-that-is-no-user",
        files={"db/schema.ts": DRIZZLE_SCHEMA},
    ),
    in_project(
        """
        await db.insert(posts).values({ authorId: String(formData.get("authorId")), ownerId: 1 });
        """,
        [gf003(BODY)],
        id="drizzle-column-referencing-users",
        files={"db/schema.ts": DRIZZLE_SCHEMA},
    ),
    in_project(
        """
        await db.insert(todos).values({ ownerId: String(formData.get("ownerId")) });
        """,
        [gf003(BODY)],
        id="drizzle-column-tied-to-no-table",
        files={"db/schema.ts": DRIZZLE_SCHEMA},
    ),
    in_project(
        """
        await prisma.repo.create({ data: { creatorId: userId, ownerId: String(formData.get("org")) } });
        """,
        [],
        id="prisma-owner-field-that-is-no-user",
        files={"prisma/schema.prisma": PRISMA_SCHEMA},
    ),
    in_project(
        """
        await prisma.repo.create({ data: { creatorId: String(formData.get("by")), ownerId: 1 } });
        """,
        [gf003(BODY)],
        id="prisma-field-of-a-user-relation",
        files={"prisma/schema.prisma": PRISMA_SCHEMA},
    ),
    in_project(
        """
        await prisma.repo.create({ data: { creator: { connect: { id: String(formData.get("by")) } } } });
        """,
        [gf003(BODY)],
        id="prisma-user-relation-connected",
        files={"prisma/schema.prisma": PRISMA_SCHEMA},
    ),
    in_project(
        """
        await prisma.note.create({ data: { ownerId: String(formData.get("ownerId")) } });
        """,
        [gf003(BODY)],
        id="prisma-field-tied-to-no-model",
        files={"prisma/schema.prisma": PRISMA_SCHEMA},
    ),
]


@pytest.mark.parametrize(("source", "expected"), IDENTITY)
def test_identity(
    project, source: str | dict[str, str], expected: list[tuple[str, str, int]]
) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 7. Public by design ---------------------------------------------------------------

PUBLIC = [
    pytest.param(
        {
            "app/actions.ts": ts("""
                "use server";
                import { auth } from "@/lib/auth";
                import { prisma } from "@/lib/prisma";

                export async function register(formData: FormData) {
                  const { user } = await auth.api.signUpEmail({
                    body: {
                      email: String(formData.get("email")),
                      password: String(formData.get("password")),
                      name: String(formData.get("name")),
                    },
                  });
                  await prisma.profile.create({ data: { userId: user.id } });
                }
                """),
            "tsconfig.json": TSCONFIG,
            "lib/auth.ts": 'import { betterAuth } from "better-auth";\nexport const auth = betterAuth({});\n',
        },
        [],
        id="better-auth-sign-up",
    ),
    pytest.param(
        {
            "app/actions.ts": ts("""
                "use server";
                import { createClient } from "@/lib/supabase/server";

                export async function signup(formData: FormData) {
                  const supabase = await createClient();
                  const { data, error } = await supabase.auth.signUp({
                    email: String(formData.get("email")),
                    password: String(formData.get("password")),
                  });
                  if (error || !data.user) return { error: error?.message };
                  await supabase.from("profiles").insert({ user_id: data.user.id, username: "" });
                }
                """),
            "tsconfig.json": TSCONFIG,
            "lib/supabase/server.ts": ts("""
                import { createServerClient } from "@supabase/ssr";

                export async function createClient() {
                  return createServerClient(process.env.URL!, process.env.KEY!, { cookies: {} });
                }
                """),
        },
        [],
        id="supabase-sign-up",
    ),
    pytest.param(
        {
            "app/actions.ts": ts("""
                "use server";
                import { signUp } from "@/lib/auth";
                import { prisma } from "@/lib/prisma";

                export async function register(formData: FormData) {
                  const account = await signUp(String(formData.get("email")));
                  await prisma.settings.update({ where: { userId: account.id }, data: { theme: "" } });
                }
                """),
            "tsconfig.json": TSCONFIG,
            "lib/auth.ts": ts("""
                import { prisma } from "@/lib/prisma";

                export async function signUp(email: string) {
                  return prisma.user.create({ data: { email } });
                }
                """),
        },
        [],
        id="sign-up-helper",
    ),
    pytest.param(
        {
            "app/actions.ts": ts("""
                "use server";
                import { signUp } from "@/lib/auth";
                import { prisma } from "@/lib/prisma";

                export async function register(formData: FormData) {
                  const account = await signUp(String(formData.get("email")));
                  await prisma.settings.update({ where: { userId: account.id }, data: { theme: "" } });
                }
                """),
            "tsconfig.json": TSCONFIG,
            "lib/auth.ts": ts("""
                import { prisma } from "@/lib/prisma";

                export async function signUp(email: string) {
                  return prisma.user.findUnique({ where: { email } });
                }
                """),
        },
        [("GF003", "register", 7)],
        id="helper-named-signUp-that-signs-nobody-up",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PUBLIC)
def test_public_by_design(project, source: str | dict[str, str], expected: list) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 8. Patterns as they appear in real apps -------------------------------------------

REALISTIC = [
    pytest.param(
        # A todo app's toggle: read the row, refuse someone else's, then write by id.
        ts("""
            "use server";
            import { revalidatePath } from "next/cache";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function toggleTodo(id: string) {
              const session = await auth();
              if (!session?.user?.id) return { error: "Not signed in" };
              const todo = await prisma.todo.findUnique({ where: { id } });
              if (!todo || todo.userId !== session.user.id) {
                return { error: "Todo not found" };
              }
              await prisma.todo.update({ where: { id }, data: { done: !todo.done } });
              revalidatePath("/");
            }
            """),
        [],
        id="todo-toggle-read-and-compare",
    ),
    pytest.param(
        # The same app's delete, written by the tutorial: any signed-in user deletes any todo.
        ts("""
            "use server";
            import { revalidatePath } from "next/cache";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deleteTodo(formData: FormData) {
              const session = await auth();
              if (!session) throw new Error("Not authenticated");
              await prisma.todo.delete({ where: { id: formData.get("id") as string } });
              revalidatePath("/");
            }
            """),
        [gf002(9, "deleteTodo")],
        id="todo-delete-idor",
    ),
    pytest.param(
        # Clerk + Drizzle: the owner in the filter.
        ts("""
            "use server";
            import { auth } from "@clerk/nextjs/server";
            import { and, eq } from "drizzle-orm";
            import { db } from "@/db";
            import { todos } from "@/db/schema";

            export async function deleteTodo(id: number) {
              const { userId } = await auth();
              if (!userId) throw new Error("Unauthorized");
              await db.delete(todos).where(and(eq(todos.id, id), eq(todos.userId, userId)));
            }

            export async function renameTodo(id: number, text: string) {
              const { userId } = await auth();
              if (!userId) throw new Error("Unauthorized");
              await db.update(todos).set({ text }).where(eq(todos.id, id));
            }
            """),
        [gf002(16, "renameTodo")],
        id="clerk-drizzle-todos",
    ),
    pytest.param(
        # A Supabase app that relies on row-level security: guardfix cannot see the policies.
        ts("""
            "use server";
            import { revalidatePath } from "next/cache";
            import { createClient } from "@/utils/supabase/server";

            export async function deleteTodo(id: number) {
              const supabase = await createClient();
              const { data: { user } } = await supabase.auth.getUser();
              if (!user) throw new Error("Unauthorized");
              await supabase.from("todos").delete().eq("id", id);
              revalidatePath("/");
            }

            export async function addTodo(formData: FormData) {
              const supabase = await createClient();
              const { data: { user } } = await supabase.auth.getUser();
              if (!user) throw new Error("Unauthorized");
              await supabase.from("todos").insert({ task: formData.get("task"), user_id: user.id });
            }
            """),
        [gf002(9, "deleteTodo")],
        id="supabase-rls-style-todos",
    ),
    pytest.param(
        # A team app: the membership row scoped to the caller decides.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deleteProject(teamId: string, projectId: string) {
              const session = await auth();
              if (!session?.user?.id) throw new Error("Unauthorized");
              const membership = await prisma.membership.findFirst({
                where: { teamId, userId: session.user.id, role: "ADMIN" },
              });
              if (!membership) throw new Error("Forbidden");
              await prisma.project.delete({ where: { id: projectId, teamId } });
            }
            """),
        [],
        id="team-admin-membership",
    ),
    pytest.param(
        # A comment deleted by its author or by the post's author.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deleteComment(commentId: string) {
              const session = await auth();
              const userId = session?.user?.id;
              if (!userId) return;
              const comment = await prisma.comment.findUnique({
                where: { id: commentId },
                include: { post: { select: { authorId: true } } },
              });
              if (comment?.authorId !== userId && comment?.post.authorId !== userId) return;
              await prisma.comment.delete({ where: { id: commentId } });
            }
            """),
        [],
        id="comment-author-or-post-author",
    ),
    pytest.param(
        # Lucia: the user from `validateRequest()`, the row picked by its id alone.
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { eq } from "drizzle-orm";
            import { validateRequest } from "@/lib/auth";
            import { db } from "@/db";
            import { posts } from "@/db/schema";

            export async function unpublish(postId: string) {
              const { user } = await validateRequest();
              if (!user) return redirect("/login");
              await db.update(posts).set({ published: false }).where(eq(posts.id, postId));
            }
            """),
        [gf002(11, "unpublish")],
        id="lucia-drizzle-unpublish",
    ),
    pytest.param(
        # A profile form: the caller's own row, whatever the form says.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function updateProfile(_prev: unknown, formData: FormData) {
              const session = await auth();
              if (!session?.user?.id) return { message: "Sign in first" };
              await prisma.user.update({
                where: { id: session.user.id },
                data: { name: String(formData.get("name")), bio: String(formData.get("bio")) },
              });
              return { message: "Saved" };
            }
            """),
        [],
        id="profile-form-own-row",
    ),
    pytest.param(
        # An inline action in a page, deleting by a hidden input.
        ts("""
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export default async function Page() {
              async function remove(formData: FormData) {
                "use server";
                const session = await auth();
                if (!session) return;
                await prisma.bookmark.delete({ where: { id: String(formData.get("id")) } });
              }
              return <form action={remove} />;
            }
            """),
        [gf002(9, "remove")],
        id="inline-action-in-a-page",
    ),
]


@pytest.mark.parametrize(("source", "expected"), REALISTIC)
def test_realistic(project, source: str, expected: list) -> None:
    path = "app/page.tsx" if "export default" in source else "app/actions.ts"
    assert project(source, path=path, rules=OWNERSHIP) == expected


# -- 9. Wrappers guardfix can read: what they hand the wrapped function ----------------

WRAPPERS_LIB = ts("""
    import { createSafeActionClient } from "next-safe-action";
    import { redirect } from "next/navigation";
    import { auth } from "@/auth";

    export const authClient = createSafeActionClient({
      async middleware() {
        const session = await auth();
        if (!session?.user) redirect("/login");
        return { userId: session.user.id, plan: "free" };
      },
    });

    export function withAccount(schema, handler) {
      return async (input) => {
        const data = schema.parse(input);
        const session = await auth();
        if (!session?.user) throw new Error("Unauthorized");
        const account = session.user;
        return handler(data, account);
      };
    }

    export const withAuthor = (fn) => async (...args) => {
      const session = await auth();
      if (!session) throw new Error("Unauthorized");
      return fn(session.user, ...args);
    };

    export function withCtx(action) {
      return async (input) => {
        const session = await auth();
        if (!session) redirect("/login");
        const user = session.user;
        return action({ user, input });
      };
    }

    export function withPayload(handler) {
      return async (payload) => {
        const session = await auth();
        if (!session) throw new Error("Unauthorized");
        return handler(payload);
      };
    }
    """)


def wrapped_by(handler: str) -> dict[str, str]:
    """A `"use server"` file with one action built by a wrapper in `lib/wrap.ts`; the
    handler starts on line 5."""
    source = ts("""
        "use server";
        import { prisma } from "@/lib/prisma";
        import { authClient, withAccount, withAuthor, withCtx, withPayload } from "@/lib/wrap";

        """)
    return {
        "tsconfig.json": TSCONFIG,
        "lib/wrap.ts": WRAPPERS_LIB,
        "app/actions.ts": source + ts(handler),
    }


WRAPPERS = [
    pytest.param(
        wrapped_by("""
            export const act = withAccount(schema, async (data, account) => {
              await prisma.post.update({ where: { id: data.id, authorId: account.id }, data });
            });
            """),
        [],
        id="second-argument-is-the-session-user",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withAccount(schema, async (data, account) => {
              await prisma.note.create({ data: { body: data.body, ownerId: account.id } });
            });
            """),
        [],
        id="owner-written-from-the-handed-user",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withAccount(schema, async (data, account) => {
              await prisma.post.delete({ where: { id: data.id } });
            });
            """),
        [gf002(6)],
        id="handed-input-picks-the-row",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withAccount(schema, async (data, account) => {
              await prisma.note.create({ data: { body: data.body, ownerId: data.ownerId } });
            });
            """),
        [gf003(6)],
        id="owner-from-the-handed-input",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withAuthor(async (author, id: string) => {
              await prisma.post.delete({ where: { id, authorId: author.id } });
            });
            """),
        [],
        id="session-first-then-the-callers-arguments",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withAuthor(async (author, id: string, ownerId: string) => {
              await prisma.post.updateMany({ where: { id, authorId: ownerId }, data: {} });
            });
            """),
        [gf003(6)],
        id="spread-arguments-are-input",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withCtx(async ({ user, input }) => {
              await prisma.post.delete({ where: { id: input.id, authorId: user.id } });
            });
            """),
        [],
        id="object-destructured",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withCtx(async ({ user, input }) => {
              await prisma.post.delete({ where: { id: input.id } });
            });
            """),
        [gf002(6)],
        id="object-destructured-without-owner",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withCtx(async (scope) => {
              await prisma.post.delete({ where: { id: scope.input.id, authorId: scope.user.id } });
            });
            """),
        [],
        id="object-kept-whole",
    ),
    pytest.param(
        wrapped_by("""
            export const act = withCtx(async (scope) => {
              await prisma.post.delete({ where: { id: scope.input.id, authorId: scope.input.uid } });
            });
            """),
        [gf003(6)],
        id="object-kept-whole-owner-from-input",
    ),
    pytest.param(
        wrapped_by("""
            export const act = authClient(schema, async ({ id }, { userId }) => {
              await prisma.post.delete({ where: { id, authorId: userId } });
            });
            """),
        [],
        id="v6-client-ctx-is-what-the-middleware-returns",
    ),
    pytest.param(
        wrapped_by("""
            export const act = authClient(schema, async ({ id, userId }, ctx) => {
              await prisma.post.delete({ where: { id, authorId: userId } });
            });
            """),
        [gf003(6)],
        id="v6-client-user-id-from-the-input",
    ),
    pytest.param(
        # Named like a session, but the wrapper hands over the caller's payload.
        wrapped_by("""
            export const act = withPayload(async (ctx) => {
              await prisma.post.updateMany({ where: { id: ctx.id, authorId: ctx.userId }, data: {} });
            });
            """),
        [gf003(6)],
        id="session-name-holding-input",
    ),
]


@pytest.mark.parametrize(("files", "expected"), WRAPPERS)
def test_wrappers(project, files: dict[str, str], expected: list) -> None:
    assert project(files, rules=OWNERSHIP) == expected


# -- 10. Permission checks in the shapes teams write -----------------------------------

PERMISSIONS_LIB = ts("""
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    const GRANTS: Record<string, string[]> = { owner: ["posts.write"], viewer: [] };

    export function gate(opts: { role: string; needs: string[] }) {
      if (!opts.needs.every((n) => GRANTS[opts.role]?.includes(n))) throw new Error("Forbidden");
    }

    export function allowed(opts: { role: string; needs: string[] }) {
      return opts.needs.every((n) => GRANTS[opts.role]?.includes(n));
    }

    export function requirePermission(opts: { role: string; needs: string[] }) {
      console.info("permission asked", opts.needs);
    }

    export async function ensureEditor(postId: string) {
      const session = await auth();
      const editor = await prisma.editor.findFirst({
        where: { postId, userId: session?.user?.id },
      });
      if (!editor) throw new Error("Forbidden");
    }

    export async function ensureDraft(postId: string) {
      const post = await prisma.post.findUnique({ where: { id: postId } });
      return post?.status === "draft";
    }
    """)
# The body's lines move down one: `import ... from "@/lib/permissions"` is added.
LIB = BODY + 1


def permission_case(body: str, expected: list[Found], id: str) -> object:
    source = action(body).replace(
        '"@/db";',
        '"@/db";\nimport { allowed, ensureDraft, ensureEditor, gate, requirePermission } '
        'from "@/lib/permissions";',
        1,
    )
    files = {"tsconfig.json": TSCONFIG, "lib/permissions.ts": PERMISSIONS_LIB}
    return pytest.param({**files, "app/actions.ts": source}, expected, id=id)


MEMBERSHIP = (
    'const id = String(formData.get("id"));\n'
    "const membership = await prisma.membership.findFirst({ where: { userId } });\n"
)
DELETE_POST = "await prisma.post.delete({ where: { id } });\n"

PERMISSIONS = [
    permission_case(
        MEMBERSHIP + 'gate({ role: membership.role, needs: ["posts.write"] });\n' + DELETE_POST,
        [],
        id="helper-given-the-role-that-throws",
    ),
    permission_case(
        MEMBERSHIP + 'allowed({ role: membership.role, needs: ["posts.write"] });\n' + DELETE_POST,
        [gf002(LIB + 3)],
        id="helper-given-the-role-whose-answer-is-dropped",
    ),
    permission_case(
        MEMBERSHIP
        + 'if (!allowed({ role: membership.role, needs: ["posts.write"] })) throw new Error("No");\n'
        + DELETE_POST,
        [],
        id="helper-given-the-role-tested",
    ),
    permission_case(
        MEMBERSHIP
        + 'requirePermission({ role: membership.role, needs: ["posts.write"] });\n'
        + DELETE_POST,
        [gf002(LIB + 3)],
        id="permission-name-on-a-helper-that-never-stops",
    ),
    permission_case(
        'const id = String(formData.get("id"));\nawait ensureEditor(id);\n' + DELETE_POST,
        [],
        id="ensure-helper-that-throws",
    ),
    permission_case(
        'const id = String(formData.get("id"));\n'
        "try {\n"
        "  await ensureEditor(id);\n"
        "} catch {\n"
        '  return { error: "Forbidden" };\n'
        "}\n" + DELETE_POST,
        [],
        id="ensure-helper-in-a-try-whose-catch-returns",
    ),
    permission_case(
        'const id = String(formData.get("id"));\n'
        "try {\n"
        "  await ensureEditor(id);\n"
        "} catch (e) {\n"
        "  console.error(e);\n"
        "}\n" + DELETE_POST,
        [gf002(LIB + 6)],
        id="ensure-helper-in-a-try-whose-catch-swallows",
    ),
    permission_case(
        'const ids = String(formData.get("ids")).split(",");\n'
        "for (const id of ids) {\n"
        "  await ensureEditor(id);\n"
        "}\n"
        "await prisma.post.deleteMany({ where: { id: { in: ids } } });\n",
        [],
        id="ensure-helper-for-each-id",
    ),
    permission_case(
        'const ids = String(formData.get("ids")).split(",");\n'
        "for (const id of ids) {\n"
        "  await ensureDraft(id);\n"
        "}\n"
        "await prisma.post.deleteMany({ where: { id: { in: ids } } });\n",
        [gf002(LIB + 4)],
        id="helper-for-each-id-that-never-stops",
    ),
    case(
        'const ids = String(formData.get("ids")).split(",");\n'
        "let viewer;\n"
        "try {\n"
        "  viewer = await auth();\n"
        "} catch {\n"
        "  return;\n"
        "}\n"
        "const mine = await keepEditable(viewer, ids);\n"
        'if (mine.length !== ids.length) throw new Error("Forbidden");\n'
        "await prisma.post.deleteMany({ where: { id: { in: ids } } });\n",
        [],
        id="session-assigned-in-a-try-then-given-to-a-filter",
    ),
    case(
        'const ids = String(formData.get("ids")).split(",");\n'
        "let viewer;\n"
        "try {\n"
        "  viewer = await auth();\n"
        "} catch {\n"
        "  return;\n"
        "}\n"
        "await prisma.post.deleteMany({ where: { id: { in: ids } } });\n",
        [gf002(BODY + 7)],
        id="session-assigned-in-a-try-and-no-check",
    ),
    permission_case(
        'const id = String(formData.get("id"));\nawait ensureDraft(id);\n' + DELETE_POST,
        [gf002(LIB + 2)],
        id="ensure-helper-that-never-stops",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const ability = createAbility(rules);\n"
        "const post = await prisma.post.findUnique({ where: { id } });\n"
        'if (ability.cannot("delete", subject("Post", post))) throw new Error("Forbidden");\n'
        + DELETE_POST,
        [],
        id="casl-cannot-then-throw",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const ability = createAbility(rules);\n"
        "const post = await prisma.post.findUnique({ where: { id } });\n"
        'if (!ability.can("delete", post)) redirect("/forbidden");\n' + DELETE_POST,
        [],
        id="casl-not-can-then-redirect",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const ability = createAbility(rules);\n"
        "const post = await prisma.post.findUnique({ where: { id } });\n"
        'ForbiddenError.from(ability).throwUnlessCan("delete", subject("Post", post));\n'
        + DELETE_POST,
        [],
        id="casl-throw-unless-can",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "const ability = createAbility(rules);\n"
        "const post = await prisma.post.findUnique({ where: { id } });\n"
        + DELETE_POST
        + 'if (ability.cannot("delete", post)) throw new Error("Forbidden");\n',
        [gf002(BODY + 3)],
        id="casl-check-after-the-write",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (!ensureString(id)) throw new Error("Bad id");\n' + DELETE_POST,
        [gf002(BODY + 2)],
        id="a-validation-helper-in-a-condition-is-no-permission",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'if (!(await requireOwner(id))) throw new Error("Forbidden");\n' + DELETE_POST,
        [],
        id="a-permission-helper-in-a-condition",
    ),
    case(
        'const orgId = String(formData.get("orgId"));\n'
        'const id = String(formData.get("id"));\n'
        "const member = await prisma.member.findFirst({ where: { orgId, userId } });\n"
        'if (!member) throw new Error("Forbidden");\n'
        "await prisma.invoice.delete({ where: { id, orgId } });\n",
        [],
        id="scoped-membership-read-then-throw",
    ),
    case(
        'const orgId = String(formData.get("orgId"));\n'
        'const id = String(formData.get("id"));\n'
        "const member = await prisma.member.findFirst({ where: { orgId } });\n"
        'if (!member) throw new Error("Forbidden");\n'
        "await prisma.invoice.delete({ where: { id, orgId } });\n",
        [gf002(BODY + 4)],
        id="membership-read-not-scoped-to-the-caller",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PERMISSIONS)
def test_permissions(project, source: str | dict[str, str], expected: list) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 11. Writes under a parent the caller chose ----------------------------------------

PARENTS = [
    case(
        "await prisma.task.create({\n"
        '  data: { title: "New", projectId: String(formData.get("projectId")) },\n'
        "});\n",
        [gf002(BODY + 1)],
        id="prisma-create-under-a-project-from-input",
    ),
    case(
        'const projectId = String(formData.get("projectId"));\n'
        "const project = await prisma.project.findFirst({ where: { id: projectId, ownerId: userId } });\n"
        'if (!project) throw new Error("Not found");\n'
        'await prisma.task.create({ data: { title: "New", projectId } });\n',
        [],
        id="parent-read-scoped-to-the-caller-then-throw",
    ),
    case(
        'const projectId = String(formData.get("projectId"));\n'
        "const project = await prisma.project.findFirst({ where: { id: projectId, ownerId: userId } });\n"
        'await prisma.task.create({ data: { title: "New", projectId: project.id } });\n',
        [],
        id="parent-id-from-a-scoped-read",
    ),
    case(
        'const projectId = String(formData.get("projectId"));\n'
        "const project = await prisma.project.findUnique({ where: { id: projectId } });\n"
        'await prisma.task.create({ data: { title: "New", projectId: project.id } });\n',
        [gf002(BODY + 2)],
        id="parent-id-from-an-unscoped-read",
    ),
    case(
        'const id = String(formData.get("projectId"));\n'
        "await prisma.project.update({\n"
        "  where: { id, ownerId: userId },\n"
        '  data: { tasks: { create: { title: "New", sectionId: id } } },\n'
        "});\n",
        [],
        id="nested-create-in-a-scoped-update",
    ),
    case(
        'await prisma.task.create({ data: { title: "New", teamId: session.user.teamId } });\n',
        [],
        id="parent-from-the-session",
    ),
    case(
        'const projectId = String(formData.get("projectId"));\n'
        'await prisma.task.create({ data: { title: "New", project: { connect: { id: projectId } } } });\n',
        [gf002(BODY + 1)],
        id="prisma-connect-to-a-parent-from-input",
    ),
    case(
        'const projectId = String(formData.get("projectId"));\n'
        "await assertProjectMember(userId, projectId);\n"
        'await prisma.task.create({ data: { title: "New", projectId } });\n',
        [],
        id="permission-helper-given-the-parent",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'await prisma.task.update({ where: { id, ownerId: userId }, data: { listId: String(formData.get("listId")) } });\n',
        [gf002(BODY + 1)],
        id="update-moves-the-row-under-a-parent-from-input",
    ),
    case(
        "await db.insert(todos).values({ text: input.text, listId: input.listId });\n",
        [gf002(BODY)],
        id="drizzle-insert-under-a-list-from-input",
        params="input: { text: string; listId: string }",
    ),
    case(
        'await supabase.from("cards").insert([{ title, board_id: boardId }]);\n',
        [gf002(BODY)],
        id="supabase-insert-under-a-board-from-input",
        params="title: string, boardId: string",
        session=SUPABASE,
    ),
    case(
        'const org = await prisma.org.create({ data: { name: String(formData.get("name")) } });\n'
        "await prisma.onboarding.create({ data: { orgId: org.id } });\n",
        [],
        id="parent-the-action-just-created",
    ),
    case(
        'await prisma.chat.create({ data: { id: String(formData.get("id")), title: "New" } });\n',
        [],
        id="the-rows-own-id-is-no-parent",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'await prisma.task.update({ where: { id, ownerId: userId }, data: { assigneeId: String(formData.get("a")) } });\n',
        [],
        id="a-person-picked-on-purpose-is-no-parent",
    ),
    case(
        "const rows = lines.map((line) => ({ amount: line.amount, accountId }));\n"
        "await prisma.transaction.createMany({ data: rows });\n",
        [gf002(BODY)],
        id="rows-built-by-map-under-a-parent-from-input",
        params="accountId: string, lines: { amount: number }[]",
    ),
    case(
        "const rows = lines.map((line) => ({ amount: line.amount, accountId: session.user.accountId }));\n"
        "await prisma.transaction.createMany({ data: rows });\n",
        [],
        id="rows-built-by-map-under-the-sessions-parent",
        params="lines: { amount: number }[]",
    ),
    case(
        'await prisma.transaction.create({ data: { amount: 1, accountId: String(formData.get("a")) } });\n',
        [gf002(BODY)],
        id="an-account-id-is-a-parent-not-the-user",
    ),
    case(
        'await prisma.payment.create({ data: { amount: 1, stripeCustomerId: String(formData.get("c")) } });\n',
        [],
        id="outside-service-id-is-no-parent",
    ),
    case(
        'await prisma.comment.create({ data: { body: "Hi", postId: String(formData.get("postId")), authorId: userId } });\n',
        [],
        id="comment-on-a-post-anyone-may-answer",
    ),
]


# A schema where `Gadget.folder` points at a folder someone owns, `Gadget.status` at a
# lookup table, `Gadget.maker` at a catalogue row that only records who added it, and
# `Gadget.keeper` at a user.
SHELF_SCHEMA = """
model User {
  id String @id
}
model Folder {
  id      String @id
  ownerId String
  owner   User   @relation(fields: [ownerId], references: [id])
}
model Status {
  id    String @id
  label String
}
model Maker {
  id        String @id
  createdBy String
  creator   User   @relation(fields: [createdBy], references: [id])
}
model Gadget {
  id      String  @id
  folder  String?
  holder  Folder? @relation(fields: [folder], references: [id])
  status  String?
  state   Status? @relation(fields: [status], references: [id])
  maker   String?
  brand   Maker?  @relation(fields: [maker], references: [id])
  keeper  String?
  person  User?   @relation(fields: [keeper], references: [id])
}
"""
MOVE_GADGET = """
const id = String(formData.get("id"));
await assertGadgetEditor(userId, id);
"""


def with_schema(body: str, expected: list, id: str) -> object:
    files = {"app/actions.ts": action(body), "prisma/schema.prisma": SHELF_SCHEMA}
    return pytest.param(files, expected, id=id)


PARENTS += [
    # A check of the row says nothing of the row it is moved under.
    with_schema(
        MOVE_GADGET
        + 'await prisma.gadget.update({ where: { id }, data: { folder: String(formData.get("f")) } });\n',
        [gf002(BODY + 2)],
        id="schema-column-to-a-folder-from-input-after-a-check-of-the-row",
    ),
    with_schema(
        MOVE_GADGET
        + 'const folder = String(formData.get("f"));\n'
        + "await assertFolderEditor(userId, folder);\n"
        + "await prisma.gadget.update({ where: { id }, data: { folder } });\n",
        [],
        id="schema-column-to-a-folder-the-caller-may-use",
    ),
    with_schema(
        MOVE_GADGET
        + 'const folder = String(formData.get("f"));\n'
        + "const mine = await prisma.folder.findFirst({ where: { id: folder, ownerId: userId } });\n"
        + 'if (!mine) throw new Error("Not found");\n'
        + "await prisma.gadget.update({ where: { id }, data: { folder } });\n",
        [],
        id="schema-column-to-a-folder-read-scoped-to-the-caller",
    ),
    with_schema(
        MOVE_GADGET
        + 'await prisma.gadget.update({ where: { id }, data: { status: String(formData.get("s")) } });\n',
        [],
        id="schema-column-to-a-lookup-table",
    ),
    with_schema(
        MOVE_GADGET
        + 'await prisma.gadget.update({ where: { id }, data: { maker: String(formData.get("m")) } });\n',
        [],
        id="schema-column-to-a-catalogue-that-only-says-who-added-it",
    ),
    with_schema(
        MOVE_GADGET
        + 'await prisma.gadget.update({ where: { id }, data: { keeper: String(formData.get("k")) } });\n',
        [],
        id="schema-column-to-a-user-is-no-parent",
    ),
    with_schema(
        MOVE_GADGET
        + 'await prisma.gadget.update({ where: { id }, data: { state: { connect: { id: String(formData.get("s")) } } } });\n',
        [],
        id="schema-relation-connect-to-a-lookup-table",
    ),
    with_schema(
        MOVE_GADGET
        + 'await prisma.gadget.update({ where: { id }, data: { holder: { connectOrCreate: { where: { id: String(formData.get("f")) }, create: { ownerId: userId } } } } });\n',
        [gf002(BODY + 2)],
        id="schema-relation-connect-or-create-a-folder-from-input",
    ),
    # With no schema: a check of another row than the parent.
    case(
        'const boardId = String(formData.get("boardId"));\n'
        "await assertBoardEditor(userId, boardId);\n"
        'await prisma.card.create({ data: { boardId, columnId: String(formData.get("c")) } });\n',
        [gf002(BODY + 2)],
        id="a-check-of-the-board-says-nothing-of-the-column",
    ),
    case(
        'const boardId = String(formData.get("boardId"));\n'
        "await assertBoardEditor(userId, boardId);\n"
        'if (session.user.role !== "admin") throw new Error("Admins only");\n'
        'await prisma.card.create({ data: { boardId, columnId: String(formData.get("c")) } });\n',
        [],
        id="a-role-check-covers-every-parent",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        "await prisma.card.update({\n"
        "  where: { id, ownerId: userId },\n"
        '  data: { folder: { connect: [{ id: String(formData.get("f")) }] } },\n'
        "});\n",
        [gf002(BODY + 3)],
        id="prisma-connect-a-list-under-a-folder-from-input",
    ),
    case(
        'const id = String(formData.get("id"));\n'
        'const labels = String(formData.get("labels")).split(",");\n'
        "await prisma.card.update({\n"
        "  where: { id, ownerId: userId },\n"
        "  data: { tags: { set: labels.map((label) => ({ id: label })) } },\n"
        "});\n",
        [],
        id="prisma-set-of-labels-is-no-parent",
    ),
    # The items of the caller's list, and the checks of each of them.
    case(
        "const note = await prisma.note.create({ data: { body: input.body, authorId: userId } });\n"
        "await prisma.noteLink.createMany({\n"
        "  data: input.links.map((link) => ({ noteId: note.id, entityType: link.kind, entityId: link.target })),\n"
        "});\n",
        [gf002(BODY + 2)],
        id="rows-linked-to-entities-from-an-input-list",
        params="input: { body: string; links: { kind: string; target: string }[] }",
    ),
    case(
        "const allowed = await filterReadableTargets(userId, input.links.map((l) => l.target));\n"
        'if (allowed.length !== input.links.length) throw new Error("Forbidden");\n'
        "const note = await prisma.note.create({ data: { body: input.body, authorId: userId } });\n"
        "await prisma.noteLink.createMany({\n"
        "  data: input.links.map((link) => ({ noteId: note.id, entityType: link.kind, entityId: link.target })),\n"
        "});\n",
        [],
        id="rows-linked-to-entities-the-caller-may-read",
        params="input: { body: string; links: { kind: string; target: string }[] }",
    ),
    case(
        "for (const id of input.ids) await assertCardEditor(userId, id);\n"
        "for (const id of input.ids) {\n"
        "  await prisma.card.update({ where: { id }, data: { columnId: input.columnId } });\n"
        "}\n",
        [gf002(BODY + 2)],
        id="a-check-of-each-card-says-nothing-of-the-column",
        params="input: { ids: string[]; columnId: string }",
    ),
    case(
        "for (const id of input.ids) await assertCardEditor(userId, id);\n"
        "await assertColumnEditor(userId, input.columnId);\n"
        "for (const id of input.ids) {\n"
        "  await prisma.card.update({ where: { id }, data: { columnId: input.columnId } });\n"
        "}\n",
        [],
        id="each-card-and-the-column-checked",
        params="input: { ids: string[]; columnId: string }",
    ),
]


# Drizzle tables: `todos.home` references a folder someone owns, `todos.tint` a colour.
SHELF_TABLES = ts("""
    import { pgTable, text, uuid } from "drizzle-orm/pg-core";
    export const users = pgTable("users", { id: uuid("id").primaryKey() });
    export const folders = pgTable("folders", {
      id: uuid("id").primaryKey(),
      ownerId: uuid("owner_id").references(() => users.id),
    });
    export const colors = pgTable("colors", { id: uuid("id").primaryKey(), name: text("name") });
    export const todos = pgTable("todos", {
      id: uuid("id").primaryKey(),
      home: uuid("home").references(() => folders.id),
      tint: uuid("tint").references(() => colors.id),
    });
    """)
MOVE_TODO = """
const id = String(formData.get("id"));
await assertTodoEditor(userId, id);
"""


def with_tables(body: str, expected: list, id: str) -> object:
    files = {
        "app/actions.ts": action(body),
        "db/schema.ts": SHELF_TABLES,
        "tsconfig.json": TSCONFIG,
    }
    return pytest.param(files, expected, id=id)


PARENTS += [
    with_tables(
        MOVE_TODO
        + 'await db.update(todos).set({ home: String(formData.get("f")) }).where(eq(todos.id, id));\n',
        [gf002(BODY + 2)],
        id="drizzle-column-referencing-a-folder-from-input",
    ),
    with_tables(
        MOVE_TODO
        + 'await db.update(todos).set({ tint: String(formData.get("c")) }).where(eq(todos.id, id));\n',
        [],
        id="drizzle-column-referencing-a-lookup-table",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PARENTS)
def test_parents(project, source: str, expected: list) -> None:
    assert project(source, rules=OWNERSHIP) == expected


def test_parent_message_names_the_key(tmp_path) -> None:
    from tests.conftest import run_on_files

    source = action('await prisma.task.create({ data: { boardId: String(formData.get("b")) } });\n')
    report = run_on_files(tmp_path, {"app/actions.ts": source})
    (found,) = [f for f in report.findings if f.rule == "GF002"]
    assert "`boardId`" in found.message


def test_parent_message_says_an_update_links_the_rows(tmp_path) -> None:
    from tests.conftest import run_on_files

    source = action(
        'const id = String(formData.get("id"));\n'
        'await prisma.task.update({ where: { id, ownerId: userId }, data: { boardId: String(formData.get("b")) } });\n'
    )
    report = run_on_files(tmp_path, {"app/actions.ts": source})
    (found,) = [f for f in report.findings if f.rule == "GF002"]
    assert "links the rows" in found.message and "`boardId`" in found.message


# -- 12. Rows picked by a client-supplied identity other than an id --------------------

PICKED_BY_IDENTITY = [
    case(
        "await prisma.user.update({\n"
        '  where: { email: String(formData.get("email")) },\n'
        '  data: { name: String(formData.get("name")) },\n'
        "});\n",
        [gf002(BODY)],
        id="user-row-picked-by-email-from-input",
    ),
    case(
        'await prisma.user.delete({ where: { username: String(formData.get("username")) } });\n',
        [gf002(BODY)],
        id="user-row-deleted-by-username-from-input",
    ),
    case(
        "await prisma.user.update({\n"
        "  where: { email: session.user.email },\n"
        '  data: { name: String(formData.get("name")) },\n'
        "});\n",
        [],
        id="user-row-picked-by-the-session-email",
    ),
    case(
        "await db.update(users).set({ name: input.name }).where(eq(users.email, input.email));\n",
        [gf002(BODY)],
        id="drizzle-user-row-picked-by-email-from-input",
        params="input: { name: string; email: string }",
    ),
    case(
        'await supabase.from("profiles").update({ bio }).eq("email", email);\n',
        [gf002(BODY)],
        id="supabase-profile-picked-by-email-from-input",
        params="bio: string, email: string",
        session=SUPABASE,
    ),
    case(
        'await supabase.from("profiles").update({ bio }).eq("email", user.email);\n',
        [],
        id="supabase-profile-picked-by-the-session-email",
        params="bio: string",
        session=SUPABASE,
    ),
]


# A Stripe customer, subscription or account id is someone's account: from the input,
# the call acts on whoever owns it.
STRIPE_SUBJECTS = [
    case(
        "await stripe.subscriptions.cancel(input.subscriptionId);\n",
        [gf002(BODY)],
        id="subscription-cancelled-by-id-from-input",
        params="input: { subscriptionId: string }",
    ),
    case(
        "await stripe.billingPortal.sessions.create({ customer: customerId, return_url: url });\n",
        [gf002(BODY)],
        id="portal-opened-for-customer-from-input",
        params="customerId: string, url: string",
    ),
    case(
        "const me = await prisma.user.findUnique({ where: { id: userId } });\n"
        "await stripe.subscriptions.cancel(me!.subscriptionId);\n",
        [],
        id="subscription-read-from-the-callers-row",
    ),
    case(
        "const me = await prisma.user.findUnique({ where: { id: userId } });\n"
        "await stripe.billingPortal.sessions.create({ customer: me!.customerId, return_url: url });\n",
        [],
        id="portal-for-the-callers-own-customer",
        params="url: string",
    ),
    case(
        "const sub = await prisma.subscription.findFirst({ where: { id: input.id, userId } });\n"
        'if (!sub) throw new Error("Not found");\n'
        "await stripe.subscriptions.cancel(input.id);\n",
        [],
        id="subscription-checked-against-the-caller-first",
        params="input: { id: string }",
    ),
]


@pytest.mark.parametrize(("source", "expected"), STRIPE_SUBJECTS)
def test_stripe_subjects(project, source: str, expected: list) -> None:
    assert project(source, rules=OWNERSHIP) == expected


@pytest.mark.parametrize(("source", "expected"), PICKED_BY_IDENTITY)
def test_picked_by_identity(project, source: str, expected: list) -> None:
    assert project(source, rules=OWNERSHIP) == expected


# -- 13. Inline actions and the page they sit in ----------------------------------------

PAGE_HEAD = ts("""
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    """)


def page(body: str, props: str = "{ params }: { params: Promise<{ id: string }> }") -> str:
    """A page with `body` (it declares the inline action); the body starts on line 5."""
    return (
        PAGE_HEAD
        + f"export default async function Page({props}) {{\n"
        + indent(ts(body), "  ")
        + "  return <form action={remove} />;\n}\n"
    )


DELETE_INLINE = ts("""
    async function remove() {
      "use server";
      const session = await auth();
      if (!session) return;
      await prisma.post.delete({ where: { id } });
    }
    """)

PAGES = [
    pytest.param(
        page("const { id } = await params;\n" + DELETE_INLINE),
        [gf002(10, "remove")],
        id="id-from-the-route-params",
    ),
    pytest.param(
        page(
            "const { id } = await params;\n"
            "const session = await auth();\n"
            "const post = await prisma.post.findFirst({ where: { id, authorId: session?.user?.id } });\n"
            "if (!post) return null;\n" + DELETE_INLINE
        ),
        [],
        id="page-read-the-row-as-the-caller-first",
    ),
    pytest.param(
        page(
            "const { id } = await params;\n"
            "const post = await prisma.post.findUnique({ where: { id } });\n"
            "if (!post) return null;\n" + DELETE_INLINE
        ),
        [gf002(12, "remove")],
        id="page-read-the-row-by-id-alone",
    ),
    pytest.param(
        page(
            "const query = await props.searchParams;\n"
            "const id = String(query.id);\n" + DELETE_INLINE,
            props="props: { searchParams: Promise<{ id?: string }> }",
        ),
        [gf002(11, "remove")],
        id="id-from-the-search-params-of-props",
    ),
    pytest.param(
        page(
            "const session = await auth();\n"
            "const post = await prisma.post.findFirst({ where: { authorId: session?.user?.id } });\n"
            "const id = post?.id;\n" + DELETE_INLINE,
            props="",
        ),
        [],
        id="id-the-page-read-as-the-caller",
    ),
    pytest.param(
        page(
            "const { id } = await params;\n"
            + DELETE_INLINE.replace(
                "{ where: { id } }", "{ where: { id, authorId: session.user.id } }"
            )
        ),
        [],
        id="route-id-scoped-in-the-action",
    ),
    pytest.param(
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default async function Page(props: { params: Promise<{ id: string }> }) {
              const id = (await props.params).id;
              return (
                <form
                  action={async () => {
                    "use server";
                    if (!(await auth())) return;
                    await prisma.post.update({ where: { id }, data: { archived: true } });
                  }}
                />
              );
            }
            """),
        [gf002(11, None)],
        id="inline-arrow-in-jsx-with-the-route-id",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PAGES)
def test_pages(project, source: str, expected: list) -> None:
    assert project(source, path="app/posts/[id]/page.tsx", rules=OWNERSHIP) == expected


# -- Rows picked inside a helper, by what the action passes it -------------------------

NOTES_DB = ts("""
    import { prisma } from "@/lib/prisma";

    export async function removeNote(id: string) {
      await prisma.note.delete({ where: { id } });
    }

    export async function removeOwnNote(id: string, ownerId: string) {
      await prisma.note.delete({ where: { id, ownerId } });
    }

    export async function revokeNote(id: string, userId: string) {
      const note = await prisma.note.findUnique({ where: { id } });
      if (!note || note.ownerId !== userId) throw new Error("Not found");
      await prisma.note.update({ where: { id }, data: { revoked: true } });
    }

    export async function createNote(title: string, ownerId: string) {
      await prisma.note.create({ data: { title, ownerId } });
    }
    """)


def through(call: str) -> dict[str, str]:
    files = {"tsconfig.json": TSCONFIG, "lib/notes.ts": NOTES_DB}
    body = 'const id = String(formData.get("id"));\n' + call + "\n"
    files["app/actions.ts"] = action(body).replace(
        '"@/db";',
        '"@/db";\nimport { removeNote, removeOwnNote, revokeNote, createNote } from "@/lib/notes";',
        1,
    )
    return files


THROUGH = [
    pytest.param(
        through("await removeNote(id);"), [gf002(BODY + 2)], id="helper-deletes-by-the-input-id"
    ),
    pytest.param(
        through("await removeOwnNote(id, userId);"), [], id="helper-filters-by-the-owner-passed"
    ),
    pytest.param(
        through('await removeOwnNote(id, String(formData.get("owner")));'),
        [gf002(BODY + 2)],
        id="helper-filters-by-an-owner-from-input",
    ),
    pytest.param(
        through("await revokeNote(id, userId);"), [], id="helper-checks-the-owner-passed-first"
    ),
    pytest.param(through('await createNote("t", userId);'), [], id="helper-creates-a-row"),
    pytest.param(
        through(
            "const n = await prisma.note.findFirst({ where: { id, ownerId: userId } });\nif (!n) throw new Error();\nawait removeNote(id);"
        ),
        [],
        id="action-reads-the-row-as-the-caller-before-the-helper",
    ),
]


@pytest.mark.parametrize(("files", "expected"), THROUGH)
def test_rows_picked_in_a_helper(project, files: dict[str, str], expected: list) -> None:
    assert project(files, rules=OWNERSHIP, path="app/actions.ts") == expected
