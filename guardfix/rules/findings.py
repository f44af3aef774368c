"""Turning a rule's verdict on an action into a located finding."""

from __future__ import annotations

from dataclasses import replace

from tree_sitter import Node

from guardfix.model import ActionFacts, Finding, MutationEvent, Position, Severity
from guardfix.module import Module
from guardfix.rules.base import Rule


def first_open(facts: ActionFacts) -> MutationEvent | None:
    """The first write an anonymous caller reaches that is not part of a public flow."""
    public = facts.public
    return next(
        (e for e in facts.events if not e.guarded and not (public and public.covers(e.mutation))),
        None,
    )


def public_advice(facts: ActionFacts, rule: str) -> str:
    """What a finding in a public flow asks for: check the token, or say it is public."""
    public = facts.public
    if public is None and facts.open_page is not None:
        return (
            f"; `{facts.open_page}` uses it and is open to anonymous visitors: if anyone may "
            f"do this by design, add `// guardfix-ignore {rule}: <reason>` above the action"
        )
    if public is None:
        return ""
    if public.identified is None:
        step = "check the emailed token or code (or the session) before it"
    else:
        step = f"move it after the step that identifies the caller ({public.identified})"
    return (
        f"; this is a public {public.kind} flow ({public.evidence}), so a login requirement "
        f"is no fix: {step}; if anyone may do this by design, add "
        f"`// guardfix-ignore {rule}: <reason>` above the action"
    )


def position(point: tuple[int, int], content: bytes, byte: int) -> Position:
    """1-based line and character column of a tree-sitter point at byte offset `byte`."""
    line_start = content.rfind(b"\n", 0, byte) + 1
    return Position(point[0] + 1, len(content[line_start:byte].decode("utf-8", "replace")) + 1)


def who(facts: ActionFacts) -> str:
    """How a message names the action."""
    return f"`{facts.action.name}`" if facts.action.name else "this server action"


def what(event: MutationEvent) -> str:
    """How a message names the change, with the helper it was reached through."""
    mutation = event.mutation
    return f"{mutation.via}() -> {mutation.label}" if mutation.via else mutation.label


def finding_at(rule: Rule, facts: ActionFacts, node: Node, module: Module, message: str) -> Finding:
    action = facts.action
    return Finding(
        rule=rule.code,
        name=rule.name,
        severity=rule.severity,
        path=module.path,
        start=position(node.start_point, module.content, node.start_byte),
        end=position(node.end_point, module.content, node.end_byte),
        action=action.name,
        message=message,
        action_lines=(action.node.start_point[0] + 1, action.node.end_point[0] + 1),
        span=(node.start_byte, node.end_byte),
    )


def unfollowed(facts: ActionFacts) -> str:
    """Which helpers before the change guardfix could not follow, for the message."""
    if not facts.unresolved:
        return ""
    helpers = "; ".join(
        f"{helper} could not be followed: {why}" for helper, why in facts.unresolved
    )
    return f" ({helpers}; its answer is not checked before the change)"


def database_refuses(
    rule: Rule, facts: ActionFacts, event: MutationEvent, module: Module, lead: str
) -> Finding:
    """The warning for a write only the database keeps from an anonymous caller."""
    message = (
        f"{lead}; it relies on the database to turn the anonymous caller away "
        f"({facts.database_refuses}): check the session instead"
    )
    finding = finding_at(rule, facts, event.mutation.node, module, message)
    return replace(finding, severity=Severity.WARNING)
