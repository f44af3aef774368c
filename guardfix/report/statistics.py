"""Counts per rule (`--statistics`) and the rule list (`--list-rules`), as ruff prints them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from guardfix.model import Applicability, Finding
from guardfix.rules import RULES, RULES_BY_CODE


def render(findings: Sequence[Finding]) -> str:
    """One line per rule that found something, most found first: count, code, [*] when
    a safe fix exists for some of them, name."""
    counts = Counter(f.rule for f in findings)
    fixable = {
        f.rule for f in findings if f.fix is not None and f.fix.applicability is Applicability.SAFE
    }
    width = len(str(max(counts.values(), default=0)))
    lines = [
        f"{n:>{width}}\t{code}\t{'[*]' if code in fixable else '[ ]'} {RULES_BY_CODE[code].name}"
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "".join(line + "\n" for line in lines)


def rule_list() -> str:
    """One line per rule: code, name, default severity, fixable or not, summary."""
    name = max(len(r.name) for r in RULES)
    return "".join(
        f"{r.code}  {r.name:<{name}}  {r.severity.value:<7}  "
        f"{'fixable' if r.fixable else '-':<7}  {r.summary}\n"
        for r in RULES
    )
