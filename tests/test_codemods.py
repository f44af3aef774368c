"""What `guardfix --apply` writes, codemod by codemod.

Each case is a small project, `files`, and the text its first file has once
`guardfix --apply --all .` ran in it; the other files are the project around it
(tsconfig.json, package.json, the auth setup, the schema). A fixed file is fixed for
good: a second run finds nothing and changes nothing. The last tables hold the
files that must stay byte for byte as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from guardfix.cli import main
from tests.conftest import write_tree

Files = dict[str, str]


def ts(source: str) -> str:
    """A source written indented in the table, as it sits in the file (line 1 first)."""
    return dedent(source).lstrip("\n")


def crlf(source: str) -> str:
    return ts(source).replace("\n", "\r\n")


def reindent(source: str, unit: str) -> str:
    """A table source (two spaces per level) indented with `unit` per level instead."""
    lines = []
    for line in ts(source).split("\n"):
        stripped = line.lstrip(" ")
        lines.append(unit * ((len(line) - len(stripped)) // 2) + stripped)
    return "\n".join(lines)


# -- the projects around the actions ----------------------------------------------------

TSCONFIG = '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./*"] } } }\n'


def package(**deps: str) -> str:
    listed = ", ".join(f'"{name}": "{version}"' for name, version in deps.items())
    return f'{{ "dependencies": {{ {listed} }} }}\n'


PRISMA_SCHEMA = ts("""
    model User {
      id    String @id
      posts Post[]
    }

    model Post {
      id       String @id
      title    String
      author   User   @relation(fields: [authorId], references: [id])
      authorId String
    }
    """)

# Auth.js v5 and Prisma 5: the preset inserts `auth()` from the project's auth.ts.
AUTHJS: Files = {
    "tsconfig.json": TSCONFIG,
    "package.json": package(**{"next-auth": "5.0.0-beta.25", "@prisma/client": "^5.22.0"}),
    # With a database adapter, Auth.js puts the user's id in the session.
    "auth.ts": ts("""
        import NextAuth from "next-auth";
        import { PrismaAdapter } from "@auth/prisma-adapter";
        import { prisma } from "@/lib/prisma";

        export const { auth, handlers } = NextAuth({ adapter: PrismaAdapter(prisma), providers: [] });
        """),
    "prisma/schema.prisma": PRISMA_SCHEMA,
}


def authjs(action: str, path: str = "app/actions.ts", **more: str) -> Files:
    """`action` at `path` in the Auth.js + Prisma 5 project, with `more` files beside it."""
    return as_is(ts(action), path, **more)


def as_is(content: str, path: str = "app/actions.ts", **more: str) -> Files:
    """`content` byte for byte (CRLF, tabs) at `path` in the Auth.js + Prisma 5 project."""
    return {path: content, **AUTHJS, **more}


PRISMA_4 = package(**{"next-auth": "5.0.0-beta.25", "@prisma/client": "^4.16.0"})


def throws_unless(condition: str) -> tuple[str, str, str]:
    return (f"if (!{condition}) {{", '  throw new Error("Unauthorized");', "}")


PRISMA = 'import { prisma } from "@/lib/prisma";'
AUTH = 'import { auth } from "@/auth";'
AUTHJS_GUARD = ("const session = await auth();", *throws_unless("session?.user?.id"))


def create_post(*lines: str, imports: tuple[str, ...] = (PRISMA,)) -> str:
    """The `createPost` action file: its `imports`, then `lines` before the write."""
    return (
        '"use server";\n'
        + "".join(f"{line}\n" for line in imports)
        + "\nexport async function createPost(title: string) {\n"
        + "".join(f"  {line}\n" for line in lines)
        + "  await prisma.post.create({ data: { title } });\n}\n"
    )


UNGUARDED = create_post()


@pytest.fixture
def fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """Write the project, run `guardfix --apply --all .` in it, return its first file.

    The fix must be complete: a second run exits 0 and leaves the file as it is.
    """

    def run(files: Files, *flags: str) -> str:
        write_tree(tmp_path, dict(files))
        monkeypatch.chdir(tmp_path)
        target = tmp_path / next(iter(files))
        assert main(["--apply", "--all", ".", *flags]) == 1  # 1: a file was rewritten
        after = target.read_bytes()
        assert main(["--apply", "--all", "."]) == 0, "a second run still finds something"
        assert target.read_bytes() == after, "a second run changed the file again"
        return after.decode("utf-8")

    return run


# -- 1. GF001: where the session check goes ------------------------------------------------

GUARD_SHAPES = [
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              await prisma.post.create({ data: { title } });
            }
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="function-declaration",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export const createPost = async (title: string) => {
              await prisma.post.create({ data: { title } });
            };
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export const createPost = async (title: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            };
            """),
        id="const-arrow",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export const createPost = async (title: string) => prisma.post.create({ data: { title } });

            export const createTag = async (name: string) =>
              prisma.tag.create({ data: { name } });
            """),
        # The expression becomes a block: the check, then `return` of the expression.
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export const createPost = async (title: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              return prisma.post.create({ data: { title } });
            };

            export const createTag = async (name: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              return prisma.tag.create({ data: { name } });
            };
            """),
        id="arrow-expression-body",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export default async function createPost(title: string) {
              await prisma.post.create({ data: { title } });
            }
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="export-default-function",
    ),
    pytest.param(
        authjs(
            """
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              return (
                <form
                  action={async (formData: FormData) => {
                    "use server";
                    await prisma.post.create({ data: { title: String(formData.get("title")) } });
                  }}
                />
              );
            }
            """,
            path="app/new/page.tsx",
        ),
        # After the inline directive, which must stay the body's first statement.
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default function Page() {
              return (
                <form
                  action={async (formData: FormData) => {
                    "use server";
                    const session = await auth();
                    if (!session?.user?.id) {
                      throw new Error("Unauthorized");
                    }
                    await prisma.post.create({ data: { title: String(formData.get("title")) } });
                  }}
                />
              );
            }
            """),
        id="inline-jsx-action",
    ),
    pytest.param(
        authjs(
            """
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              return (
                <form action={async () => { "use server"; await prisma.post.create({ data: { title: "x" } }); }} />
              );
            }
            """,
            path="app/new/page.tsx",
        ),
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default function Page() {
              return (
                <form action={async () => {
                  "use server";
                  const session = await auth();
                  if (!session?.user?.id) {
                    throw new Error("Unauthorized");
                  }
                  await prisma.post.create({ data: { title: "x" } });
                }} />
              );
            }
            """),
        id="inline-jsx-action-one-line",
    ),
    pytest.param(
        authjs(
            """
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              function createPost(formData: FormData) {
                "use server";
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """,
            path="app/new/page.tsx",
        ),
        # `await` needs an async function.
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default function Page() {
              async function createPost(formData: FormData) {
                "use server";
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """),
        id="inline-not-async",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { z } from "zod";
            import { actionClient } from "@/lib/safe-action";
            import { prisma } from "@/lib/prisma";

            export const createPost = actionClient
              .inputSchema(z.object({ title: z.string() }))
              .action(async ({ parsedInput }) => {
                await prisma.post.create({ data: { title: parsedInput.title } });
              });

            export const deletePost = actionClient
              .inputSchema(z.object({ id: z.string() }))
              .action(async ({ parsedInput: { id } }) => {
                await prisma.post.delete({ where: { id } });
              });
            """,
            **{
                "lib/safe-action.ts": ts("""
                    import { createSafeActionClient } from "next-safe-action";
                    import { auth } from "@/auth";

                    export const actionClient = createSafeActionClient();

                    export const authActionClient = actionClient.use(async ({ next }) => {
                      const session = await auth();
                      if (!session?.user) {
                        throw new Error("Unauthorized");
                      }
                      return next({ ctx: { userId: session.user.id } });
                    });
                    """)
            },
        ),
        # No guard in the body: the action moves to the authenticated client, whose
        # middleware checks the session and passes the user id in `ctx`.
        ts("""
            "use server";
            import { z } from "zod";
            import { actionClient, authActionClient } from "@/lib/safe-action";
            import { prisma } from "@/lib/prisma";

            export const createPost = authActionClient
              .inputSchema(z.object({ title: z.string() }))
              .action(async ({ parsedInput, ctx }) => {
                await prisma.post.create({ data: { title: parsedInput.title } });
              });

            export const deletePost = authActionClient
              .inputSchema(z.object({ id: z.string() }))
              .action(async ({ parsedInput: { id }, ctx }) => {
                await prisma.post.delete({ where: { id, authorId: ctx.userId } });
              });
            """),
        id="next-safe-action-client",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { z } from "zod";
            import { createServerAction } from "zsa";
            import { prisma } from "@/lib/prisma";

            export const createPost = createServerAction()
              .input(z.object({ title: z.string() }))
              .handler(async ({ input }) => {
                await prisma.post.create({ data: { title: input.title } });
              });
            """),
        ts("""
            "use server";
            import { z } from "zod";
            import { createServerAction } from "zsa";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export const createPost = createServerAction()
              .input(z.object({ title: z.string() }))
              .handler(async ({ input }) => {
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                await prisma.post.create({ data: { title: input.title } });
              });
            """),
        id="zsa-handler",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) { await prisma.post.create({ data: { title } }); }

            export async function createTag(name: string) { // tags are public
              await prisma.tag.create({ data: { name } });
            }
            """),
        # A one-line body opens up; a comment on the brace's line stays there.
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }

            export async function createTag(name: string) { // tags are public
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.tag.create({ data: { name } });
            }
            """),
        id="one-line-body-and-brace-comment",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            async function createPost(title: string) {
              // drafts only
              await prisma.post.create({ data: { title, draft: true } });
            }

            export { createPost as createDraft };
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              // drafts only
              await prisma.post.create({ data: { title, draft: true } });
            }

            export { createPost as createDraft };
            """),
        id="export-list",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { prisma } from "@/lib/prisma";
            import { withLogging } from "@/lib/log";

            export const createPost = withLogging(async (title: string) => {
              await prisma.post.create({ data: { title } });
            });
            """,
            **{"lib/log.ts": "export function withLogging<T>(fn: T): T {\n  return fn;\n}\n"},
        ),
        # Inside the function the wrapper wraps.
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { withLogging } from "@/lib/log";
            import { auth } from "@/auth";

            export const createPost = withLogging(async (title: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            });
            """),
        id="wrapped",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GUARD_SHAPES)
