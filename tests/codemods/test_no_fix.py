"""The files a run must leave byte for byte as they were: nothing to fix, or a finding with
no fix, the report saying why."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    AUTHJS,
    CLERK_DB_USER,
    DRIZZLE_IMPORTS,
    FORM,
    INPUT,
    INVITE_SCHEMA,
    INVITES,
    IRON,
    IRON_PAGE,
    MAPPED_ACTION,
    PRISMA,
    PRISMA_SCHEMA,
    SUPABASE,
    UNGUARDED,
    Files,
    authjs,
    clerk_action,
    clerk_project,
    create_post,
    drizzle_project,
    exit_code,
    guarded,
    package,
    prisma_project,
    report_text,
    run,
    ts,
)

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
    files: Files,
) -> None:
    report, rewrites, after = run(files)
    assert exit_code(report, rewrites) == 0
    target = next(iter(files))
    assert after[target] == files[target].encode()
    assert "No problems found" in report_text(report, rewrites)


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
    files: Files,
    why: str,
) -> None:
    report, rewrites, after = run(files)
    assert exit_code(report, rewrites) == 1
    target = next(iter(files))
    assert after[target] == files[target].encode()
    assert why in report_text(report, rewrites)
