"""Drizzle writes: `db.update(posts).set(data).where(eq(posts.id, id))`."""

from __future__ import annotations

from guardfix.actions import chain_calls
from guardfix.facts.orms.shape import Parts
from guardfix.model import Mutation
from guardfix.syntax import call_arguments, callee_name, text


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
