"""Whose rows a signed-in caller's writes touch: the facts behind GF002 and GF003.

A value is client input when it comes from the action's parameters (formData,
arguments, `parsedInput`), and session-derived when it comes from a session
lookup; both spread through the names they are stored in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.lookups import ASSERT_CALLS, EXIT_CALLS
from guardfix.model import ActionKind, Mutation, MutationEvent, Scope, ServerAction
from guardfix.syntax import (
    FUNCTION_TYPES,
    TRANSPARENT_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    object_property,
    string_value,
    text,
    unwrap,
    unwrap_await,
    walk,
)

PRISMA_ROW_WRITES = frozenset(
    {"update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"}
)
PRISMA_DATA_KEYS = ("data", "create", "update")
SUPABASE_FILTERS = frozenset(
    {"eq", "neq", "in", "match", "filter", "gt", "gte", "lt", "lte", "like", "ilike", "is"}
)
# A field that says whose row it is, or what the caller may do. Not `accountId`: a CRM
# account or a bank account is a parent row (GF002), not the caller's identity.
IDENTITY_FIELD = re.compile(
    r"^(user|owner|author|creator|created_?by|profile)(_?id)?$|(user|owner|author)_?id$|^role$",
    re.IGNORECASE,
)
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
# A check that only asks "is anyone signed in": it says nothing about these rows.
SIGNED_IN_CALL = re.compile(
    r"^(assert|ensure|require|verify)_?(is_?)?(authenticated|authed|auth|session|signed_?in"
    r"|logged_?in|login|user|viewer|current_?user)$",
    re.IGNORECASE,
)
# Calls given the user and an id that decide nothing: query builders, conversions, logging.
NOT_A_CHECK = re.compile(
    r"^(and|or|not|eq|ne|gt|gte|lt|lte|like|ilike|in_?array|not_?in_?array|sql|String|Number"
    r"|Boolean|BigInt|parse(Int|Float)|(log|track|audit|notify|send|emit|capture|revalidate"
    r"|rate_?limit|limit)\w*)$",
    re.IGNORECASE,
)
ROLE_PROPERTY = re.compile(r"role|admin|permission|owner|author|member", re.IGNORECASE)
EQUALITY = frozenset({"===", "==", "!==", "!="})
# Destructured keys of a next-safe-action or zsa handler's argument.
CONTEXT_KEYS = frozenset({"ctx", "context"})
INPUT_KEYS = frozenset({"parsedInput", "input", "clientInput", "bindArgsParsedInputs"})
# `recipientUserId`, `assigneeUserId`: another user, chosen by the caller on purpose.
OTHER_USER_FIELD = re.compile(
    r"^(assignee|assigned(_?to)?|target|invited|invitee|recipient|receiver|to|friend|followed"
    r"|following|blocked|mentioned|reviewer|member|new|other)_?(user|owner|author)_?id$",
    re.IGNORECASE,
)
# Tables whose `role` is a chat message's speaker ("user", "assistant"), not a permission.
MESSAGE_MODEL = re.compile(r"message|chat|prompt|completion|conversation", re.IGNORECASE)


@dataclass
class _Taint:
    client: set[str] = field(default_factory=set)
    session: set[str] = field(default_factory=set)
    # Rows read with both the caller's input and the session: `findFirst({ where: { id,
    # authorId } })`; `if (!post) throw` on one is an ownership check.
    owned: set[str] = field(default_factory=set)
    # Yes/no answers worked out from the session: `const isOwner = post.authorId === user.id`.
    verdicts: set[str] = field(default_factory=set)
    lookups: frozenset[int] = frozenset()  # start bytes of the session lookup calls

    def has_client(self, node: Node) -> bool:
        return any(self._name(n) in self.client for n in walk(node))

    def has_session(self, node: Node) -> bool:
        return any(
            self._name(n) in self.session
            or (n.type == "call_expression" and n.start_byte in self.lookups)
            for n in walk(node)
        )

    def has_owned(self, node: Node) -> bool:
        return any(self._name(n) in self.owned for n in walk(node))

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
    events = list(events)
    taint = _taint(action, fn, frozenset(n.start_byte for n in lookups))
    writes = frozenset(e.mutation.node.start_byte for e in events)
    checks = _checks(fn, taint, writes)
    out: list[Scope] = []
    for event in events:
        mutation = event.mutation
        if mutation.via is not None:
            continue
        scope = _scope(mutation, fn, taint, checks)
        if scope is not None and (scope.filter is not None or scope.identity):
            out.append(scope)
    return tuple(out)


def _taint(action: ServerAction, fn: Node, lookups: frozenset[int]) -> _Taint:
    taint = _Taint(lookups=lookups)
    built = action.kind not in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE)
    params = fn.child_by_field_name("parameters")
    single = fn.child_by_field_name("parameter")
    for index, name, keys, destructured in _param_bindings(params, single):
        if keys & CONTEXT_KEYS:
            by_library = True  # `({ parsedInput, ctx: { userId } })`
        elif keys & INPUT_KEYS:
            by_library = False
        else:
            # `ctx` of an authenticated safe-action client, the user a wrapper passes first,
            # or destructures later: v6's `client(schema, async (input, { user }) => ...)`.
            by_library = bool(
                built
                and SESSION_PARAM.match(name)
                and (name in CONTEXT_KEYS or index == 0 or destructured)
            )
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
            if taint.has_session(value) and any(n.type == "call_expression" for n in walk(value)):
                taint.owned.update(names)
        elif taint.has_session(value):
            taint.session.update(names)
        if _verdict(value, taint):
            taint.verdicts.update(names)
    return taint


def _verdict(value: Node, taint: _Taint) -> bool:
    """`post.authorId === user.id`, `!user.isAdmin`, `await can(user, "edit", post)`; not a
    plain read such as `findUnique({ where: { id: user.id } })`, which only finds the user."""
    node = unwrap_await(value)
    if node is None:
        return False
    if node.type == "call_expression":
        return _permission_call(node, taint)
    return node.type in ("binary_expression", "unary_expression") and _compares(node, taint)


def _param_bindings(
    params: Node | None, single: Node | None
) -> list[tuple[int, str, frozenset[str], bool]]:
    """Each bound name with its parameter's position, the object keys it sits under, and
    whether it is destructured from an object.

    `({ parsedInput: { id }, ctx })` binds `id` under `parsedInput`, and `ctx`, both at 0.
    """
    roots = [single] if single is not None else list(params.named_children if params else [])
    names: list[tuple[int, str, frozenset[str], bool]] = []
    for index, param in enumerate(roots):
        for node in walk(param):
            if node.type not in ("identifier", "shorthand_property_identifier_pattern"):
                continue
            parent = node.parent
            if (
                parent is not None
                and parent.type == "pair_pattern"
                and node == parent.child_by_field_name("key")
            ):
                continue
            if parent is not None and "type" in parent.type:
                continue
            destructured = any(a.type == "object_pattern" for a in _ancestors(node, param))
            names.append((index, text(node), _keys_above(node, param), destructured))
    return names


def _ancestors(node: Node, root: Node) -> Iterator[Node]:
    current = node.parent
    while current is not None and current != root:
        yield current
        current = current.parent


def _keys_above(node: Node, root: Node) -> frozenset[str]:
    keys: set[str] = set()
    for current in _ancestors(node, root):
        if current.type == "pair_pattern":
            key = current.child_by_field_name("key")
            keys.add(string_value(key) or text(key))
    return frozenset(keys)


# A check covers the writes in a byte range: after a refusal up to the end of its block,
# or inside the branch an allowing condition guards. A check of the caller's role (no
# client input in it) lets them act for other users; a check of one row does not.
@dataclass(frozen=True)
class _Range:
    start: int
    end: int
    role: bool

    def covers(self, node: Node) -> bool:
        return self.start <= node.start_byte < self.end


def _checks(fn: Node, taint: _Taint, writes: frozenset[int]) -> list[_Range]:
    """Where the checks that decide whether this caller may touch these rows hold."""
    ranges: list[_Range] = []
    body = fn.child_by_field_name("body")
    if body is None:
        return ranges
    for node in walk(body):
        if node.type == "if_statement":
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if condition is None or consequence is None or not _compares(condition, taint):
                continue
            role = not taint.has_client(condition)
            if _stops(consequence):
                ranges.append(_Range(consequence.end_byte, _block_end(node), role))
            if not _negates(condition):
                ranges.append(_Range(consequence.start_byte, consequence.end_byte, role))
        elif (
            node.type == "call_expression"
            and node.start_byte not in writes
            and _permission_call(node, taint)
        ):
            role = not any(taint.has_client(a) for a in call_arguments(node))
            ranges.append(_Range(node.end_byte, _block_end(node), role))
    return ranges


def _permission_call(call: Node, taint: _Taint) -> bool:
    """`can(...)`, `authorize(...)`, `assert(post.authorId === user.id)`, or a helper
    given both the user and the caller's input (`await assertCanEdit(user.id, id)`)."""
    name = callee_name(call) or ""
    args = call_arguments(call)
    if name in ASSERT_CALLS:
        return bool(args) and _compares(args[0], taint)
    if SIGNED_IN_CALL.match(name):
        return False
    if PERMISSION_CALL.match(name):
        return True
    if name.endswith("OrThrow"):
        # `findFirstOrThrow({ where: { id, authorId: user.id } })` refuses other rows.
        return any(taint.has_session(a) and taint.has_client(a) for a in args)
    callee = callee_of(call)
    return (
        callee is not None
        and callee.type == "identifier"
        and not NOT_A_CHECK.match(name)
        and _checked_position(call)
        and any(taint.has_session(a) for a in args)
        and any(taint.has_client(a) for a in args)
    )


