"""Whose rows a signed-in caller's writes touch: the facts behind GF002 and GF003.

A value is client input when it comes from the action's parameters (formData,
arguments, `parsedInput`), and session-derived when it comes from a session
lookup; both spread through the names they are stored in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.lookups import EXIT_CALLS
from guardfix.model import ActionKind, Mutation, MutationEvent, Scope, ServerAction
from guardfix.syntax import (
    call_arguments,
    callee_name,
    callee_of,
    object_property,
    string_value,
    text,
    unwrap,
    walk,
)

PRISMA_ROW_WRITES = frozenset(
    {"update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"}
)
PRISMA_DATA_KEYS = ("data", "create", "update")
SUPABASE_FILTERS = frozenset(
    {"eq", "neq", "in", "match", "filter", "gt", "gte", "lt", "lte", "like", "ilike", "is"}
)
# A field that says whose row it is, or what the caller may do.
IDENTITY_FIELD = re.compile(
    r"^(user|owner|author|creator|created_?by|account|profile)(_?id)?$|(user|owner|author)_?id$|^role$",
    re.IGNORECASE,
)
OWNER_FIELD = re.compile(r"(user|owner|author|creator|created_?by|account|profile)", re.IGNORECASE)
# A call that decides whether the caller may act: `can(user, "delete", post)`.
PERMISSION_CALL = re.compile(
    r"^(can|cannot|authori[sz]e\w*|assert\w*|require\w*(role|permission|member|owner|access|admin)\w*"
    r"|check\w*(permission|access|owner|member|role)\w*|ensure\w*|verify\w*(owner|access|permission"
    r"|member)\w*|has(role|permission|access)\w*|is(owner|member|admin)\w*)$",
    re.IGNORECASE,
)
SESSION_PARAM = re.compile(
    r"^(ctx|context|session|user|auth|me|viewer|current_?user)$", re.IGNORECASE
)


@dataclass
class _Taint:
    client: set[str] = field(default_factory=set)
    session: set[str] = field(default_factory=set)
    lookups: frozenset[int] = frozenset()  # start bytes of the session lookup calls

    def has_client(self, node: Node) -> bool:
        return any(self._name(n) in self.client for n in walk(node))

    def has_session(self, node: Node) -> bool:
        return any(
            self._name(n) in self.session
            or (n.type == "call_expression" and n.start_byte in self.lookups)
            for n in walk(node)
        )

    @staticmethod
    def _name(node: Node) -> str | None:
        if node.type in ("identifier", "shorthand_property_identifier"):
            return text(node)
        return None


def scopes(
    action: ServerAction, events: Iterable[MutationEvent], lookups: Iterable[Node]
) -> tuple[Scope, ...]:
    """Row-picking and identity facts for each direct Prisma, Drizzle or Supabase write."""
    fn = action.function
    taint = _taint(action, fn, frozenset(n.start_byte for n in lookups))
    checks = _checks(fn, taint)
    out: list[Scope] = []
    for event in events:
        mutation = event.mutation
        if mutation.via is not None:
            continue
        scope = _scope(mutation, taint, checks)
        if scope is not None and (scope.filter is not None or scope.identity):
            out.append(scope)
    return tuple(out)


def _taint(action: ServerAction, fn: Node, lookups: frozenset[int]) -> _Taint:
    taint = _Taint(lookups=lookups)
    built = action.kind not in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE)
    params = fn.child_by_field_name("parameters")
    single = fn.child_by_field_name("parameter")
    for index, name in enumerate(_param_bindings(params, single)):
        # `ctx` of an authenticated safe-action client, the user a wrapper passes in.
        by_library = built and SESSION_PARAM.match(name) and (name == "ctx" or index == 0)
        (taint.session if by_library else taint.client).add(name)
    body = fn.child_by_field_name("body")
    if body is None:
        return taint
    for node in walk(body):
        if node.type != "variable_declarator":
            continue
        value = node.child_by_field_name("value")
        pattern = node.child_by_field_name("name")
        if value is None or pattern is None:
            continue
        names = [
            text(n)
            for n in walk(pattern)
            if n.type in ("identifier", "shorthand_property_identifier_pattern")
        ]
        if taint.has_client(value):
            taint.client.update(names)
            taint.session.difference_update(names)
        elif taint.has_session(value):
            taint.session.update(names)
    return taint


def _param_bindings(params: Node | None, single: Node | None) -> list[str]:
    """Each parameter's bound names, in order; `({ parsedInput, ctx })` binds both."""
    roots = [single] if single is not None else list(params.named_children if params else [])
    names: list[str] = []
    for param in roots:
        for node in walk(param):
            if node.type in ("identifier", "shorthand_property_identifier_pattern"):
                parent = node.parent
                if (
                    parent is not None
                    and parent.type == "pair_pattern"
                    and node == parent.child_by_field_name("key")
                ):
                    continue
                if parent is not None and "type" in parent.type:
                    continue
                names.append(text(node))
    return names


