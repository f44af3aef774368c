"""GF004: check the session the action already looks up, right after the lookup."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.edits import line_indent
from guardfix.facts.guests import USER
from guardfix.facts.lookups import stops_request
from guardfix.model import Applicability, Edit, Exclusion, Finding, Fix
from guardfix.syntax import text, walk
from guardfix_codemods import guests
from guardfix_codemods.codestyle import restyle
from guardfix_codemods.exits import THROW
from guardfix_codemods.plan import ActionPlan, bound_names, make_async
from guardfix_codemods.roles import same_lookup, sibling_role_guard, weaker_note
from guardfix_codemods.session import check_text
from guardfix_codemods.session_guard import server_callers

RULE = "GF004"


def fix(finding: Finding, plan: ActionPlan) -> Fix | str:
    statement = plan.lookup
    if statement is None:
        return "the session lookup is not a statement of the action's own body"
    if plan.facts.guests_through is not None:
        return _turn_guests_away(plan, statement, plan.facts.guests_through)
    names = bound_names(statement)
    if plan.user_id is not None:
        check = guests.exclude(check_text(plan.user_id), plan.guest_test, plan.user_id)
    elif len(names) == 1:
        check = check_text(next(iter(names)))
    else:
        return plan.why_no_user_id
    edits: list[Edit] = []
    call = plan.facts.lookup_call
    awaited = (
        call is not None and call.parent is not None and call.parent.type == "await_expression"
    )
    if plan.facts.unawaited and (call is None or awaited):
        return "the unawaited lookup is not in the lookup statement"
    if (
        call is not None
        and not awaited
        and (plan.facts.unawaited or plan.workspace.project.lookup_is_async(call, plan.module))
    ):
        # Unawaited, the name holds a promise, which no check can find empty.
        edits.append(Edit(call.start_byte, call.start_byte, b"await "))
        made_async = make_async(plan.facts.action.function)
        if isinstance(made_async, str):
            return made_async
        edits.extend(made_async)
        if _checked_next(statement, names):
            # `if (!session) throw ...` right after it works once the lookup is awaited.
            return Fix("Await the session lookup", Applicability.SAFE, tuple(edits))
    title = "Refuse the request when there is no session"
    unsafe = ""
    role = sibling_role_guard(plan)
    if role is not None and same_lookup(role, statement):
        check = role.rest  # the file's admin actions check a role: so must this one
        title = f"Refuse the request unless {role.check} passes, as the file's other actions do"
    elif role is not None:
        unsafe = weaker_note(role)
    content = plan.module.content
    indent = line_indent(content, statement.start_byte)
    lines = plan.style.newline + plan.style.lines(restyle(check, plan.module), indent)
    edits.append(Edit(statement.end_byte, statement.end_byte, lines))
    callers = server_callers(plan)
    return Fix(
        title + callers + unsafe,
        Applicability.UNSAFE if callers or unsafe else Applicability.SAFE,
        tuple(edits),
    )


def _checked_next(statement: Node, names: frozenset[str]) -> bool:
    """The next statement is `if (<uses a bound name>) <throw, return or redirect>`."""
    after = statement.next_named_sibling
    condition = after.child_by_field_name("condition") if after is not None else None
    consequence = after.child_by_field_name("consequence") if after is not None else None
    if after is None or after.type != "if_statement" or condition is None or consequence is None:
        return False
    if not any(n.type == "identifier" and text(n) in names for n in walk(condition)):
        return False
    return stops_request(consequence)


def _turn_guests_away(plan: ActionPlan, statement: Node, exclusion: Exclusion) -> Fix | str:
    """The project's guest test, after the action's own check (or its lookup)."""
    user_id = plan.user_id
    if user_id is None or "." not in user_id:
        return "cannot tell which user object to ask whether the caller is a guest"
    chain = "?.".join(user_id.split(".")[:-1])  # optional: it type-checks before any check
    test = exclusion.test.replace(USER + ".", chain + "?.")
    after = statement.next_named_sibling
    names = bound_names(statement)
    if after is None or not _checked_next(statement, names):
        after = statement
    content = plan.module.content
    indent = line_indent(content, after.start_byte)
    code = restyle(f"if ({test}) {{\n  {THROW}\n}}", plan.module)
    lines = plan.style.newline + plan.style.lines(code, indent)
    callers = server_callers(plan)
    return Fix(
        f"Turn guests away as the project's guarded actions do (`{exclusion.written}`)" + callers,
        Applicability.UNSAFE if callers else Applicability.SAFE,
        (Edit(after.end_byte, after.end_byte, lines),),
    )
