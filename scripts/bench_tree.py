"""A synthetic Next.js monorepo for scripts/bench.py: deterministic, of a chosen size.

    python scripts/bench_tree.py DIR --files 2000 [--seed 1]

writes the tree into DIR and commits it (`git init`, `git add -A`, `git commit`).

Shares of the files (of what real monorepos hold):
  3%  server action files ("use server" at the top, or inside a page's function):
      guarded (`const session = await auth(); if (!session) throw ...`, or `requireUser()`
      from lib/session.ts), unguarded, session looked up but not checked, with and without
      an owner filter; Prisma (`db.post.delete({ where: { id } })`) or Drizzle
      (`db.delete(posts).where(eq(posts.id, id))`) writes, and read-only actions
  10% helpers (apps/<app>/lib, packages/<pkg>/src): data access, formatting, guards
  50% React components (.tsx, a third of them "use client")
  12% pages, layouts, loading states and route handlers under apps/<app>/app/...
  25% noise: utilities, tests, .d.ts, .mjs scripts, JSON, Markdown, CSS and a few long
      generated-looking .ts files
Every app has package.json, tsconfig.json (paths "@/*"), next.config.mjs, lib/auth.ts
(NextAuth), lib/session.ts, lib/db.ts (Prisma) and lib/drizzle.ts; the workspace root has
package.json (workspaces), tsconfig.base.json, turbo.json and .gitignore; packages/db holds the
Prisma schema and the Drizzle tables.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

APP_NAMES = ["web", "admin", "portal", "studio", "billing", "console", "market", "support"]
PACKAGES = ["ui", "db", "auth", "utils", "emails", "analytics"]
ENTITIES = [
    "post", "comment", "project", "invoice", "task", "note", "team", "member", "document",
    "folder", "ticket", "order", "product", "review", "campaign", "webhook", "apiKey", "report",
    "invite", "label", "board", "event", "asset", "message",
]  # fmt: skip
WORDS = [
    "alpha", "bright", "cedar", "delta", "ember", "frost", "grove", "harbor", "iris", "jade",
    "kite", "lumen", "maple", "nova", "onyx", "pine", "quartz", "river", "slate", "tide",
]  # fmt: skip

# Kinds of generated file and their share of the tree (the rest of the noise is below).
SHARES: list[tuple[str, float]] = [
    ("action", 0.03),
    ("helper", 0.10),
    ("component", 0.50),
    ("page", 0.12),
    ("util", 0.07),
    ("test", 0.05),
    ("dts", 0.02),
    ("script", 0.01),
    ("data", 0.095),
    ("generated", 0.005),
]


def pascal(name: str) -> str:
    return name[0].upper() + name[1:]


def plural(name: str) -> str:
    return name + "s"


class Tree:
    """Writes files under root, each path once; the path counter keeps names unique."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.serial = 0
        self.written = 0

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.written += 1

    def unique(self) -> int:
        self.serial += 1
        return self.serial

    def entity(self) -> str:
        return self.rng.choice(ENTITIES)

    def word(self) -> str:
        return self.rng.choice(WORDS)


# --- the fixed skeleton ---------------------------------------------------------------------


def write_skeleton(tree: Tree, apps: list[str]) -> None:
    root_package = {
        "name": "acme",
        "private": True,
        "workspaces": ["apps/*", "packages/*"],
        "scripts": {"build": "turbo build", "dev": "turbo dev", "lint": "turbo lint"},
        "devDependencies": {"turbo": "^2.0.0", "typescript": "^5.4.0"},
    }
    tree.write("package.json", json.dumps(root_package, indent=2) + "\n")
    base = {
        "compilerOptions": {
            "target": "ES2022",
            "module": "esnext",
            "moduleResolution": "bundler",
            "strict": True,
            "jsx": "preserve",
            "skipLibCheck": True,
            "paths": {f"@acme/{p}": [f"./packages/{p}/src"] for p in PACKAGES},
        }
    }
    tree.write("tsconfig.base.json", json.dumps(base, indent=2) + "\n")
    tree.write("turbo.json", json.dumps({"tasks": {"build": {"outputs": [".next/**"]}}}) + "\n")
    tree.write(".gitignore", "node_modules/\n.next/\ndist/\n")
    for app in apps:
        write_app_skeleton(tree, app)
    for package in PACKAGES:
        write_package_skeleton(tree, package)
    write_db_package(tree)