def test_guard_shapes(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# -- 2. GF001: which session check --------------------------------------------------------


# A project helper that returns the session, or null without one.
GET_SESSION = ts("""
    import { auth } from "@/auth";

    export async function getSession() {
      const session = await auth();
      return session?.user ? { userId: session.user.id } : null;
    }
    """)

# A project helper that guards (it redirects an anonymous caller) and returns the user.
REQUIRE_USER = ts("""
    import { redirect } from "next/navigation";
    import { auth } from "@/auth";

    export async function requireUser() {
      const session = await auth();
      if (!session?.user) redirect("/login");
      return session.user;
    }
    """)

# Two actions guard with requireUser(), one with auth(): the project's idiom is requireUser.
IDIOM_ACTIONS = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";
    import { requireUser } from "@/lib/session";

    export async function likePost(postId: string) {
      const user = await requireUser();
      await prisma.like.create({ data: { slug: postId, userId: user.id } });
    }

    export async function savePost(postId: string) {
      const user = await requireUser();
      await prisma.bookmark.create({ data: { slug: postId, userId: user.id } });
    }

    export async function reportPost(postId: string) {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      await prisma.report.create({ data: { slug: postId, userId: session.user.id } });
    }
    """)

SUPABASE_SERVER = ts("""
    import { createServerClient } from "@supabase/ssr";
    import { cookies } from "next/headers";

    export async function createClient() {
      const cookieStore = await cookies();
      return createServerClient(process.env.SUPABASE_URL!, process.env.SUPABASE_KEY!, {
        cookies: { getAll: () => cookieStore.getAll() },
      });
    }
    """)


NEXT_AUTH_V4_OPTIONS = ts("""
    import type { NextAuthOptions } from "next-auth";

    export const authOptions: NextAuthOptions = {
      providers: [],
      callbacks: {
        session({ session, token }) {
          return { ...session, user: { ...session.user, id: token.sub } };
        },
      },
    };
    """)

BETTER_AUTH = 'import { betterAuth } from "better-auth";\n\nexport const auth = betterAuth({});\n'

AUTH0_CLIENT = ts("""
    import { Auth0Client } from "@auth0/nextjs-auth0/server";

    export const auth0 = new Auth0Client();
    """)

IRON_SESSION_OPTIONS = ts("""
    import type { SessionOptions } from "iron-session";

    export interface SessionData {
      userId?: string;
    }

    export const sessionOptions: SessionOptions = {
      password: process.env.SESSION_SECRET!,
      cookieName: "session",
    };
    """)

STACK_APP = ts("""
    import { StackServerApp } from "@stackframe/stack";

    export const stackServerApp = new StackServerApp({ tokenStore: "nextjs-cookie" });
    """)


def preset(deps: str, files: Files | None = None) -> Files:
    """UNGUARDED in a project whose package.json has `deps`, with the library's own files."""
    return {
        "app/actions.ts": UNGUARDED,
        "tsconfig.json": TSCONFIG,
        "package.json": deps,
        **(files or {}),
    }


# iron-session behind the project's own helper, which every page uses; no file exports
# the `sessionOptions` the preset would need.
IRON_HELPER = ts("""
    import { getIronSession } from "iron-session";
    import { cookies } from "next/headers";

    export type AppSession = { userId?: string; isLoggedIn?: boolean };

    export async function getSession() {
      return getIronSession<AppSession>(await cookies(), { password: "p".repeat(32), cookieName: "s" });
    }
    """)
IRON_PAGE = ts("""
    import { redirect } from "next/navigation";
    import { getSession } from "@/lib/session";

    export default async function Dashboard() {
      const session = await getSession();
      if (!session.userId) redirect("/login");
      return <p>{session.userId}</p>;
    }
    """)
IRON: Files = {
    "tsconfig.json": TSCONFIG,
    "package.json": package(**{"iron-session": "^8.0.4", "@prisma/client": "^5.22.0"}),
    "lib/session.ts": IRON_HELPER,
    "app/dashboard/page.tsx": IRON_PAGE,
    "prisma/schema.prisma": PRISMA_SCHEMA,
}
GET_SESSION_FROM_LIB = 'import { getSession } from "@/lib/session";'


ADMIN_ONLY = ts("""
    export function assertAdmin(session: { user?: { role?: string } } | null) {
      if (session?.user?.role !== "admin") throw new Error("Forbidden");
    }
    """)
ADMIN_ACTIONS = ts("""
    "use server";
    import { auth } from "@/auth";
    import { assertAdmin } from "@/lib/admin";
    import { prisma } from "@/lib/prisma";

    export async function banUser(userId: string) {
      const session = await auth();
      assertAdmin(session);
      await prisma.ban.create({ data: { userId, bannedById: session.user.id } });
    }
    """)
UNBAN = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";

    export async function unbanUser(userId: string) {
      await prisma.ban.deleteMany({ where: { userId } });
    }
    """)


GUARD_SOURCES = [
    pytest.param(
        authjs(UNBAN, **{"lib/admin.ts": ADMIN_ONLY, "app/admin/actions.ts": ADMIN_ACTIONS}),
        # The copied guard checks a role: an admin unbans someone else, so the user id the
        # caller names stays (the broken fix wrote the admin's own id there).
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";
            import { assertAdmin } from "@/lib/admin";

            export async function unbanUser(userId: string) {
              const session = await auth();
              assertAdmin(session);
              await prisma.ban.deleteMany({ where: { userId } });
            }
            """),
        id="admin-guard-keeps-the-named-user",
    ),
    pytest.param(
        {"app/actions.ts": UNGUARDED, **IRON},
        # Learned from the page: the project's helper and the check it makes.
        create_post(
            "const session = await getSession();",
            'if (!session.userId) redirect("/login");',
            imports=(
                PRISMA,
                'import { getSession } from "@/lib/session";',
                'import { redirect } from "next/navigation";',
            ),
        ),
        id="helper-learned-from-a-page",
    ),
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const session = await getSession();",
                imports=(PRISMA, GET_SESSION_FROM_LIB),
            ),
            **IRON,
        },
        # The action's own lookup: the id is read as the project's pages read it.
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            imports=(PRISMA, GET_SESSION_FROM_LIB),
        ),
        id="helper-user-id-learned-from-a-page",
    ),
    pytest.param(
        {
            "app/actions.ts": UNGUARDED,
            **IRON,
            "lib/session.ts": IRON_HELPER.replace(
                "export async function getSession", "export default async function getSession"
            ),
            "app/dashboard/page.tsx": "",
            "guardfix.toml": ts("""
                session = { from = "@/lib/session", name = "getSession", default = true, call = "await getSession()", user-id = "session.userId" }
                """),
        },
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            imports=(PRISMA, 'import getSession from "@/lib/session";'),
        ),
        id="configuration-default-import",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "guardfix.toml": ts("""
                    session = { from = "@/lib/auth", name = "getSession", call = "await getSession()", user-id = "session.userId" }
                    """),
                "lib/auth.ts": GET_SESSION,
                "lib/session.ts": REQUIRE_USER,
                "app/posts/actions.ts": IDIOM_ACTIONS,
            },
        ),
        # The configuration wins over the project's idiom and over the Auth.js preset.
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            imports=(PRISMA, 'import { getSession } from "@/lib/auth";'),
        ),
        id="configuration",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            path="app/admin/comments/actions.ts",
            **{
                "lib/session.ts": REQUIRE_USER,
                "app/posts/actions.ts": IDIOM_ACTIONS,
            },
        ),
        # Copied as the project writes it (no check: requireUser stops the caller itself).
        create_post(
            "const user = await requireUser();",
            imports=(PRISMA, 'import { requireUser } from "@/lib/session";'),
        ),
        id="idiom-alias-kept",
    ),
    pytest.param(
        {
            "app/admin/comments/actions.ts": UNGUARDED,
            "package.json": package(**{"next-auth": "5.0.0-beta.25"}),
            "auth.ts": AUTHJS["auth.ts"],
            "lib/session.ts": REQUIRE_USER.replace('"@/auth"', '"../auth"'),
            "app/posts/actions.ts": IDIOM_ACTIONS.replace('"@/', '"../../'),
        },
        # No tsconfig paths: the relative specifier is recomputed for the other folder.
        create_post(
            "const user = await requireUser();",
            imports=(PRISMA, 'import { requireUser } from "../../../lib/session";'),
        ),
        id="idiom-relative-recomputed",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "lib/session.ts": REQUIRE_USER,
                "app/posts/actions.ts": ts("""
                    "use server";
                    import { prisma } from "@/lib/prisma";
                    import { requireUser } from "@/lib/session";

                    export async function likePost(postId: string) { const user = await requireUser(); await prisma.like.create({ data: { slug: postId, userId: user.id } }); }
                    """),
            },
        ),
        # The guard alone, not the function header before it on its line.
        create_post(
            "const user = await requireUser();",
            imports=(PRISMA, 'import { requireUser } from "@/lib/session";'),
        ),
        id="idiom-from-a-one-line-body",
    ),
    pytest.param(
        {
            "apps/web/app/actions.ts": UNGUARDED,
            "apps/web/package.json": package(**{"next-auth": "5.0.0-beta.25"}),
            "apps/web/auth.ts": AUTHJS["auth.ts"],
            "apps/admin/package.json": package(**{"next-auth": "5.0.0-beta.25"}),
            "apps/admin/auth.ts": AUTHJS["auth.ts"],
            "apps/admin/lib/session.ts": REQUIRE_USER.replace('"@/auth"', '"../auth"'),
            "apps/admin/app/posts/actions.ts": IDIOM_ACTIONS.replace('"@/', '"../../'),
        },
        # A monorepo: the admin app's idiom and auth.ts are not the web app's.
        create_post(*AUTHJS_GUARD, imports=(PRISMA, 'import { auth } from "../auth";')),
        id="idiom-of-another-app-ignored",
    ),
    pytest.param(
        preset(
            package(**{"next-auth": "5.0.0-beta.25"}),
            {"auth.ts": AUTHJS["auth.ts"]},
        ),
        create_post(*AUTHJS_GUARD, imports=(PRISMA, 'import { auth } from "@/auth";')),
        id="preset-authjs-v5",
    ),
    pytest.param(
        preset(
            package(**{"next-auth": "5.0.0-beta.25"}),
            {
                "auth.ts": 'import NextAuth from "next-auth";\n\nexport const { auth } = NextAuth({ providers: [] });\n'
            },
        ),
        # No adapter and no session callback: the session holds no user id to check.
        create_post(
            "const session = await auth();",
            *throws_unless("session?.user"),
            imports=(PRISMA, 'import { auth } from "@/auth";'),
        ),
        id="preset-authjs-v5-without-a-user-id",
    ),
    pytest.param(
        preset(
            package(**{"next-auth": "^4.24.7"}),
            {"lib/auth.ts": NEXT_AUTH_V4_OPTIONS},
        ),
        create_post(
            "const session = await getServerSession(authOptions);",
            *throws_unless("session?.user?.id"),
            imports=(
                PRISMA,
                'import { getServerSession } from "next-auth";',
                'import { authOptions } from "@/lib/auth";',
            ),
        ),
        id="preset-next-auth-v4",
    ),
    pytest.param(
        preset(package(**{"@clerk/nextjs": "^6.9.0"})),
        create_post(
            "const { userId } = await auth();",
            *throws_unless("userId"),
            imports=(PRISMA, 'import { auth } from "@clerk/nextjs/server";'),
        ),
        id="preset-clerk",
    ),
    pytest.param(
        preset(
            package(**{"@supabase/ssr": "^0.5.2"}),
            {"utils/supabase/server.ts": SUPABASE_SERVER},
        ),
        # getUser() asks the Auth server; getSession() would trust the cookie.
        create_post(
            "const supabase = await createClient();",
            "const {",
            "  data: { user },",
            "} = await supabase.auth.getUser();",
            *throws_unless("user"),
            imports=(PRISMA, 'import { createClient } from "@/utils/supabase/server";'),
        ),
        id="preset-supabase-ssr",
    ),
    pytest.param(
        preset(
            package(**{"better-auth": "^1.2.0"}),
            {"lib/auth.ts": BETTER_AUTH},
        ),
        create_post(
            "const session = await auth.api.getSession({ headers: await headers() });",
            *throws_unless("session?.user?.id"),
            imports=(
                PRISMA,
                'import { auth } from "@/lib/auth";',
                'import { headers } from "next/headers";',
            ),
        ),
        id="preset-better-auth",
    ),
    pytest.param(
        preset(package(**{"@kinde-oss/kinde-auth-nextjs": "^2.4.0"})),
        create_post(
            "const user = await getKindeServerSession().getUser();",
            *throws_unless("user?.id"),
            imports=(
                PRISMA,
                'import { getKindeServerSession } from "@kinde-oss/kinde-auth-nextjs/server";',
            ),
        ),
        id="preset-kinde",
    ),
    pytest.param(
        preset(
            package(**{"@auth0/nextjs-auth0": "^4.0.0"}),
            {"lib/auth0.ts": AUTH0_CLIENT},
        ),
        create_post(
            "const session = await auth0.getSession();",
            *throws_unless("session?.user?.sub"),
            imports=(PRISMA, 'import { auth0 } from "@/lib/auth0";'),
        ),
        id="preset-auth0-v4",
    ),
    pytest.param(
        preset(package(**{"@auth0/nextjs-auth0": "^3.5.0"})),
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.user?.sub"),
            imports=(PRISMA, 'import { getSession } from "@auth0/nextjs-auth0";'),
        ),
        id="preset-auth0-v3",
    ),
    pytest.param(
        preset(package(**{"@workos-inc/authkit-nextjs": "^2.0.0"})),
        create_post(
            "const { user } = await withAuth();",
            *throws_unless("user"),
            imports=(PRISMA, 'import { withAuth } from "@workos-inc/authkit-nextjs";'),
        ),
        id="preset-workos",
    ),
    pytest.param(
        preset(
            package(**{"iron-session": "^8.0.4"}),
            {"lib/session.ts": IRON_SESSION_OPTIONS},
        ),
        create_post(
            "const session = await getIronSession<SessionData>(await cookies(), sessionOptions);",
            "if (!session.userId) {",
            '  throw new Error("Unauthorized");',
            "}",
            imports=(
                PRISMA,
                'import { getIronSession } from "iron-session";',
                'import { cookies } from "next/headers";',
                'import { sessionOptions, type SessionData } from "@/lib/session";',
            ),
        ),
        id="preset-iron-session",
    ),
    pytest.param(
        preset(
            package(**{"@stackframe/stack": "^2.7.0"}),
            {"stack.ts": STACK_APP},
        ),
        # `or: "throw"` refuses an anonymous caller: no check of its own.
        create_post(
            'const user = await stackServerApp.getUser({ or: "throw" });',
            imports=(PRISMA, 'import { stackServerApp } from "@/stack";'),
        ),
        id="preset-stack",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GUARD_SOURCES)
