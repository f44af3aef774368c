"""## What it does
Finds `guardfix-ignore` comments that give no reason after the rule codes.

## Why is this bad?
A public server action is a decision someone made: the reason is what the next
reader (and the reviewer of the change) checks it against. An ignore without one
cannot be reviewed, so guardfix does not honour it: the finding it was meant to
silence is still reported, and so is the comment.

## Example
```ts
"use server";
// guardfix-ignore GF001
export async function sendMessage(formData: FormData) {
  await prisma.message.create({ data: { body: String(formData.get("body")) } });
}
```

## Use instead
```ts
"use server";
// guardfix-ignore GF001: public contact form, rate-limited by the edge
export async function sendMessage(formData: FormData) {
  await prisma.message.create({ data: { body: String(formData.get("body")) } });
}
```

## Fix safety
There is no fix: only you know the reason.
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
    code="GF901",
    name="suppression-without-reason",
    severity=Severity.ERROR,
    summary="A `guardfix-ignore` comment gives no reason, so it silences nothing",
    doc=__doc__ or "",
    check=check,
)