def _checked_position(call: Node) -> bool:
    """The call's result decides something: a statement, a declared value or a condition."""
    parent = call.parent
    while parent is not None and (
        parent.type in TRANSPARENT_TYPES
        or parent.type in ("await_expression", "unary_expression")
        or (
            parent.type == "binary_expression"
            and text(parent.child_by_field_name("operator")) in ("&&", "||")
        )
    ):
        parent = parent.parent
    return parent is not None and parent.type in (
        "expression_statement",
        "variable_declarator",
        "if_statement",
    )


def _block_end(node: Node) -> int:
    """The end of the block a statement sits in: what it refuses stops there.

    A refusal inside `try { ... }` whose `catch` returns or throws on every path still
    refuses after the try: its throw lands in that catch, which leaves the function.
    """
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current.end_byte
        if current.type in ("statement_block", "program", "switch_case", "switch_default"):
            parent = current.parent
            if not (parent is not None and parent.type == "try_statement" and _catch_exits(parent)):
                return current.end_byte
        current = current.parent
    return node.end_byte


def _catch_exits(try_statement: Node) -> bool:
    handler = try_statement.child_by_field_name("handler")
    body = handler.child_by_field_name("body") if handler is not None else None
    return (
        body is not None
        and try_statement.child_by_field_name("body") is not None
        and _always_exits(body)
    )


