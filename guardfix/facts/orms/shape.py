"""What database writes share, whatever the ORM: the call chain a query builder makes,
the label a write is reported by, the parts that pick and fill its rows."""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from guardfix.syntax import call_arguments, callee_name, string_value, text


class Parts(NamedTuple):
    """What a write is made of."""

    model: str | None  # Prisma delegate, Drizzle table, Supabase table
    filter: Node | None  # what picks the rows: None for a write that adds them
    filters: list[Node]  # the filter's expressions
    data: list[Node]  # the values written
    columns: list[tuple[str, Node]]  # (column, value) of Supabase filter calls


def column_pair(call: Node) -> tuple[str, Node] | None:
    """`eq(posts.authorId, x)` or Supabase `.eq("user_id", x)` as ("authorId", x)."""
    args = call_arguments(call)
    if callee_name(call) != "eq" or len(args) != 2:
        return None
    return string_value(args[0]) or text(args[0]).rsplit(".", 1)[-1], args[1]


def chain_top(call: Node) -> Node:
    """The outermost call of a query-builder chain that starts at `call`."""
    current = call
    while True:
        parent = current.parent
        if parent is None or parent.type != "member_expression":
            return current
        grand = parent.parent
        if grand is None or grand.type != "call_expression":
            return current
        if grand.child_by_field_name("function") != parent:
            return current
        current = grand


def label(callee_parts: list[str] | None, fallback: str) -> str:
    return ".".join(callee_parts) if callee_parts else fallback
