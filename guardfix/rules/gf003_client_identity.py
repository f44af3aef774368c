"""## What it does
Finds writes where a user, owner, author or role value, in the data written or
in the filter, comes from the caller's input (`formData`, the arguments,
`parsedInput`) instead of the session. After a check of the caller's role (an
admin acting for another user) it is not reported; a permission check on one
row (`assertCanEdit(user, id)`) does not let the caller write in another
user's name, so it does not silence it. Not reported either: fields that name
another user on purpose (`recipientUserId`, `assigneeUserId`, or `user` beside a
creator taken from the session), a chat message's `role`, a user id read off a
row the server stored (`request.userId`, or `invitation.role` of a row a project helper
reads and returns; not the row's id, nor the keys the input found it by), an input id
the action refuses unless it equals the session's (`if (userId !== session.user.id)
return`), `accountId` (a CRM, bank or billing account is a parent row: GF002), a
column the schema does not tie to the users table while other columns are (a code
host's repository `ownerId`), and, in an action with no session at all, a user id in
the filter when the action changes that user's own row (an unban acts on that user:
the missing check, GF001, is the finding).

It also finds a check that takes the caller's word for who they are: a row's user
field compared with a value from the input, and never with the session
(`if (policy.approverId !== input.approverId) throw` before the approval is
written). That has no fix: which of the caller's ids the row stores is the
project's to say.

## Why is this bad?
The caller controls everything in the request. `authorId:
formData.get("authorId")` lets anyone create or take over rows in another
user's name, and `role: formData.get("role")` lets them make themselves an
admin (CWE-639, and mass assignment when the whole input is spread in).

## Example
```ts
export async function createPost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.create({
    data: { title: String(formData.get("title")), authorId: String(formData.get("authorId")) },
  });
}
```

## Use instead
```ts
export async function createPost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.create({
    data: { title: String(formData.get("title")), authorId: session.user.id },
  });
}
```

## Fix safety
The fix replaces the client's user, owner or author id with the session user's
id. It changes behaviour on purpose: a caller can no longer act in someone
else's name. It is safe when the session's user id expression is known (from
the configuration, the project's own guarded actions or a preset); a role value
has no fix, since only the server knows which role to grant. There is no fix
either when the inserted guard checks a role (an admin acting for another user),
or when the session's id is the auth provider's while the project keeps its own
users and finds them by it (`where: { clerkId: userId }`). The id of a row the
action itself has just created is the server's value, not the caller's, and is
not reported.

## References
- [CWE-639: Authorization Bypass Through User-Controlled Key](https://cwe.mitre.org/data/definitions/639.html)
- [OWASP: Mass Assignment](https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html)
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
    claims: set[int] = set()  # one check gates every write after it: say it once
    for scope in facts.scopes:
        if scope.role_checked:
            continue  # a role check ran: an admin acting for someone else
        for field, value in scope.identity:
            message = (
                f"{who(facts)} takes `{field}` of {scope.mutation.label} from the caller's "
                "input; take the user from the session"
            )
            yield finding_at(RULE, facts, value, module, message)
        for field, value in scope.claimed:
            if value.start_byte in claims:
                continue
            claims.add(value.start_byte)
            message = (
                f"{who(facts)} lets the caller say who they are: before "
                f"{scope.mutation.label} it compares the row's `{field}` with a value from the "
                "caller's input, never with the session's user; compare it with the caller's "
                "own id"
            )
            yield finding_at(RULE, facts, value, module, message)


RULE = Rule(
    code="GF003",
    name="client-controlled-identity",
    severity=Severity.ERROR,
    summary="A user, owner or role value written or filtered on comes from client input",
    doc=__doc__ or "",
    check=check,
    fixable=True,
)
