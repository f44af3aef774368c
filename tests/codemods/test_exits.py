"""GF001, exits: how the inserted check leaves the action when the caller has no session (the
idiom's own exit, where the action already returns that shape).

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import AUTH, PRISMA, Files, authjs, fix, ts


def idiom_exit(exit: str) -> str:
    """An already-guarded action that leaves with `exit` when there is no session."""
    return ts(f"""
        "use server";
        import {{ auth }} from "@/auth";
        import {{ prisma }} from "@/lib/prisma";

        export async function likePost(postId: string) {{
          const session = await auth();
          if (!session?.user?.id) {exit}
          await prisma.like.create({{ data: {{ postId, userId: session.user.id }} }});
          return {{ error: null }};
        }}
        """)


def unguarded(header: str, *lines: str) -> str:
    """An action file: `header` opens the function, `lines` are its body."""
    return (
        f'"use server";\n{PRISMA}\n\n{header} {{\n'
        + "".join(f"  {line}\n" for line in lines)
        + "}\n"
    )


def guarded_by_idiom(header: str, check: str, *lines: str) -> str:
    return (
        f'"use server";\n{PRISMA}\n{AUTH}\n\n{header} {{\n'
        "  const session = await auth();\n"
        f"  if (!session?.user?.id) {check}\n" + "".join(f"  {line}\n" for line in lines) + "}\n"
    )


CREATE = "const post = await prisma.post.create({ data: { title } });"


THROW = 'throw new Error("Unauthorized");'


# The idiom's own exit goes only where the action already returns that shape: a
# `return null` in an action whose callers use the post would break them all.
EXITS = [
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE, "return post;"),
            **{"app/posts/actions.ts": idiom_exit("return null;")},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)", THROW, CREATE, "return post;"
        ),
        id="return-null-into-an-action-returning-a-row",
    ),
    pytest.param(
        authjs(
            unguarded(
                "export async function createPost(title: string): Promise<string | null>",
                CREATE,
                "return post.id;",
            ),
            **{"app/posts/actions.ts": idiom_exit("return null;")},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string): Promise<string | null>",
            "return null;",
            CREATE,
            "return post.id;",
        ),
        id="return-null-where-the-declared-type-has-null",
    ),
    pytest.param(
        authjs(
            unguarded(
                "export async function createPost(title: string)",
                'if (!title) return { error: "A title is needed" };',
                CREATE,
                "return { error: null };",
            ),
            **{"app/posts/actions.ts": idiom_exit('return { error: "Sign in first" };')},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)",
            'return { error: "Sign in first" };',
            'if (!title) return { error: "A title is needed" };',
            CREATE,
            "return { error: null };",
        ),
        id="error-object-where-the-action-returns-error-objects",
    ),
    pytest.param(
        authjs(
            unguarded(
                "export async function createPost(title: string)",
                CREATE,
                "return { ok: true, id: post.id };",
            ),
            **{"app/posts/actions.ts": idiom_exit('return { error: "Sign in first" };')},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)",
            THROW,
            CREATE,
            "return { ok: true, id: post.id };",
        ),
        id="error-object-into-an-action-returning-another-object",
    ),
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE),
            **{"app/posts/actions.ts": idiom_exit("return;")},
        ),
        guarded_by_idiom("export async function createPost(title: string)", "return;", CREATE),
        id="bare-return-into-an-action-returning-nothing",
    ),
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE, "return post;"),
            **{"app/posts/actions.ts": idiom_exit("return;")},
        ),
        guarded_by_idiom(
            "export async function createPost(title: string)", THROW, CREATE, "return post;"
        ),
        id="bare-return-into-an-action-returning-a-row",
    ),
    pytest.param(
        authjs(
            unguarded("export async function createPost(title: string)", CREATE, "return post;"),
            **{
                "app/posts/actions.ts": idiom_exit('return redirect("/login");').replace(
                    AUTH, AUTH + '\nimport { redirect } from "next/navigation";'
                )
            },
        ),
        (
            '"use server";\n'
            f"{PRISMA}\n{AUTH}\n"
            'import { redirect } from "next/navigation";\n\n'
            "export async function createPost(title: string) {\n"
            "  const session = await auth();\n"
            '  if (!session?.user?.id) return redirect("/login");\n'
            f"  {CREATE}\n  return post;\n}}\n"
        ),
        id="return-redirect-fits-anywhere",
    ),
]


@pytest.mark.parametrize(("files", "expected"), EXITS)
def test_exits(files: Files, expected: str) -> None:
    assert fix(files) == expected
