"""Which session checks stop an anonymous caller before a mutation, and which do not.

Each case is a small `"use server"` file (plus the project files it imports) and the
findings expected from the real pipeline, as `(rule, action, line of the mutation)`.
"""

from __future__ import annotations

from textwrap import dedent

import pytest


def ts(source: str) -> str:
    """A source written indented in the table, as it sits in the file (line 1 first)."""
    return dedent(source).lstrip("\n")


# tsconfig.json is JSONC: a comment and trailing commas must not stop alias resolution.
TSCONFIG = ts("""
    {
      "compilerOptions": {
        "strict": true,
        // `@/lib/x` is `./lib/x` from the project root
        "baseUrl": ".",
        "paths": { "@/*": ["./*"], },
      },
    }
    """)

# -- 1. Guards that count --------------------------------------------------------------

GUARDS = [
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="authjs-throw",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session?.user?.id) return { error: "You must be signed in" };
              await prisma.post.delete({ where: { id, authorId: session.user.id } });
              return { ok: true };
            }
            """),
        id="authjs-return-error",
    ),
    *(
        pytest.param(
            ts(f"""
                "use server";
                import {{ {exit} }} from "next/navigation";
                import {{ auth }} from "@/auth";
                import {{ prisma }} from "@/lib/prisma";

                export async function deletePost(id: string) {{
                  const session = await auth();
                  if (!session) {{
                    {exit}({arg});
                  }}
                  await prisma.post.delete({{ where: {{ id }} }});
                }}
                """),
            id=f"authjs-{exit}",
        )
        for exit, arg in [
            ("redirect", '"/login"'),
            ("notFound", ""),
            ("unauthorized", ""),
            ("forbidden", ""),
        ]
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session || !session.user) {
                throw new Error("Unauthorized");
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="authjs-or-check",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (session == null) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="authjs-loose-null-check",
    ),
    pytest.param(
        # A missing session never equals "admin": the comparison refuses it.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function banUser(userId: string) {
              const session = await auth();
              if (session?.user?.role !== "admin") {
                throw new Error("Forbidden");
              }
              await prisma.user.update({ where: { id: userId }, data: { banned: true } });
            }
            """),
        id="authjs-role-check",
    ),
    pytest.param(
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = (await auth()) ?? redirect("/login");
              await prisma.post.delete({ where: { id, authorId: session.user.id } });
            }
            """),
        id="authjs-nullish-redirect",
    ),
    pytest.param(
        ts("""
            "use server";
            import { getServerSession } from "next-auth";
            import { authOptions } from "@/lib/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await getServerSession(authOptions);
              if (!session?.user) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="next-auth-v4-getServerSession",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@clerk/nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { userId } = await auth();
              if (!userId) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: userId } });
            }
            """),
        id="clerk-auth-userId",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@clerk/nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              await auth.protect();
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="clerk-auth-protect",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@clerk/nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { userId } = (await auth()).protect();
              await prisma.post.delete({ where: { id, authorId: userId } });
            }
            """),
        id="clerk-auth-result-protect",
    ),
    pytest.param(
        # Clerk v5, where auth() was synchronous.
        ts("""
            "use server";
            import { auth } from "@clerk/nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { userId } = auth().protect();
              await prisma.post.delete({ where: { id, authorId: userId } });
            }
            """),
        id="clerk-v5-auth-protect",
    ),
    pytest.param(
        ts("""
            "use server";
            import { currentUser } from "@clerk/nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const user = await currentUser();
              if (!user) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="clerk-currentUser",
    ),
    pytest.param(
        ts("""
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
            """),
        id="supabase-getUser-destructured",
    ),
    pytest.param(
        ts("""
            "use server";
            import { createClient } from "@/utils/supabase/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const supabase = await createClient();
              const { data, error } = await supabase.auth.getUser();
              if (error || !data.user) {
                throw new Error("Unauthorized");
              }
              await prisma.post.delete({ where: { id, authorId: data.user.id } });
            }
            """),
        id="supabase-getUser-error-or-data",
    ),
    pytest.param(
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { createClient } from "@/utils/supabase/server";

            export async function deletePost(id: string) {
              const supabase = await createClient();
              const { data } = await supabase.auth.getClaims();
              if (!data?.claims) redirect("/login");
              await supabase.from("posts").delete().eq("id", id);
            }
            """),
        id="supabase-getClaims",
    ),
    pytest.param(
        ts("""
            "use server";
            import { headers } from "next/headers";
            import { auth } from "@/lib/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth.api.getSession({ headers: await headers() });
              if (!session) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: session.user.id } });
            }
            """),
        id="better-auth-getSession",
    ),
    pytest.param(
        ts("""
            "use server";
            import { validateRequest } from "@/lib/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { user } = await validateRequest();
              if (!user) {
                return { error: "Unauthorized" };
              }
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="lucia-validateRequest",
    ),
    pytest.param(
        ts("""
            "use server";
            import { getKindeServerSession } from "@kinde-oss/kinde-auth-nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { getUser } = getKindeServerSession();
              const user = await getUser();
              if (!user) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="kinde-getUser",
    ),
    pytest.param(
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { getKindeServerSession } from "@kinde-oss/kinde-auth-nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { isAuthenticated } = getKindeServerSession();
              if (!(await isAuthenticated())) {
                redirect("/api/auth/login");
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="kinde-isAuthenticated",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth0 } from "@/lib/auth0";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth0.getSession();
              if (!session) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: session.user.sub } });
            }
            """),
        id="auth0-getSession",
    ),
    pytest.param(
        ts("""
            "use server";
            import { withAuth } from "@workos-inc/authkit-nextjs";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { user } = await withAuth({ ensureSignedIn: true });
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="workos-withAuth-ensureSignedIn",
    ),
    pytest.param(
        ts("""
            "use server";
            import { withAuth } from "@workos-inc/authkit-nextjs";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { user } = await withAuth();
              if (!user) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="workos-withAuth-checked",
    ),
    pytest.param(
        ts("""
            "use server";
            import { cookies } from "next/headers";
            import { getIronSession } from "iron-session";
            import { sessionOptions, type SessionData } from "@/lib/session";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await getIronSession<SessionData>(await cookies(), sessionOptions);
              if (!session.userId) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id, authorId: session.userId } });
            }
            """),
        id="iron-session-userId",
    ),
    pytest.param(
        ts("""
            "use server";
            import { cookies } from "next/headers";
            import { redirect } from "next/navigation";
            import { getIronSession } from "iron-session";
            import { sessionOptions, type SessionData } from "@/lib/session";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await getIronSession<SessionData>(await cookies(), sessionOptions);
              if (!session.isLoggedIn) redirect("/login");
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="iron-session-isLoggedIn",
    ),
    pytest.param(
        ts("""
            "use server";
            import { stackServerApp } from "@/stack";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const user = await stackServerApp.getUser({ or: "throw" });
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="stack-getUser-or-throw",
    ),
    pytest.param(
        # The Next.js docs' Data Access Layer, as its Server Action example uses it.
        ts("""
            "use server";
            import { verifySession } from "@/app/lib/dal";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await verifySession();
              const userRole = session?.user?.role;
              if (userRole !== "admin") {
                return null;
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="nextjs-dal-verifySession",
    ),
    pytest.param(
        # `session.user` throws a TypeError for an anonymous caller before the delete runs.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              const userId = session.user.id;
              await prisma.post.delete({ where: { id, authorId: userId } });
            }
            """),
        id="implicit-dereference",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              await prisma.post.delete({ where: { id, authorId: session!.user.id } });
            }
            """),
        id="implicit-dereference-in-where",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              const { user } = session;
              await prisma.post.delete({ where: { id, authorId: user.id } });
            }
            """),
        id="implicit-destructuring",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              try {
                const session = await auth();
                if (!session) throw new Error("Unauthorized");
              } catch {
                return { error: "Unauthorized" };
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        id="check-in-try-catch-returns",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              try {
                const session = await auth();
                if (!session?.user) throw new Error("Unauthorized");
                await prisma.post.delete({ where: { id, authorId: session.user.id } });
              } catch (error) {
                return { error: String(error) };
              }
            }
            """),
        id="check-and-mutation-in-try",
    ),
    pytest.param(
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function savePost(formData: FormData) {
              const session = await auth();
              if (formData.get("intent") === "publish") {
                if (!session?.user) throw new Error("Sign in to publish");
              } else {
                if (!session) redirect("/login");
              }
              await prisma.post.update({
                where: { id: String(formData.get("id")) },
                data: { published: formData.get("intent") === "publish" },
              });
            }
            """),
        id="check-in-both-branches",
    ),
]


@pytest.mark.parametrize("source", GUARDS)
def test_guard_counts(project, source: str) -> None:  # type: ignore[no-untyped-def]
    assert project(source) == []


# -- 2. Not guards -----------------------------------------------------------------------

NOT_GUARDS = [
    pytest.param(
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF001", "deletePost", 5)],
        id="no-lookup",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              console.log("deleting", id, "for", session?.user?.email);
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 8)],
        id="lookup-without-check",
    ),
    pytest.param(
        # Prisma drops an `undefined` filter, so this deletes the post whoever owns it.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              await prisma.post.delete({ where: { id, authorId: session?.user?.id } });
            }
            """),
        [("GF004", "deletePost", 7)],
        id="optional-chain-into-where",
    ),
    pytest.param(
        # Not a session check: it lets an anonymous caller through whenever both sides are
        # undefined (say, a post with no author).
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              const post = await prisma.post.findUnique({ where: { id } });
              if (!post) return { error: "Not found" };
              if (post.authorId !== session?.user?.id) {
                throw new Error("Forbidden");
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 12)],
        id="ownership-comparison-with-optional-session",
    ),
    pytest.param(
        # The caller who skips the `if` never looked the session up: nothing was looked
        # up on every path to the update, so it is a missing lookup (GF001), not an
        # unchecked one.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function updatePost(formData: FormData) {
              if (formData.get("notify")) {
                const session = await auth();
                if (!session) throw new Error("Unauthorized");
              }
              await prisma.post.update({
                where: { id: String(formData.get("id")) },
                data: { title: String(formData.get("title")) },
              });
            }
            """),
        [("GF001", "updatePost", 10)],
        id="guard-only-inside-if",
    ),
    pytest.param(
        # Here every path looked the session up, but only one of them checks it.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function updatePost(formData: FormData) {
              const session = await auth();
              if (formData.get("notify")) {
                if (!session) throw new Error("Unauthorized");
              }
              await prisma.post.update({
                where: { id: String(formData.get("id")) },
                data: { title: String(formData.get("title")) },
              });
            }
            """),
        [("GF004", "updatePost", 10)],
        id="check-only-inside-if",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              await prisma.post.delete({ where: { id } });
              const session = await auth();
              if (!session) throw new Error("Unauthorized");
              await prisma.auditLog.create({ data: { action: "delete", postId: id } });
            }
            """),
        [("GF001", "deletePost", 6)],
        id="check-after-first-mutation",
    ),
    pytest.param(
        # getSession() reads the cookie without verifying it: Supabase says never to
        # trust it on the server, so it is no lookup at all.
        ts("""
            "use server";
            import { createClient } from "@/utils/supabase/server";

            export async function deletePost(id: string) {
              const supabase = await createClient();
              const {
                data: { session },
              } = await supabase.auth.getSession();
              if (!session) throw new Error("Unauthorized");
              await supabase.from("posts").delete().eq("id", id);
            }
            """),
        [("GF001", "deletePost", 10)],
        id="supabase-getSession",
    ),
    pytest.param(
        # Clerk's auth() returns an object; destructuring it never throws.
        ts("""
            "use server";
            import { auth } from "@clerk/nextjs/server";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const { userId } = await auth();
              console.log("delete", id, "by", userId);
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 8)],
        id="clerk-auth-unchecked",
    ),
    pytest.param(
        # With no ids the loop body never runs, and neither does its check.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePosts(ids: string[]) {
              for (const id of ids) {
                const session = await auth();
                if (!session) throw new Error("Unauthorized");
              }
              await prisma.post.deleteMany({ where: { id: { in: ids } } });
            }
            """),
        [("GF001", "deletePosts", 10)],
        id="check-inside-loop",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              try {
                if (!session) throw new Error("Unauthorized");
              } catch (e) {
                console.error(e);
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 12)],
        id="check-swallowed-by-catch",
    ),
    pytest.param(
        # The catch may start before anything in the try ran (`auth()` itself can
        # throw), so the lookup is not on every path to the delete: GF001.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              try {
                const session = await auth();
                if (!session) throw new Error("Unauthorized");
              } catch (e) {
                console.error(e);
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF001", "deletePost", 12)],
        id="lookup-and-check-swallowed-by-catch",
    ),
    pytest.param(
        # redirect() throws NEXT_REDIRECT; a catch-all swallows it and the action goes on.
        ts("""
            "use server";
            import { redirect } from "next/navigation";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              try {
                if (!session) redirect("/login");
              } catch (e) {
                console.error(e);
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 13)],
        id="redirect-swallowed-by-catch",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (!session) console.log("anonymous delete of", id);
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 8)],
        id="check-without-exit",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string) {
              const session = await auth();
              if (session) {
                return { error: "Already signed in" };
              }
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 10)],
        id="inverted-check",
    ),
]


