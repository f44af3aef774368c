"""Supabase writes: which call chains are one (`supabase.from("posts").update(data).eq("id",
id)`, storage uploads, `rpc`) and where their table, filters and data are."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.orms.shape import Parts, chain_top, column_pair
from guardfix.model import Api, Mutation
from guardfix.module import Module
from guardfix.syntax import call_arguments, callee_name, member_parts, string_value, text, unwrap

FILTERS = frozenset(
    {"eq", "neq", "in", "match", "filter", "gt", "gte", "lt", "lte", "like", "ilike", "is"}
)
OPS = frozenset({"insert", "update", "upsert", "delete"})
STORAGE_OPS = frozenset(
    {"upload", "remove", "update", "move", "copy", "uploadToSignedUrl", "createSignedUploadUrl"}
)


def recognise(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op == "rpc":
        return Mutation(call, Api.SUPABASE, "rpc", f"rpc({text(args[0]) if args else ''})")
    if receiver.type != "call_expression" or callee_name(receiver) != "from":
        return None
    table = string_value(call_arguments(receiver)[0]) if call_arguments(receiver) else None
    from_callee = unwrap(receiver.child_by_field_name("function"))
    from_parts = member_parts(from_callee) or []
    if len(from_parts) >= 2 and from_parts[-2] == "storage":
        if op in STORAGE_OPS:
            return Mutation(chain_top(call), Api.SUPABASE_STORAGE, op, f"storage.from(...).{op}")
        return None
    if op in OPS:
        written = f"from({table!r}).{op}" if table else f"from(...).{op}"
        return Mutation(chain_top(call), Api.SUPABASE, op, written)
    return None


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