def write_app_skeleton(tree: Tree, app: str) -> None:
    deps = {"next": "15.0.0", "react": "19.0.0", "next-auth": "5.0.0-beta.25"}
    deps |= {"@prisma/client": "^5.0.0", "drizzle-orm": "^0.33.0"}
    deps |= {f"@acme/{p}": "workspace:*" for p in PACKAGES}
    package = {"name": f"@acme/{app}", "private": True, "dependencies": deps}
    tree.write(f"apps/{app}/package.json", json.dumps(package, indent=2) + "\n")
    tsconfig = {
        "extends": "../../tsconfig.base.json",
        "compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./*"]}},
        "include": ["**/*.ts", "**/*.tsx"],
    }
    tree.write(f"apps/{app}/tsconfig.json", json.dumps(tsconfig, indent=2) + "\n")
    tree.write(f"apps/{app}/next.config.mjs", "export default { reactStrictMode: true };\n")
    tree.write(
        f"apps/{app}/lib/auth.ts",
        'import NextAuth from "next-auth";\n'
        'import GitHub from "next-auth/providers/github";\n\n'
        "export const { auth, handlers, signIn, signOut } = NextAuth({\n"
        "  providers: [GitHub],\n});\n",
    )
    tree.write(
        f"apps/{app}/lib/session.ts",
        'import { redirect } from "next/navigation";\nimport { auth } from "@/lib/auth";\n\n'
        "export async function requireUser() {\n"
        "  const session = await auth();\n"
        '  if (!session?.user?.id) redirect("/login");\n'
        "  return session.user;\n}\n",
    )
    tree.write(
        f"apps/{app}/lib/db.ts",
        'import { PrismaClient } from "@prisma/client";\n\n'
        "const globalForDb = globalThis as unknown as { db?: PrismaClient };\n\n"
        "export const db = globalForDb.db ?? new PrismaClient();\n\n"
        'if (process.env.NODE_ENV !== "production") globalForDb.db = db;\n',
    )
    tree.write(
        f"apps/{app}/lib/drizzle.ts",
        'import { drizzle } from "drizzle-orm/node-postgres";\n'
        'import { Pool } from "pg";\nimport * as schema from "@acme/db/schema";\n\n'
        "const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n\n"
        "export const db = drizzle(pool, { schema });\n",
    )
    tree.write(
        f"apps/{app}/app/layout.tsx",
        "export default function RootLayout({ children }: { children: React.ReactNode }) {\n"
        '  return (\n    <html lang="en">\n      <body>{children}</body>\n    </html>\n  );\n}\n',
    )


def write_package_skeleton(tree: Tree, package: str) -> None:
    manifest = {
        "name": f"@acme/{package}",
        "private": True,
        "main": "./src/index.ts",
        "exports": {".": "./src/index.ts", "./*": "./src/*.ts"},
    }
    tree.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    tsconfig = {"extends": "../../tsconfig.base.json", "include": ["src"]}
    tree.write(f"packages/{package}/tsconfig.json", json.dumps(tsconfig, indent=2) + "\n")
    tree.write(f"packages/{package}/src/index.ts", f'export const packageName = "{package}";\n')


def write_db_package(tree: Tree) -> None:
    models = []
    tables = ['import { pgTable, text, timestamp, boolean } from "drizzle-orm/pg-core";\n']
    for entity in ENTITIES:
        models.append(
            f"model {pascal(entity)} {{\n  id        String   @id @default(cuid())\n"
            "  title     String\n  ownerId   String\n  archived  Boolean  @default(false)\n"
            "  createdAt DateTime @default(now())\n}\n"
        )
        tables.append(
            f'export const {plural(entity)} = pgTable("{plural(entity)}", {{\n'
            '  id: text("id").primaryKey(),\n  title: text("title").notNull(),\n'
            '  ownerId: text("owner_id").notNull(),\n'
            '  archived: boolean("archived").default(false),\n'
            '  createdAt: timestamp("created_at").defaultNow(),\n});\n'
        )
    header = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
    tree.write("packages/db/prisma/schema.prisma", header + "\n" + "\n".join(models))
    tree.write("packages/db/src/schema.ts", "\n".join(tables))


