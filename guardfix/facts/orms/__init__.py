"""What Prisma, Drizzle and Supabase calls look like: which are writes (one module per
ORM), where a write names its model or table, the filter that picks its rows and the data
it writes, and which calls read rows."""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.orms import drizzle, prisma, supabase
from guardfix.facts.orms.prisma import connected_ids
from guardfix.facts.orms.shape import Parts, column_pair
from guardfix.model import Api, Mutation
from guardfix.syntax import callee_name, string_value, text, unwrap, walk

# Calls that read rows: Prisma's `findUnique`, Drizzle's `select`, Supabase's `single`.
ROW_READS = frozenset(
    {
        "findUnique",
        "findUniqueOrThrow",
        "findFirst",
        "findFirstOrThrow",
        "findOne",
        "findById",
        "select",
        "selectFrom",
        "single",
        "maybeSingle",
    }
)
_PARTS: dict[Api, Callable[[Mutation], Parts | None]] = {
    Api.PRISMA: prisma.parts,
    Api.DRIZZLE: drizzle.parts,
    Api.SUPABASE: supabase.parts,
}


def write_parts(mutation: Mutation) -> Parts | None:
    """The parts of a Prisma, Drizzle or Supabase write; None for any other."""
    parts = _PARTS.get(mutation.api)
    return parts(mutation) if parts is not None else None


def field_pairs(nodes: list[Node]) -> list[tuple[str, Node]]:
    """`authorId: x` and `{ authorId }` in objects, `author: { connect: { id: x } }`, and
    `eq(t.authorId, x)` in Drizzle filters."""
    pairs: list[tuple[str, Node]] = []
    for node in nodes:
        for child in walk(node):
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = unwrap(child.child_by_field_name("value"))
                if key is None or value is None:
                    continue
                name = string_value(key) or text(key)
                if value.type != "object":
                    pairs.append((name, value))
                else:
                    pairs.extend((name, linked) for linked in connected_ids(value))
            elif child.type == "shorthand_property_identifier":
                pairs.append((text(child), child))
            elif child.type == "call_expression" and callee_name(child) == "eq":
                pair = column_pair(child)
                if pair is not None:
                    pairs.append(pair)
    return pairs


def written_model(mutation: Mutation) -> str | None:
    """The Prisma model, Drizzle table or Supabase table a database write changes."""
    found = write_parts(mutation)
    return found.model if found is not None else None


def reads_rows(value: Node | None) -> bool:
    """`prisma.x.findUnique(...)`, `db.select().from(t)`, `supabase.from(t).select()`."""
    if value is None or value.type != "call_expression":
        return False
    return any(callee_name(c) in ROW_READS for c in chain_calls(value))
