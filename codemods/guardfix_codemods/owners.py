"""Which field holds a row's owner: the configuration, prisma/schema.prisma, Drizzle tables."""

from __future__ import annotations

import re

from guardfix.model import Api, Applicability, Scope
from guardfix.module import Module
from guardfix_codemods.orms import Owner, Relations, Wording, drizzle, prisma, supabase
from guardfix_codemods.workspace import Workspace

OWNER_NAME = re.compile(r"author|owner|user|creator|created_?by", re.IGNORECASE)


def owner_field(workspace: Workspace, scope: Scope, module: Module) -> Owner | str:
    model = scope.model or ""
    names = [model, model[:1].upper() + model[1:]] if model else []
    for name in names:
        if name in workspace.config.owner_fields:
            return Owner(workspace.config.owner_fields[name], "the configuration")
    if scope.orm is Api.SUPABASE:
        return supabase.guessed_owner()
    if scope.orm is Api.PRISMA:
        wording = prisma.WORDING
    elif scope.orm is Api.DRIZZLE:
        wording = drizzle.WORDING
    else:
        return f"no owner field is known for {scope.orm.value}"
    return _pick(_relations(workspace, scope, module), wording, model)


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


def _relations(workspace: Workspace, scope: Scope, module: Module) -> Relations | str:
    """The model's foreign keys to users, or why they cannot be read."""
    if scope.orm is Api.PRISMA:
        return prisma.relations(workspace, scope, module)
    if scope.orm is Api.DRIZZLE:
        return drizzle.relations(workspace, scope, module)
    return f"no schema is read for {scope.orm.value}"


def _pick(relations: Relations | str, wording: Wording, model: str) -> Owner | str:
    """The owner among a model's relations to users: the one, a hinted guess among several,
    or why there is none."""
    if isinstance(relations, str):
        return relations
    owners, other_users, where = relations
    if len(owners) == 1:
        return Owner(owners[0], where)
    if owners:
        return _one_of(owners, wording.several.format(model=model))
    if other_users:
        return f"{wording.others.format(model=model)} ({', '.join(other_users)})"
    return wording.none.format(model=model, where=where)


def _one_of(owners: list[str], several: str) -> Owner | str:
    """Several relations to users (`invitedById`, `userId`): a name may hint at the owner,
    but only the configuration settles it, so a hinted pick is a guess."""
    named = [o for o in owners if OWNER_NAME.search(o)]
    listed = ", ".join(owners)
    if len(named) == 1:
        return Owner(named[0], f"a guess among {listed}; set owner-fields", guessed=True)
    return f"{several} ({listed}); set owner-fields in the configuration"
