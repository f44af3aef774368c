"""Drizzle writes: which call chains are one (`db.update(posts).set(data).where(eq(posts.id,
id))`) and where their table, filter and data are."""

from __future__ import annotations

import re

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.orms.shape import Parts, chain_top
from guardfix.model import Api, Mutation
from guardfix.module import Module
from guardfix.patterns import LazyPattern
from guardfix.syntax import call_arguments, callee_name, text, unwrap

OPS = frozenset({"insert", "update", "delete"})
CHAIN = frozenset(
    {
        "values",
        "set",
        "where",
        "returning",
        "onConflictDoNothing",
        "onConflictDoUpdate",
        "onDuplicateKeyUpdate",
    }
)
DB_NAME = LazyPattern(r"(^|_)(db|tx|trx)$|database|drizzle|^orm$", re.IGNORECASE)


def recognise(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op not in OPS or len(args) != 1:
        return None
    table = unwrap(args[0])
    if table is None or table.type not in ("identifier", "member_expression"):
        return None
    # The client may be a call too: `getDb().insert(notes)`.
    client = (
        parts[-2]
        if parts is not None
        else callee_name(receiver)
        if (receiver.type == "call_expression")
        else None
    )
    if client is None:
        return None
    top = chain_top(call)
    chained = _chain_method_names(call, top)
    if not (DB_NAME.search(client) or chained & CHAIN):
        return None
    return Mutation(top, Api.DRIZZLE, op, f"{text(receiver)}.{op}({text(table)})")


def _chain_method_names(start: Node, top: Node) -> set[str]:
    names: set[str] = set()
    current = start
    while current != top and current.parent is not None:
        member = current.parent
        names.add(text(member.child_by_field_name("property")))
        if member.parent is None:
            break
        current = member.parent
    return names


def parts(mutation: Mutation) -> Parts | None:
    calls = chain_calls(mutation.node)
    base = next((c for c in calls if callee_name(c) in ("update", "delete", "insert")), None)
    if base is None:
        return None
    table_args = call_arguments(base)
    table = text(table_args[0]) if table_args else None
    where = next((c for c in calls if callee_name(c) == "where"), None)
    data = [a for c in calls if callee_name(c) in ("set", "values") for a in call_arguments(c)]
    filters = call_arguments(where) if where is not None else []
    if mutation.operation == "insert":
        where = None
    return Parts(table, where, filters, data, [])
