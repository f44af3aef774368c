"""The role check a file's other actions run after their lookup: an admin's actions
need it, and a sign-in check in its place lets every signed-in user in."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from guardfix.actions import find_actions
from guardfix.parse import parse
from guardfix.syntax import text, walk
from guardfix_codemods import session
from guardfix_codemods.plan import ActionPlan
from guardfix_codemods.session import ROLE_PROPERTY


@dataclass(frozen=True)
class RoleGuard:
    check: str  # what checks the role, for messages: "`assertAdmin(session)`"
    lookup: str  # the lookup statement it follows, whitespace collapsed
    rest: str  # the statements after the lookup (LF, two spaces per level)


def sibling_role_guard(plan: ActionPlan, *, itself: bool = False) -> RoleGuard | None:
    """The guard of another action in the file (or, with `itself`, of this one) that checks
    a role and stops the request."""
    for action in find_actions(plan.module):
        if action.function == plan.facts.action.function and not itself:
            continue
        recipe = session.guard_of(action, plan.module, plan.workspace)
        check = session.permission_check(recipe) if recipe is not None else None
        if recipe is None or check is None or not _checks_role(plan, action.function, check):
            continue
        statements = parse("guard.ts", recipe.guard.encode()).root_node.named_children
        if len(statements) < 2:
            continue
        code = recipe.guard.encode()
        rest = code[statements[1].start_byte :].decode()
        return RoleGuard(check, _collapsed(text(statements[0])), rest)
    return None


def weaker_note(guard: RoleGuard) -> str:
    """Why a sign-in check in place of the role check is unsafe."""
    return (
        f" (unsafe: the file's other actions also check {guard.check}; a sign-in check "
        "lets any signed-in user in)"
    )


def same_lookup(guard: RoleGuard, statement: Node) -> bool:
    """The action looks the session up as the guard does, so its check runs as written."""
    return _collapsed(text(statement)) == guard.lookup


def _collapsed(code: str) -> str:
    return " ".join(code.split())


def _checks_role(plan: ActionPlan, fn: Node, check: str) -> bool:
    """What the check does, not what it is called: a role read in the guard itself, or a
    project helper given the session that reads a role and throws or redirects."""
    calls = [n for n in walk(fn) if n.type == "call_expression" and f"`{text(n)}`" == check]
    if not calls:
        return True  # `session.user.role` read in the guard's own condition
    project = plan.workspace.project
    call = calls[0]
    if project.stops(call, plan.module) is not True:
        return False
    callee = call.child_by_field_name("function")
    found = project.function_for(plan.module, text(callee), call) if callee is not None else None
    return found is not None and any(
        n.type == "member_expression"
        and ROLE_PROPERTY.search(text(n.child_by_field_name("property")))
        for n in walk(found[1])
    )