@pytest.mark.parametrize(("source", "expected"), NOT_GUARDS)
def test_not_a_guard(project, source: str, expected: list[tuple[str, str, int]]) -> None:  # type: ignore[no-untyped-def]
    assert project(source) == expected


# -- 3. Helpers across files -------------------------------------------------------------

REQUIRE_USER = ts("""
    import { redirect } from "next/navigation";
    import { auth } from "@/auth";

    export async function requireUser() {
      const session = await auth();
      if (!session?.user) redirect("/login");
      return session.user;
    }
    """)

# Auth.js v5 as its docs set it up: `auth` comes out of a call, not a function we can read.
AUTHJS_CONFIG = ts("""
    import NextAuth from "next-auth";
    import GitHub from "next-auth/providers/github";

    export const { handlers, auth, signIn, signOut } = NextAuth({ providers: [GitHub] });
    """)

# iron-session as its Next.js example wraps it: the helper returns the session object.
IRON_SESSION = ts("""
    import { cookies } from "next/headers";
    import { getIronSession } from "iron-session";

    export type SessionData = { userId?: string; isLoggedIn: boolean };

    export async function getSession() {
      const session = await getIronSession<SessionData>(await cookies(), {
        password: process.env.SECRET_COOKIE_PASSWORD!,
        cookieName: "app-session",
      });
      return session;
    }
    """)

