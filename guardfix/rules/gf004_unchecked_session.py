"""## What it does
Finds server actions that look the session up but never handle its absence
before they change data.

## Why is this bad?
Looking the session up is not a check. `const session = await auth()` returns
`null` for an anonymous caller; `session?.user?.id` then quietly becomes
`undefined` and the action carries on. With Prisma it is worse than it looks: a
filter value of `undefined` is dropped, so `where: { id, authorId:
session?.user?.id }` matches the row whoever owns it, and `deleteMany({ where:
{ authorId: undefined } })` matches every row. A comparison such as
`if (post.authorId !== session?.user?.id) throw` passes when both sides are
`undefined`, so it does not count either. (`findUnique` is the exception: with
every key of its `where` undefined, Prisma refuses the query, which stops the
caller.) An async lookup or guard called
without `await` (`const session = auth()`, a bare `requireUser();`) checks
nothing: the promise is always truthy, and its rejection does not stop the action.
The same holds for an async project helper tested without `await`
(`if (!isOwner(user, id)) throw`): the check is dead.

A helper's answer is followed through caches, `try`/`catch` and tagged results,
as GF001 describes; when a project helper guardfix cannot follow is used the way
a guard is used before the change, the action is not reported.

## Example
```ts
export async function archivePost(formData: FormData) {
  const session = await auth();
  await prisma.post.update({
    where: { id: String(formData.get("id")), authorId: session?.user?.id },
    data: { archived: true },
  });
}
```

## Use instead
```ts
export async function archivePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  await prisma.post.update({
    where: { id: String(formData.get("id")), authorId: session.user.id },
    data: { archived: true },
  });
}
```

A session value that reaches a place where the database refuses `undefined` is a
warning, not an error: `data: { authorId: session?.user?.id }` where
prisma/schema.prisma makes `authorId` required, or a unique
`where: { id: session?.user?.id }` alone. The write fails for an anonymous caller,
but only because the database turns it away. In a filter next to other keys
(`where: { id, authorId: session?.user?.id }`) Prisma drops the undefined key and
any row matches: that stays an error.

In an app that gives every visitor a guest session (an Auth.js guest provider,
Supabase's anonymous sign-in), `if (!session?.user?.id)` passes for everyone. When
the project's guarded actions turn guests away (`session.user.type === "guest"`,
`user.isAnonymous`) before they change data, an action that checks only that a
session exists (and calls no project helper that asks about guests) is reported:
a guest gets through.

An action meant for anonymous callers that looks the session up only to send
signed-in users away (`if (session) redirect("/dashboard")` at the top of a
sign-up, sign-in or reset action) is not reported; see GF001 for how such flows
are told apart.

## Fix safety
The fix inserts the missing check right after the existing lookup, on the user
id the action (or the project's own guard) reads, and adds `await` to a lookup
called without it. It is safe, and changes behaviour on purpose: anonymous
callers are refused from then on. An action meant for anonymous callers never
gets this fix, one that only hints at such a flow gets it as unsafe, and one a
page open to anonymous visitors uses gets it display-only (see GF001). Where the
file's other actions check a role with a project helper after the same lookup
(`assertAdmin(session)`), the fix calls that helper; where it cannot, the login check
is unsafe.

For a guest that gets through, the fix adds the project's own guest test after the
action's check: `if (session?.user?.type === "guest") throw ...`.

## References
- [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
- [Prisma: null and undefined](https://www.prisma.io/docs/orm/prisma-client/special-fields-and-types/null-and-undefined)
"""

from __future__ import annotations

from collections.abc import Iterator

from guardfix.model import ActionFacts, Exclusion, Finding, Severity
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
    if event is None and facts.guests_through is not None and facts.events:
        yield _guest_finding(facts, facts.guests_through, module)
        return
    if event is None or not event.lookup_seen or event.doubted:
        return
    looks = (
        f"{who(facts)} looks the session up but never handles a missing session before it "
        f"changes data ({what(event)}){unfollowed(facts)}"
    )
    if facts.database_refuses and not facts.unawaited:
        yield database_refuses(RULE, facts, event, module, looks)
        return
    message = f"{looks}; an anonymous caller gets through"
    if facts.unawaited:
        message += (
            f" (`{facts.unawaited}()` is called without `await`: a pending promise is "
            "always truthy and never throws)"
        )
    yield finding_at(
        RULE, facts, event.mutation.node, module, message + public_advice(facts, RULE.code)
    )


def _guest_finding(facts: ActionFacts, exclusion: Exclusion, module: Module) -> Finding:
    event = facts.events[0]
    others = (
        "1 guarded action of the project turns"
        if exclusion.actions == 1
        else f"{exclusion.actions} guarded actions of the project turn"
    )
    message = (
        f"{who(facts)} checks only that a session exists before it changes data "
        f"({what(event)}); every visitor may have a guest session here, so a guest gets "
        f"through: {others} guests away with `{exclusion.written}`"
    )
    return finding_at(RULE, facts, event.mutation.node, module, message)


RULE = Rule(
    code="GF004",
    name="unchecked-session",
    severity=Severity.ERROR,
    summary="The session is looked up but its absence is not handled before a change",
    doc=__doc__ or "",
    check=check,
    fixable=True,
)
