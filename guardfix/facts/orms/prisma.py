"""Prisma writes: which calls are one (`prisma.post.update({ where, data })`), where their
filter and data are, and the rows a relation write links."""

from __future__ import annotations

import re

from tree_sitter import Node

from guardfix.facts.orms.shape import Parts, label
from guardfix.model import Api, Mutation
from guardfix.module import Module
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    call_arguments,
    callee_name,
    callee_of,
    member_parts,
    object_property,
    string_value,
    text,
    unwrap,
    unwrap_await,
)

ROW_WRITES = frozenset(
    {"update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"}
)
DATA_KEYS = ("data", "create", "update")
OPS = frozenset(
    {
        "create",
        "createMany",
        "createManyAndReturn",
        "update",
        "updateMany",
        "updateManyAndReturn",
        "upsert",
        "delete",
        "deleteMany",
    }
)
RAW = frozenset({"$executeRaw", "$executeRawUnsafe"})
# The client in `<client>.<model>.<op>()`: OpenAI, Stripe and Twilio SDKs share the shape.
CLIENT = LazyPattern(r"prisma|db$|^(tx|trx)$|database", re.IGNORECASE)
# Every Prisma write given an object literal names its rows or its data.
ARG_KEYS = frozenset({"where", "data"})


def recognise(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op in RAW:
        return Mutation(call, Api.PRISMA, op, label(parts, op))
    if op not in OPS or receiver.type != "member_expression" or len(args) > 1:
        return None
    model = receiver.child_by_field_name("property")
    if model is None or model.type != "property_identifier":
        return None
    first = unwrap(args[0]) if args else None
    if first is not None and first.type not in ("object", "identifier", "member_expression"):
        return None
    if first is None and op not in ("deleteMany", "updateMany"):
        return None
    if not (_looks_like_db(receiver.child_by_field_name("object")) or _prisma_args(first)):
        return None
    return Mutation(call, Api.PRISMA, op, label(parts, f"{text(model)}.{op}"))


def _looks_like_db(client: Node | None) -> bool:
    """`prisma`, `db`, `ctx.db`, `this.prisma`, `getDb()`: a name that says database."""
    client = unwrap_await(client)
    if client is not None and client.type == "call_expression":
        return CLIENT.search(callee_name(client) or "") is not None
    parts = member_parts(client)
    return parts is not None and CLIENT.search(parts[-1]) is not None


def _prisma_args(first: Node | None) -> bool:
    """`{ where: ... }` or `{ data: ... }`: the argument Prisma's writes take."""
    if first is None or first.type != "object":
        return False
    return any(object_property(first, key) is not None for key in ARG_KEYS)


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