# Lucia v3 as its Next.js guide writes it; the cookie name is not a literal here.
LUCIA = ts("""
    import { cache } from "react";
    import { cookies } from "next/headers";
    import { Lucia, type Session, type User } from "lucia";
    import { adapter } from "@/lib/db";

    export const lucia = new Lucia(adapter, { sessionCookie: { attributes: { secure: true } } });

    export const validateRequest = cache(
      async (): Promise<{ user: User; session: Session } | { user: null; session: null }> => {
        const sessionId = (await cookies()).get(lucia.sessionCookieName)?.value ?? null;
        if (!sessionId) {
          return { user: null, session: null };
        }
        return await lucia.validateSession(sessionId);
      },
    );
    """)

GET_CURRENT_USER = ts("""
    import { cookies } from "next/headers";
    import { prisma } from "@/lib/prisma";

    export async function getCurrentUser() {
      const token = (await cookies()).get("session")?.value;
      if (!token) return null;
      const session = await prisma.session.findUnique({
        where: { token },
        include: { user: true },
      });
      return session?.user ?? null;
    }
    """)


def action_using(import_line: str, *body: str, name: str = "deletePost") -> str:
    """app/actions.ts: an action that runs `body`, then deletes (line 6 + len(body))."""
    lines = "\n".join(f"  {line}" for line in body)
    return (
        '"use server";\n'
        f"{import_line}\n"
        'import { prisma } from "@/lib/prisma";\n'
        "\n"
        f"export async function {name}(id: string) {{\n"
        f"{lines}\n"
        "  await prisma.post.delete({ where: { id } });\n"
        "}\n"
    )


