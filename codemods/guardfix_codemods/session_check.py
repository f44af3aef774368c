"""GF004: check the session the action already looks up, right after the lookup."""

from __future__ import annotations

from guardfix.edits import line_indent
from guardfix.model import Applicability, Edit, Finding, Fix
from guardfix_codemods.plan import ActionPlan, bound_names
from guardfix_codemods.session import check_text

RULE = "GF004"


def fix(finding: Finding, plan: ActionPlan) -> Fix | str:
    statement = plan.lookup
    if statement is None:
        return "the session lookup is not a statement of the action's own body"
    names = bound_names(statement)
    if plan.user_id is not None:
        check = check_text(plan.user_id)
    elif len(names) == 1:
        check = check_text(next(iter(names)))
    else:
        return plan.why_no_user_id
    edits: list[Edit] = []
    if plan.facts.unawaited:
        call = next(
            (
                c
                for c in plan.facts.lookups
                if statement.start_byte <= c.start_byte < statement.end_byte
            ),
            None,
        )
        if call is None or call.parent is None or call.parent.type == "await_expression":
            return "the unawaited lookup is not in the lookup statement"
        edits.append(Edit(call.start_byte, call.start_byte, b"await "))
    content = plan.module.content
    indent = line_indent(content, statement.start_byte)
    text = plan.style.newline + plan.style.lines(check, indent)
    edits.append(Edit(statement.end_byte, statement.end_byte, text))
    return Fix("Refuse the request when there is no session", Applicability.SAFE, tuple(edits))
