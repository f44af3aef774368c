"""Prisma: the owner in a write's `where` object, and the model's relations to users in
prisma/schema.prisma."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.edits import line_indent
from guardfix.facts.schema import USER_TABLE, prisma_models, prisma_relations, prisma_schema
from guardfix.model import Api, Edit, Scope
from guardfix.module import Module
from guardfix.syntax import callee_of, text, unwrap
from guardfix_codemods import recipes, texts
from guardfix_codemods.codestyle import restyle
from guardfix_codemods.orms import Relations, Wording, user_relations
from guardfix_codemods.plan import ActionPlan, declared_in
from guardfix_codemods.workspace import Workspace

WORDING = Wording(
    several="`{model}` has several relations to users",
    others="`{model}` relates to users only as others",
    none="`{model}` in {where} has no relation to a user model",
)
# `{operation}d`: `deleted` or `updated`.
RESULT_NAMES = ("result", "{operation}d", "rows", *(f"result{i}" for i in range(2, 10)))


def relations(workspace: Workspace, scope: Scope, module: Module) -> Relations | str:
    """The model's relations to the user model, from prisma/schema.prisma."""
    path, delegate = module.path, scope.model or ""
    schema_path = prisma_schema(workspace.read, path)
    if schema_path is None:
        return (
            f"no prisma/schema.prisma found; set owner-fields for `{delegate}` in the configuration"
        )
    schema = (workspace.read(schema_path) or b"").decode("utf-8", "replace")
    for name, body in prisma_models(schema):
        if name[:1].lower() + name[1:] != delegate:
            continue
        if USER_TABLE.match(name):
            return f"`{name}` is the user model itself; its rows are the users"
        users = (
            (foreign, field)
            for field, target, foreign in prisma_relations(body)
            if USER_TABLE.match(target)
        )
        return user_relations(users, schema_path)
    return f"no model for `{delegate}` in {schema_path}"


def owner_filter(
    scope: Scope, where: Node, field: str, user_id: str, plan: ActionPlan
) -> list[Edit] | str:
    """Add the owner to the `where` object; before Prisma 5, a unique write becomes its
    *Many form with a check of its count."""
    recipe = recipes.owners("prisma")
    entry = recipe["entry"].format(field=field, user_id=user_id)
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
            if s.orm is Api.PRISMA and s.mutation.operation in many
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
