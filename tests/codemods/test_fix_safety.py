"""Fixes that would break a caller or weaken a check: written as safe, left to --unsafe-fixes,
or said why (callers' modes, the file's role checks, the pages that call the action).

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import Files, authjs, report_text, run, ts

# The project's own lookup answers, in a single-user mode, with an id from the
# environment; `publish` hands its caller's id to `savePost` from it. A check of a real
# session in `savePost` would refuse that mode.
SOLO_VIEWER = ts("""
    import { auth } from "@/auth";

    export async function viewerId() {
      if (process.env.SOLO === "1") {
        return process.env.SOLO_ID || "solo";
      }
      const session = await auth();
      return session?.user?.id;
    }
    """)


SAVE_POST = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";

    export async function savePost(title: string) {
      await prisma.post.create({ data: { title } });
    }
    """)


PUBLISH = ts("""
    "use server";
    import { viewerId } from "@/lib/viewer";
    import { savePost } from "@/app/actions";

    export async function publish(title: string) {
      const userId = await viewerId();
      if (!userId) throw new Error("Unauthorized");
      await savePost(title);
    }
    """)


# Two guarded actions make `auth()` the idiom a login fix inserts.
RENAMES = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    export async function rename(name: string) {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      await prisma.user.update({ where: { id: session.user.id }, data: { name } });
    }

    export async function retitle(name: string) {
      const session = await auth();
      if (!session?.user?.id) throw new Error("Unauthorized");
      await prisma.user.update({ where: { id: session.user.id }, data: { name } });
    }
    """)


def staff_guard(condition: str) -> str:
    return ts(f"""
        import type {{ Session }} from "next-auth";

        export function requireStaff(session: Session | null) {{
          if ({condition}) {{
            throw new Error("Forbidden");
          }}
        }}
        """)


def moderation(lookup: str = "const session = await auth();", name: str = "session") -> str:
    """`hidePost` checks a role after its lookup; `flagPost` only looks the session up."""
    return ts(f"""
        "use server";
        import {{ auth }} from "@/auth";
        import {{ requireStaff }} from "@/lib/guards";
        import {{ prisma }} from "@/lib/prisma";

        export async function flagPost(id: string) {{
          {lookup}
          await prisma.post.update({{ where: {{ id }}, data: {{ title: `flagged by ${{{name}?.user?.id}}` }} }});
        }}

        export async function hidePost(id: string) {{
          const session = await auth();
          requireStaff(session);
          await prisma.post.update({{ where: {{ id }}, data: {{ title: "hidden" }} }});
        }}
        """)


# The project's idiom (two actions in app/user.ts) checks only a sign-in; the file's
# other action checks a role.
PURGE = ts("""
    "use server";
    import { auth } from "@/auth";
    import { requireStaff } from "@/lib/guards";
    import { prisma } from "@/lib/prisma";

    export async function purgePost(id: string) {
      await prisma.post.delete({ where: { id } });
    }

    export async function hidePost(id: string) {
      const session = await auth();
      requireStaff(session);
      await prisma.post.update({ where: { id }, data: { title: "hidden" } });
    }
    """)


CLOSE_POST = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";

    export async function closePost(id: string) {
      await prisma.post.update({ where: { id }, data: { title: "closed" } });
    }
    """)


CLOSED_WITH_GUARD = ts("""
    "use server";
    import { prisma } from "@/lib/prisma";
    import { auth } from "@/auth";

    export async function closePost(id: string) {
      const session = await auth();
      if (!session?.user?.id) {
        throw new Error("Unauthorized");
      }
      await prisma.post.update({ where: { id }, data: { title: "closed" } });
    }
    """)


def staff_page(condition: str) -> str:
    """A page that renders the button calling `closePost`, letting in whom `condition` does not stop."""
    return ts(f"""
        import {{ notFound }} from "next/navigation";
        import {{ auth }} from "@/auth";
        import CloseButton from "./close-button";

        export default async function Page() {{
          const session = await auth();
          if ({condition}) {{
            return notFound();
          }}
          return <CloseButton />;
        }}
        """)


CLOSE_BUTTON = ts("""
    "use client";
    import { closePost } from "@/app/actions";

    export default function CloseButton() {
      return <button onClick={() => closePost("1")}>Close</button>;
    }
    """)


