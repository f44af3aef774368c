"""Actions meant for anonymous callers: told by what they do, never given a login fix.

Each case is a small Auth.js + Prisma project and, per finding of GF001 or GF004,
(rule, line, severity, applicability of its fix or None). A public flow's own
writes are not reported; a write it lets anyone make is, but never with a fix that
would require a login.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent, indent

import pytest

from tests.conftest import run_on_files

Files = dict[str, str]
Row = tuple[str, int, str, str | None]


def ts(source: str) -> str:
    return dedent(source).lstrip("\n")


SCHEMA = ts("""
    model User {
      id       String  @id
      email    String  @unique
      password String
    }

    model Post {
      id       String @id
      title    String
      author   User   @relation(fields: [authorId], references: [id])
      authorId String
    }

    model Note {
      id      String  @id
      ownerId String?
    }
    """)

PROJECT: Files = {
    "tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./*"] } } }',
    "package.json": '{ "dependencies": { "next-auth": "5.0.0-beta.25", "@prisma/client": "5" } }',
    "auth.ts": ts("""
        import NextAuth from "next-auth";

        export const { auth, signIn, handlers } = NextAuth({ providers: [] });
        """),
    "lib/prisma.ts": 'import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n',
    # The project's own session code: a row and a cookie.
    "lib/session.ts": ts("""
        import { cookies } from "next/headers";
        import { prisma } from "@/lib/prisma";

        export async function setSession(userId: string) {
          const row = await prisma.session.create({ data: { userId } });
          (await cookies()).set("session", row.id, { httpOnly: true });
        }
        """),
    # A helper with a sign-in name that signs nobody in.
    "lib/audit.ts": ts("""
        import { prisma } from "@/lib/prisma";

        export async function createSession(userId: string) {
          await prisma.auditLog.create({ data: { userId, event: "visit" } });
        }
        """),
    "lib/mail.ts": ts("""
        import { Resend } from "resend";
        const resend = new Resend(process.env.RESEND_KEY);

        export async function sendLink(to: string, link: string) {
          await resend.emails.send({ from: "a@example.com", to, subject: "Link", html: link });
        }
        """),
}


def project(path: str = "app/actions.ts", action: str = "", **more: str) -> Files:
    return {**PROJECT, path: ts(action), **more}


def rows(tmp_path: Path, files: Files) -> list[Row]:
    report = run_on_files(tmp_path, dict(files))
    return [
        (
            f.rule,
            f.start.line,
            f.severity.value,
            f.fix.applicability.value if f.fix is not None else None,
        )
        for f in report.findings
        if f.rule in ("GF001", "GF004")
    ]


CASES = [
    # -- public flows: their own writes are no finding --------------------------------
    pytest.param(
        project(
            action="""
            "use server";
            import bcrypt from "bcryptjs";
            import { prisma } from "@/lib/prisma";

            export async function register(formData: FormData) {
              const hash = await bcrypt.hash(String(formData.get("password")), 10);
              const user = await prisma.user.create({
                data: { email: String(formData.get("email")), password: hash },
              });
              await prisma.profile.create({ data: { userId: user.id } });
            }
            """
        ),
        [],
        id="sign-up-creates-a-user",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { authService } from "@/lib/auth-service";

            export async function join(email: string, password: string) {
              const account = await authService.account.create(crypto.randomUUID(), email, password);
              await prisma.profile.create({ data: { accountId: account.id, email } });
            }
            """
        ),
        [],
        id="sign-up-through-an-auth-service-given-the-password",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { authService } from "@/lib/auth-service";

            export async function rename(id: string, name: string) {
              await prisma.profile.update({ where: { id }, data: { name } });
              await authService.account.create(crypto.randomUUID(), name);
            }
            """
        ),
        [("GF001", 6, "error", "safe")],
        id="an-account-created-without-a-password-is-no-sign-up",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import bcrypt from "bcryptjs";
            import { prisma } from "@/lib/prisma";
            import { setSession } from "@/lib/session";

            export async function login(formData: FormData) {
              const user = await prisma.user.findUnique({
                where: { email: String(formData.get("email")) },
              });
              if (!user || !(await bcrypt.compare(String(formData.get("password")), user.password))) {
                return { error: "Wrong email or password" };
              }
              await setSession(user.id);
              await prisma.user.update({ where: { id: user.id }, data: { lastSeen: new Date() } });
            }
            """
        ),
        [],
        id="own-sign-in-sets-the-cookie-after-a-password-check",
    ),
    pytest.param(
        project(
            "app/forgot-password/actions.ts",
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { sendLink } from "@/lib/mail";

            export async function forgotPassword(formData: FormData) {
              const email = String(formData.get("email"));
              const user = await prisma.user.findUnique({ where: { email } });
              if (!user) return;
              await prisma.passwordResetToken.deleteMany({ where: { email } });
              const row = await prisma.passwordResetToken.create({
                data: { email, token: crypto.randomUUID() },
              });
              await sendLink(email, `https://example.com/reset?token=${row.token}`);
            }
            """,
        ),
        [],
        id="forgot-password-sends-a-link",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { sendLink } from "@/lib/mail";

            export async function forgotPassword(formData: FormData) {
              const email = String(formData.get("email"));
              const row = await prisma.passwordResetToken.create({
                data: { email, token: crypto.randomUUID() },
              });
              await sendLink(email, `https://example.com/reset?token=${row.token}`);
            }
            """
        ),
        [],
        id="forgot-password-outside-any-route-stores-a-token-and-mails-it",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import bcrypt from "bcryptjs";
            import { prisma } from "@/lib/prisma";

            export async function resetPassword(token: string, password: string) {
              const row = await prisma.passwordResetToken.findUnique({ where: { token } });
              if (!row || row.expires < new Date()) return { error: "Invalid link" };
              await prisma.user.update({
                where: { email: row.email },
                data: { password: await bcrypt.hash(password, 10) },
              });
              await prisma.passwordResetToken.delete({ where: { id: row.id } });
            }
            """
        ),
        [],
        id="reset-consumes-the-token",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function confirmEmail(token: string) {
              const row = await prisma.verificationToken.findFirst({ where: { token } });
              if (!row) return { error: "Invalid link" };
              await prisma.user.update({
                where: { email: row.identifier },
                data: { emailVerified: new Date() },
              });
            }
            """
        ),
        [],
        id="verify-email",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { setSession } from "@/lib/session";

            export async function join(formData: FormData) {
              const invite = await prisma.invitation.findUnique({
                where: { token: String(formData.get("token")) },
              });
              if (!invite) return { error: "Invalid invitation" };
              const user = await prisma.user.create({ data: { email: invite.email } });
              await prisma.membership.create({ data: { userId: user.id, teamId: invite.teamId } });
              await setSession(user.id);
            }
            """
        ),
        [],
        id="accept-invitation-signed-out",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { redirect } from "next/navigation";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function signUp(formData: FormData) {
              const session = await auth();
              if (session) redirect("/dashboard");
              await prisma.user.create({ data: { email: String(formData.get("email")) } });
            }
            """
        ),
        [],
        id="redirect-away-if-signed-in",
    ),
    pytest.param(
        project(
            "app/(auth)/sign-up/actions.ts",
            action="""
            "use server";
            import { redirect } from "next/navigation";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function joinWaitlist(formData: FormData) {
              const session = await auth();
              if (session) redirect("/dashboard");
              await prisma.waitlist.deleteMany({ where: { email: String(formData.get("email")) } });
            }
            """,
        ),
        [("GF004", 9, "error", None)],
        id="redirect-away-under-a-sign-up-route-still-reports-other-writes-without-a-fix",
    ),
    pytest.param(
        project(
            "app/actions/mail.ts",
            action="""
            "use server";
            import { sendLink } from "@/lib/mail";

            export async function sendMagicLink(email: string) {
              await sendLink(email, "https://example.com/magic");
            }
            """,
            **{
                "app/forgot-password/page.tsx": ts("""
                    import { sendMagicLink } from "@/app/actions/mail";
                    export default function Page() { return <form action={sendMagicLink} />; }
                    """),
            },
        ),
        [],
        id="email-to-the-input-imported-only-by-a-forgot-password-page",
    ),
    pytest.param(
        project(
            "app/actions/mail.ts",
            action="""
            "use server";
            import { sendLink } from "@/lib/mail";

            export async function sendMagicLink(email: string) {
              await sendLink(email, "https://example.com/magic");
            }

            export async function shareNote(email: string) {
              await sendLink(email, "https://example.com/note");
            }
            """,
            **{
                "app/forgot-password/page.tsx": ts("""
                    import { sendMagicLink } from "@/app/actions/mail";
                    export default function Page() { return <form action={sendMagicLink} />; }
                    """),
                "app/notes/page.tsx": ts("""
                    import { shareNote } from "@/app/actions/mail";
                    export default function Page() { return <form action={shareNote} />; }
                    """),
            },
        ),
        [("GF001", 9, "error", "safe")],
        id="importers-are-counted-per-action",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { redirect } from "next/navigation";
            import { auth, signIn } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function logIn(formData: FormData) {
              const session = await auth();
              if (session) redirect("/dashboard");
              await signIn("credentials", formData);
              await prisma.loginEvent.create({ data: { email: String(formData.get("email")) } });
            }
            """
        ),
        [],
        id="library-sign-in-after-redirect-away",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { db } from "@/lib/db";
            import { setCookie } from "@/lib/cookies";

            export async function logIn(userId: string, token: string) {
              db.execute("INSERT INTO session (id, user_id) VALUES (?, ?)", [token, userId]);
              await setCookie("session", token);
              db.execute("UPDATE user SET last_login = ? WHERE id = ?", [Date.now(), userId]);
            }
            """,
            **{
                "lib/cookies.ts": ts("""
                    import { cookies } from "next/headers";

                    export async function setCookie(key: string, value: string) {
                      (await cookies()).set(key, value);
                    }
                    """),
            },
        ),
        [],
        id="raw-sql-session-row-and-a-cookie-helper-given-the-session-name",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { db } from "@/lib/db";
            import { setCookie } from "@/lib/cookies";

            export async function pickTheme(userId: string, theme: string) {
              await setCookie("theme", theme);
              db.execute("UPDATE user SET theme = ? WHERE id = ?", [theme, userId]);
            }
            """,
            **{
                "lib/cookies.ts": ts("""
                    import { cookies } from "next/headers";

                    export async function setCookie(key: string, value: string) {
                      (await cookies()).set(key, value);
                    }
                    """),
            },
        ),
        [("GF001", 7, "error", "safe")],
        id="a-cookie-helper-given-another-name-signs-nobody-in",
    ),
    # -- holes: the public part does not cover them -----------------------------------
    pytest.param(
        project(
            "app/reset-password/actions.ts",
            action="""
            "use server";
            import bcrypt from "bcryptjs";
            import { prisma } from "@/lib/prisma";

            export async function resetPassword(email: string, password: string) {
              await prisma.user.update({
                where: { email },
                data: { password: await bcrypt.hash(password, 10) },
              });
            }
            """,
        ),
        [("GF001", 6, "error", None)],
        id="reset-without-a-token-check",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { setSession } from "@/lib/session";

            export async function login(formData: FormData) {
              await prisma.post.deleteMany({ where: { authorId: String(formData.get("id")) } });
              await setSession(String(formData.get("id")));
            }
            """
        ),
        [("GF001", 6, "error", None)],
        id="delete-then-sign-in",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { createSession } from "@/lib/audit";

            export async function wipe(formData: FormData) {
              await prisma.post.deleteMany({ where: { authorId: String(formData.get("id")) } });
              await createSession(String(formData.get("id")));
            }
            """
        ),
        [("GF001", 6, "error", "safe")],
        id="local-createSession-that-signs-nobody-in",
    ),
    pytest.param(
        project(
            "app/actions/mail.ts",
            action="""
            "use server";
            import { sendLink } from "@/lib/mail";

            export async function sendMagicLink(email: string) {
              await sendLink(email, "https://example.com/magic");
            }
            """,
            **{
                "app/forgot-password/page.tsx": ts("""
                    import { sendMagicLink } from "@/app/actions/mail";
                    export default function Page() { return <form action={sendMagicLink} />; }
                    """),
                "app/settings/page.tsx": ts("""
                    import { sendMagicLink } from "@/app/actions/mail";
                    export default function Page() { return <form action={sendMagicLink} />; }
                    """),
            },
        ),
        [("GF001", 5, "error", "safe")],
        id="email-to-the-input-also-imported-by-a-settings-page",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function revokeInvite(id: string) {
              const invite = await prisma.invitation.findFirst({ where: { id } });
              if (!invite) return { error: "Not found" };
              await prisma.invitation.delete({ where: { id: invite.id } });
            }
            """
        ),
        [("GF001", 7, "error", "safe")],
        id="invitation-found-by-id-is-no-token-consumed",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import bcrypt from "bcryptjs";
            import { prisma } from "@/lib/prisma";

            export async function setPassword(email: string, password: string) {
              await prisma.user.update({
                where: { email },
                data: { password: await bcrypt.hash(password, 10) },
              });
            }
            """
        ),
        [("GF001", 6, "error", "unsafe")],
        id="password-write-outside-any-route-gets-only-an-unsafe-fix",
    ),
    # -- a missing session the database turns away, or not ------------------------------
    pytest.param(
        project(
            action="""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function addPost(title: string) {
              const session = await auth();
              await prisma.post.create({ data: { title, authorId: session?.user?.id } });
            }
            """,
            **{"prisma/schema.prisma": SCHEMA},
        ),
        [("GF004", 7, "warning", "safe")],
        id="required-relation-from-the-session",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function addNote() {
              const session = await auth();
              await prisma.note.create({ data: { ownerId: session?.user?.id } });
            }
            """,
            **{"prisma/schema.prisma": SCHEMA},
        ),
        [("GF004", 7, "error", "safe")],
        id="optional-relation-from-the-session",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function addPost(title: string) {
              const session = await auth();
              await prisma.post.create({ data: { title, authorId: session?.user?.id } });
            }
            """
        ),
        [("GF004", 7, "error", "safe")],
        id="relation-with-no-schema-to-tell",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function rename(name: string) {
              const session = await auth();
              const id = session?.user?.id;
              await prisma.user.update({ where: { id }, data: { name } });
            }
            """,
            **{"prisma/schema.prisma": SCHEMA},
        ),
        [("GF004", 8, "warning", "safe")],
        id="unique-where-of-the-session-id-alone",
    ),
    pytest.param(
        project(
            action="""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function retitle(id: string, title: string) {
              const session = await auth();
              await prisma.post.update({
                where: { id, authorId: session?.user?.id },
                data: { title },
              });
            }
            """,
            **{"prisma/schema.prisma": SCHEMA},
        ),
        [("GF004", 7, "error", "safe")],
        id="session-id-dropped-from-a-filter-beside-other-keys",
    ),
]


