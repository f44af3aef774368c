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
def test_guard_counts(project, source: str) -> None:
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
def test_not_a_guard(project, source: str, expected: list[tuple[str, str, int]]) -> None:
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
            "lib/auth-guard.ts": REQUIRE_USER,
            "app/actions.ts": action_using(
                'import * as guards from "../lib/auth-guard";', "await guards.requireUser();"
            ),
        },
        [],
        id="requireUser-through-a-namespace-import",
    ),
    *(
        pytest.param(
            {
                "lib/pg-notes.ts": ts("""
                    import { prisma } from "./prisma";
                    export const pgNotes = {
                      remove: async (id: string) => {
                        await prisma.note.delete({ where: { id } });
                      },
                    };
                    """),
                "lib/repository.ts": 'import { pgNotes } from "./pg-notes";\nexport const notes = pgNotes;\n',
                "app/actions.ts": ts(f"""
                    "use server";
                    import {{ notes }} from "../lib/repository";
                    import {{ auth }} from "@/auth";
                    export async function removeNote(id: string) {{
                      {check}
                      await notes.remove(id);
                    }}
                    """),
            },
            expected,
            id=f"repository-object-behind-an-alias-{name}",
        )
        for name, check, expected in [
            ("unchecked", "console.log(id);", [("GF001", "removeNote", 6)]),
            ("checked", 'if (!(await auth())) throw new Error("No");', []),
        ]
    ),
    pytest.param(
        {
            "lib/auth-guard.ts": REQUIRE_USER,
            "app/actions.ts": action_using(
                'import * as guards from "../lib/auth-guard";', "await guards.missing();"
            ),
        },
        [("GF001", "deletePost", 7)],
        id="namespace-import-of-a-name-it-does-not-export",
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
def test_helpers_across_files(
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


# A middleware that looks the session up and hands it on in `ctx` without checking it.
CTX_CLIENT = ts("""
    import { createSafeActionClient } from "next-safe-action";
    import { auth } from "@/auth";

    export const sessionClient = createSafeActionClient().use(async ({ next }) => {
      const session = await auth();
      return next({ ctx: { userId: session?.user?.id ?? null, requestId: crypto.randomUUID() } });
    });
    """)


def ctx_action(check: str) -> str:
    """An action of `sessionClient` that runs `check` first; the delete is on line 8."""
    return ts(f"""
        "use server";
        import {{ z }} from "zod";
        import {{ sessionClient }} from "@/lib/safe-action";

        export const deletePost = sessionClient
          .inputSchema(z.object({{ id: z.string() }}))
          .action(async ({{ parsedInput, ctx }}) => {{ {check}
            await prisma.post.delete({{ where: {{ id: parsedInput.id }} }});
          }});
        """)


BUILT += [
    pytest.param(
        {
            "lib/safe-action.ts": CTX_CLIENT,
            "app/actions.ts": ctx_action('if (!ctx.userId) throw new Error("Unauthorized");'),
        },
        [],
        id="action-checks-the-session-its-middleware-hands-on",
    ),
    pytest.param(
        {"lib/safe-action.ts": CTX_CLIENT, "app/actions.ts": ctx_action("")},
        [("GF001", "deletePost", 8)],
        id="action-ignores-the-session-its-middleware-hands-on",
    ),
    pytest.param(
        {
            "lib/safe-action.ts": CTX_CLIENT,
            "app/actions.ts": ctx_action('if (!ctx.requestId) throw new Error("No request");'),
        },
        [("GF001", "deletePost", 8)],
        id="action-checks-something-else-in-ctx",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BUILT)
def test_built_actions(
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
def test_public_by_design(project, source: str, expected: list[tuple[str, str, int]]) -> None:
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
def test_awaiting(project, source: str, expected: list[tuple[str, str, int]]) -> None:
    assert project(source, path="app/actions/posts.ts") == expected


def test_unawaited_lookup_is_named_in_the_message(tmp_path) -> None:
    from tests.conftest import run_on_files

    source = AWAITING[0].values[0]
    assert isinstance(source, str)
    report = run_on_files(tmp_path, {"app/actions/posts.ts": source})
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


ROLE_CHECKS = ts("""
    export function isStaff(session: { user?: { roles: string[] } } | null) {
      return ["admin", "moderator"].some((role) => session?.user?.roles.includes(role));
    }

    export function isOwner(session: { user?: { id: string } } | null, ownerId?: string) {
      return Boolean(ownerId && session?.user?.id && ownerId === session.user.id);
    }

    export function isOtherThan(session: { user?: { id: string } } | null, ids: string[]) {
      return ids.some((id) => id !== session?.user?.id);
    }
    """)


def role_checked(condition: str) -> dict[str, str]:
    """An action whose only check is `condition` on the session; the delete is on line 8."""
    return {
        "lib/roles.ts": ROLE_CHECKS,
        "app/actions/posts.ts": ts(f"""
            "use server";
            import {{ auth }} from "@/auth";
            import {{ isStaff, isOwner, isOtherThan }} from "../../lib/roles";

            export async function deletePost(id: string, authorId: string) {{
              const session = await auth();
              if ({condition}) throw new Error("Forbidden");
              await prisma.post.delete({{ where: {{ id }} }});
            }}
            """),
    }


PASSED_SESSION += [
    pytest.param(
        role_checked("!isOwner(session, authorId) && !isStaff(session)"),
        [],
        id="some-and-boolean-helpers-false-without-a-session",
    ),
    pytest.param(
        role_checked("!isOtherThan(session, [authorId])"),
        [("GF004", "deletePost", 8)],
        id="some-whose-callback-passes-without-a-session",
    ),
]


@pytest.mark.parametrize(("files", "expected"), PASSED_SESSION)
def test_session_passed_to_helpers(project, files: dict[str, str], expected: list) -> None:
    assert project(files, path="app/actions/posts.ts") == expected


# -- Guest sessions -----------------------------------------------------------------------

# A guarded action of the project that turns guest sessions away before it writes.
GUEST_REFUSED = ts("""
    "use server";
    import { auth } from "@/auth";

    export async function saveNote(text: string) {
      const session = await auth();
      if (!session?.user?.id || session.user.type === "guest") throw new Error("Sign up first");
      await prisma.note.create({ data: { text, ownerId: session.user.id } });
    }
    """)


def guest_project(check: str, *more: str, refused: str = GUEST_REFUSED) -> dict[str, str]:
    """`archiveNote` checking `check` (then `more`), beside a file of guarded actions; the
    write is on line 8 (plus one per line of `more`)."""
    lines = "".join(f"  {line}\n" for line in more)
    return {
        "app/notes/actions.ts": refused,
        "lib/members.ts": ts("""
            import { auth } from "@/auth";

            export async function requireMember() {
              const session = await auth();
              if (!session?.user || session.user.isAnonymous) throw new Error("Members only");
              return session.user;
            }
            """),
        "app/actions/posts.ts": (
            '"use server";\nimport { auth } from "@/auth";\n'
            'import { requireMember } from "../../lib/members";\n\n'
            "export async function archiveNote(id: string) {\n"
            "  const session = await auth();\n"
            f'  if ({check}) throw new Error("Unauthorized");\n'
            + lines
            + "  await prisma.note.update({ where: { id, ownerId: session.user.id }, "
            "data: { archived: true } });\n}\n"
        ),
    }


GUEST_SESSIONS = [
    pytest.param(
        guest_project("!session?.user?.id"),
        [("GF004", "archiveNote", 8)],
        id="guest-passes-a-check-on-the-user-id",
    ),
    pytest.param(
        guest_project("!session"),
        [("GF004", "archiveNote", 8)],
        id="guest-passes-a-check-on-the-session",
    ),
    pytest.param(
        guest_project(
            "!session?.user",
            refused=GUEST_REFUSED.replace(
                'session.user.type === "guest"', "session.user.isAnonymous"
            ),
        ),
        [("GF004", "archiveNote", 8)],
        id="anonymous-user-passes-a-check-on-the-user",
    ),
    pytest.param(
        guest_project('!session?.user?.id || session.user.type === "guest"'),
        [],
        id="guest-turned-away-as-the-project-does",
    ),
    pytest.param(
        guest_project("!session?.user?.id", "await requireMember();"),
        [],
        id="guest-turned-away-by-a-project-helper",
    ),
    pytest.param(
        guest_project('!session?.user?.id || session.user.role !== "editor"'),
        [],
        id="role-checked-a-guest-has-no-role",
    ),
    pytest.param(
        guest_project(
            "!session?.user?.id",
            refused=GUEST_REFUSED.replace('session.user.type === "guest"', 'text === "guest"'),
        ),
        [],
        id="guest-in-a-string-that-is-no-session",
    ),
    pytest.param(
        # Only a helper asks about guests; the project's actions do not turn them away.
        {
            **guest_project("!session?.user?.id"),
            "app/notes/actions.ts": GUEST_REFUSED.replace(' || session.user.type === "guest"', ""),
        },
        [],
        id="guests-turned-away-by-no-guarded-action",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GUEST_SESSIONS)
def test_guest_sessions(project, files: dict[str, str], expected: list) -> None:
    assert project(files, path="app/actions/posts.ts") == expected


# -- 8. Patterns seen in public repositories --------------------------------------------

REAL_WORLD = [
    # The caller's own session row, found by the session cookie it sent: `get` taken off
    # the cookie store, the cookie named by a project constant. No cookie, no write.
    *(
        pytest.param(
            {
                "lib/names.ts": f'export const {name} = "{cookie}";\n',
                "app/actions/posts.ts": ts(f"""
                    "use server";
                    import {{ cookies }} from "next/headers";
                    import {{ {name} }} from "../../lib/names";
                    export async function dropExpired() {{
                      const {{ get: readCookie }} = await cookies();
                      const token = readCookie({name})?.value;
                      if (!token) return null;
                      await db.authSession.delete({{ where: {{ id: token }} }});
                    }}
                    """),
            },
            expected,
            id=id,
        )
        for name, cookie, expected, id in (
            ("SID_COOKIE", "sid", [], "session-row-by-a-named-cookie-taken-off-the-store"),
            # A theme cookie says nothing about who is calling.
            ("LOOK", "theme", [("GF001", "dropExpired", 8)], "row-by-a-named-cookie-not-session"),
        )
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { cookies } from "next/headers";
                const SID = "sid";
                export async function dropExpired() {
                  const store = await cookies();
                  const token = store.get(SID)?.value;
                  if (!token) return null;
                  await db.authSession.delete({ where: { id: token } });
                }
                """),
        },
        [],
        id="session-row-by-a-cookie-named-in-the-file",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { cookies } from "next/headers";
                let SID = "sid";
                export async function dropExpired() {
                  const store = await cookies();
                  const token = store.get(SID)?.value;
                  if (!token) return null;
                  await db.authSession.delete({ where: { id: token } });
                }
                """),
        },
        [("GF001", "dropExpired", 8)],
        id="cookie-named-by-a-variable-that-may-change",
    ),
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
    *(
        pytest.param(
            {
                "lib/client.ts": ts(f"""
                    import {{ createSafeActionClient }} from "next-safe-action";
                    import {{ auth }} from "@/auth";
                    export const authAction = createSafeActionClient({{
                      async middleware() {{
                        const session = await auth();
                        {check}
                        return {{ user: session?.user }};
                      }},
                    }});
                    """),
                "app/actions/posts.ts": ts("""
                    "use server";
                    import { authAction } from "../../lib/client";
                    export const createPost = authAction(schema, async ({ title }) => {
                      await db.insert(posts).values({ title });
                    });
                    """),
            },
            expected,
            id=f"next-safe-action-v6-middleware-method-{name}",
        )
        for name, check, expected in [
            ("that-checks", 'if (!session?.user) throw new Error("Unauthorized");', []),
            ("that-checks-nothing", "console.log(session);", [("GF001", "createPost", 4)]),
        ]
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
        [("GF001", "removeUser", 4)],
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


def better_auth_action(check: str) -> dict[str, str]:
    """Better Auth's session destructured from `response ?? {}`; the delete is on line 9."""
    return {
        "app/actions/posts.ts": ts(f"""
            "use server";
            import {{ headers }} from "next/headers";
            import {{ auth }} from "@/lib/auth";
            export async function deletePost(id: string) {{
              const response = await auth.api.getSession({{ headers: await headers() }});
              const {{ session, user }} = response ?? {{}};
              {check}
              console.log(user);
              await db.note.delete({{ where: {{ id }} }});
            }}
            """),
    }


REAL_WORLD += [
    pytest.param(
        better_auth_action('if (!session) throw new Error("Unauthorized");'),
        [],
        id="destructured-from-an-empty-object-fallback-and-checked",
    ),
    pytest.param(
        better_auth_action("// no check"),
        [("GF004", "deletePost", 9)],
        id="destructured-from-an-empty-object-fallback-unchecked",
    ),
    pytest.param(
        {
            "app/actions/posts.ts": ts("""
                "use server";
                import { auth } from "@/auth";
                export async function deletePost(id: string) {
                  const session = await auth();
                  if (!session?.user.roles.some((r) => r === "admin")) throw new Error("Forbidden");
                  await db.note.delete({ where: { id } });
                }
                """),
        },
        [],
        id="method-call-after-an-optional-chain-is-undefined",
    ),
    pytest.param(
        {
            "lib/user.ts": ts("""
                import { auth } from "@/auth";
                export async function signedInViewer() {
                  if (!process.env.AUTH_SECRET) {
                    return null // auth is not configured
                  }
                  const session = await auth();
                  return session?.user ?? null;
                }
                """),
            "app/actions/posts.ts": ts("""
                "use server";
                import { signedInViewer } from "../../lib/user";
                export async function deletePost(id: string) {
                  const user = await signedInViewer();
                  if (!user) return;
                  await db.note.delete({ where: { id } });
                }
                """),
        },
        [],
        id="return-with-a-trailing-comment",
    ),
]


@pytest.mark.parametrize(("files", "expected"), REAL_WORLD)
def test_real_world_patterns(project, files: dict[str, str], expected: list) -> None:
    assert project(files, path="app/actions/posts.ts") == expected


# -- 9. Layered helpers: what a helper returns to an anonymous caller, through caches,
#       try/catch and tagged results, and what the caller's check rules out -------------

VIEWER_WITH_STATUS = ts("""
    import { auth } from "@/auth";

    export async function getViewer() {
      try {
        const session = await auth();
        if (!session?.user) return { status: "anonymous" as const, user: null };
        return { status: "ok" as const, user: session.user };
      } catch {
        return { status: "error" as const };
      }
    }
    """)

# next-auth v4 behind `cache()`, a catch that answers null, and a guard on top of it.
CACHED_CURRENT_USER = ts("""
    import { cache } from "react";
    import { getServerSession } from "next-auth";
    import { authOptions } from "./auth-options";

    export const getCurrentUser = cache(async () => {
      try {
        const session = await getServerSession(authOptions);
        if (!session?.user?.email) return null;
        return await prisma.user.findUnique({ where: { email: session.user.email } });
      } catch (error) {
        console.error(error);
        return null;
      }
    });
    """)

GUARD_ON_TOP = ts("""
    import { redirect } from "next/navigation";
    import { getCurrentUser } from "./current-user";

    export async function requireUser() {
      const user = await getCurrentUser();
      if (!user) redirect("/login");
      return user;
    }

    export async function currentUserId() {
      const user = await getCurrentUser();
      return user?.id;
    }
    """)

# The guard throws inside the try, the catch logs and falls off the end (undefined).
SWALLOWED_GUARD = ts("""
    import { auth } from "@/auth";

    export async function getDbUser() {
      try {
        const session = await auth();
        if (!session?.user) throw new Error("Unauthorized");
        const dbUser = await prisma.user.findUnique({ where: { email: session.user.email! } });
        if (!dbUser) throw new Error("No such user");
        return { dbUser };
      } catch (error) {
        console.error(error);
      }
    }
    """)

TAGGED_STATE = ts("""
    import { auth } from "@/auth";

    export async function authState() {
      try {
        const session = await auth();
        if (!session) return { state: "signed-out" } as const;
        return { state: "ok", session } as const;
      } catch (e) {
        console.error(e);
        return { state: "error" } as const;
      }
    }
    """)

MEMOIZED_GUARDS = ts("""
    import * as React from "react";
    import { unstable_cache } from "next/cache";
    import { auth } from "@/auth";

    export const requireMember = unstable_cache(
      async () => {
        const session = await auth();
        if (!session?.user) throw new Error("Unauthorized");
        return session.user;
      },
      ["member"],
      { revalidate: 60 },
    );

    export const memberOrNull = unstable_cache(
      async () => {
        const session = await auth();
        return session?.user ?? null;
      },
      ["member-or-null"],
    );

    export const requireAdmin = React.cache(async () => {
      const session = await auth();
      if (session?.user?.role !== "admin") throw new Error("Forbidden");
      return session.user;
    });
    """)


RESULTS = ts("""
    import { auth } from "@/auth";

    export async function userOrError() {
      const session = await auth();
      if (!session?.user) return { error: "Unauthorized" } as const;
      return { user: session.user };
    }

    export async function userResult() {
      try {
        const session = await auth();
        if (!session?.user) return { ok: false as const, reason: "signed-out" };
        return { ok: true as const, user: session.user };
      } catch (e) {
        return { ok: false as const, reason: "error" };
      }
    }
    """)


# A row looked up by the session's user id: Prisma refuses `findUnique` when every key of
# its `where` is undefined, but `findFirst` drops them and returns some row.
DB_ROW_BY_SESSION = ts("""
    import { auth } from "@/auth";

    export const getUniqueRow = async () => {
      const session = await auth();
      const user = await prisma.user.findUnique({ where: { id: session?.user?.id } });
      if (!user) throw new Error("User not found");
      return user;
    };

    export const getFirstRow = async () => {
      const session = await auth();
      const user = await prisma.user.findFirst({ where: { id: session?.user?.id } });
      if (!user) throw new Error("User not found");
      return user;
    };
    """)


DEFAULT_CACHED_GUARD = ts("""
    import { cache } from "react";
    import { auth } from "@/auth";

    export default cache(async () => {
      const session = await auth();
      if (!session) throw new Error("Unauthorized");
      return session.user;
    });
    """)

SESSION_KIND = ts("""
    import { auth } from "@/auth";

    export async function sessionKind() {
      let session = null;
      try {
        session = await auth();
      } catch {
        return { kind: "error" as const };
      }
      if (!session) return { kind: "anonymous" as const };
      return { kind: "user" as const, user: session.user };
    }
    """)


def layered(files: dict[str, str], *body: str) -> dict[str, str]:
    """A project of helper files plus app/actions.ts whose delete is on line 6 + len(body)."""
    imports = {
        "lib/viewer.ts": 'import { getViewer } from "@/lib/viewer";',
        "lib/guard.ts": 'import { requireUser, currentUserId } from "@/lib/guard";',
        "lib/db-user.ts": 'import { getDbUser } from "@/lib/db-user";',
        "lib/auth-state.ts": 'import { authState } from "@/lib/auth-state";',
        "lib/memo.ts": 'import { requireMember, memberOrNull, requireAdmin } from "@/lib/memo";',
        "lib/results.ts": 'import { userOrError, userResult } from "@/lib/results";',
        "lib/rows.ts": 'import { getUniqueRow, getFirstRow } from "@/lib/rows";',
        "lib/require-user.ts": 'import requireUser from "@/lib/require-user";',
        "lib/kind.ts": 'import { sessionKind } from "@/lib/kind";',
        "lib/token-session.ts": 'import { readSession } from "@/lib/token-session";',
    }
    (import_line,) = [imports[path] for path in files if path in imports]
    return {"tsconfig.json": TSCONFIG, **files, "app/actions.ts": action_using(import_line, *body)}


VIEWER = {"lib/viewer.ts": VIEWER_WITH_STATUS}
GUARD = {"lib/current-user.ts": CACHED_CURRENT_USER, "lib/guard.ts": GUARD_ON_TOP}
DB_USER = {"lib/db-user.ts": SWALLOWED_GUARD}
STATE = {"lib/auth-state.ts": TAGGED_STATE}
MEMO = {"lib/memo.ts": MEMOIZED_GUARDS}
RESULT = {"lib/results.ts": RESULTS}
ROWS = {"lib/rows.ts": DB_ROW_BY_SESSION}
DEFAULT = {"lib/require-user.ts": DEFAULT_CACHED_GUARD}
KIND = {"lib/kind.ts": SESSION_KIND}
# The session cookie read through a generic cookie helper, decoded, then looked up; any
# failure on the way is caught and answered with an empty session.
TOKEN_SESSION = {
    "lib/cookie.ts": ts("""
        import { cookies } from "next/headers";

        export async function readCookie(name: string) {
          const store = await cookies();
          return store.get(name)?.value;
        }
        """),
    "lib/token-session.ts": ts("""
        import { cache } from "react";
        import { decodeToken } from "tokens";
        import { readCookie } from "@/lib/cookie";
        import { findSession } from "@/lib/sessions";

        export const readSession = cache(async () => {
          try {
            const { sid } = await decodeToken(`${await readCookie("app_session")}`);
            const row = await findSession(sid);
            if (!row) return { session: null };
            return { session: row };
          } catch {
            return { session: null };
          }
        });
        """),
    "lib/sessions.ts": ts("""
        import { prisma } from "@/lib/prisma";

        export const findSession = async (id: string) =>
          await prisma.session.findFirst({ where: { id } });
        """),
}

LAYERED = [
    pytest.param(
        layered(
            TOKEN_SESSION,
            "const { session } = await readSession();",
            "if (!session) throw new Error();",
        ),
        [],
        id="session-cookie-read-by-a-generic-helper-decoded-and-looked-up",
    ),
    pytest.param(
        layered(TOKEN_SESSION, "const { session } = await readSession();", "console.log(session);"),
        [("GF004", "deletePost", 8)],
        id="session-cookie-read-by-a-generic-helper-and-never-checked",
    ),
    pytest.param(
        layered(VIEWER, "const res = await getViewer();", 'if (!res.user) throw new Error("No");'),
        [],
        id="catch-returns-an-error-object-and-the-caller-checks-the-user",
    ),
    pytest.param(
        layered(VIEWER, "const res = await getViewer();", "console.log(res.status);"),
        [("GF004", "deletePost", 8)],
        id="catch-returns-an-error-object-and-the-caller-checks-nothing",
    ),
    pytest.param(
        layered(VIEWER, "const res = await getViewer();", 'if (res.status === "error") return;'),
        [("GF004", "deletePost", 8)],
        id="caller-rules-out-only-the-error-tag",
    ),
    pytest.param(
        layered(VIEWER, "const { user } = await getViewer();", "if (!user) return;"),
        [],
        id="caller-destructures-the-user-and-checks-it",
    ),
    pytest.param(
        layered(GUARD, "await requireUser();"),
        [],
        id="guard-over-a-cached-helper-with-a-catch",
    ),
    pytest.param(
        layered(GUARD, "const userId = await currentUserId();"),
        [("GF004", "deletePost", 7)],
        id="helper-over-a-cached-helper-that-checks-nothing",
    ),
    pytest.param(
        layered(GUARD, "const userId = await currentUserId();", "if (!userId) return;"),
        [],
        id="caller-checks-what-the-layered-helper-returns",
    ),
    pytest.param(
        layered(DB_USER, "const viewer = await getDbUser();", "if (!viewer) return;"),
        [],
        id="guard-swallowed-by-the-helpers-catch-and-the-caller-checks",
    ),
    pytest.param(
        layered(DB_USER, "const viewer = await getDbUser();", "console.log(viewer?.dbUser);"),
        [("GF004", "deletePost", 8)],
        id="guard-swallowed-by-the-helpers-catch-and-the-caller-checks-nothing",
    ),
    pytest.param(
        layered(DB_USER, "const viewer = await getDbUser();", "console.log(viewer.dbUser.id);"),
        [],
        id="guard-swallowed-and-the-caller-dereferences-the-answer",
    ),
    pytest.param(
        layered(STATE, "const s = await authState();", 'if (s.state !== "ok") throw new Error();'),
        [],
        id="tagged-result-caller-requires-ok",
    ),
    pytest.param(
        layered(
            STATE,
            "const s = await authState();",
            'const session = s.state === "ok" ? s.session : null;',
            'if (!session) throw new Error("Unauthorized");',
        ),
        [],
        id="tagged-result-picked-with-a-ternary-then-checked",
    ),
    pytest.param(
        layered(
            STATE, "const s = await authState();", 'if (s.state === "error") throw new Error();'
        ),
        [("GF004", "deletePost", 8)],
        id="tagged-result-caller-rules-out-only-the-error",
    ),
    pytest.param(
        layered(STATE, "const s = await authState();", 'if (s.state === "signed-out") return;'),
        [("GF004", "deletePost", 8)],
        id="tagged-result-caller-forgets-the-catch-tag",
    ),
    pytest.param(
        layered(MEMO, "await requireMember();"),
        [],
        id="unstable-cache-with-keys-and-options",
    ),
    pytest.param(
        layered(MEMO, "await memberOrNull();"),
        [("GF004", "deletePost", 7)],
        id="unstable-cache-of-a-lookup-that-checks-nothing",
    ),
    pytest.param(
        layered(MEMO, "const member = await memberOrNull();", "if (!member) return;"),
        [],
        id="unstable-cache-of-a-lookup-checked-by-the-caller",
    ),
    pytest.param(
        layered(MEMO, "await requireAdmin();"),
        [],
        id="react-dot-cache-member-callee",
    ),
    pytest.param(
        layered(RESULT, "const res = await userOrError();", 'if ("error" in res) return res;'),
        [],
        id="error-key-tested-with-in",
    ),
    pytest.param(
        layered(RESULT, "const res = await userOrError();", 'if ("user" in res) console.log(1);'),
        [("GF004", "deletePost", 8)],
        id="in-test-that-does-not-stop",
    ),
    pytest.param(
        layered(RESULT, "const r = await userResult();", "if (!r.ok) return { error: r.reason };"),
        [],
        id="ok-flag-false-on-every-anonymous-path",
    ),
    pytest.param(
        layered(RESULT, "const r = await userResult();", 'if (r.reason === "error") return;'),
        [("GF004", "deletePost", 8)],
        id="reason-checked-for-the-catch-only",
    ),
    pytest.param(
        layered(ROWS, "const user = await getUniqueRow();"),
        [],
        id="prisma-findUnique-by-the-missing-session-user-id-throws",
    ),
    pytest.param(
        layered(ROWS, "const user = await getFirstRow();"),
        [("GF004", "deletePost", 7)],
        id="prisma-findFirst-by-the-missing-session-user-id-returns-a-row",
    ),
    pytest.param(layered(DEFAULT, "await requireUser();"), [], id="default-export-of-a-cache"),
    pytest.param(
        layered(KIND, "const s = await sessionKind();", 'if (s.kind !== "user") return;'),
        [],
        id="kind-tag-after-a-let-assigned-in-try",
    ),
    pytest.param(
        layered(
            KIND,
            "const s = await sessionKind();",
            'switch (s.kind) { case "user": break; default: throw new Error(); }',
        ),
        [],
        id="switch-on-the-tag-refuses-the-others",
    ),
    pytest.param(
        layered(
            KIND,
            "const s = await sessionKind();",
            'switch (s.kind) { case "error": throw new Error(); case "user": break; }',
        ),
        [("GF004", "deletePost", 8)],
        id="switch-on-the-tag-that-lets-anonymous-through",
    ),
    pytest.param(
        layered(
            KIND,
            "const s = await sessionKind();",
            'switch (s.kind) { case "anonymous": console.log(s); case "user": break; '
            "default: throw new Error(); }",
        ),
        [("GF004", "deletePost", 8)],
        id="switch-case-falling-through",
    ),
]


@pytest.mark.parametrize(("files", "expected"), LAYERED)
def test_layered_helpers(project, files: dict[str, str], expected: list) -> None:
    assert project(files, path="app/actions.ts") == expected


# -- 10. Calling something that checks for itself -----------------------------------------

ACTIONS_CALLING_ACTIONS = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    export async function archivePost(id: string) {
      await prisma.post.update({ where: { id }, data: { archived: true } });
    }

    export async function archiveAll(ids: string[]) {
      for (const id of ids) await archivePost(id);
    }

    export async function archiveChecked(id: string) {
      const session = await auth();
      if (!session) return { error: "Unauthorized" };
      await prisma.post.update({ where: { id }, data: { archived: true } });
    }

    export async function archiveTwice(id: string) {
      await archiveChecked(id);
      await archiveChecked(id);
    }
    """)


def page_calling(action: str) -> str:
    """A page whose inline server action only calls `action` from app/actions.ts."""
    return ts(f"""
        import {{ {action} }} from "./actions";

        export default function Page() {{
          async function archive(formData: FormData) {{
            "use server";
            await {action}(String(formData.get("id")));
          }}
          return <form action={{archive}} />;
        }}
        """)


OWN_CHECK_HELPERS = ts("""
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    export async function archiveOwnPost(id: string) {
      const session = await auth();
      if (!session?.user) return { error: "Unauthorized" };
      await prisma.post.update({ where: { id, authorId: session.user.id }, data: { archived: true } });
      return { ok: true };
    }

    export async function archiveThenCheck(id: string) {
      await prisma.post.update({ where: { id }, data: { archived: true } });
      const session = await auth();
      if (!session?.user) return { error: "Unauthorized" };
      return { ok: true };
    }
    """)

SELF_CHECKED = [
    pytest.param(
        {"app/actions.ts": ACTIONS_CALLING_ACTIONS},
        [("GF001", "archivePost", 6)],
        id="action-calling-an-unguarded-action-is-not-reported-for-its-write",
    ),
    pytest.param(
        {"app/actions.ts": ACTIONS_CALLING_ACTIONS, "app/page.tsx": page_calling("archiveChecked")},
        [("GF001", "archivePost", 6)],
        id="inline-closure-calling-a-checked-action",
    ),
    pytest.param(
        {"app/actions.ts": ACTIONS_CALLING_ACTIONS, "app/page.tsx": page_calling("archivePost")},
        [("GF001", "archivePost", 6)],
        id="inline-closure-calling-an-unguarded-action-leaves-it-to-that-action",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/archive.ts": OWN_CHECK_HELPERS,
            "app/actions.ts": ts("""
                "use server";
                import { archiveOwnPost } from "@/lib/archive";

                export async function archive(id: string) {
                  return archiveOwnPost(id);
                }
                """),
        },
        [],
        id="helper-writes-after-its-own-check",
    ),
    pytest.param(
        {
            "tsconfig.json": TSCONFIG,
            "lib/archive.ts": OWN_CHECK_HELPERS,
            "app/actions.ts": ts("""
                "use server";
                import { archiveThenCheck } from "@/lib/archive";

                export async function archive(id: string) {
                  return archiveThenCheck(id);
                }
                """),
        },
        [("GF001", "archive", 5)],
        id="helper-writes-before-its-own-check",
    ),
]


@pytest.mark.parametrize(("files", "expected"), SELF_CHECKED)
def test_callee_checks_for_itself(project, files: dict[str, str], expected: list) -> None:
    assert project(files, path="app/actions.ts") == expected


# -- 11. An async helper's promise tested without `await` is always truthy -------------

SIGNED_IN = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    async function isSignedIn() {
      const session = await auth();
      return !!session?.user;
    }

    export async function deletePost(id: string) {
      if (!CHECK) throw new Error("Unauthorized");
      await prisma.post.delete({ where: { id } });
    }
    """)

ASYNC_TESTED = [
    pytest.param(
        SIGNED_IN.replace("CHECK", "isSignedIn()"), [("GF004", "deletePost", 12)], id="not-awaited"
    ),
    pytest.param(SIGNED_IN.replace("CHECK", "(await isSignedIn())"), [], id="awaited"),
]


@pytest.mark.parametrize(("source", "expected"), ASYNC_TESTED)
def test_async_helper_tested_without_await(project, source: str, expected: list) -> None:
    assert project(source) == expected


def test_unawaited_helper_is_named_in_the_message(tmp_path) -> None:
    from tests.conftest import run_on_files

    source = ASYNC_TESTED[0].values[0]
    assert isinstance(source, str)
    report = run_on_files(tmp_path, {"app/actions.ts": source})
    (finding,) = [f for f in report.findings if f.rule == "GF004"]
    assert "`isSignedIn()` is called without `await`" in finding.message


# -- 12. Helpers guardfix cannot follow: used as a guard, they may be the check ----------

UNFOLLOWED_HELPERS = ts("""
    import knex from "knex";
    import { auth } from "@/auth";
    import { GateFromAMissingFile } from "./missing-gate";

    function createViewerGetter(options: { signInPage: string }) {
      return async () => {
        const session = await auth();
        if (!session) redirect(options.signInPage);
        return session.user;
      };
    }

    export const getViewer = createViewerGetter({ signInPage: "/login" });
    export const sql = knex({ client: "pg" });

    export const authService = {
      async requireUser() {
        const session = await auth();
        if (!session) throw new Error("Unauthorized");
        return session.user;
      },
      note: async () => {
        console.log("noted");
      },
      ...extraAuthMethods,
    };

    class BaseGate {
      async check() {
        const session = await auth();
        if (!session) throw new Error("Unauthorized");
      }
    }
    class AuthGate extends BaseGate {}
    export const gate = new AuthGate();

    class RemoteGate extends GateFromAMissingFile {}
    export const remoteGate = new RemoteGate();

    class TokenBucket {
      take(key: string) {
        return key.length > 0;
      }
    }
    export const bucket = new TokenBucket();

    export async function levelOne() { await levelTwo(); }
    async function levelTwo() { await levelThree(); }
    async function levelThree() { await levelFour(); }
    async function levelFour() { await levelFive(); }
    async function levelFive() { await levelSix(); }
    async function levelSix() {
      const session = await auth();
      if (!session) throw new Error("Unauthorized");
    }

    export async function logVisit() {
      console.log("visit");
    }

    export async function requireViewer(retries = 1): Promise<{ id: string }> {
      const session = await auth();
      if (session?.user) return session.user;
      if (retries > 0) return requireViewer(retries - 1);
      throw new Error("Unauthorized");
    }
    """)


def unfollowed(*body: str, helpers: str = UNFOLLOWED_HELPERS) -> dict[str, str]:
    names = (
        "getViewer, authService, gate, remoteGate, bucket, levelOne, logVisit, sql, requireViewer"
    )
    return {
        "tsconfig.json": TSCONFIG,
        "lib/viewer.ts": helpers,
        "app/actions.ts": action_using(f'import {{ {names} }} from "@/lib/viewer";', *body),
    }


UNFOLLOWED = [
    pytest.param(unfollowed("await getViewer();"), [], id="made-by-a-call-called-as-a-statement"),
    pytest.param(
        unfollowed("const viewer = await getViewer();", "if (!viewer) return;"),
        [],
        id="made-by-a-call-answer-tested",
    ),
    pytest.param(
        unfollowed("const { id: userId } = await getViewer();"),
        [],
        id="made-by-a-call-answer-destructured",
    ),
    pytest.param(
        unfollowed("const viewer = getViewer();", "console.log(viewer);"),
        [("GF001", "deletePost", 8)],
        id="made-by-a-call-answer-only-logged",
    ),
    pytest.param(
        unfollowed('const rows = sql("posts");', "await rows.insert({ id });"),
        [("GF001", "deletePost", 8)],
        id="client-made-by-a-package-is-no-doubt",
    ),
    pytest.param(
        unfollowed("await authService.requireUser();"),
        [],
        id="method-of-a-project-object-followed",
    ),
    pytest.param(
        unfollowed("await authService.note();"),
        [("GF001", "deletePost", 7)],
        id="method-of-a-project-object-that-checks-nothing",
    ),
    pytest.param(unfollowed("await gate.check();"), [], id="inherited-method-followed"),
    pytest.param(
        unfollowed("const pending = gate.check();", "console.log(pending);"),
        [("GF004", "deletePost", 8)],
        id="inherited-guard-not-awaited",
    ),
    pytest.param(
        unfollowed("await remoteGate.check();"),
        [("GF001", "deletePost", 7)],
        id="method-of-a-class-extending-a-missing-file-is-named-not-assumed",
    ),
    pytest.param(
        unfollowed("await authService.spread();"),
        [],
        id="method-missing-from-a-spread-object-is-in-doubt",
    ),
    pytest.param(
        unfollowed('if (!bucket.take("ip")) return { error: "slow down" };'),
        [("GF001", "deletePost", 7)],
        id="class-method-followed-and-no-guard",
    ),
    pytest.param(unfollowed("await levelOne();"), [], id="guard-deeper-than-followed"),
    pytest.param(unfollowed("await requireViewer();"), [], id="recursive-guard"),
    pytest.param(
        unfollowed("const viewer = requireViewer();", "console.log(viewer);"),
        [("GF004", "deletePost", 8)],
        id="recursive-helper-not-awaited-nor-checked",
    ),
    pytest.param(
        unfollowed("await logVisit();"),
        [("GF001", "deletePost", 7)],
        id="followed-helper-that-checks-nothing",
    ),
    pytest.param(
        {
            "app/actions.ts": action_using(
                'import { requireUser } from "@/lib/missing-guard";', "await requireUser();"
            ),
            "tsconfig.json": TSCONFIG,
        },
        [("GF001", "deletePost", 7)],
        id="imported-from-a-project-file-that-is-not-there",
    ),
    pytest.param(
        {
            "app/actions.ts": action_using(
                'import { requireUser } from "auth-kit";', "await requireUser();"
            ),
            "tsconfig.json": TSCONFIG,
        },
        [("GF001", "deletePost", 7)],
        id="a-package-function-is-not-a-guard-by-its-name",
    ),
]


@pytest.mark.parametrize(("files", "expected"), UNFOLLOWED)
def test_unfollowed_helpers(project, files: dict[str, str], expected: list) -> None:
    assert project(files, path="app/actions.ts") == expected


def test_unfollowed_helper_is_named_in_the_message(tmp_path) -> None:
    from tests.conftest import run_on_files

    files = unfollowed("const viewer = getViewer();", "console.log(viewer);")
    report = run_on_files(tmp_path, dict(files))
    (finding,) = [f for f in report.findings if f.rule == "GF001"]
    assert (
        "`getViewer()` (lib/viewer.ts) could not be followed: it is made by `createViewerGetter(...)`"
        in (finding.message)
    )


def test_recursive_helper_is_named_in_the_message(tmp_path) -> None:
    from tests.conftest import run_on_files

    files = unfollowed("const viewer = requireViewer();", "console.log(viewer);")
    report = run_on_files(tmp_path, dict(files))
    (finding,) = [f for f in report.findings if f.rule == "GF004"]
    assert "`requireViewer()` (lib/viewer.ts) could not be followed: it calls itself" in (
        finding.message
    )
