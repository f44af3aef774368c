"""GF001, session_guard: which session check goes in: the configured one, the project's own
idiom, or the auth library's preset.

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    AUTHJS,
    AUTHJS_GUARD,
    GET_SESSION,
    GET_SESSION_FROM_LIB,
    IRON,
    IRON_HELPER,
    PRISMA,
    REQUIRE_USER,
    SUPABASE_SERVER,
    TSCONFIG,
    UNGUARDED,
    Files,
    authjs,
    create_post,
    fix,
    package,
    throws_unless,
    ts,
)

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
def test_guard_sources(files: Files, expected: str) -> None:
    assert fix(files) == expected
