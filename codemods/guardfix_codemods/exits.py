"""How an inserted guard leaves the action without changing what the action returns.

A copied `if (!session) return null;` gives every caller of an action that returns a
post a `null` it never handled. The idiom's `return X` is kept only where the action
already returns that shape; elsewhere the guard throws, which type-checks anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from guardfix.edits import apply_edits
from guardfix.facts.lookups import EXIT_CALLS
from guardfix.model import Edit
from guardfix.parse import parse
from guardfix.syntax import FUNCTION_TYPES, callee_name, string_value, text, unwrap, unwrap_await

THROW = 'throw new Error("Unauthorized");'
LITERALS = frozenset({"null", "undefined", "true", "false", "number"})
WORD = re.compile(r"\w+")
Shape = tuple[str, ...]


def fitted(guard: str, fn: Node) -> str:
    """`guard` with each `return X` that `fn` does not already return made a throw."""
    tree = parse("guard.ts", guard.encode())
    returns = [n for n in _own(tree.root_node) if n.type == "return_statement"]
    if not returns:
        return guard
    shapes = set(_returned(fn))
    declared = fn.child_by_field_name("return_type")
    edits = [
        Edit(stmt.start_byte, stmt.end_byte, THROW.encode())
        for stmt in returns
        if not _fits(shape_of(_value(stmt)), shapes, text(declared))
    ]
    return apply_edits(guard.encode(), edits).decode()


def shape_of(value: Node | None) -> Shape:
    """What a returned value looks like to a caller: nothing, a literal, an object's keys."""
    value = unwrap_await(value)
    if value is None:
        return ("void",)
    if value.type == "call_expression" and callee_name(value) in EXIT_CALLS:
        return ("exit",)  # `return redirect(...)` never returns
    if value.type in LITERALS:
        return (value.type, text(value))
    if value.type in ("string", "template_string") and string_value(value) is not None:
        return ("string", string_value(value) or "")
    if value.type == "object":
        keys = sorted(_key(member) for member in value.named_children if member.type != "comment")
        return ("object", *keys)
    return ("expression", text(value))


def _fits(shape: Shape, shapes: set[Shape], declared: str) -> bool:
    if shape == ("exit",) or shape in shapes:
        return True
    if shape == ("void",):
        # A bare `return` adds nothing where the action returns nothing.
        values = shapes - {("void",), ("exit",)}
        words = WORD.findall(declared)
        return not values and (not declared or "void" in words or "undefined" in words)
    # `return null` where the declared type already admits null.
    return shape[0] in ("null", "undefined") and shape[0] in WORD.findall(declared)


def _returned(fn: Node) -> Iterator[Shape]:
    """The shape of each value `fn` itself returns (an expression body is one)."""
    body = fn.child_by_field_name("body")
    if body is not None and body.type != "statement_block":
        yield shape_of(body)
        return
    for node in _own(body) if body is not None else ():
        if node.type == "return_statement":
            yield shape_of(_value(node))


def _value(stmt: Node) -> Node | None:
    return unwrap(next((c for c in stmt.named_children if c.type != "comment"), None))


def _key(member: Node) -> str:
    if member.type == "pair":
        return text(member.child_by_field_name("key"))
    return text(member)  # `{ error }` or `...rest`


def _own(node: Node) -> Iterator[Node]:
    """Named descendants that belong to this function, not to one nested in it."""
    stack = list(reversed(node.named_children))
    while stack:
        current = stack.pop()
        yield current
        if current.type not in FUNCTION_TYPES:
            stack.extend(reversed(current.named_children))
