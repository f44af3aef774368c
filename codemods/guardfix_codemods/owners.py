"""Which field holds a row's owner: the configuration, prisma/schema.prisma, Drizzle tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from guardfix.facts.schema import (
    USER_TABLE,
    drizzle_columns,
    prisma_models,
    prisma_relations,
    prisma_schema,
    references_users,
)
from guardfix.model import Applicability, Scope
from guardfix.module import Module
from guardfix_codemods import recipes
from guardfix_codemods.workspace import Workspace

OWNER_NAME = re.compile(r"author|owner|user|creator|created_?by", re.IGNORECASE)
# A relation to a user the caller names on purpose: an assignee, an invitee, a recipient.
ANOTHER_USER = re.compile(
    r"^(assign|recipient|receiver|reviewer|follow|friend|mention|target|blocked|sent_?to)",
    re.IGNORECASE,
)


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
    return f"no owner field is known for {scope.orm.value}"


def identity_owner(
    workspace: Workspace, scope: Scope, module: Module, field: str
) -> Applicability | str:
    """May the caller's id go into `field`: safe when the schema or the configuration says
    it holds the row's owner, unsafe when it is one of several user relations, else why not.
    With no schema to read, or one that ties no column to users, the field's name is all
    there is to go by."""
    model = scope.model or ""
    for name in (model, model[:1].upper() + model[1:]):
        configured = workspace.config.owner_fields.get(name)
        if configured is not None:
            if configured == field:
                return Applicability.SAFE
            return f"the configured owner of `{model}` is `{configured}`, not `{field}`"
    relations = _relations(workspace, scope, module)
    if isinstance(relations, str):
        return Applicability.SAFE
    owners, others, where = relations
    if field in others:
        return f"`{field}` of `{model}` names another user the caller picks ({where})"
    if field not in owners and (owners or others):
        return f"`{field}` of `{model}` is no relation to the user model ({where})"
    if field not in owners:
        # The schema ties no column to users (ids from an outside auth service): as with no
        # schema, the field's name decides.
        return Applicability.SAFE
    return Applicability.SAFE if len(owners) == 1 else Applicability.UNSAFE


def _relations(
    workspace: Workspace, scope: Scope, module: Module
) -> tuple[list[str], list[str], str] | str:
    """The model's foreign keys to users: (owner candidates, other users', where from)."""
    if scope.orm == "prisma":
        return _prisma_relations(workspace, module.path, scope.model or "")
    if scope.orm == "drizzle":
        return _drizzle_relations(workspace, scope, module)
    return f"no schema is read for {scope.orm.value}"


def _prisma_owner(workspace: Workspace, path: str, delegate: str) -> Owner | str:
    return _pick(
        _prisma_relations(workspace, path, delegate),
        several=f"`{delegate}` has several relations to users",
        others=f"`{delegate}` relates to users only as others",
        none=f"`{delegate}` in {{where}} has no relation to a user model",
    )


def _pick(
    relations: tuple[list[str], list[str], str] | str, *, several: str, others: str, none: str
) -> Owner | str:
    """The owner among a model's relations to users: the one, a hinted guess among several,
    or why there is none (`none` may name `{where}`, the schema read)."""
    if isinstance(relations, str):
        return relations
    owners, other_users, where = relations
    if len(owners) == 1:
        return Owner(owners[0], where)
    if owners:
        return _one_of(owners, several)
    if other_users:
        return f"{others} ({', '.join(other_users)})"
    return none.format(where=where)


def _prisma_relations(
    workspace: Workspace, path: str, delegate: str
) -> tuple[list[str], list[str], str] | str:
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
        owners: list[str] = []
        others: list[str] = []
        for field, target, foreign in prisma_relations(body):
            if not USER_TABLE.match(target):
                continue
            # `assignedUser User @relation(fields: [userId])`: a user the caller picks.
            other = ANOTHER_USER.match(field) or ANOTHER_USER.match(foreign)
            (others if other else owners).append(foreign)
        return owners, others, schema_path
    return f"no model for `{delegate}` in {schema_path}"


def _one_of(owners: list[str], several: str) -> Owner | str:
    """Several relations to users (`invitedById`, `userId`): a name may hint at the owner,
    but only the configuration settles it, so a hinted pick is a guess."""
    named = [o for o in owners if OWNER_NAME.search(o)]
    listed = ", ".join(owners)
    if len(named) == 1:
        return Owner(named[0], f"a guess among {listed}; set owner-fields", guessed=True)
    return f"{several} ({listed}); set owner-fields in the configuration"


def _drizzle_owner(workspace: Workspace, scope: Scope, module: Module) -> Owner | str:
    table = scope.model or ""
    return _pick(
        _drizzle_relations(workspace, scope, module),
        several=f"the table `{table}` references users in several columns",
        others=f"the table `{table}` references users only as others",
        none=f"no column of `{table}` in {{where}} references a users table",
    )


def _drizzle_relations(
    workspace: Workspace, scope: Scope, module: Module
) -> tuple[list[str], list[str], str] | str:
    table = scope.model or ""
    found = drizzle_columns(workspace.project, module, table, scope.mutation.node)
    if found is None:
        return f"cannot find the definition of the table `{table}` with an object of columns"
    where, columns = found
    owners: list[str] = []
    others: list[str] = []
    for key, column in columns.items():
        if references_users(column):
            (others if ANOTHER_USER.match(key) else owners).append(key)
    return owners, others, where.path