# Row level security refuses an anonymous caller's Supabase write when every policy for it
# needs `auth.uid()`; a service-role client bypasses it.
SUPABASE_USER_CLIENT = ts("""
    import { createServerClient } from "@supabase/ssr";
    import { cookies } from "next/headers";

    export const createClient = async () => {
      const jar = await cookies();
      return createServerClient(
        process.env.NEXT_PUBLIC_SUPABASE_URL!,
        process.env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY!,
        { cookies: { getAll: () => jar.getAll() } },
      );
    };
    """)
SUPABASE_ADMIN_CLIENT = ts("""
    import { createClient as make } from "@supabase/supabase-js";

    export function createClient() {
      return make(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);
    }
    """)
TASKS_RLS = ts("""
    alter table tasks enable row level security;
    create policy "own tasks" on tasks for delete to authenticated using (auth.uid() = owner);
    create policy "add tasks" on tasks for insert with check (auth.uid() is not null);
    """)


def supabase_project(body: str, client: str = SUPABASE_USER_CLIENT, sql: str = TASKS_RLS) -> Files:
    action = (
        ts("""
        "use server";
        import { createClient } from "@/lib/supabase/server";

        export async function act(formData: FormData) {
          const supabase = await createClient();
        """)
        + indent(ts(body), "  ")
        + "}\n"
    )
    return project(
        action=action,
        **{"lib/supabase/server.ts": client, "supabase/migrations/20240101_tasks.sql": sql},
    )