def test_guard_sources(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


def idiom_exit(exit: str) -> str:
    """An already-guarded action that leaves with `exit` when there is no session."""
    return ts(f"""
        "use server";
        import {{ auth }} from "@/auth";
        import {{ prisma }} from "@/lib/prisma";

        export async function likePost(postId: string) {{
          const session = await auth();
          if (!session?.user?.id) {exit}
          await prisma.like.create({{ data: {{ postId, userId: session.user.id }} }});
          return {{ error: null }};
        }}
        """)


def unguarded(header: str, *lines: str) -> str:
    """An action file: `header` opens the function, `lines` are its body."""
    return (
        f'"use server";\n{PRISMA}\n\n{header} {{\n'
        + "".join(f"  {line}\n" for line in lines)
        + "}\n"
    )


def guarded_by_idiom(header: str, check: str, *lines: str) -> str:
    return (
        f'"use server";\n{PRISMA}\n{AUTH}\n\n{header} {{\n'
        "  const session = await auth();\n"
        f"  if (!session?.user?.id) {check}\n" + "".join(f"  {line}\n" for line in lines) + "}\n"
    )


CREATE = "const post = await prisma.post.create({ data: { title } });"
THROW = 'throw new Error("Unauthorized");'

# The idiom's own exit goes only where the action already returns that shape: a
# `return null` in an action whose callers use the post would break them all.
EXITS = [
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE, "return post;"),
            **{"app/posts/actions.ts": idiom_exit("return null;")},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)", THROW, CREATE, "return post;"
        ),
        id="return-null-into-an-action-returning-a-row",
    ),
    pytest.param(
        authjs(
            unguarded(
                "export async function createPost(title: string): Promise<string | null>",
                CREATE,
                "return post.id;",
            ),
            **{"app/posts/actions.ts": idiom_exit("return null;")},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string): Promise<string | null>",
            "return null;",
            CREATE,
            "return post.id;",
        ),
        id="return-null-where-the-declared-type-has-null",
    ),
    pytest.param(
        authjs(
            unguarded(
                "export async function createPost(title: string)",
                'if (!title) return { error: "A title is needed" };',
                CREATE,
                "return { error: null };",
            ),
            **{"app/posts/actions.ts": idiom_exit('return { error: "Sign in first" };')},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)",
            'return { error: "Sign in first" };',
            'if (!title) return { error: "A title is needed" };',
            CREATE,
            "return { error: null };",
        ),
        id="error-object-where-the-action-returns-error-objects",
    ),
    pytest.param(
        authjs(
            unguarded(
                "export async function createPost(title: string)",
                CREATE,
                "return { ok: true, id: post.id };",
            ),
            **{"app/posts/actions.ts": idiom_exit('return { error: "Sign in first" };')},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)",
            THROW,
            CREATE,
            "return { ok: true, id: post.id };",
        ),
        id="error-object-into-an-action-returning-another-object",
    ),
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE),
            **{"app/posts/actions.ts": idiom_exit("return;")},
        ),
        guarded_by_idiom("export async function createPost(title: string)", "return;", CREATE),
        id="bare-return-into-an-action-returning-nothing",
    ),
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE, "return post;"),
            **{"app/posts/actions.ts": idiom_exit("return;")},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)", THROW, CREATE, "return post;"
        ),
        id="bare-return-into-an-action-returning-a-row",
    ),
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE, "return post;"),
            **{
                "app/posts/actions.ts": idiom_exit('return redirect("/login");').replace(
                    AUTH, AUTH + '\nimport { redirect } from "next/navigation";'
                )
            },
        ),
        (
            '"use server";\n'
            f"{PRISMA}\n{AUTH}\n"
            'import { redirect } from "next/navigation";\n\n'
            "export async function createPost(title: string) {\n"
            "  const session = await auth();\n"
            '  if (!session?.user?.id) return redirect("/login");\n'
            f"  {CREATE}\n  return post;\n}}\n"
        ),
        id="return-redirect-fits-anywhere",
    ),
]


