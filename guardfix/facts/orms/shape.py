"""The parts of a database write that pick and fill its rows, whatever the ORM."""

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