HELPERS = [
    pytest.param(
        {
            "lib/auth-guard.ts": REQUIRE_USER,
            "app/actions.ts": action_using(
                'import { requireUser } from "../lib/auth-guard";', "await requireUser();"
            ),
        },
        [],
        id="requireUser-relative-import",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "auth.ts": AUTHJS_CONFIG,
            "lib/auth-guard.ts": REQUIRE_USER,
            "app/actions.ts": action_using(
                'import { requireUser } from "@/lib/auth-guard";', "await requireUser();"
            ),
        },
        [],
        id="requireUser-tsconfig-alias",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/session.ts": GET_CURRENT_USER,
            "app/actions.ts": action_using(
                'import { getCurrentUser } from "@/lib/session";',
                "const user = await getCurrentUser();",
                'if (!user) throw new Error("Unauthorized");',
            ),
        },
        [],
        id="getCurrentUser-checked",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/session.ts": GET_CURRENT_USER,
            "app/actions.ts": action_using(
                'import { getCurrentUser } from "@/lib/session";',
                "const user = await getCurrentUser();",
                'console.log("delete", id, "by", user?.email);',
            ),
        },
        [("GF004", "deletePost", 8)],
        id="getCurrentUser-unchecked",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/session.ts": IRON_SESSION,
            "app/actions.ts": action_using(
                'import { getSession } from "@/lib/session";',
                "const session = await getSession();",
                'if (!session.isLoggedIn) throw new Error("Unauthorized");',
            ),
        },
        [],
        id="iron-session-helper-checked",
    ),
    pytest.param(
        # The helper returns iron-session's object, which exists for everyone: reading
        # `session.userId` off it never throws.
        {
            "tsconfig.json": TSCONFIG,
            "lib/session.ts": IRON_SESSION,
            "app/actions.ts": action_using(
                'import { getSession } from "@/lib/session";',
                "const session = await getSession();",
                'console.log("delete", id, "by", session.userId);',
            ),
        },
        [("GF004", "deletePost", 8)],
        id="iron-session-helper-unchecked",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/auth.ts": LUCIA,
            "app/actions.ts": action_using(
                'import { validateRequest } from "@/lib/auth";',
                "const { user } = await validateRequest();",
                'if (!user) return { error: "Unauthorized" };',
            ),
        },
        [],
        id="lucia-project-validateRequest-checked",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/auth.ts": LUCIA,
            "app/actions.ts": action_using(
                'import { validateRequest } from "@/lib/auth";',
                "const { user } = await validateRequest();",
                'console.log("delete", id, "by", user?.id);',
            ),
        },
        [("GF004", "deletePost", 8)],
        id="lucia-project-validateRequest-unchecked",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/auth-guard.ts": ts("""
                export async function requireAuth() {
                  // TODO: check the session once sign-in ships
                  return;
                }
                """),
            "app/actions.ts": action_using(
                'import { requireAuth } from "@/lib/auth-guard";', "await requireAuth();"
            ),
        },
        [("GF001", "deletePost", 7)],
        id="requireAuth-that-checks-nothing",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/auth-guard.ts": ts("""
                import { auth } from "@/auth";

                export async function requireAuth() {
                  const session = await auth();
                  return session;
                }
                """),
            "app/actions.ts": action_using(
                'import { requireAuth } from "@/lib/auth-guard";', "await requireAuth();"
            ),
        },
        [("GF004", "deletePost", 7)],
        id="requireAuth-that-only-looks-up",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "app/lib/dal.ts": ts("""
                import "server-only";
                import { cache } from "react";
                import { cookies } from "next/headers";
                import { redirect } from "next/navigation";
                import { decrypt } from "@/app/lib/session";

                export const verifySession = cache(async () => {
                  const cookie = (await cookies()).get("session")?.value;
                  const session = await decrypt(cookie);
                  if (!session?.userId) {
                    redirect("/login");
                  }
                  return { isAuth: true, userId: session.userId };
                });
                """),
            "app/actions.ts": action_using(
                'import { verifySession } from "@/app/lib/dal";', "await verifySession();"
            ),
        },
        [],
        id="nextjs-dal-cached-verifySession",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/auth/guard.ts": REQUIRE_USER,
            "lib/auth/index.ts": 'export * from "./guard";\n',
            "app/actions.ts": action_using(
                'import { requireUser } from "@/lib/auth";', "await requireUser();"
            ),
        },
        [],
        id="requireUser-export-star",
    ),
    pytest.param(
        {
            "lib/auth/guard.ts": REQUIRE_USER,
            "lib/auth/index.ts": 'export { requireUser } from "./guard";\n',
            "app/actions.ts": action_using(
                'import { requireUser } from "../lib/auth";', "await requireUser();"
            ),
        },
        [],
        id="requireUser-named-reexport",
    ),
    pytest.param(
        {
            "app/actions.ts": action_using(
                'import { requireUser } from "some-pkg";', "await requireUser();"
            ),
        },
        [("GF001", "deletePost", 7)],
        id="unresolvable-package-import",
    ),
]


@pytest.mark.parametrize(("files", "expected"), HELPERS)
def test_helpers_across_files(  # type: ignore[no-untyped-def]
    project, files: dict[str, str], expected: list[tuple[str, str, int]]
) -> None:
    assert project(files, path="app/actions.ts") == expected


# -- 4. Built actions ----------------------------------------------------------------------

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

    export const loggedActionClient = actionClient.use(async ({ next, clientInput }) => {
      console.log("action input", clientInput);
      return next();
    });
    """)