@pytest.mark.parametrize(("files", "expected"), EXITS)
def test_exits(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# -- 3. GF002: the owner filter --------------------------------------------------------------

DRIZZLE_IMPORTS = 'import { db } from "@/db";\nimport { posts } from "@/db/schema";'


def guarded(body: str, imports: str = PRISMA, params: str = "id: string") -> str:
    """An action file that checks the Auth.js session, then runs `body`."""
    lines = ts(body).rstrip("\n").split("\n")
    return (
        f'"use server";\nimport {{ auth }} from "@/auth";\n{imports}\n\n'
        f"export async function change({params}) {{\n"
        "  const session = await auth();\n"
        '  if (!session?.user?.id) throw new Error("Unauthorized");\n'
        + "".join(f"  {line}\n" for line in lines)
        + "}\n"
    )


def prisma_project(
    body: str, prisma: str | None = "^5.22.0", params: str = "id: string", **more: str
) -> Files:
    """`guarded(body)` with `@prisma/client` at version `prisma` (None: no package.json)."""
    files = {"app/actions.ts": guarded(body, params=params), **AUTHJS, **more}
    if prisma is None:
        del files["package.json"]
    else:
        files["package.json"] = package(**{"next-auth": "5.0.0-beta.25", "@prisma/client": prisma})
    return files


DRIZZLE_SCHEMA = ts("""
    import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

    export const users = pgTable("users", {
      id: text("id").primaryKey(),
    });

    export const posts = pgTable("posts", {
      id: text("id").primaryKey(),
      title: text("title"),
      deletedAt: timestamp("deleted_at"),
      authorId: text("author_id").references(() => users.id),
    });
    """)


def drizzle_project(body: str, imports: str, params: str = "id: string") -> Files:
    return {
        "app/actions.ts": guarded(body, imports, params),
        **AUTHJS,
        "db/schema.ts": DRIZZLE_SCHEMA,
    }


SUPABASE_ACTION = ts("""
    "use server";
    import { createClient } from "@/utils/supabase/server";

    export async function deletePost(id: string) {
      const supabase = await createClient();
      const {
        data: { user },
      } = await supabase.auth.getUser();
      if (!user) throw new Error("Unauthorized");
      await supabase.from("posts").delete().eq("id", id);
    }
    """)

SUPABASE: Files = {
    "app/actions.ts": SUPABASE_ACTION,
    "tsconfig.json": TSCONFIG,
    "package.json": package(**{"@supabase/ssr": "^0.5.2"}),
    "utils/supabase/server.ts": SUPABASE_SERVER,
}

# An invitation names two users: who invited, and who is invited.
INVITE_SCHEMA = PRISMA_SCHEMA + ts("""

    model Invite {
      id          String @id
      invitedBy   User   @relation("Sent", fields: [invitedById], references: [id])
      invitedById String
      user        User   @relation("Received", fields: [userId], references: [id])
      userId      String
    }
    """)
INVITES = prisma_project(
    "await prisma.invite.delete({ where: { id } });",
    **{"prisma/schema.prisma": INVITE_SCHEMA},
)


OWNER_FILTERS = [
    pytest.param(
        {
            **INVITES,
            "guardfix.toml": 'owner-fields = { invite = "invitedById" }\n',
        },
        guarded("await prisma.invite.delete({ where: { id, invitedById: session.user.id } });"),
        id="prisma-owner-among-two-from-the-configuration",
    ),
    # Prisma 5 and later: the owner goes into the unique `where`, which then misses
    # (and throws) when the row is someone else's.
    pytest.param(
        prisma_project("await prisma.post.delete({ where: { id } });"),
        guarded("await prisma.post.delete({ where: { id, authorId: session.user.id } });"),
        id="prisma5-one-line",
    ),
    pytest.param(
        prisma_project("""
            await prisma.post.update({
              where: {
                id,
              },
              data: { title: "x" },
            });
            """),
        guarded("""
            await prisma.post.update({
              where: {
                id,
                authorId: session.user.id,
              },
              data: { title: "x" },
            });
            """),
        id="prisma5-multi-line-trailing-comma",
    ),
    pytest.param(
        prisma_project("""
            await prisma.post.update({
              where: {
                id
              },
              data: { title: "x" },
            });
            """),
        guarded("""
            await prisma.post.update({
              where: {
                id,
                authorId: session.user.id
              },
              data: { title: "x" },
            });
            """),
        id="prisma5-multi-line-no-trailing-comma",
    ),
    pytest.param(
        prisma_project("""
            const filter = { id };
            await prisma.post.delete({ where: filter });
            """),
        guarded("""
            const filter = { id };
            await prisma.post.delete({ where: { ...filter, authorId: session.user.id } });
            """),
        id="prisma5-where-variable",
    ),
    pytest.param(
        prisma_project("""
            const where = { id };
            await prisma.post.delete({ where });
            """),
        guarded("""
            const where = { id };
            await prisma.post.delete({ where: { ...where, authorId: session.user.id } });
            """),
        id="prisma5-where-shorthand",
    ),
    # Before Prisma 5 a unique `where` takes no other field: the *Many form and its count.
    pytest.param(
        prisma_project("await prisma.post.delete({ where: { id } });", prisma="^4.16.0"),
        guarded("""
            const result = await prisma.post.deleteMany({ where: { id, authorId: session.user.id } });
            if (result.count === 0) {
              throw new Error("Not found or forbidden");
            }
            """),
        id="prisma4-delete",
    ),
    pytest.param(
        prisma_project(
            'await prisma.post.update({ where: { id }, data: { title: "x" } });', prisma="^4.16.0"
        ),
        guarded("""
            const result = await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: { title: "x" } });
            if (result.count === 0) {
              throw new Error("Not found or forbidden");
            }
            """),
        id="prisma4-update",
    ),
    pytest.param(
        prisma_project(
            """
            await prisma.post.delete({ where: { id } });
            await prisma.post.update({ where: { id: nextId }, data: { pinned: true } });
            """,
            prisma="^4.16.0",
            params="id: string, nextId: string",
        ),
        # A count of its own for each write.
        guarded(
            """
            const result = await prisma.post.deleteMany({ where: { id, authorId: session.user.id } });
            if (result.count === 0) {
              throw new Error("Not found or forbidden");
            }
            const updated = await prisma.post.updateMany({ where: { id: nextId, authorId: session.user.id }, data: { pinned: true } });
            if (updated.count === 0) {
              throw new Error("Not found or forbidden");
            }
            """,
            params="id: string, nextId: string",
        ),
        id="prisma4-two-writes",
    ),
    pytest.param(
        prisma_project(
            """
            const result = await prisma.post.count();
            await prisma.post.delete({ where: { id } });
            """,
            prisma=None,
        ),
        # No package.json: the version is unknown, so the form every version takes
        # (under a name the action does not use yet).
        guarded("""
            const result = await prisma.post.count();
            const deleted = await prisma.post.deleteMany({ where: { id, authorId: session.user.id } });
            if (deleted.count === 0) {
              throw new Error("Not found or forbidden");
            }
            """),
        id="prisma-unknown-version",
    ),
    pytest.param(
        prisma_project(
            "await prisma.document.delete({ where: { id } });",
            **{
                "prisma/schema.prisma": ts("""
                    model User {
                      id String @id
                    }

                    model Folder {
                      id String @id
                    }

                    model Document {
                      id          String @id
                      folder      Folder @relation(fields: [folderId], references: [id])
                      folderId    String
                      createdBy   User   @relation(fields: [createdById], references: [id])
                      createdById String
                    }
                    """)
            },
        ),
        # The field of Document's one relation to the User model.
        guarded("await prisma.document.delete({ where: { id, createdById: session.user.id } });"),
        id="prisma-owner-from-schema",
    ),
    pytest.param(
        prisma_project(
            "await prisma.note.delete({ where: { id } });",
            **{"guardfix.toml": 'owner-fields = { Note = "ownerId" }\n'},
        ),
        # Note is not in the schema: the configuration names its owner field.
        guarded("await prisma.note.delete({ where: { id, ownerId: session.user.id } });"),
        id="prisma-owner-from-configuration",
    ),
    # Drizzle: both conditions, `and` imported beside `eq`; the owner column is the one
    # that `.references(() => users.id)` in the schema file the action imports.
    pytest.param(
        drizzle_project(
            "await db.delete(posts).where(eq(posts.id, id));",
            f'import {{ eq }} from "drizzle-orm";\n{DRIZZLE_IMPORTS}',
        ),
        guarded(
            "await db.delete(posts).where(and(eq(posts.id, id), eq(posts.authorId, session.user.id)));",
            f'import {{ eq, and }} from "drizzle-orm";\n{DRIZZLE_IMPORTS}',
        ),
        id="drizzle-eq",
    ),
    pytest.param(
        drizzle_project(
            "await db.delete(posts).where(and(eq(posts.id, id), isNull(posts.deletedAt)));",
            f'import {{ and, eq, isNull }} from "drizzle-orm";\n{DRIZZLE_IMPORTS}',
        ),
        guarded(
            "await db.delete(posts).where(and(eq(posts.id, id), isNull(posts.deletedAt), eq(posts.authorId, session.user.id)));",
            f'import {{ and, eq, isNull }} from "drizzle-orm";\n{DRIZZLE_IMPORTS}',
        ),
        id="drizzle-existing-and",
    ),
    # Supabase: one more filter. The configuration names the column; without it the
    # usual `user_id` is a guess (the unsafe table below).
    pytest.param(
        {**SUPABASE, "guardfix.toml": 'owner-fields = { posts = "owner_id" }\n'},
        SUPABASE_ACTION.replace('.eq("id", id);', '.eq("id", id).eq("owner_id", user.id);'),
        id="supabase-configured",
    ),
]


@pytest.mark.parametrize(("files", "expected"), OWNER_FILTERS)
def test_owner_filters(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# Fixes that rest on a guess, written only with --unsafe-fixes (without: the no-fix table).
UNSAFE_FIXES = [
    pytest.param(
        SUPABASE,
        SUPABASE_ACTION.replace('.eq("id", id);', '.eq("id", id).eq("user_id", user.id);'),
        id="supabase-guessed-user_id",
    ),
    pytest.param(
        INVITES,
        guarded("await prisma.invite.delete({ where: { id, userId: session.user.id } });"),
        id="prisma-owner-guessed-among-two-user-relations",
    ),
]


@pytest.mark.parametrize(("files", "expected"), UNSAFE_FIXES)
def test_unsafe_fixes(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files, "--unsafe-fixes") == expected


# The project's own lookup answers, in a single-user mode, with an id from the
# environment; `publish` hands its caller's id to `savePost` from it. A check of a real
# session in `savePost` would refuse that mode.
SOLO_VIEWER = ts("""
    import { auth } from "@/auth";

    export async function viewerId() {
      if (process.env.SOLO === "1") {
        return process.env.SOLO_ID || "solo";
      }
      const session = await auth();
      return session?.user?.id;
    }
    """)
SAVE_POST = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";

    export async function savePost(title: string) {
      await prisma.post.create({ data: { title } });
    }
    """)
PUBLISH = ts("""
    "use server";
    import { viewerId } from "@/lib/viewer";
    import { savePost } from "@/app/actions";

    export async function publish(title: string) {
      const userId = await viewerId();
      if (!userId) throw new Error("Unauthorized");
      await savePost(title);
    }
    """)
# Two guarded actions make `auth()` the idiom a login fix inserts.
RENAMES = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    export async function rename(name: string) {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      await prisma.user.update({ where: { id: session.user.id }, data: { name } });
    }

    export async function retitle(name: string) {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      await prisma.user.update({ where: { id: session.user.id }, data: { name } });
    }
    """)


def staff_guard(condition: str) -> str:
    return ts(f"""
        import type {{ Session }} from "next-auth";

        export function requireStaff(session: Session | null) {{
          if ({condition}) {{
            throw new Error("Forbidden");
          }}
        }}
        """)


def moderation(lookup: str = "const session = await auth();", name: str = "session") -> str:
    """`hidePost` checks a role after its lookup; `flagPost` only looks the session up."""
    return ts(f"""
        "use server";
        import {{ auth }} from "@/auth";
        import {{ requireStaff }} from "@/lib/guards";
        import {{ prisma }} from "@/lib/prisma";

        export async function flagPost(id: string) {{
          {lookup}
          await prisma.post.update({{ where: {{ id }}, data: {{ title: `flagged by ${{{name}?.user?.id}}` }} }});
        }}

        export async function hidePost(id: string) {{
          const session = await auth();
          requireStaff(session);
          await prisma.post.update({{ where: {{ id }}, data: {{ title: "hidden" }} }});
        }}
        """)


# The project's idiom (two actions in app/user.ts) checks only a sign-in; the file's
# other action checks a role.
PURGE = ts("""
    "use server";
    import { auth } from "@/auth";
    import { requireStaff } from "@/lib/guards";
    import { prisma } from "@/lib/prisma";

    export async function purgePost(id: string) {
      await prisma.post.delete({ where: { id } });
    }

    export async function hidePost(id: string) {
      const session = await auth();
      requireStaff(session);
      await prisma.post.update({ where: { id }, data: { title: "hidden" } });
    }
    """)
CLOSE_POST = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";

    export async function closePost(id: string) {
      await prisma.post.update({ where: { id }, data: { title: "closed" } });
    }
    """)
CLOSED_WITH_GUARD = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";
    import { auth } from "@/auth";

    export async function closePost(id: string) {
      const session = await auth();
      if (!session?.user?.id) {
        throw new Error("Unauthorized");
      }
      await prisma.post.update({ where: { id }, data: { title: "closed" } });
    }
    """)


def staff_page(condition: str) -> str:
    """A page that renders the button calling `closePost`, letting in whom `condition` does not stop."""
    return ts(f"""
        import {{ notFound }} from "next/navigation";
        import {{ auth }} from "@/auth";
        import CloseButton from "./close-button";

        export default async function Page() {{
          const session = await auth();
          if ({condition}) {{
            return notFound();
          }}
          return <CloseButton />;
        }}
        """)


