"""GF004, session_check: the check of the session the action already looks up (and its
`await` when the lookup is not awaited).

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    AUTH,
    AUTHJS,
    AUTHJS_GUARD,
    GET_SESSION,
    GET_SESSION_FROM_LIB,
    IRON,
    PRISMA,
    Files,
    authjs,
    create_post,
    fix,
    package,
    throws_unless,
    ts,
)

GET_SESSION_IMPORT = 'import { getSession } from "@/lib/auth";'


SESSION_CHECKS = [
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const session = await getSession();",
                'if (!session) throw new Error("Unauthorized");',
                imports=(PRISMA, GET_SESSION_FROM_LIB),
            ),
            **IRON,
            "guardfix.toml": ts("""
                session = { from = "@/lib/session", name = "getSession", call = "await getSession()", user-id = "session.userId" }
                """),
        },
        # An iron-session is never null: configuring the lookup does not make
        # `if (!session)` a check.
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            'if (!session) throw new Error("Unauthorized");',
            imports=(PRISMA, GET_SESSION_FROM_LIB),
        ),
        id="configured-helper-read-for-what-it-returns",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              const session = await auth();
              await prisma.post.create({ data: { title, authorId: session?.user?.id } });
            }
            """
        ),
        # The user id as the action spells it.
        ts("""
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title, authorId: session?.user?.id } });
            }
            """),
        id="user-id-from-the-action",
    ),
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const session = await getSession();", imports=(GET_SESSION_IMPORT, PRISMA)
            ),
            **AUTHJS,
            "lib/auth.ts": GET_SESSION,
            "app/posts/actions.ts": create_post(
                "const session = await getSession();",
                'if (!session?.userId) throw new Error("Unauthorized");',
                imports=(GET_SESSION_IMPORT, PRISMA),
            ),
        },
        # The user id as the project's guarded actions spell it (not the Auth.js preset's).
        create_post(
            "const session = await getSession();",
            *throws_unless("session?.userId"),
            imports=(GET_SESSION_IMPORT, PRISMA),
        ),
        id="user-id-from-the-idiom",
    ),
    pytest.param(
        authjs(create_post("const me = await auth();", imports=(AUTH, PRISMA))),
        # The preset's user id, on the action's own name for the session.
        create_post(
            "const me = await auth();", *throws_unless("me?.user?.id"), imports=(AUTH, PRISMA)
        ),
        id="user-id-from-the-preset-renamed",
    ),
    pytest.param(
        authjs(create_post("const session = auth();", imports=(AUTH, PRISMA))),
        # Without `await` the check would test a promise, which is always truthy.
        create_post(*AUTHJS_GUARD, imports=(AUTH, PRISMA)),
        id="unawaited",
    ),
    pytest.param(
        authjs(
            create_post(
                "const session = auth();",
                'if (!session) throw new Error("Unauthorized");',
                imports=(AUTH, PRISMA),
            )
        ),
        # The check is there already: it only needed the `await`.
        create_post(
            "const session = await auth();",
            'if (!session) throw new Error("Unauthorized");',
            imports=(AUTH, PRISMA),
        ),
        id="unawaited-checked",
    ),
    pytest.param(
        authjs(
            create_post("const session = getSession();", imports=(GET_SESSION_IMPORT, PRISMA)),
            **{"lib/auth.ts": GET_SESSION},
        ),
        # An async project helper needs its `await` as much as a library's lookup.
        create_post(
            "const session = await getSession();",
            *throws_unless("session"),
            imports=(GET_SESSION_IMPORT, PRISMA),
        ),
        id="unawaited-project-helper",
    ),
    pytest.param(
        authjs(
            """
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              function createPost(formData: FormData) {
                "use server";
                const session = auth();
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """,
            path="app/new/page.tsx",
        ),
        # `await` needs an async function.
        ts("""
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              async function createPost(formData: FormData) {
                "use server";
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """),
        id="unawaited-in-a-sync-inline-action",
    ),
    pytest.param(
        {
            "app/actions.ts": create_post(
                "const { userId } = await auth();",
                imports=('import { auth } from "@clerk/nextjs/server";', PRISMA),
            ),
            "package.json": package(**{"@clerk/nextjs": "^6.9.0"}),
        },
        create_post(
            "const { userId } = await auth();",
            *throws_unless("userId"),
            imports=('import { auth } from "@clerk/nextjs/server";', PRISMA),
        ),
        id="clerk-destructured",
    ),
]


@pytest.mark.parametrize(("files", "expected"), SESSION_CHECKS)
def test_session_checks(files: Files, expected: str) -> None:
    assert fix(files) == expected
