"""GF002, owner_filter: the caller's id added to the write's filter (Prisma, Drizzle,
Supabase), and the fixes that rest on a guess, written only with --unsafe-fixes.

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    DRIZZLE_IMPORTS,
    INVITES,
    SUPABASE,
    SUPABASE_ACTION,
    Files,
    authjs,
    drizzle_project,
    fix,
    guarded,
    prisma_project,
    ts,
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
def test_owner_filters(files: Files, expected: str) -> None:
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
def test_unsafe_fixes(files: Files, expected: str) -> None:
    assert fix(files, unsafe=True) == expected


def test_the_user_id_is_read_as_the_files_other_actions_read_it() -> None:
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