def _always_exits(node: Node) -> bool:
    """Every path through the statement returns or throws."""
    if node.type in ("return_statement", "throw_statement"):
        return True
    if node.type == "statement_block":
        return any(_always_exits(s) for s in node.named_children)
    if node.type == "if_statement":
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        branch = alternative.named_children[-1] if alternative is not None else None
        return (
            consequence is not None
            and branch is not None
            and _always_exits(consequence)
            and _always_exits(branch)
        )
    if node.type == "expression_statement":
        call = unwrap_await(node.named_children[0]) if node.named_children else None
        return (
            call is not None
            and call.type == "call_expression"
            and (callee_name(call) in EXIT_CALLS)
        )
    return False


def _compares(condition: Node, taint: _Taint) -> bool:
    """More than "is anyone signed in": the session compared with a row, an input or a
    role, a permission call on the user, or a row read with the user in its filter."""
    for node in walk(condition):
        kind = node.type
        if kind == "binary_expression":
            operator = text(node.child_by_field_name("operator"))
            left = unwrap(node.child_by_field_name("left"))
            right = unwrap(node.child_by_field_name("right"))
            if (
                operator in EQUALITY
                and left is not None
                and right is not None
                and not _nullish_or_type(left)
                and not _nullish_or_type(right)
                and (taint.has_session(left) or taint.has_session(right))
            ):
                return True
        elif (
            kind == "call_expression"
            and node.start_byte not in taint.lookups
            and not NOT_A_CHECK.match(callee_name(node) or "")
        ):
            callee = callee_of(node)
            receiver = (
                callee.child_by_field_name("object")
                if callee is not None and callee.type == "member_expression"
                else None
            )
            if any(taint.has_session(a) for a in call_arguments(node)) or (
                receiver is not None and taint.has_session(receiver)
            ):
                return True
        elif kind == "member_expression":
            prop = node.child_by_field_name("property")
            obj = node.child_by_field_name("object")
            if (
                prop is not None
                and obj is not None
                and ROLE_PROPERTY.search(text(prop))
                and taint.has_session(obj)
            ):
                return True
        elif kind == "identifier" and (text(node) in taint.owned or text(node) in taint.verdicts):
            return True
    return False


