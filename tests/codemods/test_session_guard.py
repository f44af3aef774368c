"""GF001, session_guard: where the inserted session check goes, in each shape an action
takes (a declaration, an arrow, a wrapped or chained action, next-safe-action's client).

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import Files, authjs, fix, ts

GUARD_SHAPES = [
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              await prisma.post.create({ data: { title } });
            }
            """),
        ts("""
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
        id="function-declaration",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export const createPost = async (title: string) => {
              await prisma.post.create({ data: { title } });
            };
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export const createPost = async (title: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            };
            """),
        id="const-arrow",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export const createPost = async (title: string) => prisma.post.create({ data: { title } });

            export const createTag = async (name: string) =>
              prisma.tag.create({ data: { name } });
            """),
        # The expression becomes a block: the check, then `return` of the expression.
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export const createPost = async (title: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              return prisma.post.create({ data: { title } });
            };

            export const createTag = async (name: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              return prisma.tag.create({ data: { name } });
            };
            """),
        id="arrow-expression-body",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export default async function createPost(title: string) {
              await prisma.post.create({ data: { title } });
            }
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            }
            """),
        id="export-default-function",
    ),
    pytest.param(
        authjs(
            """
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              return (
                <form
                  action={async (formData: FormData) => {
                    "use server";
                    await prisma.post.create({ data: { title: String(formData.get("title")) } });
                  }}
                />
              );
            }
            """,
            path="app/new/page.tsx",
        ),
        # After the inline directive, which must stay the body's first statement.
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default function Page() {
              return (
                <form
                  action={async (formData: FormData) => {
                    "use server";
                    const session = await auth();
                    if (!session?.user?.id) {
                      throw new Error("Unauthorized");
                    }
                    await prisma.post.create({ data: { title: String(formData.get("title")) } });
                  }}
                />
              );
            }
            """),
        id="inline-jsx-action",
    ),
    pytest.param(
        authjs(
            """
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              return (
                <form action={async () => { "use server"; await prisma.post.create({ data: { title: "x" } }); }} />
              );
            }
            """,
            path="app/new/page.tsx",
        ),
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export default function Page() {
              return (
                <form action={async () => {
                  "use server";
                  const session = await auth();
                  if (!session?.user?.id) {
                    throw new Error("Unauthorized");
                  }
                  await prisma.post.create({ data: { title: "x" } });
                }} />
              );
            }
            """),
        id="inline-jsx-action-one-line",
    ),
    pytest.param(
        authjs(
            """
            import { prisma } from "@/lib/prisma";

            export default function Page() {
              function createPost(formData: FormData) {
                "use server";
                return prisma.post.create({ data: { title: String(formData.get("title")) } });
              }
              return <form action={createPost} />;
            }
            """,
            path="app/new/page.tsx",
        ),
        # `await` needs an async function.
        ts("""
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

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
        id="inline-not-async",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { z } from "zod";
            import { actionClient } from "@/lib/safe-action";
            import { prisma } from "@/lib/prisma";

            export const createPost = actionClient
              .inputSchema(z.object({ title: z.string() }))
              .action(async ({ parsedInput }) => {
                await prisma.post.create({ data: { title: parsedInput.title } });
              });

            export const deletePost = actionClient
              .inputSchema(z.object({ id: z.string() }))
              .action(async ({ parsedInput: { id } }) => {
                await prisma.post.delete({ where: { id } });
              });
            """,
            **{
                "lib/safe-action.ts": ts("""
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
                    """)
            },
        ),
        # No guard in the body: the action moves to the authenticated client, whose
        # middleware checks the session and passes the user id in `ctx`.
        ts("""
            "use server";
            import { z } from "zod";
            import { actionClient, authActionClient } from "@/lib/safe-action";
            import { prisma } from "@/lib/prisma";

            export const createPost = authActionClient
              .inputSchema(z.object({ title: z.string() }))
              .action(async ({ parsedInput, ctx }) => {
                await prisma.post.create({ data: { title: parsedInput.title } });
              });

            export const deletePost = authActionClient
              .inputSchema(z.object({ id: z.string() }))
              .action(async ({ parsedInput: { id }, ctx }) => {
                await prisma.post.delete({ where: { id, authorId: ctx.userId } });
              });
            """),
        id="next-safe-action-client",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { z } from "zod";
            import { createServerAction } from "zsa";
            import { prisma } from "@/lib/prisma";

            export const createPost = createServerAction()
              .input(z.object({ title: z.string() }))
              .handler(async ({ input }) => {
                await prisma.post.create({ data: { title: input.title } });
              });
            """),
        ts("""
            "use server";
            import { z } from "zod";
            import { createServerAction } from "zsa";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export const createPost = createServerAction()
              .input(z.object({ title: z.string() }))
              .handler(async ({ input }) => {
                const session = await auth();
                if (!session?.user?.id) {
                  throw new Error("Unauthorized");
                }
                await prisma.post.create({ data: { title: input.title } });
              });
            """),
        id="zsa-handler",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) { await prisma.post.create({ data: { title } }); }

            export async function createTag(name: string) { // tags are public
              await prisma.tag.create({ data: { name } });
            }
            """),
        # A one-line body opens up; a comment on the brace's line stays there.
        ts("""
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

            export async function createTag(name: string) { // tags are public
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.tag.create({ data: { name } });
            }
            """),
        id="one-line-body-and-brace-comment",
    ),
    pytest.param(
        authjs("""
            "use server";
            import { prisma } from "@/lib/prisma";

            async function createPost(title: string) {
              // drafts only
              await prisma.post.create({ data: { title, draft: true } });
            }

            export { createPost as createDraft };
            """),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            async function createPost(title: string) {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              // drafts only
              await prisma.post.create({ data: { title, draft: true } });
            }

            export { createPost as createDraft };
            """),
        id="export-list",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { prisma } from "@/lib/prisma";
            import { withLogging } from "@/lib/log";

            export const createPost = withLogging(async (title: string) => {
              await prisma.post.create({ data: { title } });
            });
            """,
            **{"lib/log.ts": "export function withLogging<T>(fn: T): T {\n  return fn;\n}\n"},
        ),
        # Inside the function the wrapper wraps.
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { withLogging } from "@/lib/log";
            import { auth } from "@/auth";

            export const createPost = withLogging(async (title: string) => {
              const session = await auth();
              if (!session?.user?.id) {
                throw new Error("Unauthorized");
              }
              await prisma.post.create({ data: { title } });
            });
            """),
        id="wrapped",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GUARD_SHAPES)
