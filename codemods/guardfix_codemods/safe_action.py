"""next-safe-action: an action built from the public client moves to the project's
authenticated client, whose middleware checks the session and hands over `ctx`."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from guardfix.actions import chain_calls, chain_root
from guardfix.facts.project import Project
from guardfix.model import Edit, ServerAction
from guardfix.module import Module
from guardfix.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    declared_value,
    object_property,
    string_value,
    text,
    unwrap,
    walk,
)
from guardfix_codemods.session import USER_ID_END


@dataclass(frozen=True)
class ClientSwitch:
    client: str  # the authenticated client's exported name
    root: Node  # the public client's name in the action's chain
    specifier: str | None  # where the action's file imports it from (None: same file)
    user_id: str | None  # how the action reads the caller's id from `ctx`
    edits: tuple[Edit, ...]  # `ctx` added to the handler's parameter, when needed


def authenticated_client(
    project: Project, module: Module, action: ServerAction
) -> ClientSwitch | None:
    root = chain_root(action.builder) if action.builder is not None else None
    if root is None or root.type != "identifier":
        return None
    found = project.definition(module, text(root))
    if found is None:
        return None
    home, _ = found
    local_root = module.imports[text(root)].name if text(root) in module.imports else text(root)
    best: tuple[str, Node] | None = None
    for exported, local in home.exports.items():
        node = home.definitions.get(local) if isinstance(local, str) else None
        value = declared_value(node) if node is not None else None
        if value is None or value.type != "call_expression":
            continue
        if not project.client_guards(value, home, 0):
            continue
        start = chain_root(value)
        if best is None or (start is not None and text(start) == local_root):
            best = (exported, value)
    if best is None:
        return None
    name, chain = best
    specifier = module.imports[text(root)].specifier if text(root) in module.imports else None
    edits, has_ctx = _ctx_parameter(action.function)
    user_id = _ctx_user_id(project, home, chain) if has_ctx else None
    return ClientSwitch(name, root, specifier, user_id, edits)


def _ctx_parameter(fn: Node) -> tuple[tuple[Edit, ...], bool]:
    """Edits that destructure `ctx` in `async ({ parsedInput }) =>`; False when impossible."""
    params = fn.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_children else None
    pattern = first.child_by_field_name("pattern") if first is not None else None
    if pattern is None or pattern.type != "object_pattern":
        return (), False
    names = [c for c in pattern.named_children if c.type != "comment"]
    if any(text(c).split(":")[0].strip() == "ctx" for c in names):
        return (), True
    if not names:
        return (Edit(pattern.start_byte + 1, pattern.end_byte - 1, b" ctx "),), True
    return (Edit(names[-1].end_byte, names[-1].end_byte, b", ctx"),), True


def _ctx_user_id(project: Project, home: Module, chain: Node) -> str | None:
    """`ctx.userId` when the middleware passes `next({ ctx: { userId: ... } })`."""
    for call in chain_calls(chain):
        args = call_arguments(call)
        if callee_name(call) != "use" or not args:
            continue
        middleware = unwrap(args[0])
        if middleware is not None and middleware.type == "identifier":
            found = project.function_for(home, text(middleware), None)
            middleware = found[1] if found is not None else None
        if middleware is None or middleware.type not in FUNCTION_TYPES:
            continue
        for node in walk(middleware):
            if node.type != "call_expression" or callee_name(node) != "next":
                continue
            ctx = object_property(call_arguments(node)[0], "ctx") if call_arguments(node) else None
            for key in _keys(unwrap(ctx)):
                if USER_ID_END.match(key):
                    return f"ctx.{key}"
                if key == "user":
                    return "ctx.user.id"
    return None


def _keys(obj: Node | None) -> list[str]:
    if obj is None or obj.type != "object":
        return []
    keys: list[str] = []
    for child in obj.named_children:
        key = child.child_by_field_name("key") if child.type == "pair" else child
        if key is not None and child.type in ("pair", "shorthand_property_identifier"):
            keys.append(string_value(key) or text(key))
    return keys