def safe_action(client: str, schema_method: str = "inputSchema") -> str:
    """A next-safe-action action built on `client`; the delete is on line 10."""
    return ts(f"""
        "use server";
        import {{ z }} from "zod";
        import {{ {client} }} from "@/lib/safe-action";
        import {{ prisma }} from "@/lib/prisma";

        export const deletePost = {client}
          .{schema_method}(z.object({{ id: z.string() }}))
          .action(async ({{ parsedInput }}) => {{
            const {{ id }} = parsedInput;
            await prisma.post.delete({{ where: {{ id }} }});
          }});
        """)


PROCEDURES = ts("""
    import { createServerActionProcedure } from "zsa";
    import { auth } from "@/auth";

    export const authedProcedure = createServerActionProcedure().handler(async () => {
      const session = await auth();
      if (!session?.user) throw new Error("Unauthorized");
      return { user: session.user };
    });
    """)

WRAPPERS = ts("""
    import { auth } from "@/auth";

    export function withAuth<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
      return async (...args: A): Promise<R> => {
        const session = await auth();
        if (!session) throw new Error("Unauthorized");
        return fn(...args);
      };
    }

    export function withLogging<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
      return async (...args: A): Promise<R> => {
        console.log("server action called");
        return fn(...args);
      };
    }
    """)


def wrapped_action(wrapper: str) -> str:
    """An action wrapped in a project function; the delete is on line 6."""
    return ts(f"""
        "use server";
        import {{ {wrapper} }} from "@/lib/wrappers";
        import {{ prisma }} from "@/lib/prisma";

        export const deletePost = {wrapper}(async (id: string) => {{
          await prisma.post.delete({{ where: {{ id }} }});
        }});
        """)


