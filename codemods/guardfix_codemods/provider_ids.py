"""When the caller's user id may not go into a row: the guard checks a role (an admin
acting for others), or the id is the auth provider's and not the project's.

An auth provider's user id is not always the project's: many apps keep their own users
and find them by the provider's id (`prisma.user.findUnique({ where: { clerkId: userId } })`).

There the owner columns hold the project's own user id, and writing Clerk's `userId` into
them would break every row; the fix has to go through the project's lookup instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from tree_sitter import Node

from guardfix.edits import line_indent
from guardfix.facts.lookups import stops_request
from guardfix.model import Edit
from guardfix.module import Module
from guardfix.syntax import (
    call_arguments,
    callee_name,
    member_parts,
    string_value,
    text,
    unwrap,
    walk,
)
from guardfix_codemods.codestyle import restyle
from guardfix_codemods.exits import fitted
from guardfix_codemods.imports import Need, import_edits
from guardfix_codemods.learned import PerApp
from guardfix_codemods.plan import ActionPlan, bound_names, declared_in, make_async
from guardfix_codemods.session import needs_of, permission_check, user_id_in
from guardfix_codemods.texts import dedent
from guardfix_codemods.workspace import Workspace

CLERK = "@clerk/"

# Who may hold a user's id at an auth provider: `clerkId`, `externalId`, `authId`...
PROVIDERS = (
    "clerk",
    "external",
    "auth",
    "auth0",
    "provider",
    "kinde",
    "stack",
    "workos",
    "supabase",
)
_PROVIDER_ID = rf"({'|'.join(PROVIDERS)})_?(user_?)?id"
PROVIDER_KEY = re.compile(rf"^{_PROVIDER_ID}$", re.IGNORECASE)
MARKER = re.compile(_PROVIDER_ID.encode(), re.IGNORECASE)
# The same names spelled out, for git's fixed-string search: `clerk_user_id`, `authId`...
MARKER_WORDS = tuple(
    f"{p}{sep}{user}id".encode()
    for p in PROVIDERS
    for sep in ("", "_")
    for user in ("", "user", "user_")
)
# How far above a marker its pair or `eq()` call is: `eq(users.clerkId, ...)` puts the
# property four levels below the call.
MARKER_DEPTH = 5


def mappings(workspace: Workspace, under: str) -> dict[str, str]:
    """The provider's id as the project's lookups spell it (`userId`) -> the key they find
    their own user by (`clerkId`)."""
    found: dict[str, str] = {}
    files = workspace.app_files(under)
    for path in workspace.holding(files, *MARKER_WORDS, ignore_case=True, under=under):
        content = workspace.read(path)
        if content is None or not MARKER.search(content):
            continue
        module = workspace.project.module(path)
        if module is None:
            continue
        for node in _around(module.root, MARKER.finditer(content)):
            pair = _lookup_pair(node)
            if pair is not None:
                key, value = pair
                found.setdefault(_plain(value), key)
    return found


_app_keys = PerApp(mappings)  # learned once per app


def _around(root: Node, matches: Iterable[re.Match[bytes]]) -> list[Node]:
    """The nodes a marker sits in, a few levels up, in document order: the key of a pair
    or the column of an `eq()` is never deeper than that, and walking whole files is not
    cheap."""
    found: dict[int, Node] = {}
    for match in matches:
        node: Node | None = root.descendant_for_byte_range(match.start(), match.end())
        for _ in range(MARKER_DEPTH):
            if node is None:
                break
            found.setdefault(node.id, node)
            node = node.parent
    return sorted(found.values(), key=lambda n: (n.start_byte, -n.end_byte))


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


@dataclass(frozen=True)
class Mapping:
    """How the project's guarded actions turn the provider's id into their own user: the
    lookup by it and its check (`const user = await prisma.user.findUnique({ where: {
    clerkId: userId } });` then `if (!user) throw ...`), copied as they write it."""

    code: str  # LF, two spaces per level
    provider_id: str  # the provider's id it takes: `userId`
    user_id: str  # the project's user id once it ran: `user.id`
    declares: frozenset[str]
    imports: tuple[Need, ...]


def why_not(plan: ActionPlan, field: str) -> str | None:
    """Why writing the plan's user id into `field` would be wrong, or None."""
    return _permission(plan) or _provider(plan, field)


def user_id_for(plan: ActionPlan, field: str) -> tuple[str, list[Edit]] | str:
    """What to write into `field`, with the edits that look the project's user up first
    when `field` holds the project's user id and not the provider's; or why nothing is."""
    user_id = plan.user_id
    if user_id is None:
        return plan.why_no_user_id
    refused = _permission(plan)
    if refused is not None:
        return refused
    refused = _provider(plan, field)
    if refused is None:
        return user_id, []
    mapping = _app_mapping(plan.workspace, plan.module.path)
    if mapping is None or mapping.provider_id != _plain(user_id):
        return refused
    edits = _mapping_edits(plan, mapping)
    if isinstance(edits, str):
        return f"{refused} ({edits})"
    return mapping.user_id, edits


def _permission(plan: ActionPlan) -> str | None:
    check = permission_check(plan.recipe) if plan.recipe is not None else None
    if check is None:
        return None
    return (
        f"the guard the GF001 fix inserts checks more than a sign-in ({check}): "
        "its callers may act for other users on purpose"
    )