# --- server actions -------------------------------------------------------------------------

# How an action checks its caller, and how often.
GUARDS: list[tuple[str, float]] = [
    ("session", 0.45),  # const session = await auth(); if (!session?.user) throw ...
    ("require", 0.2),  # const user = await requireUser();
    ("none", 0.2),  # nothing: anyone can call it
    ("unchecked", 0.15),  # the session is looked up, its absence never handled
]


def pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    names = [name for name, _ in table]
    return rng.choices(names, weights=[w for _, w in table])[0]


def guard_lines(guard: str) -> tuple[list[str], str | None]:
    """The statements that open an action, and the expression naming the caller's id."""
    if guard == "session":
        return [
            "const session = await auth();",
            'if (!session?.user?.id) throw new Error("Unauthorized");',
        ], "session.user.id"
    if guard == "require":
        return ["const user = await requireUser();"], "user.id"
    if guard == "unchecked":
        return ["const session = await auth();"], "session?.user?.id"
    return [], None


def prisma_write(entity: str, verb: str, owner: str | None) -> str:
    where = f"{{ id, ownerId: {owner} }}" if owner else "{ id }"
    if verb == "delete":
        return f"await db.{entity}.delete({{ where: {where} }});"
    if verb == "update":
        return f"await db.{entity}.update({{ where: {where}, data: {{ title }} }});"
    owner_value = owner or 'String(formData.get("ownerId"))'
    return f"await db.{entity}.create({{ data: {{ title, ownerId: {owner_value} }} }});"


def drizzle_write(entity: str, verb: str, owner: str | None) -> str:
    table = plural(entity)
    cond = f"eq({table}.id, id)"
    if owner:
        cond = f"and({cond}, eq({table}.ownerId, {owner}))"
    if verb == "delete":
        return f"await db.delete({table}).where({cond});"
    if verb == "update":
        return f"await db.update({table}).set({{ title }}).where({cond});"
    owner_value = owner or 'String(formData.get("ownerId"))'
    return f"await db.insert({table}).values({{ id, title, ownerId: {owner_value} }});"


def action_function(tree: Tree, entity: str, orm: str, inline: bool = False) -> list[str]:
    rng = tree.rng
    verb = rng.choice(["delete", "update", "create", "read"])
    guard = pick(rng, GUARDS)
    opening, owner = guard_lines(guard)
    if owner and rng.random() < 0.3:
        owner = None  # checks the caller but lets the input pick any row
    name = f"{verb}{pascal(entity)}{tree.unique()}"
    body = ['"use server";'] if inline else []
    body += opening
    body += [
        'const id = String(formData.get("id"));',
        'const title = String(formData.get("title"));',
    ]
    if verb == "read":
        body.append(f"return db.{entity}.findMany({{ where: {{ ownerId: {owner or 'id'} }} }});")
    else:
        write = prisma_write if orm == "prisma" else drizzle_write
        body.append(write(entity, verb, owner))
        body.append(f'revalidatePath("/{plural(entity)}");')
    prefix = "async function" if inline else "export async function"
    return [f"{prefix} {name}(formData: FormData) {{", *[f"  {line}" for line in body], "}"]


def action_imports(orm: str, entity: str) -> list[str]:
    lines = [
        'import { revalidatePath } from "next/cache";',
        'import { auth } from "@/lib/auth";',
        'import { requireUser } from "@/lib/session";',
    ]
    if orm == "prisma":
        return [*lines, 'import { db } from "@/lib/db";']
    return [
        *lines,
        'import { and, eq } from "drizzle-orm";',
        'import { db } from "@/lib/drizzle";',
        f'import {{ {plural(entity)} }} from "@acme/db/schema";',
    ]