CLOSE_BUTTON = ts("""
    "use client";
    import { closePost } from "@/app/actions";

    export default function CloseButton() {
      return <button onClick={() => closePost("1")}>Close</button>;
    }
    """)


FIX_SAFETY = [
    pytest.param(
        authjs(
            SAVE_POST,
            **{"lib/viewer.ts": SOLO_VIEWER, "app/publish.ts": PUBLISH, "app/user.ts": RENAMES},
        ),
        SAVE_POST,
        "unsafe: its callers take the user id from `viewerId()` (lib/viewer.ts)",
        id="callers-id-from-a-lookup-with-a-single-user-mode",
    ),
    pytest.param(
        authjs(
            SAVE_POST,
            **{
                "lib/viewer.ts": SOLO_VIEWER.replace('process.env.SOLO_ID || "solo"', "null"),
                "app/publish.ts": PUBLISH,
                "app/user.ts": RENAMES,
            },
        ),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function savePost(title: string) {
              const session = await auth();
              if (!session?.user?.id) throw new Error("Unauthorized");
              await prisma.post.create({ data: { title } });
            }
            """),
        "0 remaining",
        id="callers-lookup-refuses-in-its-other-mode",
    ),
    pytest.param(
        authjs(
            moderation(),
            **{"lib/guards.ts": staff_guard('!session?.user?.role?.includes("staff")')},
        ),
        moderation().replace(
            "const session = await auth();\n  await",
            "const session = await auth();\n  requireStaff(session);\n  await",
            1,
        ),
        # `hidePost` checks a role: an owner filter there is only a guess.
        "unsafe: the file's actions check `requireStaff(session)`",
        id="unchecked-lookup-beside-actions-checking-a-role",
    ),
    pytest.param(
        authjs(moderation(), **{"lib/guards.ts": staff_guard("!session")}),
        moderation()
        .replace(
            "const session = await auth();\n  await",
            'const session = await auth();\n  if (!session?.user?.id) {\n    throw new Error("Unauthorized");\n  }\n  await',
            1,
        )
        .replace("{ where: { id }, data", "{ where: { id, authorId: session.user.id }, data"),
        "0 remaining",
        id="the-sibling-helper-checks-no-role-whatever-its-name",
    ),
    pytest.param(
        authjs(
            moderation("const current = await auth();", "current"),
            **{"lib/guards.ts": staff_guard('!session?.user?.role?.includes("staff")')},
        ),
        moderation("const current = await auth();", "current"),
        "unsafe: the file's other actions also check `requireStaff(session)`",
        id="role-check-beside-that-cannot-be-called-the-same-way",
    ),
    pytest.param(
        authjs(
            PURGE,
            **{
                "lib/guards.ts": staff_guard('!session?.user?.role?.includes("staff")'),
                "app/user.ts": RENAMES,
            },
        ),
        PURGE,
        "unsafe: the file's other actions also check `requireStaff(session)`",
        id="sign-in-guard-for-an-action-beside-actions-checking-a-role",
    ),
    pytest.param(
        authjs(
            CLOSE_POST,
            **{
                "app/posts/close-button.tsx": CLOSE_BUTTON,
                "app/posts/page.tsx": staff_page(
                    "session?.user?.email !== process.env.STAFF_EMAIL"
                ),
            },
        ),
        CLOSED_WITH_GUARD,
        "app/posts/page.tsx lets only an administrator in",
        id="owner-filter-for-an-action-a-staff-page-uses",
    ),
    pytest.param(
        authjs(
            CLOSE_POST,
            **{
                "app/posts/close-button.tsx": CLOSE_BUTTON,
                "app/posts/page.tsx": staff_page("!session?.user"),
            },
        ),
        CLOSED_WITH_GUARD.replace("{ where: { id }", "{ where: { id, authorId: session.user.id }"),
        "0 remaining",
        id="owner-filter-for-an-action-a-signed-in-page-uses",
    ),
]


@pytest.mark.parametrize(("files", "expected", "said"), FIX_SAFETY)
def test_fix_safety(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: Files,
    expected: str,
    said: str,
) -> None:
    """What `--apply` writes (safe fixes only), and what it says about the fix."""
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    main(["--apply", "--all", "."])
    assert (tmp_path / next(iter(files))).read_text(encoding="utf-8") == expected
    assert said in " ".join(capsys.readouterr().out.split())


# Every visitor gets a guest session here: `lib/chat.ts` turns guests away, and so must
# the check a fix inserts, or it stops nobody.
GUEST_HELPER = ts("""
    import { auth } from "@/auth";

    export async function canSaveChats() {
      const session = await auth();
      if (!session?.user || session.user.type === "guest") return false;
      return true;
    }
    """)
ANONYMOUS_PAGE = ts("""
    import { createClient } from "@/utils/supabase/server";

    export default async function Page() {
      const supabase = await createClient();
      const { data } = await supabase.auth.getUser();
      if (!data.user || data.user.is_anonymous) return null;
      return data.user.email;
    }
    """)

GUEST_ACTION = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    export async function renameChat(id: string, title: string) {
      const session = await auth();
      if (!session?.user?.id || session.user.type === "guest") {
        throw new Error("Sign up to keep chats");
      }
      await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: { title } });
    }
    """)

GUESTS = [
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "lib/booking.ts": ts("""
                    export function seats(booking: { type: string; size: number }) {
                      if (booking.type === "guest") return 1;
                      return booking.size;
                    }
                    """)
            },
        ),
        # A booking's guest type says nothing about sessions: the check stays as it is.
        create_post(*AUTHJS_GUARD, imports=(PRISMA, AUTH)),
        id="guest-that-is-no-session",
    ),
    pytest.param(
        authjs(UNGUARDED, **{"lib/chat.ts": GUEST_HELPER}),
        create_post(
            "const session = await auth();",
            *throws_unless('session?.user?.id || session?.user?.type === "guest"'),
            imports=(PRISMA, AUTH),
        ),
        id="authjs-guest-provider-preset",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              const session = await auth();
              await prisma.post.create({ data: { title } });
            }
            """,
            **{"lib/chat.ts": GUEST_HELPER},
        ),
        create_post(
            "const session = await auth();",
            *throws_unless('session?.user?.id || session?.user?.type === "guest"'),
            imports=(AUTH, PRISMA),
        ),
        id="authjs-guest-provider-unchecked-lookup",
    ),
    pytest.param(
        {
            **SUPABASE,
            "app/actions.ts": UNGUARDED.replace(
                PRISMA, 'import { createClient } from "@/utils/supabase/server";\n' + PRISMA
            ),
            "app/page.tsx": ANONYMOUS_PAGE,
        },
        create_post(
            "const supabase = await createClient();",
            "const {",
            "  data: { user },",
            "} = await supabase.auth.getUser();",
            *throws_unless("user || user?.is_anonymous"),
            imports=('import { createClient } from "@/utils/supabase/server";', PRISMA),
        ),
        id="supabase-anonymous-sign-in",
    ),
    pytest.param(
        as_is(
            create_post("const session = await auth();", *AUTHJS_GUARD[1:], imports=(AUTH, PRISMA)),
            **{"app/chats.ts": GUEST_ACTION},
        ),
        # The check lets a guest through; the project's guarded action turns guests away.
        create_post(
            "const session = await auth();",
            *AUTHJS_GUARD[1:],
            'if (session?.user?.type === "guest") {',
            '  throw new Error("Unauthorized");',
            "}",
            imports=(AUTH, PRISMA),
        ),
        id="guest-let-through-by-a-check-on-the-user-id",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GUESTS)
def test_guests(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# -- 4. GF003: identity from the session, not the request ----------------------------------

FORM = "formData: FormData"
INPUT = "input: { title: string; authorId: string }"

# Clerk, with the project's own users found by Clerk's id.
CLERK_DB_USER = ts("""
    import { auth } from "@clerk/nextjs/server";
    import { prisma } from "@/lib/prisma";

    export async function currentDbUser() {
      const { userId } = await auth();
      if (!userId) return null;
      return prisma.user.findUnique({ where: { clerkId: userId } });
    }
    """)


# A guarded action that finds the project's own user by Clerk's id before it writes.
MAPPED_ACTION = ts("""
    "use server";
    import { auth } from "@clerk/nextjs/server";
    import { prisma } from "@/lib/prisma";

    export async function retitle(id: string, title: string) {
      const { userId } = await auth();
      if (!userId) throw new Error("Unauthorized");
      const me = await prisma.user.findUnique({ where: { clerkId: userId } });
      if (!me) throw new Error("Unknown user");
      await prisma.post.updateMany({ where: { id, authorId: me.id }, data: { title } });
    }
    """)
CLERK_LOOKUP = (
    "const me = await prisma.user.findUnique({ where: { clerkId: userId } });",
    'if (!me) throw new Error("Unknown user");',
)


def clerk_action(author: str, *lines: str, checked: bool = True) -> str:
    """`createPost`, writing `author` as the post's author after `lines` (after Clerk's
    lookup and its check, when `checked`)."""
    lookup = ("const { userId } = await auth();", 'if (!userId) throw new Error("Unauthorized");')
    body = [*(lookup if checked else ()), *lines]
    return (
        '"use server";\nimport { auth } from "@clerk/nextjs/server";\n'
        'import { prisma } from "@/lib/prisma";\n\n'
        "export async function createPost(formData: FormData) {\n"
        + "".join(f"  {line}\n" for line in body)
        + f'  await prisma.post.create({{ data: {{ title: "t", authorId: {author} }} }});\n}}\n'
    )


def clerk_project(**more: str) -> Files:
    return {
        "app/actions.ts": clerk_action('String(formData.get("authorId"))'),
        "tsconfig.json": TSCONFIG,
        "package.json": package(**{"@clerk/nextjs": "^6.0.0", "@prisma/client": "^5.22.0"}),
        "prisma/schema.prisma": PRISMA_SCHEMA,
        **more,
    }


IDENTITY = [
    pytest.param(
        clerk_project(),
        # Clerk's id is the project's user id here: nothing maps one to the other.
        clerk_action("userId"),
        id="clerk-id-is-the-user-id",
    ),
    pytest.param(
        clerk_project(**{"app/retitle.ts": MAPPED_ACTION}),
        # The project's guarded action maps Clerk's id to its own user: the fix does too.
        clerk_action("me.id", *CLERK_LOOKUP),
        id="clerk-id-mapped-as-the-guarded-actions-do",
    ),
    pytest.param(
        {
            **clerk_project(**{"app/retitle.ts": MAPPED_ACTION}),
            "app/actions.ts": clerk_action('String(formData.get("authorId"))', checked=False),
        },
        # The GF001 fix inserts Clerk's lookup; the GF003 fix maps its id below it.
        clerk_action("me.id", *CLERK_LOOKUP),
        id="clerk-id-mapped-after-the-inserted-guard",
    ),
    pytest.param(
        clerk_project(
            **{
                "app/actions.ts": clerk_action("me.id").replace(
                    'prisma.post.create({ data: { title: "t", authorId: me.id } })',
                    'prisma.post.delete({ where: { id: String(formData.get("id")) } })',
                ),
                "app/retitle.ts": MAPPED_ACTION,
            }
        ),
        # GF002: the owner filter takes the project's user id, found the same way.
        clerk_action("me.id", *CLERK_LOOKUP).replace(
            'prisma.post.create({ data: { title: "t", authorId: me.id } })',
            'prisma.post.delete({ where: { id: String(formData.get("id")), authorId: me.id } })',
        ),
        id="clerk-owner-filter-mapped-as-the-guarded-actions-do",
    ),
    pytest.param(
        prisma_project(
            """
            await prisma.post.create({
              data: {
                title: String(formData.get("title")),
                authorId: String(formData.get("authorId")),
              },
            });
            """,
            params=FORM,
        ),
        guarded(
            """
            await prisma.post.create({
              data: {
                title: String(formData.get("title")),
                authorId: session.user.id,
              },
            });
            """,
            params=FORM,
        ),
        id="prisma-data-authorId",
    ),
    pytest.param(
        drizzle_project(
            "await db.insert(posts).values({ title: input.title, authorId: input.authorId });",
            DRIZZLE_IMPORTS,
            params=INPUT,
        ),
        guarded(
            "await db.insert(posts).values({ title: input.title, authorId: session.user.id });",
            DRIZZLE_IMPORTS,
            params=INPUT,
        ),
        id="drizzle-values-authorId",
    ),
    pytest.param(
        {
            **drizzle_project(
                "await db.insert(notes).values({ body: input.title, ownerId: input.authorId });",
                'import { db } from "@/db";\nimport { notes } from "@/db/schema";',
                params=INPUT,
            ),
            # The users live in an outside auth service: no column references a table.
            "db/schema.ts": ts("""
                import { index, pgTable, text } from "drizzle-orm/pg-core";

                export const notes = pgTable(
                  "notes",
                  {
                    id: text("id").primaryKey(),
                    body: text("body"),
                    ownerId: text("owner_id").notNull(),
                  },
                  (t) => [index("notes_owner_idx").on(t.ownerId)],
                ).enableRLS();
                """),
        },
        guarded(
            "await db.insert(notes).values({ body: input.title, ownerId: session.user.id });",
            'import { db } from "@/db";\nimport { notes } from "@/db/schema";',
            params=INPUT,
        ),
        id="drizzle-owner-column-with-no-reference",
    ),
]


@pytest.mark.parametrize(("files", "expected"), IDENTITY)
def test_identity(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# -- 5. GF004: check the session the action already looks up -----------------------------

GET_SESSION_IMPORT = 'import { getSession } from "@/lib/auth";'

SESSION_CHECKS = [
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const session = await getSession();",
                'if (!session) throw new Error("Unauthorized");',
                imports=(PRISMA, GET_SESSION_FROM_LIB),
            ),
            **IRON,
            "guardfix.toml": ts("""
                session = { from = "@/lib/session", name = "getSession", call = "await getSession()", user-id = "session.userId" }
                """),
        },
        # An iron-session is never null: configuring the lookup does not make
        # `if (!session)` a check.
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            'if (!session) throw new Error("Unauthorized");',
            imports=(PRISMA, GET_SESSION_FROM_LIB),
        ),
        id="configured-helper-read-for-what-it-returns",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              const session = await auth();
              await prisma.post.create({ data: { title, authorId: session?.user?.id } });
            }
            """
        ),
        # The user id as the action spells it.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title, authorId: session?.user?.id } });
            }
            """),
        id="user-id-from-the-action",
    ),
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const session = await getSession();", imports=(GET_SESSION_IMPORT, PRISMA)
            ),
            **AUTHJS,
            "lib/auth.ts": GET_SESSION,
            "app/posts/actions.ts": create_post(
                "const session = await getSession();",
                'if (!session?.userId) throw new Error("Unauthorized");',
                imports=(GET_SESSION_IMPORT, PRISMA),
            ),
        },
        # The user id as the project's guarded actions spell it (not the Auth.js preset's).
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            imports=(GET_SESSION_IMPORT, PRISMA),
        ),
        id="user-id-from-the-idiom",
    ),
    pytest.param(
        authjs(create_post("const me = await auth();", imports=(AUTH, PRISMA))),
        # The preset's user id, on the action's own name for the session.
        create_post(
            "const me = await auth();", *throws_unless("me?.user?.id"), imports=(AUTH, PRISMA)
        ),
        id="user-id-from-the-preset-renamed",
    ),
    pytest.param(
        authjs(create_post("const session = auth();", imports=(AUTH, PRISMA))),
        # Without `await` the check would test a promise, which is always truthy.
        create_post(*AUTHJS_GUARD, imports=(AUTH, PRISMA)),
        id="unawaited",
    ),
    pytest.param(
        authjs(
            create_post(
                "const session = auth();",
                'if (!session) throw new Error("Unauthorized");',
                imports=(AUTH, PRISMA),
            )
        ),
        # The check is there already: it only needed the `await`.
        create_post(
            "const session = await auth();",
            'if (!session) throw new Error("Unauthorized");',
            imports=(AUTH, PRISMA),
        ),
        id="unawaited-checked",
    ),
    pytest.param(
        authjs(
            create_post("const session = getSession();", imports=(GET_SESSION_IMPORT, PRISMA)),
            **{"lib/auth.ts": GET_SESSION},
        ),
        # An async project helper needs its `await` as much as a library's lookup.
        create_post(
            "const session = await getSession();",
            *throws_unless("session"),
            imports=(GET_SESSION_IMPORT, PRISMA),
        ),
        id="unawaited-project-helper",
    ),
    pytest.param(
        authjs(
            """
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              function createPost(formData: FormData) {
                "use server";
                const session = auth();
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """,
            path="app/new/page.tsx",
        ),
        # `await` needs an async function.
        ts("""
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              async function createPost(formData: FormData) {
                "use server";
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """),
        id="unawaited-in-a-sync-inline-action",
    ),
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const { userId } = await auth();",
                imports=('import { auth } from "@clerk/nextjs/server";', PRISMA),
            ),
            "package.json": package(**{"@clerk/nextjs": "^6.9.0"}),
        },
        create_post(
            "const { userId } = await auth();",
            *throws_unless("userId"),
            imports=('import { auth } from "@clerk/nextjs/server";', PRISMA),
        ),
        id="clerk-destructured",
    ),
]


@pytest.mark.parametrize(("files", "expected"), SESSION_CHECKS)
def test_session_checks(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# -- 6. One run fixes the whole action -----------------------------------------------------

WHOLE_ACTIONS = [
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              await prisma.post.delete({ where: { id } });
            }
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.delete({ where: { id, authorId: session.user.id } });
            }
            """),
        id="guard-and-owner-filter",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              await prisma.post.delete({ where: { id } });
            }
            """,
            **{"package.json": PRISMA_4},
        ),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              const result = await prisma.post.deleteMany({ where: { id, authorId: session.user.id } });
              if (result.count === 0) {
                throw new Error("Not found or forbidden");
              }
            }
            """),
        id="guard-and-prisma4-filter",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { eq } from "drizzle-orm";
            import { db } from "@/db";
            import { posts } from "@/db/schema";

            export async function deletePost(id: string) {
              await db.delete(posts).where(eq(posts.id, id));
            }
            """,
            **{"db/schema.ts": DRIZZLE_SCHEMA},
        ),
        ts("""
            "use server";
            import { eq, and } from "drizzle-orm";
            import { db } from "@/db";
            import { posts } from "@/db/schema";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await db.delete(posts).where(and(eq(posts.id, id), eq(posts.authorId, session.user.id)));
            }
            """),
        id="guard-and-drizzle-filter",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function createPost(formData: FormData) {
              await prisma.post.create({
                data: { title: String(formData.get("title")), authorId: String(formData.get("authorId")) },
              });
            }
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function createPost(formData: FormData) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({
                data: { title: String(formData.get("title")), authorId: session.user.id },
              });
            }
            """),
        id="guard-and-identity",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { requireUser } from "@/lib/session";
            import { prisma } from "@/lib/prisma";

            export async function likePost(postId: string) {
              const user = await requireUser();
              await prisma.like.create({ data: { slug: postId, userId: user.id } });
            }

            export async function deletePost(id: string) {
              await prisma.post.delete({ where: { id } });
            }
            """,
            **{"lib/session.ts": REQUIRE_USER},
        ),
        # The project's guard, and its user id (`user.id`) in the filter.
        ts("""
            "use server";
            import { requireUser } from "@/lib/session";
            import { prisma } from "@/lib/prisma";

            export async function likePost(postId: string) {
              const user = await requireUser();
              await prisma.like.create({ data: { slug: postId, userId: user.id } });
            }

            export async function deletePost(id: string) {
              const user = await requireUser();
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="idiom-guard-and-its-user-id",
    ),
]


