"""Drizzle: the owner in a write's `.where()` condition, and the table's columns that
reference users in its definition."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.facts.schema import drizzle_columns, references_users
from guardfix.model import Edit, Scope
from guardfix.module import Module
from guardfix.syntax import call_arguments, callee_name, unwrap
from guardfix_codemods import recipes
from guardfix_codemods.imports import import_edits
from guardfix_codemods.orms import Relations, Wording, user_relations
from guardfix_codemods.plan import ActionPlan
from guardfix_codemods.workspace import Workspace

WORDING = Wording(
    several="the table `{model}` references users in several columns",
    others="the table `{model}` references users only as others",
    none="no column of `{model}` in {where} references a users table",
)


def relations(workspace: Workspace, scope: Scope, module: Module) -> Relations | str:
    """The table's columns that reference a users table, from its Drizzle definition."""
    table = scope.model or ""
    found = drizzle_columns(workspace.project, module, table, scope.mutation.node)
    if found is None:
        return f"cannot find the definition of the table `{table}` with an object of columns"
    where, columns = found
    users = [key for key, column in columns.items() if references_users(column)]
    return user_relations(((key, key) for key in users), where.path)


def owner_filter(
    scope: Scope, where: Node, field: str, user_id: str, plan: ActionPlan
) -> list[Edit] | str:
    """Add `eq(table.owner, userId)` to the `.where()` condition, inside `and(...)`."""
    recipe = recipes.owners("drizzle")
    args = call_arguments(where)
    if len(args) != 1:
        return "the `.where()` call does not have one condition"
    table = scope.model or ""
    condition = recipe["condition"].format(table=table, field=field, user_id=user_id)
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