BUILT = [
    pytest.param(
        {"lib/safe-action.ts": SAFE_ACTION_CLIENTS, "app/actions.ts": safe_action("actionClient")},
        [("GF001", "deletePost", 10)],
        id="next-safe-action-public-client",
    ),
    pytest.param(
        {
            "lib/safe-action.ts": SAFE_ACTION_CLIENTS,
            "app/actions.ts": safe_action("authActionClient"),
        },
        [],
        id="next-safe-action-authed-client-inputSchema",
    ),
    pytest.param(
        {
            "lib/safe-action.ts": SAFE_ACTION_CLIENTS,
            "app/actions.ts": safe_action("authActionClient", "schema"),
        },
        [],
        id="next-safe-action-authed-client-schema",
    ),
    pytest.param(
        {
            "lib/safe-action.ts": SAFE_ACTION_CLIENTS,
            "app/actions.ts": safe_action("loggedActionClient", "schema"),
        },
        [("GF001", "deletePost", 10)],
        id="next-safe-action-middleware-without-check",
    ),
    pytest.param(
        {
            "lib/procedures.ts": PROCEDURES,
            "app/actions.ts": ts("""
                "use server";
                import { z } from "zod";
                import { authedProcedure } from "@/lib/procedures";
                import { prisma } from "@/lib/prisma";

                export const deletePost = authedProcedure
                  .createServerAction()
                  .input(z.object({ id: z.string() }))
                  .handler(async ({ input, ctx }) => {
                    await prisma.post.delete({ where: { id: input.id, authorId: ctx.user.id } });
                  });
                """),
        },
        [],
        id="zsa-authed-procedure",
    ),
    pytest.param(
        {
            "app/actions.ts": ts("""
                "use server";
                import { z } from "zod";
                import { createServerAction } from "zsa";
                import { prisma } from "@/lib/prisma";

                export const deletePost = createServerAction()
                  .input(z.object({ id: z.string() }))
                  .handler(async ({ input }) => {
                    await prisma.post.delete({ where: { id: input.id } });
                  });
                """),
        },
        [("GF001", "deletePost", 9)],
        id="zsa-plain-createServerAction",
    ),
    pytest.param(
        {"lib/wrappers.ts": WRAPPERS, "app/actions.ts": wrapped_action("withAuth")},
        [],
        id="wrapper-that-checks",
    ),
    pytest.param(
        {"lib/wrappers.ts": WRAPPERS, "app/actions.ts": wrapped_action("withLogging")},
        [("GF001", "deletePost", 6)],
        id="wrapper-without-check",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BUILT)
def test_built_actions(  # type: ignore[no-untyped-def]
    project, files: dict[str, str], expected: list[tuple[str, str, int]]
) -> None:
    assert project({"tsconfig.json": TSCONFIG, **files}, path="app/actions.ts") == expected


# -- 5. Public by design -------------------------------------------------------------------

# The project files the public cases import: the auth library's objects, made by its calls.
SUPABASE_SERVER = ts("""
    import { createServerClient } from "@supabase/ssr";
    import { cookies } from "next/headers";

    export async function createClient() {
      const store = await cookies();
      return createServerClient(process.env.URL!, process.env.KEY!, {
        cookies: { getAll: () => store.getAll() },
      });
    }
    """)
BETTER_AUTH = ts("""
    import { betterAuth } from "better-auth";

    export const auth = betterAuth({ emailAndPassword: { enabled: true } });
    """)


def with_files(source: str, **files: str) -> dict[str, str]:
    """The action in app/actions.ts beside the project files it imports through `@/`."""
    return {"app/actions.ts": source, "tsconfig.json": TSCONFIG, **files}


PUBLIC = [
    pytest.param(
        ts("""
            "use server";
            import bcrypt from "bcryptjs";
            import { signIn } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function signUp(formData: FormData) {
              const email = String(formData.get("email"));
              const password = String(formData.get("password"));
              const passwordHash = await bcrypt.hash(password, 12);
              await prisma.user.create({ data: { email, passwordHash } });
              await signIn("credentials", { email, password, redirectTo: "/dashboard" });
            }
            """),
        [],
        id="credentials-sign-up-then-signIn",
    ),
    pytest.param(
        with_files(
            ts("""
                "use server";
                import { createClient } from "@/utils/supabase/server";

                export async function signUp(formData: FormData) {
                  const supabase = await createClient();
                  const email = String(formData.get("email"));
                  const { error } = await supabase.auth.signUp({
                    email,
                    password: String(formData.get("password")),
                  });
                  if (error) return { error: error.message };
                  await supabase.from("waitlist").delete().eq("email", email);
                }
                """),
            **{"utils/supabase/server.ts": SUPABASE_SERVER},
        ),
        [],
        id="supabase-signUp",
    ),
    pytest.param(
        with_files(
            ts("""
                "use server";
                import { createClient } from "@/utils/supabase/server";
                import { prisma } from "@/lib/prisma";

                export async function requestPasswordReset(formData: FormData) {
                  const supabase = await createClient();
                  const email = String(formData.get("email"));
                  await supabase.auth.resetPasswordForEmail(email, {
                    redirectTo: "https://example.com/account/update-password",
                  });
                  await prisma.auditLog.create({ data: { event: "password-reset", email } });
                }
                """),
            **{"utils/supabase/server.ts": SUPABASE_SERVER},
        ),
        [],
        id="supabase-resetPasswordForEmail",
    ),
    pytest.param(
        with_files(
            ts("""
                "use server";
                import { auth } from "@/lib/auth";
                import { prisma } from "@/lib/prisma";

                export async function signUp(formData: FormData) {
                  const { user } = await auth.api.signUpEmail({
                    body: {
                      name: String(formData.get("name")),
                      email: String(formData.get("email")),
                      password: String(formData.get("password")),
                    },
                  });
                  await prisma.profile.create({ data: { userId: user.id } });
                }
                """),
            **{"lib/auth.ts": BETTER_AUTH},
        ),
        [],
        id="better-auth-signUpEmail",
    ),
    pytest.param(
        ts("""
            "use server";
            import { revalidatePath } from "next/cache";
            import { redirect } from "next/navigation";

            export async function refreshPosts() {
              revalidatePath("/posts");
              redirect("/posts");
            }
            """),
        [],
        id="revalidate-and-redirect-only",
    ),
    pytest.param(
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";

            // guardfix-ignore GF001: public contact form
            export async function sendMessage(formData: FormData) {
              await prisma.message.create({
                data: { email: String(formData.get("email")), body: String(formData.get("body")) },
              });
            }
            """),
        [],
        id="suppressed-with-reason",
    ),
    pytest.param(
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";

            // guardfix-ignore GF001
            export async function sendMessage(formData: FormData) {
              await prisma.message.create({
                data: { email: String(formData.get("email")), body: String(formData.get("body")) },
              });
            }
            """),
        [("GF001", "sendMessage", 6)],
        id="suppression-without-reason",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PUBLIC)
def test_public_by_design(project, source: str, expected: list[tuple[str, str, int]]) -> None:  # type: ignore[no-untyped-def]
    assert project(source) == expected


# -- 6. Promises: an async lookup or guard only counts when awaited -----------------------

AWAITING = [
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const session = auth();
              if (!session) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 7)],
        id="auth-without-await",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";

            async function requireUser() {
              const session = await auth();
              if (!session) throw new Error("Unauthorized");
              return session.user;
            }

            export async function deletePost(id: string) {
              requireUser();
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 12)],
        id="async-guard-helper-without-await",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";

            function requireUserSync(session: unknown) {
              if (!session) throw new Error("Unauthorized");
            }

            export async function deletePost(id: string) {
              const session = await auth();
              requireUserSync(session);
              await prisma.post.delete({ where: { id } });
            }
            """),
        [],
        id="sync-guard-helper-needs-no-await",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const [session, post] = await Promise.all([auth(), prisma.post.findUnique({ where: { id } })]);
              if (!session) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id: post!.id } });
            }
            """),
        [],
        id="promise-all-destructured",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const [post, session] = await Promise.all([prisma.post.findUnique({ where: { id } }), auth()]);
              if (!post) throw new Error("Not found");
              await prisma.post.delete({ where: { id } });
            }
            """),
        [("GF004", "deletePost", 7)],
        id="promise-all-checks-the-wrong-element",
    ),
]


AWAITING += [
    pytest.param(
        ts("""
            "use server";
            import { getServerSession } from "next-auth";

            const getAuthSession = () => {
              const session = getServerSession(authOptions);
              return session;
            };

            export async function deletePost(id: string) {
              const session = await getAuthSession();
              if (!session?.user) return;
              await prisma.post.delete({ where: { id } });
            }
            """),
        [],
        id="helper-returns-the-promise-and-the-caller-awaits",
    ),
    pytest.param(
        ts("""
            "use server";
            import { auth } from "@/auth";

            export async function deletePost(id: string) {
              const pending = auth();
              const session = await pending;
              if (!session) throw new Error("Unauthorized");
              await prisma.post.delete({ where: { id } });
            }
            """),
        [],
        id="promise-kept-then-awaited",
    ),
]


@pytest.mark.parametrize(("source", "expected"), AWAITING)
def test_awaiting(project, source: str, expected: list[tuple[str, str, int]]) -> None:  # type: ignore[no-untyped-def]
    assert project(source, path="app/actions/posts.ts") == expected


def test_unawaited_lookup_is_named_in_the_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_on_files

    report = run_on_files(tmp_path, {"app/actions/posts.ts": AWAITING[0].values[0]})
    (finding,) = [f for f in report.findings if f.rule == "GF004"]
    assert "`auth()` is called without `await`" in finding.message


# -- 7. A session handed to a helper: the helper's check counts, its mere use does not ----

PASSED_SESSION = [
    pytest.param(
        {
            "lib/assert.ts": ts("""
                export function assertUser<T>(user: T | null): asserts user is T {
                  if (!user) throw new Error("Unauthorized");
                }
                """),
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth } from "@/auth";
                import { assertUser } from "../../lib/assert";

                export async function deletePost(id: string) {
                  const session = await auth();
                  assertUser(session?.user);
                  await prisma.post.delete({ where: { id } });
                }
                """),
        },
        [],
        id="assert-helper-checks-what-it-is-given",
    ),
    pytest.param(
        {
            "lib/log.ts": ts("""
                export function logSession(session: { userId?: string }) {
                  console.log("caller", session.userId);
                }
                """),
            "app/actions/posts.ts": ts("""
                "use server";
                import { cookies } from "next/headers";
                import { getIronSession } from "iron-session";
                import { logSession } from "../../lib/log";

                export async function deletePost(id: string) {
                  const session = await getIronSession<{ userId?: string }>(await cookies(), opts);
                  logSession(session);
                  await prisma.post.delete({ where: { id } });
                }
                """),
        },
        [("GF004", "deletePost", 9)],
        id="helper-that-only-reads-an-iron-session-object",
    ),
]