def _nullish_or_type(node: Node) -> bool:
    """`null`, `undefined`, a boolean or `typeof x`: comparing with it only asks whether x
    exists or is set (`session.user.emailVerified === false`)."""
    if node.type in ("null", "undefined", "true", "false") or (
        node.type == "identifier" and text(node) == "undefined"
    ):
        return True
    return (
        node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "typeof"
    )


def _negates(condition: Node) -> bool:
    """The condition holds when something is missing or different: `!x`, `a !== b`."""
    for node in walk(condition):
        operator = text(node.child_by_field_name("operator"))
        if (node.type == "unary_expression" and operator == "!") or (
            node.type == "binary_expression" and operator in ("!==", "!=")
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


def _resolved(node: Node, fn: Node) -> Node:
    """A filter or data object held in a variable: the value the variable was given."""
    target = unwrap(node)
    if target is None or target.type not in ("identifier", "shorthand_property_identifier"):
        return node
    name = text(target)
    found: Node | None = None
    for decl in walk(fn):
        if decl.start_byte >= target.start_byte:
            break
        if decl.type == "variable_declarator":
            pattern = decl.child_by_field_name("name")
            value = unwrap(decl.child_by_field_name("value"))
            if pattern is not None and pattern.type == "identifier" and text(pattern) == name:
                found = value
    return found if found is not None else node


def _scope(mutation: Mutation, fn: Node, taint: _Taint, checks: list[_Range]) -> Scope | None:
    node = mutation.node
    covering = [c for c in checks if c.covers(node)]
    parts = _PARTS.get(mutation.api)
    if parts is None:
        return None
    found = parts(mutation)
    if found is None:
        return None
    model, filter_node, filters, data, columns = found
    filters = [_resolved(v, fn) for v in filters]
    pairs = _pairs([_resolved(d, fn) for d in data] + filters) + columns
    identity = tuple(
        (key, value)
        for key, value in pairs
        if _identity_field(key, model) and taint.has_client(value)
    )
    return Scope(
        mutation=mutation,
        orm=mutation.api,
        model=model,
        filter=filter_node,
        client=any(taint.has_client(v) for v in filters),
        owned=any(taint.has_session(v) or taint.has_owned(v) for v in filters),
        checked=bool(covering),
        role_checked=any(c.role for c in covering),
        identity=identity,
        owner_from_client=any(
            f.start_byte <= value.start_byte < f.end_byte for _, value in identity for f in filters
        ),
    )


def _identity_field(key: str, model: str | None) -> bool:
    if not IDENTITY_FIELD.search(key) or OTHER_USER_FIELD.match(key):
        return False
    return key.lower() != "role" or not MESSAGE_MODEL.search(model or "")


# What a write's parts are: (model, filter node, filter expressions, data expressions,
# (column, value) pairs of Supabase filter calls).
_Parts = tuple[str | None, Node | None, list[Node], list[Node], list[tuple[str, Node]]]


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
    return text(model), where_node, filters, data, []


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
    return table, where, filters, data, []


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
    columns = [pair for c in filters if (pair := _column_pair(c)) is not None]
    return table, last, values, data, columns


_PARTS = {"prisma": _prisma, "drizzle": _drizzle, "supabase": _supabase}


def _pairs(nodes: list[Node]) -> list[tuple[str, Node]]:
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
                elif (connected := _connected_id(value)) is not None:
                    pairs.append((name, connected))
            elif child.type == "shorthand_property_identifier":
                pairs.append((text(child), child))
            elif child.type == "call_expression" and callee_name(child) == "eq":
                pair = _column_pair(child)
                if pair is not None:
                    pairs.append(pair)
    return pairs


def _connected_id(relation: Node) -> Node | None:
    """The id in a Prisma relation write `{ connect: { id: x } }`."""
    connect = unwrap(object_property(relation, "connect"))
    if connect is None or connect.type != "object":
        return None
    return unwrap(object_property(connect, "id"))


def _column_pair(call: Node) -> tuple[str, Node] | None:
    """`eq(posts.authorId, x)` or Supabase `.eq("user_id", x)` as ("authorId", x)."""
    args = call_arguments(call)
    if callee_name(call) != "eq" or len(args) != 2:
        return None
    return string_value(args[0]) or text(args[0]).rsplit(".", 1)[-1], args[1]
