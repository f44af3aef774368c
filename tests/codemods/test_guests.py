"""guests: where every visitor has a session, the inserted check turns guests away as the
project's own checks do.

Each case: the project, and its first file once `guardfix --apply --all .` ran in it."""

from __future__ import annotations

import pytest

from tests.codemods.projects import (
    AUTH,
    AUTHJS_GUARD,
    PRISMA,
    SUPABASE,
    UNGUARDED,
    Files,
    as_is,
    authjs,
    create_post,
    fix,
    throws_unless,
    ts,
)

# Every visitor gets a guest session here: `lib/chat.ts` turns guests away, and so must
# the check a fix inserts, or it stops nobody.
GUEST_HELPER = ts("""
    import { auth } from "@/auth";

    export async function canSaveChats() {
      const session = await auth();
      if (!session?.user || session.user.type === "guest") return false;
      return true;
    }
    """)


ANONYMOUS_PAGE = ts("""
    import { createClient } from "@/utils/supabase/server";

    export default async function Page() {
      const supabase = await createClient();
      const { data } = await supabase.auth.getUser();
      if (!data.user || data.user.is_anonymous) return null;
      return data.user.email;
    }
    """)


GUEST_ACTION = ts("""
    "use server";
    import { auth } from "@/auth";
    import { prisma } from "@/lib/prisma";

    export async function renameChat(id: string, title: string) {
      const session = await auth();
      if (!session?.user?.id || session.user.type === "guest") {
        throw new Error("Sign up to keep chats");
      }
      await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: { title } });
    }
    """)


GUESTS = [
    pytest.param(
        authjs(
            UNGUARDED,
            **{
                "lib/booking.ts": ts("""
                    export function seats(booking: { type: string; size: number }) {
                      if (booking.type === "guest") return 1;
                      return booking.size;
                    }
                    """)
            },
        ),
        # A booking's guest type says nothing about sessions: the check stays as it is.
        create_post(*AUTHJS_GUARD, imports=(PRISMA, AUTH)),
        id="guest-that-is-no-session",
    ),
    pytest.param(
        authjs(UNGUARDED, **{"lib/chat.ts": GUEST_HELPER}),
        create_post(
            "const session = await auth();",
            *throws_unless('session?.user?.id || session?.user?.type === "guest"'),
            imports=(PRISMA, AUTH),
        ),
        id="authjs-guest-provider-preset",
    ),
    pytest.param(
        authjs(
            """
            "use server";
            import { auth } from "@/auth";
            import { prisma } from "@/lib/prisma";

            export async function createPost(title: string) {
              const session = await auth();
              await prisma.post.create({ data: { title } });
            }
            """,
            **{"lib/chat.ts": GUEST_HELPER},
        ),
        create_post(
            "const session = await auth();",
            *throws_unless('session?.user?.id || session?.user?.type === "guest"'),
            imports=(AUTH, PRISMA),
        ),
        id="authjs-guest-provider-unchecked-lookup",
    ),
    pytest.param(
        {
            **SUPABASE,
            "app/actions.ts": UNGUARDED.replace(
                PRISMA, 'import { createClient } from "@/utils/supabase/server";\n' + PRISMA
            ),
            "app/page.tsx": ANONYMOUS_PAGE,
        },
        create_post(
            "const supabase = await createClient();",
            "const {",
            "  data: { user },",
            "} = await supabase.auth.getUser();",
            *throws_unless("user || user?.is_anonymous"),
            imports=('import { createClient } from "@/utils/supabase/server";', PRISMA),
        ),
        id="supabase-anonymous-sign-in",
    ),
    pytest.param(
        as_is(
            create_post("const session = await auth();", *AUTHJS_GUARD[1:], imports=(AUTH, PRISMA)),
            **{"app/chats.ts": GUEST_ACTION},
        ),
        # The check lets a guest through; the project's guarded action turns guests away.
        create_post(
            "const session = await auth();",
            *AUTHJS_GUARD[1:],
            'if (session?.user?.type === "guest") {',
            '  throw new Error("Unauthorized");',
            "}",
            imports=(AUTH, PRISMA),
        ),
        id="guest-let-through-by-a-check-on-the-user-id",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GUESTS)
def test_guests(files: Files, expected: str) -> None:
    assert fix(files) == expected