@pytest.mark.parametrize(("files", "expected"), PASSED_SESSION)
def test_session_passed_to_helpers(project, files: dict[str, str], expected: list) -> None:  # type: ignore[no-untyped-def]
    assert project(files, path="app/actions/posts.ts") == expected


# -- 8. Patterns seen in public repositories --------------------------------------------

REAL_WORLD = [
    pytest.param(
        {
            "lib/session.ts": ts("""
                import { cookies } from "next/headers";
                export async function getCurrentSession() {
                  const token = (await cookies()).get("session")?.value ?? null;
                  if (token === null) return { session: null, user: null };
                  return validateSessionToken(token);
                }
                """),
            "app/actions/posts.ts": ts("""
                "use server";
                import { getCurrentSession } from "../../lib/session";
                export async function deletePost(id: string) {
                  const { user } = await getCurrentSession();
                  if (user === null) throw new Error("Unauthorized");
                  await db.note.delete({ where: { id, userId: user.id } });
                }
                """),
        },
        [],
        id="lucia-helper-returns-an-object-of-nulls",
    ),
    pytest.param(
        {
            "lib/auth.ts": ts("""
                import { auth } from "@/auth";
                export async function baseRequireUser() {
                  const session = await auth();
                  if (!session) throw new Error("Unauthorized");
                  return session.user;
                }
                """),
            "lib/cached.ts": ts("""
                import { cache } from "react";
                import { baseRequireUser } from "./auth";
                export const requireUser = cache(baseRequireUser);
                """),
            "app/actions/posts.ts": ts("""
                "use server";
                import { requireUser } from "../../lib/cached";
                export async function deletePost(id: string) {
                  await requireUser();
                  await db.note.delete({ where: { id } });
                }
                """),
        },
        [],
        id="cache-of-an-imported-guard",
    ),
    pytest.param(
        {
            "lib/client.ts": ts("""
                import { createSafeActionClient } from "next-safe-action";
                import { auth } from "@/auth";
                export const authAction = createSafeActionClient({
                  middleware: async () => {
                    const session = await auth();
                    if (!session?.user) throw new Error("Unauthorized");
                    return { user: session.user };
                  },
                });
                """),
            "app/actions/posts.ts": ts("""
                "use server";
                import { authAction } from "../../lib/client";
                export const createPost = authAction(schema, async ({ title }, { user }) => {
                  await db.insert(posts).values({ title, userId: user.id });
                });
                """),
        },
        [],
        id="next-safe-action-v6-middleware",
    ),
    pytest.param(
        {
            "packages/auth/server.ts": 'export * from "@clerk/nextjs/server";\n',
            "tsconfig.json": '{ "compilerOptions": { "paths": { "@repo/auth/*": ["./packages/auth/*"] } } }\n',
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth } from "@repo/auth/server";
                export async function createPage(name: string) {
                  const { orgId } = await auth();
                  await database.page.create({ data: { name, orgId } });
                }
                """),
        },
        [("GF004", "createPage", 5)],
        id="clerk-auth-re-exported-by-the-project",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth } from "firebase-admin";
                export async function removeUser(uid: string) {
                  await auth().deleteUser(uid);
                  await db.user.delete({ where: { id: uid } });
                }
                """),
        },
        [("GF001", "removeUser", 5)],
        id="firebase-admin-auth-is-no-session-lookup",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth as clerkAuth } from "@clerk/nextjs/server";
                export async function deletePost(id: string) {
                  const { userId } = await clerkAuth.protect();
                  await db.note.delete({ where: { id, userId } });
                }
                """),
        },
        [],
        id="aliased-clerk-protect",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth } from "@/auth";
                export async function deletePost(id: string) {
                  const session = await auth();
                  const isAdmin = session?.user?.role === "ADMIN";
                  if (!isAdmin) return { error: "forbidden" };
                  await db.note.delete({ where: { id } });
                }
                """),
        },
        [],
        id="session-boolean-in-a-variable",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth } from "@/auth";
                export async function deletePost(id: string) {
                  const session = await auth();
                  if (typeof session?.user?.id !== "string") throw new Error("Unauthorized");
                  await db.note.delete({ where: { id } });
                }
                """),
        },
        [],
        id="typeof-check",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { cookies } from "next/headers";
                import { getIronSession } from "iron-session";
                export async function login(formData: FormData) {
                  const session = await getIronSession<{ isLoggedIn?: boolean }>(await cookies(), opts);
                  session.isLoggedIn = true;
                  await session.save();
                }
                """),
        },
        [],
        id="iron-session-save-is-a-cookie-not-a-mutation",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth, clerkClient } from "@clerk/nextjs/server";
                export async function setTheme(theme: string) {
                  const { userId } = await auth();
                  await (await clerkClient()).users.updateUserMetadata(userId!, { publicMetadata: { theme } });
                }
                """),
        },
        [],
        id="clerk-update-of-the-callers-own-account",
    ),
]


@pytest.mark.parametrize(("files", "expected"), REAL_WORLD)
def test_real_world_patterns(project, files: dict[str, str], expected: list) -> None:  # type: ignore[no-untyped-def]
    assert project(files, path="app/actions/posts.ts") == expected
