"""codestyle and imports: the inserted code follows the file's own style (indentation,
newlines, BOM, quotes, semicolons) and its imports join the ones it has.

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    AUTHJS,
    AUTHJS_GUARD,
    PRISMA,
    PRISMA_4,
    UNGUARDED,
    Files,
    as_is,
    authjs,
    create_post,
    crlf,
    fix,
    reindent,
    ts,
)

BOM = "\ufeff"


FILE_STYLE = [
    pytest.param(
        as_is(
            crlf("""
                "use server";
                import { prisma } from "@/lib/prisma";

                export async function createPost(title: string) {
                  await prisma.post.create({ data: { title } });
                }
                """)
        ),
        crlf("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="crlf-guard",
    ),
    pytest.param(
        as_is(
            crlf("""
                "use server";
                import { auth } from "@/auth";
                import { prisma } from "@/lib/prisma";

                export async function renamePost(id: string, title: string) {
                  const session = await auth();
                  if (!session?.user?.id) throw new Error("Unauthorized");
                  await prisma.post.update({
                    where: {
                      id,
                    },
                    data: { title },
                  });
                }
                """),
            **{"package.json": PRISMA_4},
        ),
        crlf("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function renamePost(id: string, title: string) {
              const session = await auth();
              if (!session?.user?.id) throw new Error("Unauthorized");
              const result = await prisma.post.updateMany({
                where: {
                  id,
                  authorId: session.user.id,
                },
                data: { title },
              });
              if (result.count === 0) {
                throw new Error("Not found or forbidden");
              }
            }
            """),
        id="crlf-owner-filter",
    ),
    *(
        pytest.param(
            as_is(
                reindent(
                    """
                    "use server";
                    import { prisma } from "@/lib/prisma";

                    export async function createPost(title: string) {
                      if (title.length > 0) {
                        await prisma.post.create({ data: { title } });
                      }
                    }
                    """,
                    unit,
                )
            ),
            reindent(
                """
                "use server";
                import { prisma } from "@/lib/prisma";
                import { auth } from "@/auth";

                export async function createPost(title: string) {
                  const session = await auth();
                  if (!session?.user?.id) {
                    throw new Error("Unauthorized");
                  }
                  if (title.length > 0) {
                    await prisma.post.create({ data: { title } });
                  }
                }
                """,
                unit,
            ),
            id=name,
        )
        for unit, name in (("\t", "tabs"), ("    ", "four-spaces"))
    ),
    pytest.param(
        as_is(BOM + UNGUARDED),
        BOM + create_post(*AUTHJS_GUARD, imports=(PRISMA, 'import { auth } from "@/auth";')),
        id="utf8-bom",
    ),
    pytest.param(
        authjs("""
            "use server";
            // Beiträge löschen — nur für Eigentümer 🗑️
            import { prisma } from "@/lib/prisma";

            export async function deletePost(id: string, reason = "Entfernt: «Spam» ✂") {
              await prisma.post.delete({ where: { title: "Grüße 👋", id } });
            }
            """),
        # Offsets are bytes: multi-byte characters before an edit must not shift it.
        ts("""
            "use server";
            // Beiträge löschen — nur für Eigentümer 🗑️
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function deletePost(id: string, reason = "Entfernt: «Spam» ✂") {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.delete({ where: { title: "Grüße 👋", id, authorId: session.user.id } });
            }
            """),
        id="non-ascii-before-the-edits",
    ),
    # Imports: a name joins a value import of its module; otherwise a new import goes after
    # the last one, in the quotes and with the semicolons of the file's imports.
    pytest.param(
        authjs(create_post(imports=('import { signIn } from "@/auth";', PRISMA))),
        create_post(*AUTHJS_GUARD, imports=('import { signIn, auth } from "@/auth";', PRISMA)),
        id="import-merged",
    ),
    pytest.param(
        authjs(create_post(imports=('import {\n  handlers,\n  signIn,\n} from "@/auth";', PRISMA))),
        create_post(
            *AUTHJS_GUARD,
            imports=('import {\n  handlers,\n  signIn,\n  auth,\n} from "@/auth";', PRISMA),
        ),
        id="import-merged-multi-line",
    ),
    pytest.param(
        authjs(
            create_post(imports=('import authConfig from "@/auth";', PRISMA)),
            **{"auth.ts": AUTHJS["auth.ts"] + "\nexport default { providers: [] };\n"},
        ),
        create_post(*AUTHJS_GUARD, imports=('import authConfig, { auth } from "@/auth";', PRISMA)),
        id="import-merged-into-default",
    ),
    pytest.param(
        authjs(create_post(imports=('import type { Session } from "@/auth";', PRISMA))),
        # A type-only import cannot carry a value.
        create_post(
            *AUTHJS_GUARD,
            imports=(
                'import type { Session } from "@/auth";',
                PRISMA,
                'import { auth } from "@/auth";',
            ),
        ),
        id="import-type-not-merged",
    ),
    pytest.param(
        authjs("""
            "use server";

            export async function createPost(title: string) {
              await prisma.post.create({ data: { title } });
            }
            """),
        ts("""
            "use server";

            import { auth } from "@/auth";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="import-after-the-directive",
    ),
    pytest.param(
        authjs(
            """
            export default function Page() {
              async function createPost() {
                "use server";
                await prisma.post.create({ data: { title: "x" } });
              }
              return <form action={createPost} />;
            }
            """,
            path="app/new/page.tsx",
        ),
        ts("""
            import { auth } from "@/auth";

            export default function Page() {
              async function createPost() {
                "use server";
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                await prisma.post.create({ data: { title: "x" } });
              }
              return <form action={createPost} />;
            }
            """),
        id="import-first-in-a-file-without-any",
    ),
    pytest.param(
        authjs("""
            'use server'
            import { prisma } from '@/lib/prisma'

            export async function createPost(title: string) {
              await prisma.post.create({ data: { title } })
            }
            """),
        ts("""
            'use server'
            import { prisma } from '@/lib/prisma'
            import { auth } from '@/auth'

            export async function createPost(title: string) {
              const session = await auth()
              if (!session?.user?.id) {
                throw new Error('Unauthorized')
              }
              await prisma.post.create({ data: { title } })
            }
            """),
        id="single-quotes-no-semicolons",
    ),
]


@pytest.mark.parametrize(("files", "expected"), FILE_STYLE)
def test_file_style(files: Files, expected: str) -> None:
    assert fix(files) == expected


def test_a_one_line_guard_keeps_its_semicolons_in_a_file_without_them() -> None:
    # Learned from the one-line action below; dropping the `;` would join two statements.
    guarded = (
        "export async function keepPost(id: string) {\n"
        '  const session = await auth(); if (!session?.user?.id) throw new Error("Unauthorized")\n'
        "  await prisma.post.update({ where: { id, authorId: session.user.id }, data: {} })\n"
        "}\n"
    )
    source = (
        '"use server"\nimport { auth } from "@/auth"\n\n'
        "export async function dropPost(id: string) {\n"
        "  await prisma.post.deleteMany({ where: { published: false } })\n"
        "}\n\n" + guarded
    )
    fixed = fix(authjs(source))
    assert (
        "export async function dropPost(id: string) {\n"
        '  const session = await auth(); if (!session?.user?.id) throw new Error("Unauthorized")\n'
        "  await prisma.post.deleteMany"
    ) in fixed
