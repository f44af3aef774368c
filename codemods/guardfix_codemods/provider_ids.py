"""When the caller's user id may not go into a row: the guard checks a role (an admin
acting for others), or the id is the auth provider's and not the project's.

An auth provider's user id is not always the project's: many apps keep their own users
and find them by the provider's id (`prisma.user.findUnique({ where: { clerkId: userId } })`).

There the owner columns hold the project's own user id, and writing Clerk's `userId` into
them would break every row; the fix has to go through the project's lookup instead.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from guardfix.syntax import call_arguments, callee_name, string_value, text, unwrap, walk
from guardfix_codemods.plan import ActionPlan
from guardfix_codemods.session import permission_check
from guardfix_codemods.workspace import Workspace

CLERK = "@clerk/"

# `clerkId`, `clerk_user_id`, `externalId`, `authId`, `providerUserId`, `auth0Id`...
PROVIDER_KEY = re.compile(
    r"^(clerk|external|auth|auth0|provider|kinde|stack|workos|supabase)_?(user_?)?id$",
    re.IGNORECASE,
)
MARKER = re.compile(
    rb"(clerk|external|auth|auth0|provider|kinde|stack|workos|supabase)_?(user_?)?id",
    re.IGNORECASE,
)


def mappings(workspace: Workspace, under: str) -> dict[str, str]:
    """The provider's id as the project's lookups spell it (`userId`) -> the key they find
    their own user by (`clerkId`)."""
    found: dict[str, str] = {}
    for path in workspace.app_files(under):
        content = workspace.read(path)
        if content is None or not MARKER.search(content):
            continue
        module = workspace.project.module(path)
        if module is None:
            continue
        for node in walk(module.root):
            pair = _lookup_pair(node)
            if pair is not None:
                key, value = pair
                found.setdefault(_plain(value), key)
    return found


def _lookup_pair(node: Node) -> tuple[str, str] | None:
    """`clerkId: userId` in a `where`, or `eq(users.clerkId, userId)`, or
    `.eq("clerk_id", userId)`: (key, value text)."""
    if node.type == "pair":
        key = node.child_by_field_name("key")
        name = string_value(key) or text(key)
        value = unwrap(node.child_by_field_name("value"))
        if value is None or not PROVIDER_KEY.match(name) or not _in_where(node):
            return None
        return name, text(value)
    if node.type == "call_expression" and callee_name(node) == "eq":
        args = call_arguments(node)
        if len(args) != 2:
            return None
        column = string_value(args[0]) or text(args[0]).rsplit(".", 1)[-1]
        if PROVIDER_KEY.match(column):
            return column, text(unwrap(args[1]))
    return None


def _in_where(pair: Node) -> bool:
    """The pair sits in the `where` of a query: `findUnique({ where: { clerkId } })`."""
    node = pair.parent
    while node is not None and node.type in ("object", "pair"):
        if node.type == "pair" and text(node.child_by_field_name("key")) == "where":
            return True
        node = node.parent
    return False


def _plain(expression: str) -> str:
    return expression.replace("?.", ".").replace("!", "")


def why_not(plan: ActionPlan, field: str) -> str | None:
    """Why writing the plan's user id into `field` would be wrong, or None."""
    check = permission_check(plan.guard) if plan.guard is not None else None
    if check is not None:
        return (
            f"the guard the GF001 fix inserts checks more than a sign-in ({check}): "
            "its callers may act for other users on purpose"
        )
    user_id = plan.user_id
    if user_id is None or PROVIDER_KEY.match(field):
        return None  # a column that holds the provider's id takes it as it is
    workspace, path = plan.workspace, plan.module.path
    root = workspace.app_root(path)
    if root not in workspace.provider_keys:
        workspace.provider_keys[root] = mappings(workspace, root)
    found = workspace.provider_keys[root]
    key = found.get(_plain(user_id))
    if key is None and found and _from_clerk(plan):
        key = next(iter(found.values()))
    if key is None:
        return None
    return (
        f"`{user_id}` is the auth provider's id, but the project finds its own user by "
        f"`{key}`; `{field}` holds the project's user id: look the user up as the project does"
    )


def _from_clerk(plan: ActionPlan) -> bool:
    """The user id comes from Clerk: the inserted guard's or the action's own lookup."""
    if plan.guard is not None:
        return any(need.module.startswith(CLERK) for need in plan.guard.imports)
    lookup = plan.lookup
    call = next((n for n in walk(lookup) if n.type == "call_expression"), None) if lookup else None
    name = callee_name(call) if call is not None else None
    origin = plan.module.imports.get(name) if name is not None else None
    return origin is not None and origin.specifier.startswith(CLERK)
