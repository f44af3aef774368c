"""The rules stage: every enabled rule over one action's facts, less what a suppression
comment silences."""

from __future__ import annotations

from guardfix.config import Config
from guardfix.model import ActionFacts, Finding
from guardfix.module import Module
from guardfix.rules import RULES
from guardfix.suppressions import MARKER, Suppression, silencing, suppressions


def run_rules(
    facts: ActionFacts,
    module: Module,
    config: Config,
    found: list[Suppression] | None = None,
    used: set[tuple[int, str]] | None = None,
) -> list[Finding]:
    """The rules' findings on one action, less those a suppression silences (noted in
    `used` as (line, rule))."""
    if found is None:
        found = suppressions(module) if MARKER in module.content else []
    kept: list[Finding] = []
    for rule in RULES:
        if not config.wants_rule(rule.code):
            continue
        for finding in rule.check(facts, module):
            silencer = silencing(finding, found)
            if silencer is None:
                kept.append(finding)
            elif used is not None:
                used.add((silencer.line, finding.rule))
    return kept