def _provider(plan: ActionPlan, field: str) -> str | None:
    user_id = plan.user_id
    if user_id is None or PROVIDER_KEY.match(field):
        return None  # a column that holds the provider's id takes it as it is
    found = _app_keys(plan.workspace, plan.module.path)
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
    if plan.recipe is not None:
        return any(need.module.startswith(CLERK) for need in plan.recipe.imports)
    lookup = plan.lookup
    call = next((n for n in walk(lookup) if n.type == "call_expression"), None) if lookup else None
    name = callee_name(call) if call is not None else None
    origin = plan.module.imports.get(name) if name is not None else None
    return origin is not None and origin.specifier.startswith(CLERK)


# -- the project's own mapping -----------------------------------------------------------


def learn_mapping(workspace: Workspace, under: str) -> Mapping | None:
    """The mapping the guarded actions below `under` use; None when none does, or when
    they do it in more than one way (which one a fix should copy is not ours to pick)."""
    found: dict[tuple[str, frozenset[tuple[str, str]]], Mapping] = {}
    for module, action in workspace.project.directive_actions(
        workspace.app_files(under), lambda content: MARKER.search(content) is not None, under
    ):
        try:
            mapping = _mapping_in(action.function, module, workspace)
        except RecursionError:
            continue  # an action too deep to read teaches nothing
        if mapping is not None:
            # The same names from the same files, however each file spells them.
            where = frozenset((n.name, n.file or n.module) for n in mapping.imports)
            found.setdefault((" ".join(mapping.code.split()), where), mapping)
    return next(iter(found.values())) if len(found) == 1 else None


_app_mapping = PerApp(learn_mapping)  # learned once per app


def _mapping_in(fn: Node, module: Module, workspace: Workspace) -> Mapping | None:
    """A statement of `fn`'s body that finds one user by a provider id bound before it,
    checked by the next statement, and whose user's id the action then reads."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block" or body.has_error:
        return None
    statements = [s for s in body.named_children if s.type != "comment"]
    earlier: set[str] = set()
    for stmt, check in pairwise(statements):
        names = bound_names(stmt)
        pair = _provider_pair(stmt)
        if len(names) == 1 and pair is not None and pair[1] in earlier and _stops(check, names):
            user_id = user_id_in(fn, names)
            needs = needs_of([stmt, check], names | {pair[1]}, module, workspace)
            if user_id is None or "." not in user_id or needs is None:
                return None
            code = dedent(module, stmt.start_byte, check.end_byte)
            return Mapping(code, pair[1], user_id, names, needs)
        earlier |= bound_names(stmt)
    return None


def _provider_pair(stmt: Node) -> tuple[str, str] | None:
    """(key, name) of a lookup by a provider id held in a plain name: `clerkId: userId`."""
    for node in walk(stmt):
        pair = _lookup_pair(node)
        if pair is not None and pair[1].isidentifier():
            return pair
    return None


def _stops(check: Node, names: frozenset[str]) -> bool:
    """`if (!user) <throw, return or redirect>`."""
    condition = unwrap(check.child_by_field_name("condition"))
    consequence = check.child_by_field_name("consequence")
    if check.type != "if_statement" or condition is None or consequence is None:
        return False
    if (
        condition.type != "unary_expression"
        or text(condition.child_by_field_name("operator")) != "!"
    ):
        return False
    parts = member_parts(unwrap(condition.child_by_field_name("argument")))
    if parts is None or parts[0] not in names:
        return False
    return stops_request(consequence)


def _mapping_edits(plan: ActionPlan, mapping: Mapping) -> list[Edit] | str:
    """Edits that run the mapping right before the action's first write."""
    fn = plan.facts.action.function
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return "the action has no body to look the user up in"
    taken = mapping.declares & declared_in(fn)
    if taken:
        return f"`{'`, `'.join(sorted(taken))}` is already declared in the action"
    bound = plan.recipe.declares if plan.recipe is not None else frozenset()
    if plan.lookup is not None:
        bound |= bound_names(plan.lookup)
    if mapping.provider_id not in bound:
        return f"the action's session lookup does not bind `{mapping.provider_id}`"
    anchor = _first_write(plan, body)
    if anchor is None or (plan.lookup is not None and anchor.start_byte < plan.lookup.end_byte):
        return "the action writes before its session lookup"
    content, style = plan.module.content, plan.style
    indent = line_indent(content, anchor.start_byte)
    code = style.lines(restyle(fitted(mapping.code, fn), plan.module), indent)
    edits = make_async(fn)
    if isinstance(edits, str):
        return edits
    at = anchor.start_byte
    edits.append(Edit(at, at, code[len(indent) :] + style.newline + indent))
    workspace = plan.workspace
    imports = import_edits(
        plan.module,
        style,
        [(need.written, workspace.specifier(need, plan.module.path)) for need in mapping.imports],
    )
    if isinstance(imports, str):
        return imports
    return edits + imports


def _first_write(plan: ActionPlan, body: Node) -> Node | None:
    """The statement of the action's body that holds its first write."""
    starts = [e.mutation.node.start_byte for e in plan.facts.events]
    if not starts:
        return None
    first = min(starts)
    return next((s for s in body.named_children if s.start_byte <= first < s.end_byte), None)