def write_action(tree: Tree, app: str) -> None:
    rng = tree.rng
    entity = tree.entity()
    orm = "prisma" if rng.random() < 0.6 else "drizzle"
    n = tree.unique()
    if rng.random() < 0.15:
        write_inline_action_page(tree, app, entity, orm, n)
        return
    lines = ['"use server";', "", *action_imports(orm, entity)]
    for _ in range(rng.randint(2, 6)):
        lines += ["", *action_function(tree, entity, orm)]
    if rng.random() < 0.5:
        rel = f"apps/{app}/app/(dashboard)/{plural(entity)}-{n}/actions.ts"
    else:
        rel = f"apps/{app}/actions/{entity}-{n}.ts"
    tree.write(rel, "\n".join(lines) + "\n")


def write_inline_action_page(tree: Tree, app: str, entity: str, orm: str, n: int) -> None:
    """A server component page that defines its action inline ("use server" in the body)."""
    function = action_function(tree, entity, orm, inline=True)
    lines = [
        *action_imports(orm, entity),
        "",
        "export default async function Page() {",
        *[f"  {line}" for line in function],
        "  return (",
        f"    <form action={{{function[0].split()[2].split('(')[0]}}}>",
        '      <input name="id" />',
        '      <button type="submit">Save</button>',
        "    </form>",
        "  );",
        "}",
    ]
    tree.write(f"apps/{app}/app/(dashboard)/{plural(entity)}-{n}/page.tsx", "\n".join(lines) + "\n")


# --- the rest of the tree -------------------------------------------------------------------


def write_helper(tree: Tree, app: str) -> None:
    rng = tree.rng
    entity = tree.entity()
    n = tree.unique()
    lines = ['import { db } from "@/lib/db";', ""]
    lines += [
        f"export async function list{pascal(plural(entity))}{n}(ownerId: string) {{",
        f"  return db.{entity}.findMany({{ where: {{ ownerId }}, orderBy: {{ createdAt: "
        '"desc" } });',
        "}",
        "",
        f"export function describe{pascal(entity)}{n}(title: string, count: number): string {{",
        f"  return count === 1 ? `${{title}} (1 {entity})` : `${{title}} (${{count}} "
        f"{plural(entity)})`;",
        "}",
    ]
    for i in range(blocks(rng, 1.2)):
        lines += [
            "",
            f"export function {tree.word()}{pascal(tree.word())}{n}_{i}(values: number[]) {{",
            "  const positive = values.filter((v) => v > 0);",
            "  if (positive.length === 0) {",
            "    return { total: 0, mean: 0, max: 0 };",
            "  }",
            "  const total = positive.reduce((a, b) => a + b, 0);",
            "  return { total, mean: total / positive.length, max: Math.max(...positive) };",
            "}",
        ]
    if rng.random() < 0.7:
        rel = f"apps/{app}/lib/{entity}-{n}.ts"
    else:
        package = rng.choice(PACKAGES)
        rel = f"packages/{package}/src/{entity}-{n}.ts"
        lines[0] = 'import { db } from "@acme/db";'
    tree.write(rel, "\n".join(lines) + "\n")


def blocks(rng: random.Random, mu: float) -> int:
    """How many repeated parts a file gets: a long tail, as real file sizes have."""
    return min(max(int(rng.lognormvariate(mu, 0.8)), 1), 40)


