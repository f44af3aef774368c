"""Supabase writes: `supabase.from("posts").update(data).eq("id", id)`."""

from __future__ import annotations

from guardfix.actions import chain_calls
from guardfix.facts.orms.shape import Parts, column_pair
from guardfix.model import Mutation
from guardfix.syntax import call_arguments, callee_name, string_value

FILTERS = frozenset(
    {"eq", "neq", "in", "match", "filter", "gt", "gte", "lt", "lte", "like", "ilike", "is"}
)


def parts(mutation: Mutation) -> Parts | None:
    calls = chain_calls(mutation.node)
    source = next((c for c in calls if callee_name(c) == "from"), None)
    table = string_value(call_arguments(source)[0]) if source and call_arguments(source) else None
    op_index = next((i for i, c in enumerate(calls) if callee_name(c) == mutation.operation), None)
    if op_index is None:
        return None
    filters = [c for c in calls[op_index + 1 :] if callee_name(c) in FILTERS]
    data = call_arguments(calls[op_index]) if mutation.operation != "delete" else []
    row_write = mutation.operation in ("update", "delete")
    last = filters[-1] if filters and row_write else None
    values = [a for c in filters for a in call_arguments(c)]
    columns = [pair for c in filters if (pair := column_pair(c)) is not None]
    return Parts(table, last, values, data, columns)