RLS_REFUSALS = [
    pytest.param(
        supabase_project('await supabase.from("tasks").delete().eq("id", formData.get("id"));'),
        [("GF001", 6, "warning", "safe")],
        id="rls-owner-policy-refuses-anonymous",
    ),
    pytest.param(
        supabase_project('await supabase.from("tasks").insert({ title: formData.get("t") });'),
        [("GF001", 6, "warning", "safe")],
        id="rls-signed-in-policy-refuses-anonymous",
    ),
    pytest.param(
        supabase_project(
            'await supabase.from("tasks").delete().eq("id", formData.get("id"));',
            client=SUPABASE_ADMIN_CLIENT,
        ),
        [("GF001", 6, "error", "safe")],
        id="rls-bypassed-by-the-service-role",
    ),
    pytest.param(
        supabase_project(
            'await supabase.from("tasks").delete().eq("id", formData.get("id"));',
            sql=TASKS_RLS + "create policy anyone on tasks for delete using (true);",
        ),
        [("GF001", 6, "error", "safe")],
        id="rls-a-policy-lets-anyone-delete",
    ),
    pytest.param(
        supabase_project('await supabase.from("tasks").upsert({ id: formData.get("id") });'),
        [("GF001", 6, "error", "safe")],
        id="rls-upsert-with-no-update-policy",
    ),
    pytest.param(
        supabase_project(
            'await supabase.from("tasks").upsert({ id: formData.get("id") });',
            sql=TASKS_RLS + "create policy up on tasks for update using (owner = auth.uid());",
        ),
        [("GF001", 6, "warning", "safe")],
        id="rls-upsert-with-both-policies",
    ),
    pytest.param(
        supabase_project('await supabase.from("labels").delete().eq("id", formData.get("id"));'),
        [("GF001", 6, "error", "safe")],
        id="rls-no-policy-for-the-table",
    ),
]


