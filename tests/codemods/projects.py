"""The projects the codemod tables fix, and how a table runs one: in memory, as
`guardfix --apply --all .` would in a folder holding it.

A case is a small project, `files`, whose first file is the one the table looks at; the
other files are the project around it (tsconfig.json, package.json, the auth setup, the
schema). A fixed file is fixed for good: a second run finds nothing and changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from textwrap import dedent

from guardfix.config import CONFIG_FILES, Config, find_config_file, load_config
from guardfix.engine import fix_project
from guardfix.model import Report, Rewrite
from guardfix.report import text
from guardfix.rules import RULES_BY_CODE
from guardfix.severity import failing

Files = dict[str, str]


def config_of(files: Files) -> Config:
    """The configuration the run finds in the project, read as the command line reads it."""
    with tempfile.TemporaryDirectory(prefix="guardfix-config-") as tmp:
        for name in CONFIG_FILES:
            if name in files:
                (Path(tmp) / name).write_text(files[name], encoding="utf-8", newline="")
        return load_config(find_config_file(Path(tmp)), frozenset(RULES_BY_CODE))


def run(files: Files, unsafe: bool = False) -> tuple[Report, list[Rewrite], dict[str, bytes]]:
    """One `--apply` run: its report, its rewrites, and every file of the project after it."""
    before = {path: content.encode("utf-8") for path, content in files.items()}
    report, rewrites = fix_project(before, config_of(files), unsafe)
    after = {**before, **{rw.path: rw.after for rw in rewrites if rw.fixed}}
    return report, rewrites, after


def exit_code(report: Report, rewrites: list[Rewrite]) -> int:
    """The run's exit status, as `guardfix --apply` (without --strict) gives it."""
    if report.unreadable:
        return 2
    return 1 if any(rw.fixed for rw in rewrites) or failing(report.findings, False) else 0


def report_text(report: Report, rewrites: list[Rewrite]) -> str:
    """What an `--apply` run prints, in the text format."""
    return text.render(report, color=False, rewrites=rewrites, applied=True)


def fix(files: Files, unsafe: bool = False) -> str:
    """The first file of the project once an `--apply` run (with `--unsafe-fixes` when
    `unsafe`) rewrote it; a second run must find nothing and change nothing."""
    report, rewrites, after = run(files, unsafe)
    assert exit_code(report, rewrites) == 1  # 1: a file was rewritten
    again, rewrites_again, _ = run(
        {path: content.decode("utf-8") for path, content in after.items()}
    )
    assert not any(rw.fixed for rw in rewrites_again), "a second run changed a file again"
    assert exit_code(again, rewrites_again) == 0, "a second run still finds something"
    return after[next(iter(files))].decode("utf-8")


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
