"""GF002: scope a write's filter to the caller's rows (Prisma, Drizzle, Supabase)."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.edits import line_indent
from guardfix.model import Applicability, Edit, Finding, Fix, Scope
from guardfix.syntax import (
    call_arguments,
    callee_name,
    callee_of,
    string_value,
    text,
    unwrap,
    walk,
)
from guardfix_codemods import provider_ids, recipes, texts
from guardfix_codemods.codestyle import restyle
from guardfix_codemods.imports import import_edits
from guardfix_codemods.owners import Owner, owner_field
from guardfix_codemods.plan import ActionPlan, declared_in
from guardfix_codemods.roles import admin_users, sibling_role_guard

RULE = "GF002"
# `{operation}d`: `deleted` or `updated`.
RESULT_NAMES = ("result", "{operation}d", "rows", *(f"result{i}" for i in range(2, 10)))


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
    if scope.orm == "prisma":
        edits = _prisma(scope, scope.filter, owner, user_id, plan)
    elif scope.orm == "drizzle":
        edits = _drizzle(scope, scope.filter, owner, user_id, plan)
    else:
        template = recipes.owners("supabase")["filter"]
        line = template.format(field=owner.field, user_id=user_id).encode()
        edits = [Edit(scope.filter.end_byte, scope.filter.end_byte, line)]
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


def _prisma(
    scope: Scope, where: Node, owner: Owner, user_id: str, plan: ActionPlan
) -> list[Edit] | str:
    recipe = recipes.owners("prisma")
    entry = recipe["entry"].format(field=owner.field, user_id=user_id)
    edits = _add_entry(where, entry, plan)
    if isinstance(edits, str):
        return edits
    major = texts.major(
        plan.workspace.dependencies(plan.module.path).get("@prisma/client")
        or plan.workspace.dependencies(plan.module.path).get("prisma")
    )
    operation = scope.mutation.operation
    if (major is not None and major >= 5) or operation not in recipe["many"]:
        return edits
    # Before Prisma 5 a unique filter takes no other field: use the *Many form and its count.
    call = scope.mutation.node
    statement = call.parent
    if statement is None or statement.type != "await_expression":
        many = recipe["many"][operation]
        return f"`{operation}` is not awaited; Prisma before 5 needs `{many}` and its count"
    statement = statement.parent
    if statement is None or statement.type != "expression_statement":
        return (
            f"the result of `{operation}` is used; with Prisma before 5 (or an unknown version) "
            f"it would become `{recipe['many'][operation]}`, which returns a count"
        )
    callee = callee_of(call)
    method = callee.child_by_field_name("property") if callee is not None else None
    if method is None:
        return "cannot find the Prisma method to change"
    result = _count_name(plan, call, recipe["many"])
    if result is None:
        return "every name for the count of rows is taken in the action"
    content = plan.module.content
    indent = line_indent(content, statement.start_byte)
    check = recipe["count-check"].strip("\n").replace("{result}", result)  # it holds braces
    check = restyle(check, plan.module)
    return [
        Edit(statement.start_byte, statement.start_byte, f"const {result} = ".encode()),
        Edit(method.start_byte, method.end_byte, recipe["many"][operation].encode()),
        *edits,
        Edit(
            statement.end_byte,
            statement.end_byte,
            plan.style.newline + plan.style.lines(check, indent),
        ),
    ]


def _count_name(plan: ActionPlan, call: Node, many: dict[str, str]) -> str | None:
    """A name of its own for each write of the action that a fix may turn into a count:
    `result`, then `deleted` or `updated`, ... (each fix of the action names them all alike)."""
    used = set(declared_in(plan.facts.action.function))
    writes = sorted(
        {
            s.mutation.node.start_byte: s.mutation.operation
            for s in plan.facts.scopes
            if s.orm == "prisma" and s.mutation.operation in many
        }.items()
    )
    for start, operation in writes:
        names = (n.format(operation=operation) for n in RESULT_NAMES)
        name = next((n for n in names if n not in used), None)
        if name is None or start == call.start_byte:
            return name
        used.add(name)
    return None


def _add_entry(where: Node, entry: str, plan: ActionPlan) -> list[Edit] | str:
    """Add `field: value` to an object literal, on its own line when the object is multi-line."""
    node = unwrap(where)
    if node is None:
        return "the filter is empty"
    if node.type == "shorthand_property_identifier":
        # `{ where }` becomes `{ where: { ...where, authorId: ... } }`.
        name = text(node)
        return [Edit(node.start_byte, node.end_byte, f"{name}: {{ ...{name}, {entry} }}".encode())]
    if node.type != "object":
        # `where: filter` becomes `where: { ...filter, authorId: ... }`.
        return [
            Edit(node.start_byte, node.start_byte, b"{ ..."),
            Edit(node.end_byte, node.end_byte, f", {entry} }}".encode()),
        ]
    members = [c for c in node.named_children if c.type != "comment"]
    if not members:
        return [Edit(node.start_byte + 1, node.end_byte - 1, f" {entry} ".encode())]
    last = members[-1]
    after = plan.module.content[last.end_byte : node.end_byte]
    if last.end_point[0] == node.end_point[0]:
        return [Edit(last.end_byte, last.end_byte, f", {entry}".encode())]
    indent = line_indent(plan.module.content, last.start_byte)
    if after.lstrip().startswith(b","):
        comma = last.end_byte + after.index(b",") + 1
        return [Edit(comma, comma, plan.style.newline + indent + entry.encode() + b",")]
    return [Edit(last.end_byte, last.end_byte, b"," + plan.style.newline + indent + entry.encode())]


def _drizzle(
    scope: Scope, where: Node, owner: Owner, user_id: str, plan: ActionPlan
) -> list[Edit] | str:
    recipe = recipes.owners("drizzle")
    args = call_arguments(where)
    if len(args) != 1:
        return "the `.where()` call does not have one condition"
    table = scope.model or ""
    condition = recipe["condition"].format(table=table, field=owner.field, user_id=user_id)
    existing = unwrap(args[0])
    imports = import_edits(
        plan.module, plan.style, [("and", recipe["module"]), ("eq", recipe["module"])]
    )
    if isinstance(imports, str):
        return imports
    if (
        existing is not None
        and existing.type == "call_expression"
        and callee_name(existing) == "and"
    ):
        inner = call_arguments(existing)
        end = inner[-1].end_byte if inner else existing.end_byte - 1
        return [Edit(end, end, f", {condition}".encode()), *imports]
    return [
        Edit(args[0].start_byte, args[0].start_byte, b"and("),
        Edit(args[0].end_byte, args[0].end_byte, f", {condition})".encode()),
        *imports,
    ]
