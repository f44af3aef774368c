"""## What it does
Finds writes that pick their rows by the caller's input (an id from `formData`,
the arguments or `parsedInput`) with nothing that ties those rows to the caller:
no owner field compared with the session user's id in the filter, no earlier
read-and-compare (`if (post.authorId !== user.id) throw`, or a read with the
owner in its filter followed by `if (!post) throw`), no role or permission check
(`if (user.role !== "admin")`, `can(...)`, `authorize(...)`, a helper given both
the user and the id, a helper given the caller's role that throws, CASL's
`ability.cannot(...)` then a throw). A check that only asks whether someone is
signed in (`if (!session)`, `assertAuthenticated()`) does not count, nor does one
after the write or in another branch, nor a project helper that never throws or
redirects whose answer is dropped.

It also finds rows written under a container the caller chose: a create (or an
update) whose parent key (`projectId`, `teamId`, `chatId`, `project: { connect:
{ id } }`, `set`/`connectOrCreate` on a relation, or a column that
`prisma/schema.prisma` or a Drizzle `.references()` relates to a container whose
rows belong to someone) comes from the input with no check that the caller may use
that parent; content anyone may answer (a comment's `postId`) is no container, nor
is a lookup table (a status, a currency). A check of the written row
(`assertCanEdit(user, id)`) says nothing about the parent it is moved under: only
a check that names the parent, or a row read by it, or a check of the caller's
role, covers it.
A parent key from the session, from a row read scoped to the caller, or from a row
the action just created is fine, and so is a nested create inside a write scoped
to the caller.

A Stripe call given a customer, subscription or account id from the input
(`stripe.subscriptions.cancel(input.subscriptionId)`, `{ customer: input.customerId }`)
acts on whoever owns that id; the id read from the caller's own row is fine.

## Why is this bad?
Checking that someone is signed in does not say which rows they may touch. A
signed-in attacker sends another user's post id in a raw POST, and
`prisma.post.delete({ where: { id } })` deletes it: an insecure direct object
reference (IDOR, CWE-639). It is reported on actions with no session check too,
since adding one does not fix it.

## Example
```ts
export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id: String(formData.get("id")) } });
}
```

## Use instead
```ts
export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({
    where: { id: String(formData.get("id")), authorId: session.user.id },
  });
}
```

A write kept within a team or organisation by a value the caller did not send
(`where: { id, teamId: team.id }`) is reported for what it lacks: a role or
permission check within the team.

A write keyed on the caller's own row (`where: { id: session.user.id }`) is fine;
bulk forms (`where: { id: { in: ids } }`, Drizzle `inArray`) count. Prisma,
Drizzle and Supabase writes written in the action are checked, and the first
update or delete of each project helper the action calls (`removeNote(id)` doing
`delete({ where: { id } })`): the arguments that pick its rows, or that the
helper compares with the row before it refuses, decide. A check inside `try`
counts after it when the `catch` returns or throws on every path. A write that
only adds or removes the caller on a shared row (`members: { connect: { id:
session.user.id } }`) is fine.

## Fix safety
The fix adds the owner to the filter: Prisma 5 and later `where: { id, authorId:
session.user.id }` (`delete` and `update` then throw when the row is not the
caller's); older or unknown Prisma versions use `deleteMany`/`updateMany` and
throw when nothing matched; Drizzle wraps the filter in `and(..., eq(posts.authorId,
userId))`; Supabase appends `.eq("user_id", user.id)`. It changes behaviour on
purpose: other users' rows are refused. The owner field comes from the
configuration, `prisma/schema.prisma` (the relation to the user model) or a
Drizzle `.references(() => users.id)`; then the fix is safe. A guessed field
(Supabase's `user_id` convention) makes it unsafe: it is applied only with
`--unsafe-fixes`, and so is an owner filter on a team-scoped write (members may be
meant to change each other's rows), on an action that checks a role or sits beside
one that does, and on an action with no lookup of its own whose page admits only
staff: they act on other users' rows. With no owner field known, there is no fix. A
write under a parent the caller chose, inside a helper, or on a Stripe id has no
fix: the check belongs to the parent, the filter to change is in the helper, and
the caller's Stripe id is read from the project's own rows.

## References
- [CWE-639: Authorization Bypass Through User-Controlled Key](https://cwe.mitre.org/data/definitions/639.html)
- [OWASP: Insecure Direct Object Reference Prevention](https://cheatsheetseries.owasp.org/cheatsheets/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from guardfix.model import ActionFacts, Finding, Severity
from guardfix.module import Module
from guardfix.rules.base import Rule
from guardfix.rules.findings import finding_at, who


def check(facts: ActionFacts, module: Module) -> Iterator[Finding]:
    if facts.public is not None:
        return
    for scope in facts.scopes:
        target = scope.filter
        if target is not None and scope.client and not (scope.owned or scope.checked):
            if scope.owner_from_client:
                continue  # the owner is in the filter, only from the wrong place: GF003
            if scope.team_keys:
                keys = ", ".join(f"`{key}`" for key in scope.team_keys)
                message = (
                    f"{who(facts)} keeps {scope.mutation.label} within the caller's team "
                    f"({keys}) but lets the caller's input pick the rows in it with no role or "
                    "permission check; any member can change the team's rows"
                )
            else:
                message = (
                    f"{who(facts)} lets the caller's input pick the rows of "
                    f"{scope.mutation.label} with no owner filter or permission check; any "
                    "signed-in user can change anyone's rows"
                )
            yield finding_at(RULE, facts, scope.mutation.node, module, message)
        elif scope.through is not None and scope.client and not (scope.owned or scope.checked):
            message = (
                f"{who(facts)} lets the caller's input pick the rows `{scope.through}()` "
                f"changes ({scope.mutation.label}) with no owner filter or permission check "
                "before the call; any signed-in user can change anyone's rows"
            )
            yield finding_at(RULE, facts, scope.mutation.node, module, message)
        elif scope.subject is not None and not scope.checked:
            kind, value = scope.subject
            message = (
                f"{who(facts)} passes {scope.mutation.label} the Stripe {kind} the caller "
                f"sent, with no check that it is the caller's; anyone can act on another "
                f"user's {kind}"
            )
            yield finding_at(RULE, facts, value, module, message)
        elif scope.parent is not None:
            key, value = scope.parent
            if scope.filter is None:
                message = (
                    f"{who(facts)} writes {scope.mutation.label} under the `{key}` the caller "
                    f"sent, with no check that the caller may write under that `{key}`; any "
                    "signed-in user can add rows to anyone's"
                )
            else:  # an update moves its rows under, or links them to, another row
                message = (
                    f"{who(facts)} links the rows of {scope.mutation.label} to the `{key}` the "
                    f"caller sent, with no check that the caller may use that `{key}`; any "
                    "signed-in user can attach rows to anyone's"
                )
            yield finding_at(RULE, facts, value, module, message)


RULE = Rule(
    code="GF002",
    name="missing-ownership",
    severity=Severity.ERROR,
    summary="A write picks rows by client input with nothing tying them to the caller (IDOR)",
    doc=__doc__ or "",
    check=check,
    fixable=True,
)
