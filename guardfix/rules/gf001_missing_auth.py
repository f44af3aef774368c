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
project helper that does one of these.

Some actions are meant for anonymous callers: sign-up, sign-in, forgot-password,
the reset step, e-mail verification, accepting an invitation, pages that send
signed-in users away. guardfix tells them by what they do (create a user, store a
session row, set the session cookie or call the auth library's sign-in, look up a
reset, verification or invitation token from the input, store a token and send
an email), or, for weaker hints (sending an email, storing a token, writing a
password, `if (session)
redirect(...)`), by a sign-in/sign-up/reset/verify/invite route that holds or
imports the action; a function's name alone never counts. In such a flow, the
writes that are its own steps (the user, session and token rows, the email) and
every write after the caller gets an identity (signed in, a new user, a consumed
token) are not reported. A write before that point is: a reset step
that sets the password of whatever e-mail it is given without checking the
token, or rows deleted before the sign-in. To keep a deliberate public action,
add `// guardfix-ignore GF001: <reason>` above it.

When the database itself refuses an anonymous caller's write (Supabase row level
security whose policies for it all need `auth.uid()`, through a client made with the
anon or publishable key), the finding is a warning that says so: the action still
relies on the database instead of checking the session.
An anonymous submission is not reported: the action only adds rows (create,
insert, upsert) of models that `prisma/schema.prisma` or the Drizzle tables show
have no user column, or only nullable ones filled with the caller's id when there
is one (`user?.id ?? null`), with the upload or email that goes with them; and
every app router page using it (followed through the components that import it)
renders for anonymous visitors: no page or layout above it turns them away or
tests the session around the form, and no auth middleware names its route or
runs on every page (its code, not read, may turn visitors away there).
Updates, deletes, rows with a required owner, models no schema describes and
actions no page is found to use stay reported.

Helpers are followed across files (functions, methods of project objects),
through `cache()`, `React.cache()` and `unstable_cache()`, `try`/`catch` and
tagged results (`{ state: "ok", session }` or `{ state: "none" }`): what a
helper returns to an anonymous caller is checked against what the action's
check rules out; the `ctx` a next-safe-action middleware hands on
(`next({ ctx: { userId } })`) is followed into the action the same way. A
server action called by another is checked where it is defined, not for its
caller; a helper's change behind its own session check is not the caller's.

When the action calls a project helper guardfix cannot follow (it calls
itself, goes more than four calls deep, is made by a project function such as
`makeGetter()`, or is a method of an instance of a project class) and uses it
the way a guard is used (called as a statement, or its answer tested,
dereferenced or destructured before the change), that helper may be the check:
the action is not reported. When such a helper is called but not used that
way, or is imported from a project file guardfix cannot find, the finding
names it and says why it could not be followed. Names never decide:
`requireUser()` counts only if its code stops an anonymous caller, and a
package's function is never taken for a guard.

## Fix safety
The fix inserts a session lookup and its check at the top of the action (after
an inline `"use server"`), adds the import, and makes the function `async` when
it is not. The lookup is, in this order: `session` from the configuration; the
guard most used by the project's already-guarded actions, copied as written
there; the preset of the auth library in package.json (Auth.js v5, next-auth v4,
Clerk, Supabase SSR, Better Auth, Kinde, Auth0, WorkOS, iron-session, Stack); when
the preset cannot be used, the lookup and check the project's pages and helpers
use. With none of these there is no fix, and the finding says how to configure one.
A next-safe-action action built from a public client is moved to the project's
authenticated client instead. The check keeps the action's return type: a copied
`return X` stays only where the action already returns that shape, else it throws;
where the project turns guest sessions away, so does the check. The fix is safe, and
changes behaviour on purpose: anonymous callers are refused from then on; it is
unsafe when a route handler (a webhook, with no signed-in user) calls the action too.
An action meant for anonymous callers never gets this fix: a login requirement
would break the flow; the finding says what to check instead. Where only a hint of
such a flow shows (a token stored, a password written, signed-in callers sent away)
and no sign-in, sign-up, reset, verify or invitation route confirms it, the fix is
unsafe. Where a page open to anonymous visitors uses the action (nothing on the way
from the page to it looks the session up) and other pages of the project do look
it up, the fix is display-only: the page may be public by design. The fix is
unsafe where a login check is not the project's check: the file's other actions
check a role (a helper that reads the user's role and stops the request), or the
action's callers take the user id from a helper that answers with a fixed id when
nobody is signed in (an auth-disabled mode the check would break).

## References
- [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
- [Next.js: Authentication in Server Actions](https://nextjs.org/docs/app/guides/authentication)
"""

from __future__ import annotations

from collections.abc import Iterator

from guardfix.model import ActionFacts, Finding, Severity
from guardfix.module import Module
from guardfix.rules.base import Rule
from guardfix.rules.findings import (
    database_refuses,
    finding_at,
    first_open,
    public_advice,
    unfollowed,
    what,
    who,
)


def check(facts: ActionFacts, module: Module) -> Iterator[Finding]:
    event = first_open(facts)
    if event is None or event.lookup_seen or event.doubted:
        return
    changes = (
        f"{who(facts)} changes data ({what(event)}) with no session check before it"
        f"{unfollowed(facts)}"
    )
    if facts.database_refuses:
        yield database_refuses(RULE, facts, event, module, changes)
        return
    message = f"{changes}; anyone can call a server action" + public_advice(facts, RULE.code)
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
