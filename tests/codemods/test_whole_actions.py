"""One run fixes the whole action: the fixes of its several findings go in together.

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import DRIZZLE_SCHEMA, PRISMA_4, REQUIRE_USER, Files, authjs, fix, ts

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
def test_whole_actions(files: Files, expected: str) -> None:
    assert fix(files) == expected
