"""Which field holds a row's owner: the configuration, prisma/schema.prisma, Drizzle tables."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from tree_sitter import Node

from guardfix.model import Scope
from guardfix.module import Module
from guardfix.syntax import call_arguments, callee_name, member_parts, text, unwrap, walk
from guardfix_codemods import recipes
from guardfix_codemods.workspace import Workspace

USER_MODEL = re.compile(r"^(user|users|profile|profiles|account|accounts|member|members)$", re.I)
OWNER_NAME = re.compile(r"author|owner|user|creator|created_?by", re.IGNORECASE)
PRISMA_MODEL = re.compile(r"^\s*model\s+(\w+)\s*\{(.*?)^\s*\}", re.MULTILINE | re.DOTALL)
PRISMA_RELATION = re.compile(r"^\s*\w+\s+(\w+)\??\s+@relation\(([^)]*)\)", re.MULTILINE)
PRISMA_FIELDS = re.compile(r"fields:\s*\[\s*(\w+)\s*\]")


@dataclass(frozen=True)
class Owner:
    field: str
    source: str  # where it was found, for the fix title
    guessed: bool = False


def owner_field(workspace: Workspace, scope: Scope, module: Module) -> Owner | str:
    model = scope.model or ""
    names = [model, model[:1].upper() + model[1:]] if model else []
    for name in names:
        if name in workspace.config.owner_fields:
            return Owner(workspace.config.owner_fields[name], "the configuration")
    if scope.orm == "prisma":
        return _prisma_owner(workspace, module.path, model)
    if scope.orm == "drizzle":
        return _drizzle_owner(workspace, scope, module)
    if scope.orm == "supabase":
        guess = recipes.owners("supabase")["guessed-field"]
        return Owner(guess, f"the usual Supabase column `{guess}`", guessed=True)
    return f"no owner field is known for {scope.orm}"


def _prisma_owner(workspace: Workspace, path: str, delegate: str) -> Owner | str:
    schema_path = _prisma_schema(workspace, path)
    if schema_path is None:
        return (
            f"no prisma/schema.prisma found; set owner-fields for `{delegate}` in the configuration"
        )
    schema = (workspace.read(schema_path) or b"").decode("utf-8", "replace")
    for match in PRISMA_MODEL.finditer(schema):
        name, body = match.group(1), match.group(2)
        if name[:1].lower() + name[1:] != delegate:
            continue
        if USER_MODEL.match(name):
            return f"`{name}` is the user model itself; its rows are the users"
        owners = [
            fields.group(1)
            for relation in PRISMA_RELATION.finditer(body)
            if USER_MODEL.match(relation.group(1))
            and (fields := PRISMA_FIELDS.search(relation.group(2))) is not None
        ]
        if len(owners) == 1:
            return Owner(owners[0], schema_path)
        if owners:
            return _one_of(owners, f"`{name}` has several relations to users")
        return f"`{name}` in {schema_path} has no relation to a user model"
    return f"no model for `{delegate}` in {schema_path}"


def _one_of(owners: list[str], several: str) -> Owner | str:
    """Several relations to users (`invitedById`, `userId`): a name may hint at the owner,
    but only the configuration settles it, so a hinted pick is a guess."""
    named = [o for o in owners if OWNER_NAME.search(o)]
    listed = ", ".join(owners)
    if len(named) == 1:
        return Owner(named[0], f"a guess among {listed}; set owner-fields", guessed=True)
    return f"{several} ({listed}); set owner-fields in the configuration"


def _prisma_schema(workspace: Workspace, path: str) -> str | None:
    directory = posixpath.dirname(path)
    while True:
        for candidate in ("prisma/schema.prisma", "schema.prisma"):
            full = posixpath.join(directory, candidate) if directory else candidate
            if workspace.read(full) is not None:
                return full
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def _drizzle_owner(workspace: Workspace, scope: Scope, module: Module) -> Owner | str:
    table = scope.model or ""
    found = workspace.project.definition(module, table.split(".")[-1], scope.mutation.node)
    if found is None:
        return f"cannot find the definition of the table `{table}`"
    where, node = found
    value = unwrap(node.child_by_field_name("value"))
    args = call_arguments(value) if value is not None and value.type == "call_expression" else []
    columns = unwrap(args[1]) if len(args) > 1 else None
    if columns is None or columns.type != "object":
        return f"the table `{table}` is not defined with an object of columns"
    owners: list[str] = []
    for pair in columns.named_children:
        if pair.type != "pair":
            continue
        column = pair.child_by_field_name("value")
        if column is not None and _references_users(column):
            owners.append(text(pair.child_by_field_name("key")))
    if len(owners) == 1:
        return Owner(owners[0], where.path)
    if owners:
        return _one_of(owners, f"the table `{table}` references users in several columns")
    return f"no column of `{table}` in {where.path} references a users table"


def _references_users(column: Node) -> bool:
    """`.references(() => users.id)`: a foreign key to the users table."""
    for call in walk(column):
        if call.type != "call_expression" or callee_name(call) != "references":
            continue
        target = unwrap(call_arguments(call)[0]) if call_arguments(call) else None
        body = target.child_by_field_name("body") if target is not None else None
        table = member_parts(unwrap(body))
        if table is not None and USER_MODEL.match(table[0]):
            return True
    return False