FIX_SAFETY = [
    pytest.param(
        authjs(
            SAVE_POST,
            **{"lib/viewer.ts": SOLO_VIEWER, "app/publish.ts": PUBLISH, "app/user.ts": RENAMES},
        ),
        SAVE_POST,
        "unsafe: its callers take the user id from `viewerId()` (lib/viewer.ts)",
        id="callers-id-from-a-lookup-with-a-single-user-mode",
    ),
    pytest.param(
        authjs(
            SAVE_POST,
            **{
                "lib/viewer.ts": SOLO_VIEWER.replace('process.env.SOLO_ID || "solo"', "null"),
                "app/publish.ts": PUBLISH,
                "app/user.ts": RENAMES,
            },
        ),
        ts("""
            "use server";
            import { prisma } from "@/lib/prisma";
            import { auth } from "@/auth";

            export async function savePost(title: string) {
              const session = await auth();
              if (!session?.user?.id) throw new Error("Unauthorized");
              await prisma.post.create({ data: { title } });
            }
            """),
        "0 remaining",
        id="callers-lookup-refuses-in-its-other-mode",
    ),
    pytest.param(
        authjs(
            moderation(),
            **{"lib/guards.ts": staff_guard('!session?.user?.role?.includes("staff")')},
        ),
        moderation().replace(
            "const session = await auth();\n  await",
            "const session = await auth();\n  requireStaff(session);\n  await",
            1,
        ),
        # `hidePost` checks a role: an owner filter there is only a guess.
        "unsafe: the file's actions check `requireStaff(session)`",
        id="unchecked-lookup-beside-actions-checking-a-role",
    ),
    pytest.param(
        authjs(moderation(), **{"lib/guards.ts": staff_guard("!session")}),
        moderation()
        .replace(
            "const session = await auth();\n  await",
            'const session = await auth();\n  if (!session?.user?.id) {\n    throw new Error("Unauthorized");\n  }\n  await',
            1,
        )
        .replace("{ where: { id }, data", "{ where: { id, authorId: session.user.id }, data"),
        "0 remaining",
        id="the-sibling-helper-checks-no-role-whatever-its-name",
    ),
    pytest.param(
        authjs(
            moderation("const current = await auth();", "current"),
            **{"lib/guards.ts": staff_guard('!session?.user?.role?.includes("staff")')},
        ),
        moderation("const current = await auth();", "current"),
        "unsafe: the file's other actions also check `requireStaff(session)`",
        id="role-check-beside-that-cannot-be-called-the-same-way",
    ),
    pytest.param(
        authjs(
            PURGE,
            **{
                "lib/guards.ts": staff_guard('!session?.user?.role?.includes("staff")'),
                "app/user.ts": RENAMES,
            },
        ),
        PURGE,
        "unsafe: the file's other actions also check `requireStaff(session)`",
        id="sign-in-guard-for-an-action-beside-actions-checking-a-role",
    ),
    pytest.param(
        authjs(
            CLOSE_POST,
            **{
                "app/posts/close-button.tsx": CLOSE_BUTTON,
                "app/posts/page.tsx": staff_page(
                    "session?.user?.email !== process.env.STAFF_EMAIL"
                ),
            },
        ),
        CLOSED_WITH_GUARD,
        "app/posts/page.tsx lets only an administrator in",
        id="owner-filter-for-an-action-a-staff-page-uses",
    ),
    pytest.param(
        authjs(
            CLOSE_POST,
            **{
                "app/posts/close-button.tsx": CLOSE_BUTTON,
                "app/posts/page.tsx": staff_page("!session?.user"),
            },
        ),
        CLOSED_WITH_GUARD.replace("{ where: { id }", "{ where: { id, authorId: session.user.id }"),
        "0 remaining",
        id="owner-filter-for-an-action-a-signed-in-page-uses",
    ),
]


@pytest.mark.parametrize(("files", "expected", "said"), FIX_SAFETY)
def test_fix_safety(
    files: Files,
    expected: str,
    said: str,
) -> None:
    """What `--apply` writes (safe fixes only), and what it says about the fix."""
    report, rewrites, after = run(files)
    assert after[next(iter(files))].decode("utf-8") == expected
    assert said in " ".join(report_text(report, rewrites).split())
