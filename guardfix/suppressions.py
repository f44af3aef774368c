"""`// guardfix-ignore GF001: reason` comments: which silence a finding, and which are not honest.

A suppression names one or more rules and says why after a colon. One without a reason
silences nothing and is reported (GF901); one naming an unknown rule, or a rule that
finds nothing where it stands, is reported as unused (GF900), as ruff's RUF100 does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from guardfix.model import Finding, Position, Severity
from guardfix.module import Module

MARKER = b"guardfix-ignore"
# The codes (any word, so an unknown or misspelt one is seen), then `: reason`.
COMMENT = re.compile(
    rb"guardfix-ignore(?P<codes>(?:[\s,]+[A-Za-z]+\d+)*)[ \t]*(?::[ \t]*(?P<reason>[^\r\n]*))?"
)
CODE = re.compile(rb"[A-Za-z]+\d+")
UNUSED, NO_REASON = "GF900", "GF901"
WHY_NO_FIX = {
    UNUSED: "remove the comment, or correct its rule code",
    NO_REASON: "only you know the reason; write it after the colon",
}


@dataclass(frozen=True)
class Suppression:
    line: int  # 1-based line of the comment
    codes: tuple[str, ...]
    reason: str  # "" when none is given
    span: tuple[int, int]  # byte range of the comment node

    def silences(self, rule: str) -> bool:
        return bool(self.reason) and rule in self.codes


def suppressions(module: Module) -> list[Suppression]:
    """Every `guardfix-ignore` comment of the file (not the words in a string)."""
    found: list[Suppression] = []
    start = module.content.find(MARKER)
    while start != -1:
        node = module.root.descendant_for_byte_range(start, start + len(MARKER))
        match = COMMENT.match(module.content, start)
        lead = module.content[node.start_byte : start] if node is not None else b""
        # The marker opens the comment: prose that mentions it is no suppression.
        if node is not None and node.type == "comment" and not lead.strip(b"/* \t") and match:
            reason = (match.group("reason") or b"").decode("utf-8", "replace")
            found.append(
                Suppression(
                    line=module.content.count(b"\n", 0, start) + 1,
                    codes=tuple(c.decode().upper() for c in CODE.findall(match.group("codes"))),
                    reason=reason.strip().removesuffix("*/").removesuffix("}").strip(" */"),
                    span=(node.start_byte, node.end_byte),
                )
            )
        start = module.content.find(MARKER, start + len(MARKER))
    return found


def silencing(finding: Finding, found: Iterable[Suppression]) -> Suppression | None:
    """The suppression on the finding's line or the line above it, or above its action."""
    lines = {finding.start.line, finding.start.line - 1, finding.action_lines[0] - 1}
    return next((s for s in found if s.line in lines and s.silences(finding.rule)), None)


def audit(
    module: Module,
    found: list[Suppression],
    used: set[tuple[int, str]],
    judged: list[tuple[int, int]],
    known: frozenset[str],
    enabled: frozenset[str],
) -> Iterator[Finding]:
    """Findings for the dishonest suppressions among `found`.

    `used` holds (line, rule) of those that silenced a finding; `judged` the line ranges
    whose findings were all looked for (the checked actions, from the line above each):
    elsewhere, in a diff, a suppression may still silence something unseen.
    """
    for sup in found:
        if not any(first <= sup.line <= last for first, last in judged):
            continue
        if not sup.reason and any(code in enabled for code in sup.codes):
            codes = ", ".join(sup.codes)
            yield _finding(
                module,
                sup,
                NO_REASON,
                "suppression-without-reason",
                f"`guardfix-ignore {codes}` gives no reason, so it silences nothing; say why "
                f"after a colon: `// guardfix-ignore {codes}: <reason>`",
            )
            continue
        if not sup.codes:
            yield _finding(
                module, sup, UNUSED, "unused-suppression", "`guardfix-ignore` names no rule"
            )
        for code in sup.codes:
            if code not in known:
                message = f"`guardfix-ignore {code}`: no rule {code} (see `guardfix --list-rules`)"
            elif code in enabled and sup.reason and (sup.line, code) not in used:
                message = f"`guardfix-ignore {code}` silences nothing here; remove it"
            else:
                continue
            yield _finding(module, sup, UNUSED, "unused-suppression", message)


def _finding(module: Module, sup: Suppression, rule: str, name: str, message: str) -> Finding:
    return Finding(
        rule=rule,
        name=name,
        severity=Severity.ERROR,
        path=module.path,
        start=_at(module.content, sup.span[0]),
        end=_at(module.content, sup.span[1]),
        action=None,
        message=message,
        action_lines=(sup.line, sup.line),
        span=sup.span,
        why_no_fix=WHY_NO_FIX[rule],
    )


def _at(content: bytes, byte: int) -> Position:
    line_start = content.rfind(b"\n", 0, byte) + 1
    column = len(content[line_start:byte].decode("utf-8", "replace")) + 1
    return Position(content.count(b"\n", 0, byte) + 1, column)
