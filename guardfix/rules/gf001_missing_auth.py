"""## What it does
Finds server actions that change state (a database write, an email, a payment, a
file or object-storage write) with no session lookup that is checked before the
first change.

## Why is this bad?
Every `"use server"` function is a public POST endpoint: Next.js gives it an ID
that ships in your JavaScript, and anyone can call it with a raw request. Hiding
the button that calls it does not protect it. An action that deletes or updates
rows without asking who is calling lets anyone on the internet do it
(CWE-862, Missing Authorization).

## Example
```ts
"use server";
export async function deletePost(formData: FormData) {
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id } });
}
```

## Use instead
```ts
"use server";
export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id, authorId: session.user.id } });
}
```

A check counts when it runs on every path before the first change: `throw`,
`return`, `redirect()`, `notFound()`, `unauthorized()` or `forbidden()` when the
session is missing, a lookup that throws by itself (`auth.protect()`), a
dereference that throws on a missing session (`session.user.id`), or a call to a
project helper that does one of these. Sign-in, sign-up, password-reset and
verification actions that call the auth library's own API are public by design
and are not reported. To keep a deliberate public action, add
`// guardfix-ignore GF001: <reason>` above it.

## Fix safety
The fix inserts a session lookup and its check at the top of the action (after
an inline `"use server"`), adds the import, and makes the function `async` when
it is not. The lookup is, in this order: `session` from the configuration; the
guard most used by the project's already-guarded actions, copied as written
there; the preset of the auth library in package.json (Auth.js v5, next-auth v4,
Clerk, Supabase SSR, Better Auth, Kinde, Auth0, WorkOS, iron-session, Stack). With
none of these there is no fix, and the finding says how to configure one. A
next-safe-action action built from a public client is moved to the project's
authenticated client instead. The fix is safe, and changes behaviour on purpose:
anonymous callers are refused from then on.

## References
- [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
- [Next.js: Authentication in Server Actions](https://nextjs.org/docs/app/guides/authentication)
"""

from __future__ import annotations

from collections.abc import Iterator

from guardfix.model import ActionFacts, Finding, Severity
from guardfix.module import Module
from guardfix.rules.base import Rule
from guardfix.rules.findings import finding_at, first_unguarded, what, who


def check(facts: ActionFacts, module: Module) -> Iterator[Finding]:
    event = first_unguarded(facts)
    if event is None or event.lookup_seen or facts.public_by_design:
        return
    message = (
        f"{who(facts)} changes data ({what(event)}) with no session check before it; "
        "anyone can call a server action"
    )
    yield finding_at(RULE, facts, event.mutation.node, module, message)


RULE = Rule(
    code="GF001",
    name="missing-auth",
    severity=Severity.ERROR,
    summary="A server action changes data with no checked session lookup before it",
    doc=__doc__ or "",
    check=check,
    fixable=True,
)