@pytest.mark.parametrize(("files", "expected"), WHOLE_ACTIONS)
def test_whole_actions(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


# -- 7. The file's own style -----------------------------------------------------------------

BOM = "\ufeff"


FILE_STYLE = [
    pytest.param(
        as_is(
            crlf("""
                "use server";
                import { prisma } from "@/lib/prisma";

                export async function createPost(title: string) {
                  await prisma.post.create({ data: { title } });
                }
                """)
        ),
        crlf("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="crlf-guard",
    ),
    pytest.param(
        as_is(
            crlf("""
                "use server";
                import { auth } from "@/auth";
                import { prisma } from "@/lib/prisma";

                export async function renamePost(id: string, title: string) {
                  const session = await auth();
                  if (!session?.user?.id) throw new Error("Unauthorized");
                  await prisma.post.update({
                    where: {
                      id,
                    },
                    data: { title },
                  });
                }
                """),
            **{"package.json": PRISMA_4},
        ),
        crlf("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function renamePost(id: string, title: string) {
              const session = await auth();
              if (!session?.user?.id) throw new Error("Unauthorized");
              const result = await prisma.post.updateMany({
                where: {
                  id,
                  authorId: session.user.id,
                },
                data: { title },
              });
              if (result.count === 0) {
                throw new Error("Not found or forbidden");
              }
            }
            """),
        id="crlf-owner-filter",
    ),
    *(
        pytest.param(
            as_is(
                reindent(
                    """
                    "use server";
                    import { prisma } from "@/lib/prisma";

                    export async function createPost(title: string) {
                      if (title.length > 0) {
                        await prisma.post.create({ data: { title } });
                      }
                    }
                    """,
                    unit,
                )
            ),
            reindent(
                """
                "use server";
                import { prisma } from "@/lib/prisma";
                import { auth } from "@/auth";

                export async function createPost(title: string) {
                  const session = await auth();
                  if (!session?.user?.id) {
                    throw new Error("Unauthorized");
                  }
                  if (title.length > 0) {
                    await prisma.post.create({ data: { title } });
                  }
                }
                """,
                unit,
            ),
            id=name,
        )
        for unit, name in (("\t", "tabs"), ("    ", "four-spaces"))
    ),
    pytest.param(
        as_is(BOM + UNGUARDED),
        BOM + create_post(*AUTHJS_GUARD, imports=(PRISMA, 'import { auth } from "@/auth";')),
        id="utf8-bom",
    ),
    pytest.param(
        authjs("""
            "use server";
            // Beiträge löschen — nur für Eigentümer 🗑️
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string, reason = "Entfernt: «Spam» ✂") {
              await prisma.post.delete({ where: { title: "Grüße 👋", id } });
            }
            """),
        # Offsets are bytes: multi-byte characters before an edit must not shift it.
        ts("""
            "use server";
            // Beiträge löschen — nur für Eigentümer 🗑️
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function deletePost(id: string, reason = "Entfernt: «Spam» ✂") {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.delete({ where: { title: "Grüße 👋", id, authorId: session.user.id } });
            }
            """),
        id="non-ascii-before-the-edits",
    ),
    # Imports: a name joins a value import of its module; otherwise a new import goes after
    # the last one, in the quotes and with the semicolons of the file's imports.
    pytest.param(
        authjs(create_post(imports=('import { signIn } from "@/auth";', PRISMA))),
        create_post(*AUTHJS_GUARD, imports=('import { signIn, auth } from "@/auth";', PRISMA)),
        id="import-merged",
    ),
    pytest.param(
        authjs(create_post(imports=('import {\n  handlers,\n  signIn,\n} from "@/auth";', PRISMA))),
        create_post(
            *AUTHJS_GUARD,
            imports=('import {\n  handlers,\n  signIn,\n  auth,\n} from "@/auth";', PRISMA),
        ),
        id="import-merged-multi-line",
    ),
    pytest.param(
        authjs(
            create_post(imports=('import authConfig from "@/auth";', PRISMA)),
            **{"auth.ts": AUTHJS["auth.ts"] + "\nexport default { providers: [] };\n"},
        ),
        create_post(*AUTHJS_GUARD, imports=('import authConfig, { auth } from "@/auth";', PRISMA)),
        id="import-merged-into-default",
    ),
    pytest.param(
        authjs(create_post(imports=('import type { Session } from "@/auth";', PRISMA))),
        # A type-only import cannot carry a value.
        create_post(
            *AUTHJS_GUARD,
            imports=(
                'import type { Session } from "@/auth";',
                PRISMA,
                'import { auth } from "@/auth";',
            ),
        ),
        id="import-type-not-merged",
    ),
    pytest.param(
        authjs("""
            "use server";

            export async function createPost(title: string) {
              await prisma.post.create({ data: { title } });
            }
            """),
        ts("""
            "use server";

            import { auth } from "@/auth";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="import-after-the-directive",
    ),
    pytest.param(
        authjs(
            """
            export default function Page() {
              async function createPost() {
                "use server";
                await prisma.post.create({ data: { title: "x" } });
              }
              return <form action={createPost} />;
            }
            """,
            path="app/new/page.tsx",
        ),
        ts("""
            import { auth } from "@/auth";

            export default function Page() {
              async function createPost() {
                "use server";
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                await prisma.post.create({ data: { title: "x" } });
              }
              return <form action={createPost} />;
            }
            """),
        id="import-first-in-a-file-without-any",
    ),
    pytest.param(
        authjs("""
            'use server'
            import { prisma } from '@/lib/prisma'

            export async function createPost(title: string) {
              await prisma.post.create({ data: { title } })
            }
            """),
        ts("""
            'use server'
            import { prisma } from '@/lib/prisma'
            import { auth } from '@/auth'

            export async function createPost(title: string) {
              const session = await auth()
              if (!session?.user?.id) {
                throw new Error('Unauthorized')
              }
              await prisma.post.create({ data: { title } })
            }
            """),
        id="single-quotes-no-semicolons",
    ),
]


@pytest.mark.parametrize(("files", "expected"), FILE_STYLE)
def test_file_style(fix: Callable[..., str], files: Files, expected: str) -> None:
    assert fix(files) == expected


def test_a_one_line_guard_keeps_its_semicolons_in_a_file_without_them(
    fix: Callable[..., str],
) -> None:
    # Learned from the one-line action below; dropping the `;` would join two statements.
    guarded = (
        "export async function keepPost(id: string) {\n"
        '  const session = await auth(); if (!session?.user?.id) throw new Error("Unauthorized")\n'
        "  await prisma.post.update({ where: { id, authorId: session.user.id }, data: {} })\n"
        "}\n"
    )
    source = (
        '"use server"\nimport { auth } from "@/auth"\n\n'
        "export async function dropPost(id: string) {\n"
        "  await prisma.post.deleteMany({ where: { published: false } })\n"
        "}\n\n" + guarded
    )
    fixed = fix(authjs(source))
    assert (
        "export async function dropPost(id: string) {\n"
        '  const session = await auth(); if (!session?.user?.id) throw new Error("Unauthorized")\n'
        "  await prisma.post.deleteMany"
    ) in fixed


# -- 8. Left as they are -----------------------------------------------------------------------

# Nothing to fix: no finding, no rewrite.
UNCHANGED = [
    # A row the action itself just made is the server's value, not the caller's.
    pytest.param(
        prisma_project(
            """
            const team = await prisma.team.create({ data: { name: String(formData.get("name")) } });
            await prisma.member.create({ data: { teamId: team.id, userId: session.user.id } });
            const user = await prisma.user.create({ data: { email: String(formData.get("email")) } });
            await prisma.profile.create({ data: { userId: user.id, bio: "" } });
            """,
            params=FORM,
        ),
        id="prisma-id-of-a-row-created-above",
    ),
    pytest.param(
        drizzle_project(
            """
            const [user] = await db.insert(users).values({ name: input.title }).returning();
            await db.insert(posts).values({ title: input.title, authorId: user.id });
            """,
            'import { db } from "@/db";\nimport { posts, users } from "@/db/schema";',
            params=INPUT,
        ),
        id="drizzle-id-of-a-row-inserted-above",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session?.user?.id) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: session.user.id } });
            }
            """),
        id="guarded-and-owned",
    ),
    pytest.param(
        drizzle_project(
            "await db.delete(posts).where(and(eq(posts.id, id), eq(posts.authorId, session.user.id)));",
            f'import {{ and, eq }} from "drizzle-orm";\n{DRIZZLE_IMPORTS}',
        ),
        id="drizzle-guarded-and-owned",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function listPosts() {
              return prisma.post.findMany({ where: { published: true } });
            }
            """),
        id="reads-only",
    ),
    pytest.param(
        authjs("""
            import { prisma } from "@/lib/prisma";

            export async function seed() {
              await prisma.post.create({ data: { title: "Hello" } });
            }
            """),
        id="not-a-server-action",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            // guardfix-ignore GF001: public contact form
            export async function sendMessage(body: string) {
              await prisma.message.create({ data: { body } });
            }
            """),
        id="ignored-with-a-reason",
    ),
]


@pytest.mark.parametrize("files", UNCHANGED)
def test_unchanged(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: Files,
) -> None:
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert main(["--apply", "--all", "."]) == 0
    target = next(iter(files))
    assert (tmp_path / target).read_bytes() == files[target].encode()
    assert "No problems found" in capsys.readouterr().out


# A CRM task: `ownerId` is the customer company that owns it, `userId` the user it is
# assigned to.
TASK_SCHEMA = PRISMA_SCHEMA + ts("""

    model Company {
      id    String @id
      tasks Task[]
    }

    model Task {
      id           String  @id
      title        String
      company      Company @relation(fields: [ownerId], references: [id])
      ownerId      String
      assignedUser User    @relation(fields: [userId], references: [id])
      userId       String
    }
    """)


def task_project(field: str) -> Files:
    return prisma_project(
        f'await prisma.task.create({{ data: {{ title: "t", {field}: String(formData.get("{field}")) }} }});',
        params=FORM,
        **{"prisma/schema.prisma": TASK_SCHEMA},
    )


# A finding with no fix: the file stays as it is and the report says why.
NO_FIX = [
    pytest.param(
        {
            "app/actions.ts": UNGUARDED,
            **IRON,
            "app/dashboard/page.tsx": '"use client";\n' + IRON_PAGE,
        },
        # A file that runs in the browser teaches no server lookup.
        "no fix: iron-session needs a project file exporting `sessionOptions`",
        id="client-component-teaches-nothing",
    ),
    pytest.param(
        {"app/actions.ts": UNGUARDED, "package.json": package(next="15.1.0")},
        "no fix: no session lookup is configured, no guarded action shows one",
        id="no-known-session-lookup",
    ),
    pytest.param(
        {"app/actions.ts": UNGUARDED, "package.json": package(**{"next-auth": "5.0.0"})},
        "no fix: Auth.js v5 needs a project file exporting `auth`",
        id="preset-without-its-project-file",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function logWorkout(session: { minutes: number }) {
              await prisma.workout.create({ data: session });
            }
            """),
        # A workout session, say: the guard's `session` would shadow it.
        "no fix: `session` is already declared in the action",
        id="name-taken",
    ),
    pytest.param(
        authjs(create_post(imports=('import { auth } from "firebase-admin";', PRISMA))),
        "no fix: `auth` is already imported from 'firebase-admin'",
        id="name-imported-from-elsewhere",
    ),
    pytest.param(
        prisma_project(
            """
            const post = await prisma.post.delete({ where: { id } });
            return post.title;
            """,
            prisma="^4.16.0",
        ),
        "no fix: the result of `delete` is used; with Prisma before 5",
        id="prisma4-result-used",
    ),
    pytest.param(
        SUPABASE,
        "unsafe fix (--unsafe-fixes): Limit from('posts').delete to the caller's rows",
        id="supabase-guess-without-unsafe-fixes",
    ),
    pytest.param(
        {
            "app/actions.ts": guarded(
                """
                const team = await currentTeam();
                await prisma.post.delete({ where: { id, teamId: team.id } });
                """,
                imports=PRISMA + '\nimport { currentTeam } from "@/lib/team";',
            ),
            **AUTHJS,
        },
        # Kept within the team: what is missing is a role check, not "anyone's rows".
        "keeps prisma.post.delete within the caller's team (`teamId`) but lets the caller's "
        "input pick the rows in it with no role or permission check",
        id="team-scoped-write-message",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "app/api/webhook/route.ts": ts("""
                    import { createPost } from "@/app/actions";

                    export async function POST(request: Request) {
                      const { title } = await request.json();
                      await createPost(title);
                      return new Response("ok");
                    }
                    """),
            },
        ),
        # A webhook calls the action with no signed-in user: a check would refuse it.
        "unsafe fix (--unsafe-fixes): Check the session at the top of `createPost`, with the "
        "Auth.js v5 preset (also called by app/api/webhook/route.ts, which may have no "
        "signed-in user)",
        id="action-called-by-a-route-handler",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "app/signup/actions.ts": ts("""
                    "use server";
                    import bcrypt from "bcryptjs";
                    import { prisma } from "@/lib/prisma";
                    import { createPost } from "@/app/actions";

                    export async function signUp(email: string, password: string) {
                      const hash = await bcrypt.hash(password, 10);
                      await prisma.user.create({ data: { email, password: hash } });
                      await createPost("Hello from " + email);
                    }
                    """),
            },
        ),
        # The sign-up calls it before anyone is signed in: a check would break sign-up.
        "(also called by the public sign-up action `signUp` (app/signup/actions.ts), which may "
        "have no signed-in user)",
        id="action-called-by-a-public-sign-up",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "lib/auth-events.ts": ts("""
                    import NextAuth from "next-auth";
                    import { createPost } from "@/app/actions";

                    export const { handlers } = NextAuth({
                      providers: [],
                      events: { async createUser() { await createPost("welcome"); } },
                    });
                    """),
            },
        ),
        "(also called by lib/auth-events.ts, which may have no signed-in user)",
        id="action-called-by-the-auth-librarys-callbacks",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "lib/auth-options.ts": ts("""
                    import type { NextAuthOptions } from "next-auth";
                    import { createPost } from "@/app/actions";

                    export const authOptions: NextAuthOptions = {
                      providers: [],
                      callbacks: { async signIn() { await createPost("welcome"); return true; } },
                    };
                    """),
            },
        ),
        "(also called by lib/auth-options.ts, which may have no signed-in user)",
        id="action-called-by-next-auth-v4-callbacks",
    ),
    pytest.param(
        authjs(
            UNGUARDED.replace(
                "export async function createPost", "export default async function createPost"
            ),
            **{
                "lib/auth-options.ts": ts("""
                    import type { NextAuthOptions } from "next-auth";
                    import welcome from "@/app/actions";

                    export const authOptions: NextAuthOptions = {
                      providers: [],
                      events: { async signIn() { await welcome("hi"); } },
                    };
                    """),
            },
        ),
        "(also called by lib/auth-options.ts, which may have no signed-in user)",
        id="default-export-called-by-the-auth-setup",
    ),
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "app/api/cron/route.ts": ts("""
                    import * as actions from "@/app/actions";

                    export async function GET() {
                      await actions.createPost("daily digest");
                      return new Response("ok");
                    }
                    """),
            },
        ),
        "(also called by app/api/cron/route.ts, which may have no signed-in user)",
        id="action-called-through-a-namespace-import",
    ),
    pytest.param(
        task_project("creatorId"),
        # Only a relation to the user model holds the caller's id; one to another model
        # (`ownerId` of a company) is no user's id and not reported at all.
        "no fix: `creatorId` of `task` is no relation to the user model (prisma/schema.prisma)",
        id="identity-field-that-is-no-user-relation",
    ),
    pytest.param(
        task_project("userId"),
        "no fix: `userId` of `task` names another user the caller picks",
        id="identity-field-that-is-an-assignee",
    ),
    pytest.param(
        clerk_project(**{"lib/user.ts": CLERK_DB_USER}),
        "no fix: `userId` is the auth provider's id, but the project finds its own user by "
        "`clerkId`",
        id="clerk-id-mapped-to-the-projects-user",
    ),
    pytest.param(
        clerk_project(
            **{
                "app/retitle.ts": MAPPED_ACTION,
                "app/remove.ts": MAPPED_ACTION.replace("me", "owner").replace(
                    "findUnique", "findFirst"
                ),
            }
        ),
        # Two guarded actions map the id in two ways: which to copy is not ours to pick.
        "no fix: `userId` is the auth provider's id, but the project finds its own user by "
        "`clerkId`",
        id="clerk-id-mapped-in-two-ways",
    ),
    pytest.param(
        clerk_project(
            **{
                "app/retitle.ts": MAPPED_ACTION.replace(
                    '  if (!me) throw new Error("Unknown user");\n', ""
                ).replace("me.id", 'me?.id ?? ""'),
            }
        ),
        # A mapping nobody checks is no way to find the caller's row: it is not copied.
        "no fix: `userId` is the auth provider's id, but the project finds its own user by "
        "`clerkId`",
        id="clerk-id-mapped-without-a-check",
    ),
    pytest.param(
        clerk_project(
            **{
                "app/actions.ts": clerk_action(
                    'String(formData.get("authorId"))', 'const me = "draft";'
                ),
                "app/retitle.ts": MAPPED_ACTION,
            }
        ),
        # The action already has a `me` of its own: the copied lookup would clash with it.
        "(`me` is already declared in the action)",
        id="clerk-id-mapping-whose-name-is-taken",
    ),
    pytest.param(
        INVITES,
        "unsafe fix (--unsafe-fixes): Limit prisma.invite.delete to the caller's rows "
        "(`userId` from a guess among invitedById, userId",
        id="owner-guessed-among-two-user-relations",
    ),
    pytest.param(
        prisma_project(
            "await prisma.invite.delete({ where: { id } });",
            **{"prisma/schema.prisma": INVITE_SCHEMA.replace("userId", "inviteeId")},
        ),
        "no fix: `invite` has several relations to users (invitedById, inviteeId)",
        id="two-user-relations-no-hint",
    ),
    pytest.param(
        prisma_project(
            'await prisma.member.create({ data: { email: "a@b.c", role: String(formData.get("role")) } });',
            params=FORM,
        ),
        "no fix: a role must come from the server's own records",
        id="role-from-the-client",
    ),
    pytest.param(
        prisma_project(
            'await prisma.post.delete({ where: { id, authorId: "system" } });',
            **{"prisma/schema.prisma": PRISMA_SCHEMA},
        ),
        # A second `authorId` key would not compile, and which owner is meant is not ours.
        "no fix: the filter already sets `authorId`",
        id="filter-already-names-the-owner",
    ),
    pytest.param(
        {
            "app/actions.ts": UNGUARDED,
            "package.json": package(next="15.1.0"),
            # The project's guard reads a cookie, then has a service verify it: copying only
            # the presence test would let any made-up cookie through.
            "app/settings/actions.ts": ts("""
                "use server";
                import { cookies } from "next/headers";
                import { verifySessionToken } from "@/lib/verify";
                import { prisma } from "@/lib/prisma";

                export async function renameTeam(name: string) {
                  const token = (await cookies()).get("app-session");
                  if (!token || !token.value) {
                    throw new Error("No session");
                  }
                  const user = await verifySessionToken(token.value);
                  await prisma.team.update({ where: { ownerId: user.id }, data: { name } });
                }
                """),
        },
        "no fix: no session lookup is configured, no guarded action shows one",
        id="a-cookie-presence-test-is-no-guard-to-copy",
    ),
]