@pytest.mark.parametrize(("files", "expected"), RLS_REFUSALS)
def test_row_level_security_refusals(tmp_path: Path, files: Files, expected: list[Row]) -> None:
    assert rows(tmp_path, files) == expected


# -- anonymous submissions, and pages open to anyone -----------------------------------
# A small site: a contact page anyone can open, whose form calls the action in
# app/contact/actions.ts; a dashboard that needs a session; the models below.
SITE_SCHEMA = ts("""
    model User {
      id String @id
    }

    model Inquiry {
      id      String @id
      email   String
      message String
    }

    model Review {
      id       String  @id
      body     String
      author   User?   @relation(fields: [authorId], references: [id])
      authorId String?
    }

    model Ticket {
      id      String @id
      body    String
      owner   User   @relation(fields: [ownerId], references: [id])
      ownerId String
    }
    """)

FORM = ts("""
    "use client";
    import { send } from "./actions";

    export function ContactForm() {
      return <form action={send}><button>Send</button></form>;
    }
    """)
OPEN_PAGE = ts("""
    import { ContactForm } from "./contact-form";

    export default function ContactPage() {
      return <main><ContactForm /></main>;
    }
    """)
DASHBOARD = ts("""
    import { redirect } from "next/navigation";
    import { auth } from "@/auth";

    export default async function Dashboard() {
      const session = await auth();
      if (!session) redirect("/login");
      return <main>Dashboard</main>;
    }
    """)
