"""GF002: scope a write's filter to the caller's rows (Prisma, Drizzle, Supabase)."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.model import Api, Applicability, Edit, Finding, Fix
from guardfix.syntax import string_value, text, walk
from guardfix_codemods import provider_ids
from guardfix_codemods.orms import drizzle, prisma, supabase
from guardfix_codemods.owners import owner_field
from guardfix_codemods.plan import ActionPlan
from guardfix_codemods.roles import admin_users, sibling_role_guard

RULE = "GF002"


def fix(finding: Finding, plan: ActionPlan) -> Fix | str:
    scope = next(
        (s for s in plan.facts.scopes if s.mutation.node.start_byte == finding.span[0]), None
    )
    if scope is not None and scope.through is not None:
        return (
            f"the rows are picked inside `{scope.through}()`: scope its filter to the caller "
            "there, or check that the caller owns the row before the call"
        )
    if scope is None or scope.filter is None:
        return "the write's filter is not in the action"
    if plan.user_id is None:
        return plan.why_no_user_id
    owner = owner_field(plan.workspace, scope, plan.module)
    if isinstance(owner, str):
        return owner
    found = provider_ids.user_id_for(plan, owner.field)
    if isinstance(found, str):
        return found
    user_id, lookup = found
    if _names(scope.filter, owner.field):
        # `where: { id, ownerId: "system" }`: the filter already says whose rows they are.
        return f"the filter already sets `{owner.field}`; decide by hand which owner is meant"
    edits: list[Edit] | str
    if scope.orm is Api.PRISMA:
        edits = prisma.owner_filter(scope, scope.filter, owner.field, user_id, plan)
    elif scope.orm is Api.DRIZZLE:
        edits = drizzle.owner_filter(scope, scope.filter, owner.field, user_id, plan)
    else:
        edits = supabase.owner_filter(scope.filter, owner.field, user_id)
    if isinstance(edits, str):
        return edits
    edits = [*edits, *lookup]
    # Within a team, members may be meant to change each other's rows: a role check may be
    # what is missing, not an owner filter.
    # Where the action's users check a role, it may be staff acting on others' rows.
    role = _staff_action(plan)
    unsafe = owner.guessed or bool(scope.team_keys) or role is not None
    applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
    within = " (the write is already kept within the team)" if scope.team_keys else ""
    if lookup:
        within += " (the project's user, found as its guarded actions find it)"
    if role is not None:
        within += f" (unsafe: {role}: it may be meant for staff acting on other users' rows)"
    return Fix(
        f"Limit {scope.mutation.label} to the caller's rows (`{owner.field}` from "
        f"{owner.source}){within}",
        applicability,
        tuple(edits),
        requires=plan.user_id_from,
    )


def _staff_action(plan: ActionPlan) -> str | None:
    """What shows the action may be a staff one: a role check in it or beside it, or, with
    no lookup of its own, a page using it that lets only an administrator in."""
    role = sibling_role_guard(plan, itself=True)
    if role is not None:
        return f"the file's actions check {role.check}"
    if plan.user_id_from is None:
        return None
    return admin_users(plan.workspace, plan.module, plan.facts.action.name)


def _names(filter_node: Node, field: str) -> bool:
    """The filter sets `field` itself: `{ ownerId: x }`, `eq(t.ownerId, x)` or Supabase's
    `.eq("owner_id", x)`."""
    return any(_key_of(node) == field for node in walk(filter_node))


def _key_of(node: Node) -> str | None:
    if node.type == "pair":
        key = node.child_by_field_name("key")
        return string_value(key) or text(key)
    if node.type == "shorthand_property_identifier":
        return text(node)
    if node.type == "member_expression":
        return text(node.child_by_field_name("property"))
    if node.type == "string" and node.parent is not None and node.parent.type == "arguments":
        return string_value(node)
    return None
