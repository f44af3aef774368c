"""Prisma writes: `prisma.post.update({ where, data })`, and the rows a relation links."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.facts.orms.shape import Parts
from guardfix.model import Mutation
from guardfix.syntax import (
    call_arguments,
    callee_name,
    callee_of,
    object_property,
    string_value,
    text,
    unwrap,
)

ROW_WRITES = frozenset(
    {"update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"}
)
DATA_KEYS = ("data", "create", "update")


def parts(mutation: Mutation) -> Parts | None:
    call = mutation.node
    args = call_arguments(call)
    first = unwrap(args[0]) if args else None
    callee = callee_of(call)
    receiver = callee.child_by_field_name("object") if callee is not None else None
    model = receiver.child_by_field_name("property") if receiver is not None else None
    if first is None or first.type != "object" or model is None:
        return None
    where = object_property(first, "where") if mutation.operation in ROW_WRITES else None
    data = [d for key in DATA_KEYS if (d := object_property(first, key)) is not None]
    where_node = unwrap(where)
    filters = [where_node] if where_node is not None else []
    return Parts(text(model), where_node, filters, data, [])


def connected_ids(relation: Node, every: bool = True) -> list[Node]:
    """The keys of the rows a Prisma relation write links: `{ connect: { id: x } }`, and
    unless `every` is false, `connect: [{ id: x }]`, `set: ids.map((id) => ({ id }))`
    (then `ids`) and the `where` of `connectOrCreate`."""
    found: list[Node] = []
    for verb in ("connect", "set", "connectOrCreate") if every else ("connect",):
        link = unwrap(object_property(relation, verb))
        if not every and (link is None or link.type != "object"):
            continue
        items = link.named_children if link is not None and link.type == "array" else [link]
        for item in (unwrap(i) for i in items):
            if item is not None and verb == "connectOrCreate" and item.type == "object":
                item = unwrap(object_property(item, "where"))
            if item is None:
                continue
            if item.type == "object":
                found.extend(v for _, v in pairs_at(item))
            elif item.type == "call_expression" and callee_name(item) == "map":
                callee = callee_of(item)
                receiver = callee.child_by_field_name("object") if callee is not None else None
                found.extend([receiver] if receiver is not None else [])
    return found


def pairs_at(obj: Node) -> list[tuple[str, Node]]:
    """The keys and values of an object literal, shorthand included."""
    pairs: list[tuple[str, Node]] = []
    for child in obj.named_children:
        key = child.child_by_field_name("key") if child.type == "pair" else None
        value = unwrap(child.child_by_field_name("value")) if key is not None else None
        if key is not None and value is not None:
            pairs.append((string_value(key) or text(key), value))
        elif child.type == "shorthand_property_identifier":
            pairs.append((text(child), child))
    return pairs