ROOT_LAYOUT = ts("""
    export default function Root({ children }: { children: React.ReactNode }) {
      return <html><body>{children}</body></html>;
    }
    """)

DRIZZLE = {
    "lib/db.ts": ts("""
        import { drizzle } from "drizzle-orm/node-postgres";
        export const db = drizzle(process.env.DATABASE_URL!);
        """),
    "lib/tables.ts": ts("""
        import { pgTable, text } from "drizzle-orm/pg-core";

        export const users = pgTable("users", { id: text("id").primaryKey() });
        export const notes = pgTable("notes", {
          id: text("id").primaryKey(),
          body: text("body").notNull(),
          writerId: text("writer_id").references(() => users.id),
        }).enableRLS();
        export const drafts = pgTable("drafts", {
          id: text("id").primaryKey(),
          body: text("body").notNull(),
          authorId: text("author_id").notNull().references(() => users.id),
        });
        """),
}


def site(action: str, page: str | None = OPEN_PAGE, **more: str) -> Files:
    """The contact action on the site; `page=None` leaves the form unused."""
    files = {
        **PROJECT,
        "prisma/schema.prisma": SITE_SCHEMA,
        "app/layout.tsx": ROOT_LAYOUT,
        "app/dashboard/page.tsx": DASHBOARD,
        "app/contact/actions.ts": ts(action),
    }
    if page is not None:
        files |= {"app/contact/contact-form.tsx": FORM, "app/contact/page.tsx": ts(page)}
    return {**files, **more}