@pytest.mark.parametrize(("files", "why"), NO_FIX)
def test_no_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: Files,
    why: str,
) -> None:
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert main(["--apply", "--all", "."]) == 1
    target = next(iter(files))
    assert (tmp_path / target).read_bytes() == files[target].encode()
    assert why in capsys.readouterr().out


def test_the_user_id_is_read_as_the_files_other_actions_read_it(fix: Callable[..., str]) -> None:
    # `getViewer()` is the project's own lookup; `deletePost` never reads an id from it, but
    # `createPost` beside it does: `viewer.id`.
    helper = ts("""
        import { auth } from "@/auth";

        export async function getViewer() {
          const session = await auth();
          return session?.user ?? null;
        }
        """)
    source = ts("""
        "use server";
        import { prisma } from "@/lib/prisma";
        import { getViewer } from "@/lib/viewer";

        export async function createPost(title: string) {
          const viewer = await getViewer();
          if (!viewer) throw new Error("Unauthorized");
          await prisma.post.create({ data: { title, authorId: viewer.id } });
        }

        export async function deletePost(id: string) {
          const me = await getViewer();
          if (!me) throw new Error("Unauthorized");
          await prisma.post.delete({ where: { id } });
        }
        """)
    # The project's usual guard is `auth()` (two actions elsewhere), so it says nothing here.
    usual = ts("""
        "use server";
        import { auth } from "@/auth";
        import { prisma } from "@/lib/prisma";

        export async function pin(id: string) {
          const session = await auth();
          if (!session?.user?.id) throw new Error("Unauthorized");
          await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: {} });
        }

        export async function unpin(id: string) {
          const session = await auth();
          if (!session?.user?.id) throw new Error("Unauthorized");
          await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: {} });
        }
        """)
    files = authjs(source, **{"lib/viewer.ts": helper, "app/pins.ts": usual})
    fixed = fix(files)
    assert "await prisma.post.delete({ where: { id, authorId: me.id } });" in fixed


