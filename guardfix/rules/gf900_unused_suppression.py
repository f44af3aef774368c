"""## What it does
Finds `guardfix-ignore` comments that silence nothing: the rule they name finds
nothing on the line below them (or on their own line), or no rule has that code.

## Why is this bad?
A suppression outlives the code it was written for. Once the action it excused
checks the session, or moves, the comment stays and silences whatever finding
lands there next, unreviewed. A misspelt code silences nothing from the start,
while the comment says the action was reviewed. Stale ignores pile up unless
they are reported (ruff's `RUF100` does the same for `noqa`).

## Example
```ts
"use server";
// guardfix-ignore GF001: public contact form
export async function deletePost(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id, authorId: session.user.id } });
}
```

## Use instead
```ts
"use server";
export async function deletePost(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id, authorId: session.user.id } });
}
```

In the staged and `--diff-base` modes only suppressions in the actions that the
change touches are judged. A suppression of a rule that the configuration turns
off (`select`, `ignore`) is not judged.

## Fix safety
There is no fix: remove the comment, or correct its code.
"""

from __future__ import annotations

from collections.abc import Iterator

from guardfix.model import ActionFacts, Finding, Severity
from guardfix.module import Module
from guardfix.rules.base import Rule


def check(facts: ActionFacts, module: Module) -> Iterator[Finding]:
    """Judged per file from its comments (guardfix/suppressions.py), not per action."""
    return iter(())


RULE = Rule(
    code="GF900",
    name="unused-suppression",
    severity=Severity.ERROR,
    summary="A `guardfix-ignore` comment silences nothing, or names an unknown rule",
    doc=__doc__ or "",
    check=check,
)