INQUIRY = """
    "use server";
    import { prisma } from "@/lib/prisma";
    import { sendLink } from "@/lib/mail";

    export async function send(formData: FormData) {
      const email = String(formData.get("email"));
      await prisma.inquiry.create({ data: { email, message: String(formData.get("message")) } });
      await sendLink(email, "https://example.com/thanks");
    }
    """

SUBMISSIONS = [
    pytest.param(site(INQUIRY), [], id="submission-of-an-ownerless-row-from-an-open-page"),
    pytest.param(
        site(
            """
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function send(body: string) {
              const session = await auth();
              const authorId = session?.user?.id ?? null;
              await prisma.review.create({ data: { body, authorId } });
            }
            """
        ),
        [],
        id="submission-with-the-optional-session-id-in-a-nullable-column",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function send(body: string) {
              let authorId: string | undefined;
              if (process.env.AUTH_ON) {
                const session = await auth();
                authorId = session?.user?.id;
              }
              await prisma.review.create({ data: { body, authorId } });
            }
            """
        ),
        [],
        id="submission-with-the-session-id-assigned-when-there-is-one",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { put } from "@vercel/blob";
            import { prisma } from "@/lib/prisma";

            export async function send(formData: FormData) {
              const file = formData.get("attachment") as File;
              const blob = await put(`inquiries/${crypto.randomUUID()}`, file, { access: "public" });
              await prisma.inquiry.create({ data: { email: blob.url, message: "" } });
            }
            """
        ),
        [],
        id="submission-with-its-upload",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { del } from "@vercel/blob";
            import { prisma } from "@/lib/prisma";

            export async function send(email: string, old: string) {
              await del(old);
              await prisma.inquiry.create({ data: { email, message: "" } });
            }
            """
        ),
        [("GF001", 6, "error", "display-only")],
        id="a-submission-that-deletes-a-file-is-none",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(body: string, authorId: string) {
              await prisma.review.create({ data: { body, authorId } });
            }
            """
        ),
        [("GF001", 5, "error", "display-only")],
        id="nullable-user-column-from-the-input-is-no-submission",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(email: string) {
              await prisma.inquiry.upsert({
                where: { id: email },
                create: { id: email, email, message: "" },
                update: { email },
              });
            }
            """
        ),
        [],
        id="submission-by-upsert",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(id: string, body: string, authorId: string) {
              await prisma.review.upsert({
                where: { id },
                create: { id, body },
                update: { authorId },
              });
            }
            """
        ),
        [("GF001", 5, "error", "display-only")],
        id="an-upsert-that-hands-a-row-to-a-user-is-no-submission",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(body: string) {
              await prisma.ticket.create({ data: { body } });
            }
            """
        ),
        [("GF001", 5, "error", "display-only")],
        id="row-with-a-required-owner-is-no-submission",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(id: string, message: string) {
              await prisma.inquiry.update({ where: { id }, data: { message } });
            }
            """
        ),
        [("GF001", 5, "error", "display-only")],
        id="an-update-is-no-submission",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(email: string) {
              await prisma.inquiry.create({ data: { email, message: "" } });
              await prisma.inquiry.deleteMany({ where: { email, message: "" } });
            }
            """
        ),
        [("GF001", 5, "error", "display-only")],
        id="a-submission-that-also-deletes-is-none",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(text: string) {
              await prisma.suggestion.create({ data: { text } });
            }
            """
        ),
        [("GF001", 5, "error", "display-only")],
        id="a-model-the-schema-does-not-describe-is-unknown",
    ),
    pytest.param(
        site(INQUIRY, page=None),
        [("GF001", 7, "error", "safe")],
        id="a-submission-no-page-uses-stays-reported",
    ),
    pytest.param(
        site(
            INQUIRY,
            page=None,
            **{
                "app/admin/layout.tsx": ts("""
                    import { redirect } from "next/navigation";
                    import { auth } from "@/auth";

                    export default async function Admin({ children }: { children: React.ReactNode }) {
                      const session = await auth();
                      if (!session?.user) redirect("/login");
                      return <section>{children}</section>;
                    }
                    """),
                "app/admin/contact-form.tsx": FORM.replace("./actions", "../contact/actions"),
                "app/admin/page.tsx": OPEN_PAGE,
            },
        ),
        [("GF001", 7, "error", "safe")],
        id="an-ownerless-create-on-a-page-under-a-protected-layout-stays-reported",
    ),
    pytest.param(
        site(
            INQUIRY,
            page=ts("""
                import { auth } from "@/auth";
                import { ContactForm } from "./contact-form";

                export default async function ContactPage() {
                  const session = await auth();
                  return <main>{session ? <ContactForm /> : <p>Sign in first</p>}</main>;
                }
                """),
        ),
        [("GF001", 7, "error", "safe")],
        id="a-page-showing-the-form-to-signed-in-visitors-only-protects-it",
    ),
    pytest.param(
        site(
            INQUIRY,
            page=ts("""
                import { MembersOnly } from "@/components/members-only";
                import { ContactForm } from "./contact-form";

                export default function ContactPage() {
                  return <MembersOnly><ContactForm /></MembersOnly>;
                }
                """),
            **{
                "components/members-only.tsx": ts("""
                    import { auth } from "@/auth";

                    export async function MembersOnly({ children }: { children: React.ReactNode }) {
                      const session = await auth();
                      if (!session) return null;
                      return <>{children}</>;
                    }
                    """),
            },
        ),
        [("GF001", 7, "error", "safe")],
        id="a-form-inside-a-gate-component-is-protected",
    ),
    pytest.param(
        site(
            INQUIRY,
            **{
                "middleware.ts": ts("""
                    export { auth as middleware } from "@/auth";

                    export const config = { matcher: ["/contact/:path*"] };
                    """),
            },
        ),
        [("GF001", 7, "error", "safe")],
        id="a-page-an-auth-middleware-names-is-protected",
    ),
    pytest.param(
        site(
            INQUIRY,
            **{
                "middleware.ts": ts("""
                    export { auth as middleware } from "@/auth";

                    export const config = { matcher: ["/dashboard/:path*"] };
                    """),
            },
        ),
        [],
        id="an-auth-middleware-for-other-routes",
    ),
    pytest.param(
        site(
            INQUIRY,
            **{
                # Runs on every page and decides in its code which it turns away.
                "middleware.ts": ts("""
                    import { NextResponse } from "next/server";
                    import { auth } from "@/auth";

                    const open = ["/", "/login"];

                    export default auth((req) => {
                      if (!req.auth && !open.includes(req.nextUrl.pathname)) {
                        return NextResponse.redirect(new URL("/login", req.url));
                      }
                    });

                    export const config = { matcher: ["/((?!api|_next/static|favicon.ico).*)"] };
                    """),
            },
        ),
        [("GF001", 7, "error", "safe")],
        id="an-auth-middleware-on-every-page-may-protect-it",
    ),
    pytest.param(
        site(
            INQUIRY,
            **{
                "middleware.ts": ts("""
                    export { auth as middleware } from "@/auth";
                    """),
            },
        ),
        [("GF001", 7, "error", "safe")],
        id="an-auth-middleware-with-no-matcher-may-protect-it",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { auth } from "@/auth";
            import { db } from "@/lib/db";
            import { notes } from "@/lib/tables";

            export async function send(body: string) {
              const session = await auth();
              await db.insert(notes).values({ body, writerId: session ? session.user.id : null });
            }
            """,
            **DRIZZLE,
        ),
        [],
        id="drizzle-submission-with-a-nullable-user-column",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { db } from "@/lib/db";
            import { drafts } from "@/lib/tables";

            export async function send(body: string) {
              await db.insert(drafts).values({ body });
            }
            """,
            **DRIZZLE,
        ),
        [("GF001", 6, "error", "display-only")],
        id="drizzle-row-that-references-a-user-is-no-submission",
    ),
    # -- an action a page open to anyone uses: a login fix is only shown --------------
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(id: string, message: string) {
              await prisma.inquiry.update({ where: { id }, data: { message } });
            }
            """,
            **{"app/dashboard/page.tsx": ROOT_LAYOUT.replace("Root", "Dashboard")},
        ),
        [("GF001", 5, "error", "safe")],
        id="open-page-in-a-project-with-no-session-pages-keeps-the-fix",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(id: string, message: string) {
              await prisma.inquiry.update({ where: { id }, data: { message } });
            }
            """,
            **{
                "app/contact/contact-form.tsx": ts("""
                    "use client";
                    import { useSession } from "next-auth/react";
                    import { send } from "./actions";

                    export function ContactForm() {
                      const { data } = useSession();
                      return data ? <form action={send.bind(null, "1", "x")} /> : null;
                    }
                    """),
            },
        ),
        [("GF001", 5, "error", "safe")],
        id="a-form-that-reads-the-session-keeps-the-fix",
    ),
    pytest.param(
        site(
            """
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function send(id: string, message: string) {
              await prisma.inquiry.update({ where: { id }, data: { message } });
            }
            """,
            **{
                "lib/use-viewer.ts": ts("""
                    "use client";
                    import { useSession } from "next-auth/react";

                    export function useViewer() {
                      return useSession().data?.user ?? null;
                    }
                    """),
                "app/contact/contact-form.tsx": ts("""
                    "use client";
                    import { useViewer } from "@/lib/use-viewer";
                    import { send } from "./actions";

                    export function ContactForm() {
                      const viewer = useViewer();
                      return viewer ? <form action={send.bind(null, "1", "x")} /> : null;
                    }
                    """),
            },
        ),
        [("GF001", 5, "error", "safe")],
        id="a-form-that-reads-the-session-through-a-project-hook-keeps-the-fix",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES + SUBMISSIONS)