SAFE_ACTION_CLIENTS = ts("""
    import { createSafeActionClient } from "next-safe-action";
    import { auth } from "@/auth";

    export const actionClient = createSafeActionClient();

    export const authActionClient = actionClient.use(async ({ next }) => {
      const session = await auth();
      if (!session?.user) {
        throw new Error("Unauthorized");
      }
      return next({ ctx: { userId: session.user.id } });
    });
    """)


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        pytest.param(
            'import { actionClient } from "@/lib/safe-action";',
            'import { authActionClient } from "@/lib/safe-action";',
            id="the-import-names-the-new-client",
        ),
        pytest.param(
            'import { actionClient, authActionClient } from "@/lib/safe-action";',
            'import { authActionClient } from "@/lib/safe-action";',
            id="the-unused-client-leaves-the-import",
        ),
        pytest.param(
            'import { authActionClient, actionClient } from "@/lib/safe-action";',
            'import { authActionClient } from "@/lib/safe-action";',
            id="the-last-name-leaves-with-its-comma",
        ),
    ],
)
def test_a_switched_client_leaves_no_unused_import(
    fix: Callable[..., str], imports: str, expected: str
) -> None:
    source = ts(f"""
        "use server";
        import {{ z }} from "zod";
        {imports}
        import {{ prisma }} from "@/lib/prisma";

        export const deletePost = actionClient
          .inputSchema(z.object({{ id: z.string() }}))
          .action(async ({{ parsedInput }}) => {{
            await prisma.post.delete({{ where: {{ id: parsedInput.id }} }});
          }});
        """)
    fixed = fix(authjs(source, **{"lib/safe-action.ts": SAFE_ACTION_CLIENTS}))
    assert f'import {{ z }} from "zod";\n{expected}\nimport {{ prisma }}' in fixed
    assert "export const deletePost = authActionClient" in fixed