def component_function(tree: Tree, name: str, entity: str, client: bool) -> list[str]:
    rng = tree.rng
    lines = [
        f"type {name}Props = {{",
        "  title: string;",
        "  items: { id: string; label: string; createdAt: Date; done?: boolean }[];",
        "  onSelect?: (id: string) => void;",
        "};",
        "",
        f"export function {name}({{ title, items, onSelect }}: {name}Props) {{",
    ]
    if client:
        lines += [
            "  const [open, setOpen] = useState(false);",
            '  const [query, setQuery] = useState("");',
            "  const visible = useMemo(",
            "    () => items.filter((item) => item.label.toLowerCase().includes(query)),",
            "    [items, query],",
            "  );",
        ]
    else:
        lines.append("  const visible = items;")
    lines += ["  return (", f'    <section className="{entity}-list">', "      <h2>{title}</h2>"]
    for i in range(blocks(rng, 1.4)):
        lines += [
            f"      {{visible.length > {i} ? (",
            f'        <ul className="{tree.word()}">',
            "          {visible.map((item) => (",
            '            <li key={item.id} className={item.done ? "done" : "open"}>',
            "              <button onClick={() => onSelect?.(item.id)}>{item.label}</button>",
            "              <time>{item.createdAt.toLocaleDateString()}</time>",
            "            </li>",
            "          ))}",
            "        </ul>",
            "      ) : (",
            f"        <p>No {plural(entity)} yet.</p>",
            "      )}",
        ]
    if client:
        lines += [
            "      <input value={query} onChange={(e) => setQuery(e.target.value)} />",
            "      <Button onClick={() => setOpen(!open)}>{open ? 'Hide' : 'Show'}</Button>",
        ]
    return [*lines, "    </section>", "  );", "}", ""]


def write_component(tree: Tree, app: str) -> None:
    rng = tree.rng
    entity = tree.entity()
    name = f"{pascal(tree.word())}{pascal(entity)}{tree.unique()}"
    client = rng.random() < 0.33
    lines = ['"use client";', "", 'import { useMemo, useState } from "react";'] if client else []
    lines += ['import { Button } from "@acme/ui";', ""]
    for part in range(blocks(rng, 0.5)):
        lines += component_function(tree, f"{name}{part or ''}", entity, client)
    folder = rng.choice(["components", f"components/{plural(entity)}", "app/_components"])
    tree.write(f"apps/{app}/{folder}/{name}.tsx", "\n".join(lines))


def write_page(tree: Tree, app: str) -> None:
    rng = tree.rng
    entity = tree.entity()
    n = tree.unique()
    folder = f"apps/{app}/app/{plural(entity)}-{n}"
    kind = rng.choices(["page", "layout", "loading", "route"], weights=[6, 2, 1, 2])[0]
    if kind == "route":
        text = (
            'import { NextResponse } from "next/server";\nimport { db } from "@/lib/db";\n\n'
            "export async function GET() {\n"
            f"  const rows = await db.{entity}.findMany({{ take: 20 }});\n"
            "  return NextResponse.json(rows);\n}\n"
        )
        tree.write(f"{folder}/route.ts", text)
        return
    if kind == "loading":
        tree.write(
            f"{folder}/loading.tsx", "export default function Loading() {\n  return <p>…</p>;\n}\n"
        )
        return
    if kind == "layout":
        tree.write(
            f"{folder}/layout.tsx",
            "export default function Layout({ children }: { children: React.ReactNode }) {\n"
            '  return <div className="layout">{children}</div>;\n}\n',
        )
        return
    tree.write(
        f"{folder}/page.tsx",
        'import { db } from "@/lib/db";\nimport { auth } from "@/lib/auth";\n\n'
        "export default async function Page() {\n"
        "  const session = await auth();\n"
        f"  const rows = await db.{entity}.findMany({{ where: {{ ownerId: session?.user?.id }} }});"
        "\n"
        "  return (\n    <main>\n"
        f"      <h1>{pascal(plural(entity))}</h1>\n"
        "      {rows.map((row) => (\n        <p key={row.id}>{row.title}</p>\n      ))}\n"
        "    </main>\n  );\n}\n",
    )


def write_util(tree: Tree, app: str) -> None:
    n = tree.unique()
    lines = []
    for i in range(blocks(tree.rng, 1.2)):
        lines += [
            f"export function {tree.word()}{i}_{n}(input: string, limit = 64): string {{",
            "  const slug = input",
            "    .trim()",
            "    .toLowerCase()",
            '    .normalize("NFKD")',
            '    .replace(/[^a-z0-9]+/g, "-");',
            "  return slug.length > limit ? slug.slice(0, limit) : slug;",
            "}",
            "",
        ]
    tree.write(f"apps/{app}/utils/{tree.word()}-{n}.ts", "\n".join(lines))