def _checks(fn: Node, taint: _Taint) -> list[int]:
    """End bytes of the checks that decide whether this caller may touch these rows."""
    ends: list[int] = []
    body = fn.child_by_field_name("body")
    if body is None:
        return ends
    for node in walk(body):
        if node.type == "if_statement":
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if (
                condition is not None
                and consequence is not None
                and _stops(consequence)
                and taint.has_session(condition)
                and _compares(condition, taint)
            ):
                ends.append(node.end_byte)
        elif node.type == "call_expression":
            name = callee_name(node) or ""
            args = call_arguments(node)
            if PERMISSION_CALL.match(name) or (
                any(taint.has_session(a) for a in args) and any(taint.has_client(a) for a in args)
            ):
                ends.append(node.end_byte)
    return ends


def _compares(condition: Node, taint: _Taint) -> bool:
    """More than "is anyone signed in": a row, an input, a role or a permission call."""
    for node in walk(condition):
        if node.type in ("string", "template_string", "call_expression"):
            return True
        if (
            node.type in ("identifier", "shorthand_property_identifier")
            and text(node) in taint.client
        ):
            return True
        if node.type == "property_identifier" and re.search(
            r"role|admin|permission|owner|author|member", text(node), re.IGNORECASE
        ):
            return True
    return False


def _stops(node: Node) -> bool:
    for child in walk(node):
        if child.type in ("throw_statement", "return_statement"):
            return True
        if child.type == "call_expression" and callee_name(child) in EXIT_CALLS:
            return True
    return False


def _scope(mutation: Mutation, taint: _Taint, checks: list[int]) -> Scope | None:
    node = mutation.node
    checked = any(end <= node.start_byte for end in checks)
    parts = _PARTS.get(mutation.api)
    if parts is None:
        return None
    found = parts(mutation)
    if found is None:
        return None
    model, filter_node, filter_values, pairs = found
    identity = tuple(
        (key, value)
        for key, value in pairs
        if IDENTITY_FIELD.search(key) and taint.has_client(value)
    )
    return Scope(
        mutation=mutation,
        orm=mutation.api,
        model=model,
        filter=filter_node,
        client=any(taint.has_client(v) for v in filter_values),
        owned=any(taint.has_session(v) for v in filter_values),
        checked=checked,
        identity=identity,
    )


# What a write's parts are: (model, filter node, filter expressions, (field, value) pairs
# of its data and filters).
_Parts = tuple[str | None, Node | None, list[Node], list[tuple[str, Node]]]


def _prisma(mutation: Mutation) -> _Parts | None:
    call = mutation.node
    args = call_arguments(call)
    first = unwrap(args[0]) if args else None
    callee = callee_of(call)
    receiver = callee.child_by_field_name("object") if callee is not None else None
    model = receiver.child_by_field_name("property") if receiver is not None else None
    if first is None or first.type != "object" or model is None:
        return None
    where = object_property(first, "where") if mutation.operation in PRISMA_ROW_WRITES else None
    data = [d for key in PRISMA_DATA_KEYS if (d := object_property(first, key)) is not None]
    where_node = unwrap(where)
    filters = [where_node] if where_node is not None else []
    return text(model), where_node, filters, _pairs([*data, *filters])


def _drizzle(mutation: Mutation) -> _Parts | None:
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
    return table, where, filters, _pairs([*data, *filters])


def _supabase(mutation: Mutation) -> _Parts | None:
    calls = chain_calls(mutation.node)
    source = next((c for c in calls if callee_name(c) == "from"), None)
    table = string_value(call_arguments(source)[0]) if source and call_arguments(source) else None
    op_index = next((i for i, c in enumerate(calls) if callee_name(c) == mutation.operation), None)
    if op_index is None:
        return None
    filters = [c for c in calls[op_index + 1 :] if callee_name(c) in SUPABASE_FILTERS]
    data = call_arguments(calls[op_index]) if mutation.operation != "delete" else []
    row_write = mutation.operation in ("update", "delete")
    last = filters[-1] if filters and row_write else None
    values = [a for c in filters for a in call_arguments(c)]
    pairs = _pairs(data) + [pair for c in filters if (pair := _column_pair(c)) is not None]
    return table, last, values, pairs


_PARTS = {"prisma": _prisma, "drizzle": _drizzle, "supabase": _supabase}


def _pairs(nodes: list[Node]) -> list[tuple[str, Node]]:
    """`authorId: x` in objects and `eq(t.authorId, x)` in Drizzle filters."""
    pairs: list[tuple[str, Node]] = []
    for node in nodes:
        for child in walk(node):
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = unwrap(child.child_by_field_name("value"))
                if key is not None and value is not None and value.type != "object":
                    pairs.append((string_value(key) or text(key), value))
            elif child.type == "call_expression" and callee_name(child) == "eq":
                pair = _column_pair(child)
                if pair is not None:
                    pairs.append(pair)
    return pairs


def _column_pair(call: Node) -> tuple[str, Node] | None:
    """`eq(posts.authorId, x)` or Supabase `.eq("user_id", x)` as ("authorId", x)."""
    args = call_arguments(call)
    if callee_name(call) != "eq" or len(args) != 2:
        return None
    return string_value(args[0]) or text(args[0]).rsplit(".", 1)[-1], args[1]