def test_public_flows(tmp_path: Path, files: Files, expected: list[Row]) -> None:
    assert rows(tmp_path, files) == expected


def files_of(case_id: str) -> Files:
    (files,) = [c.values[0] for c in CASES + SUBMISSIONS if c.id == case_id]
    return files  # type: ignore[return-value]


def test_message_says_what_would_fix_it(tmp_path: Path) -> None:
    (finding,) = run_on_files(tmp_path, dict(files_of("reset-without-a-token-check"))).findings
    assert "check the emailed token or code" in finding.message
    assert "guardfix-ignore GF001: <reason>" in finding.message
    assert finding.why_no_fix is not None and "public password-reset flow" in finding.why_no_fix


def test_database_refusal_is_worded_as_such(tmp_path: Path) -> None:
    files = files_of("required-relation-from-the-session")
    (finding,) = run_on_files(tmp_path, dict(files)).findings
    assert "relies on the database to turn the anonymous caller away" in finding.message
    assert "gets through" not in finding.message


def test_row_level_security_refusal_names_the_table(tmp_path: Path) -> None:
    (files,) = [c.values[0] for c in RLS_REFUSALS if c.id == "rls-owner-policy-refuses-anonymous"]
    assert isinstance(files, dict)
    (finding,) = run_on_files(tmp_path, files).findings
    assert "relies on the database to turn the anonymous caller away" in finding.message
    assert "row level security on `tasks`" in finding.message


def test_open_page_is_named_with_how_to_keep_it_public(tmp_path: Path) -> None:
    report = run_on_files(tmp_path, dict(files_of("an-update-is-no-submission")))
    (finding,) = [f for f in report.findings if f.rule == "GF001"]
    assert "`app/contact/page.tsx` uses it and is open to anonymous visitors" in finding.message
    assert "guardfix-ignore GF001: <reason>" in finding.message
    assert finding.fix is not None and "not written" in finding.fix.title