def write_test(tree: Tree, app: str) -> None:
    n = tree.unique()
    word = tree.word()
    ext = tree.rng.choice(["ts", "tsx"])
    text = (
        'import { describe, expect, it } from "vitest";\n\n'
        f'describe("{word} {n}", () => {{\n'
        '  it("keeps the order", () => {\n'
        "    expect([3, 1, 2].sort()).toEqual([1, 2, 3]);\n  });\n"
        '  it("joins", () => {\n    expect(["a", "b"].join("-")).toBe("a-b");\n  });\n});\n'
    )
    tree.write(f"apps/{app}/__tests__/{word}-{n}.test.{ext}", text)


def write_dts(tree: Tree, app: str) -> None:
    n = tree.unique()
    text = f'declare module "legacy-{tree.word()}-{n}" {{\n  export function run(): void;\n}}\n'
    tree.write(f"apps/{app}/types/legacy-{n}.d.ts", text)


def write_script(tree: Tree, app: str) -> None:
    n = tree.unique()
    text = (
        'import { readFileSync } from "node:fs";\n\n'
        'const data = JSON.parse(readFileSync(process.argv[2], "utf8"));\n'
        f"console.log(Object.keys(data).length, {n});\n"
    )
    tree.write(f"scripts/{tree.word()}-{n}.mjs", text)


def write_data(tree: Tree, app: str) -> None:
    n = tree.unique()
    kind = tree.rng.choice(["json", "md", "css"])
    if kind == "json":
        messages = {f"{tree.word()}_{i}": f"{tree.word()} {tree.word()}" for i in range(30)}
        tree.write(f"apps/{app}/messages/{tree.word()}-{n}.json", json.dumps(messages, indent=2))
    elif kind == "md":
        tree.write(f"docs/{tree.word()}-{n}.md", f"# {pascal(tree.word())}\n\nNotes {n}.\n")
    else:
        tree.write(
            f"apps/{app}/styles/{tree.word()}-{n}.module.css", ".row {\n  padding: 4px;\n}\n"
        )


def write_generated(tree: Tree, app: str) -> None:
    """A long machine-written module (icons, API types) such as code generators leave."""
    n = tree.unique()
    lines = [f"// Generated file {n}. Do not edit.", ""]
    for i in range(tree.rng.randint(500, 3000)):
        lines.append(f'export const icon{i}: string = "M{i} 0h24v24H0z l{i % 7} {i % 11}";')
    tree.write(f"packages/ui/src/generated/icons-{n}.ts", "\n".join(lines) + "\n")


WRITERS: dict[str, Callable[[Tree, str], None]] = {
    "action": write_action,
    "helper": write_helper,
    "component": write_component,
    "page": write_page,
    "util": write_util,
    "test": write_test,
    "dts": write_dts,
    "script": write_script,
    "data": write_data,
    "generated": write_generated,
}


def generate(root: Path, files: int, seed: int = 1) -> None:
    """Write a monorepo of about `files` files into root (the skeleton included)."""
    rng = random.Random(seed)
    tree = Tree(root, rng)
    apps = [APP_NAMES[i % len(APP_NAMES)] + ("" if i < len(APP_NAMES) else str(i)) for i in
            range(min(max(files // 2500, 2), 16))]  # fmt: skip
    write_skeleton(tree, apps)
    kinds = [kind for kind, _ in SHARES]
    weights = [share for _, share in SHARES]
    while tree.written < files:
        kind = rng.choices(kinds, weights=weights)[0]
        WRITERS[kind](tree, rng.choice(apps))


def commit(root: Path) -> None:
    """Commit everything under root as a new repository (fixed author and date)."""
    env = os.environ | {
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    }
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        [*identity, "commit", "-q", "-m", "tree"],
    ):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dir", type=Path, help="an empty or missing directory")
    parser.add_argument(
        "--files", type=int, default=2000, help="about how many files (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    generate(args.dir, args.files, args.seed)
    commit(args.dir)


if __name__ == "__main__":
    main()
