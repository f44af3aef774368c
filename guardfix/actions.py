"""Find every server action in a module, in each form people write them."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.model import ActionKind, ServerAction
from guardfix.module import Module
from guardfix.syntax import (
    FUNCTION_TYPES,
    FUNCTION_WRAPPER_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    declared_value,
    defined_function,
    first_statement,
    function_body,
    is_async,
    is_directive,
    text,
    unwrap,
    walk,
)

DIRECTIVE = b"use server"  # every form of action needs it somewhere in its file
SAFE_ACTION_METHODS = frozenset({"action", "stateAction"})
MAX_WRAPPERS = 5  # `a(b(c(fn)))`: how many wrapper calls deep an action is looked for


def may_hold_actions(content: bytes) -> bool:
    """The byte prefilter: only a file that spells the directive can hold an action."""
    return DIRECTIVE in content


def find_actions(module: Module) -> list[ServerAction]:
    if not may_hold_actions(module.content):
        return []
    actions: list[ServerAction] = []
    seen: set[int] = set()
    if module.directive is not None:
        for exported, target in module.exports.items():
            action = _exported_action(module, exported, target)
            if action is not None and action.function.id not in seen:
                seen.add(action.function.id)
                actions.append(action)
    for node in walk(module.root):
        if node.type in FUNCTION_TYPES and node.id not in seen and has_inline_directive(node):
            seen.add(node.id)
            actions.append(ServerAction(_local_name(node), ActionKind.INLINE_DIRECTIVE, node, node))
    actions.sort(key=lambda a: a.function.start_byte)
    return actions


def has_inline_directive(fn: Node) -> bool:
    body = function_body(fn)
    if body is None or body.type != "statement_block":
        return False
    first = first_statement(body)
    return first is not None and is_directive(first, "use server")


def _exported_action(module: Module, exported: str, target: str | Node) -> ServerAction | None:
    node = module.definitions.get(target) if isinstance(target, str) else target
    if node is None:
        return None
    name = exported
    if exported == "default" and node.type in FUNCTION_TYPES:
        fn_name = node.child_by_field_name("name")
        name = text(fn_name) if fn_name is not None else "default"
    if node.type in FUNCTION_TYPES:
        return _function_action(name, node, node)
    if node.type == "variable_declarator":
        value = declared_value(node)
        if value is None:
            return None
        if value.type in FUNCTION_TYPES:
            return _function_action(name, value, node)
        if value.type == "call_expression":
            return built_action(name, value, node, module)
        return None
    value = unwrap(node)
    if value is not None and value.type == "call_expression":
        return built_action(name, value, node, module)
    return None


def _function_action(name: str, fn: Node, node: Node) -> ServerAction | None:
    # Next.js only accepts async exports in a "use server" file.
    if not is_async(fn):
        return None
    return ServerAction(name, ActionKind.FILE_DIRECTIVE, fn, node)


def built_action(name: str | None, call: Node, node: Node, module: Module) -> ServerAction | None:
    """An action made by next-safe-action, zsa, or (nested) higher-order wrappers."""
    wrapped = wrapped_function(call, module)
    if wrapped is None:
        return None
    fn, layers = wrapped
    callee = callee_of(call)
    method = callee_name(call)
    if callee is not None and callee.type == "member_expression" and len(layers) == 1:
        if method in SAFE_ACTION_METHODS:
            return ServerAction(name, ActionKind.SAFE_ACTION, fn, node, call)
        if method == "handler":
            return ServerAction(name, ActionKind.ZSA, fn, node, call)
        return None
    if callee is not None and callee.type == "identifier":
        return ServerAction(name, ActionKind.WRAPPER, fn, node, call, layers)
    return None


def wrapped_function(
    call: Node, module: Module
) -> tuple[Node, tuple[tuple[Node, Node], ...]] | None:
    """The function a builder call wraps, and each (call, argument) layer down to it.

    `withAuth(withLog(async () => ...))` and `createSafeAction(Schema, handler)` with a
    same-file `handler` both count.
    """
    layers: list[tuple[Node, Node]] = []
    current = call
    for _ in range(MAX_WRAPPERS):
        args = [a for a in map(unwrap, call_arguments(current)) if a is not None]
        for arg in reversed(args):
            fn = arg if arg.type in FUNCTION_TYPES else _local_function(arg, module)
            if fn is not None:
                return fn, (*layers, (current, arg))
        inner = args[-1] if args else None
        if inner is None or inner.type != "call_expression":
            return None
        layers.append((current, inner))
        current = inner
    return None


def _local_function(node: Node, module: Module) -> Node | None:
    if node.type != "identifier":
        return None
    definition = module.definitions.get(text(node))
    return defined_function(definition) if definition is not None else None


def chain_root(call: Node) -> Node | None:
    """The expression a builder chain starts from: `client` in `client.schema().action()`."""
    current: Node | None = unwrap(call)
    while current is not None and current.type == "call_expression":
        callee = unwrap(current.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            return current
        current = unwrap(callee.child_by_field_name("object"))
    return current


def chain_calls(call: Node) -> list[Node]:
    """Every call of a builder chain, root first."""
    calls: list[Node] = []
    current: Node | None = unwrap(call)
    while current is not None and current.type == "call_expression":
        calls.append(current)
        callee = unwrap(current.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            break
        current = unwrap(callee.child_by_field_name("object"))
    calls.reverse()
    return calls


def _local_name(fn: Node) -> str | None:
    name = fn.child_by_field_name("name")
    if name is not None:
        return text(name)
    parent = fn.parent
    while parent is not None and parent.type in FUNCTION_WRAPPER_TYPES:
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name")) or None
    if parent is not None and parent.type == "pair":
        return text(parent.child_by_field_name("key")) or None
    return None
