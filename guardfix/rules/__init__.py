"""The rules, one module each; this list is the registry."""

from __future__ import annotations

from guardfix.rules import (
    gf001_missing_auth,
    gf002_missing_ownership,
    gf003_client_identity,
    gf004_unchecked_session,
    gf900_unused_suppression,
    gf901_suppression_without_reason,
)
from guardfix.rules.base import Rule

RULES: tuple[Rule, ...] = (
    gf001_missing_auth.RULE,
    gf002_missing_ownership.RULE,
    gf003_client_identity.RULE,
    gf004_unchecked_session.RULE,
    gf900_unused_suppression.RULE,
    gf901_suppression_without_reason.RULE,
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def rule_table() -> str:
    """The README's rule table, made from the rules' own text."""
    rows = ["| Code | Name | What it finds |", "| --- | --- | --- |"]
    rows += [f"| {r.code} | {r.name} | {r.summary} |" for r in RULES]
    return "\n".join(rows)