def test_guard_shapes(files: Files, expected: str) -> None:
    assert fix(files) == expected


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
    """)


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        pytest.param(
            'import { actionClient } from "@/lib/safe-action";',
            'import { authActionClient } from "@/lib/safe-action";',
            id="the-import-names-the-new-client",
        ),
        pytest.param(
            'import { actionClient, authActionClient } from "@/lib/safe-action";',
            'import { authActionClient } from "@/lib/safe-action";',
            id="the-unused-client-leaves-the-import",
        ),
        pytest.param(
            'import { authActionClient, actionClient } from "@/lib/safe-action";',
            'import { authActionClient } from "@/lib/safe-action";',
            id="the-last-name-leaves-with-its-comma",
        ),
    ],
)
def test_a_switched_client_leaves_no_unused_import(imports: str, expected: str) -> None:
    source = ts(f"""
        "use server";
        import {{ z }} from "zod";
        {imports}
        import {{ prisma }} from "@/lib/prisma";

        export const deletePost = actionClient
          .inputSchema(z.object({{ id: z.string() }}))
          .action(async ({{ parsedInput }}) => {{
            await prisma.post.delete({{ where: {{ id: parsedInput.id }} }});
          }});
        """)
    fixed = fix(authjs(source, **{"lib/safe-action.ts": SAFE_ACTION_CLIENTS}))
    assert f'import {{ z }} from "zod";\n{expected}\nimport {{ prisma }}' in fixed
    assert "export const deletePost = authActionClient" in fixed
