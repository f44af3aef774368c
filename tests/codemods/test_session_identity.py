"""GF003, session_identity: the user id taken from the session, not from the request.

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    DRIZZLE_IMPORTS,
    FORM,
    INPUT,
    MAPPED_ACTION,
    Files,
    clerk_action,
    clerk_project,
    drizzle_project,
    fix,
    guarded,
    prisma_project,
    ts,
)

CLERK_LOOKUP = (
    "const me = await prisma.user.findUnique({ where: { clerkId: userId } });",
    'if (!me) throw new Error("Unknown user");',
)


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
def test_identity(files: Files, expected: str) -> None:
    assert fix(files) == expected
