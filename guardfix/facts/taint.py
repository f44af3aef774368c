"""Where a value comes from: the caller's input, the session, or a row read with both.

A value is client input when it comes from the action's parameters (formData,
arguments, `parsedInput`), and session-derived when it comes from a session
lookup; both spread through the names they are stored in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tree_sitter import Node

from guardfix.facts.orms import field_pairs, reads_rows
from guardfix.model import ActionKind, Api, Mutation, ServerAction
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    FUNCTION_TYPES,
    binding,
    call_arguments,
    callee_name,
    callee_of,
    pattern_names,
    string_value,
    text,
    unwrap,
    unwrap_await,
    walk,
)

SESSION_PARAM = LazyPattern(
    r"^(ctx|context|session|user|auth|me|viewer|current_?user)$", re.IGNORECASE
)
# Destructured keys of a next-safe-action or zsa handler's argument.
CONTEXT_KEYS = frozenset({"ctx", "context"})
INPUT_KEYS = frozenset({"parsedInput", "input", "clientInput", "bindArgsParsedInputs"})
# A row's own id.
ROW_ID = frozenset({"id", "_id"})
# Array methods whose callback gets the items: `ids.map((id) => ...)`.
ITEM_CALLS = frozenset({"map", "flatMap", "forEach", "filter", "find", "some", "every"})
# The filter keys of a row read, each with the position of the parameter that fills it.
RowKeys = dict[str, int]
# Each column of a table and the table it refers to, if any.
Columns = dict[str, str | None]
# Where a value comes from: the caller's input, the session, or a row read with both.
CLIENT, SESSION, OWNED = "client", "session", "owned"
# What each origin counts as.
_COUNTS = {CLIENT: (CLIENT,), SESSION: (SESSION,), OWNED: (CLIENT, OWNED)}


@dataclass
class Taint:
    """What the walk of one function knows about where the values of its names come from."""

    client: set[str] = field(default_factory=set)
    session: set[str] = field(default_factory=set)
    # Rows read with both the caller's input and the session: `findFirst({ where: { id,
    # authorId } })`; `if (!post) throw` on one is an ownership check.
    owned: set[str] = field(default_factory=set)
    # Yes/no answers worked out from the session: `const isOwner = post.authorId === user.id`.
    verdicts: set[str] = field(default_factory=set)
    lookups: frozenset[int] = frozenset()  # start bytes of the session lookup calls
    # Objects whose properties differ: a wrapper's `handler({ user, input })` taken as `ctx`,
    # a page's `props` (`props.params` is the URL).
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    created: frozenset[int] = frozenset()  # start bytes of the writes that create rows
    # Rows read from the database (`await prisma.x.findUnique(...)`, or a project helper
    # that returns one) and values worked out from them alone: their fields are what the
    # server stored, not values the caller typed in; except the filter keys the caller's
    # input filled (the `id` a row was found by is still the caller's choice).
    rows: dict[str, frozenset[str]] = field(default_factory=dict)
    # Input values a refusal pins to the session: after `if (userId !== session.user.id)
    # throw`, `userId` is the caller's own id.
    pinned: set[str] = field(default_factory=set)
    # Whether the helper a call runs stops the request on some path (None: cannot be read).
    stops: Callable[[Node], bool | None] = field(default=lambda call: None)
    # The filter keys of the row a project helper returns, by the parameter that fills each
    # (None: it does not return a row it reads).
    reads: Callable[[Node], RowKeys | None] = field(default=lambda call: None)
    # Each column of a write's table and the table the schema makes it refer to (None: no
    # schema read).
    columns: Callable[[Mutation], Columns | None] = field(default=lambda write: None)
    # The model a written key points at when its rows belong to someone, from the schema:
    # (orm, model, key) -> its name, False for none, None where no schema knows the model.
    references: Callable[[Api, str | None, str], str | bool | None] = field(
        default=lambda api, model, key: None
    )
    # Whether a stored value is a yes/no answer worked out from the session (see
    # `verdicts`); only the ownership facts ask it.
    verdict: Callable[[Node, Taint], bool] = field(default=lambda value, taint: False)

    def has_client(self, node: Node) -> bool:
        return CLIENT in self._origins(node)

    def has_session(self, node: Node) -> bool:
        return SESSION in self._origins(node)

    def has_owned(self, node: Node) -> bool:
        return OWNED in self._origins(node)

    def add(self, name: str, origin: str) -> None:
        for kind in _COUNTS[origin]:
            getattr(self, kind).add(name)

    def _origins(self, node: Node) -> set[str]:
        found: set[str] = set()
        for n in walk(node):
            if n.type == "call_expression" and n.start_byte in self.lookups:
                found.add(SESSION)
            if n.type not in ("identifier", "shorthand_property_identifier"):
                continue
            name = text(n)
            for kind in (CLIENT, SESSION, OWNED):
                if name in getattr(self, kind):
                    found.add(kind)
            origin = self._field(n, name)
            if origin is not None:
                found.update(_COUNTS[origin])
        return found

    def _field(self, node: Node, name: str) -> str | None:
        """`ctx.user` when `ctx` holds differing properties."""
        props = self.fields.get(name)
        parent = node.parent
        if props is None or parent is None or parent.type != "member_expression":
            return None
        if parent.child_by_field_name("object") != node:
            return None
        return props.get(text(parent.child_by_field_name("property")))


@dataclass(frozen=True)
class Handoff:
    """What a wrapper passes to the function it wraps, by parameter position: an origin,
    or one per property of an object it builds (`handler({ user, input })`)."""

    args: dict[int, str | dict[str, str]]
    rest: int | None = None  # from this position on, the wrapper's caller's arguments

    def origin(self, index: int) -> str | dict[str, str] | None:
        if index in self.args:
            return self.args[index]
        return CLIENT if self.rest is not None and index >= self.rest else None


def bind_parameters(
    action: ServerAction, fn: Node, taint: Taint, handed: Handoff | None = None
) -> None:
    """Bind the action's parameters (and what it captures) and spread them; `handed` is
    what the wrapper of a wrapped action passes it."""
    if action.kind is ActionKind.INLINE_DIRECTIVE:
        _captured(fn, taint)
    built = action.kind not in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE)
    handoff = handed if action.kind is ActionKind.WRAPPER else None
    for param in _param_bindings(fn):
        index, name, keys, destructured, _ = param
        if handoff is not None:
            _handed(taint, param, handoff.origin(index))
            continue
        if keys & CONTEXT_KEYS:
            by_library = True  # `({ parsedInput, ctx: { userId } })`
        elif keys & INPUT_KEYS:
            by_library = False
        else:
            # `ctx` of an authenticated safe-action client, the user a wrapper passes first,
            # or destructures later: v6's `client(schema, async (input, { user }) => ...)`.
            # Only a guess by name, for wrappers guardfix cannot read.
            by_library = bool(
                built
                and SESSION_PARAM.match(name)
                and (name in CONTEXT_KEYS or index == 0 or destructured)
            )
        taint.add(name, SESSION if by_library else CLIENT)
    body = fn.child_by_field_name("body")
    if body is not None:
        _propagate(body, taint)


def _handed(taint: Taint, binding: _Binding, origin: str | dict[str, str] | None) -> None:
    """Bind a parameter to what the wrapper passes at its position."""
    _, name, _, _, top = binding
    if isinstance(origin, dict):
        if top is None:
            taint.fields[name] = origin
            return
        origin = origin.get(top)
    if origin is not None:
        taint.add(name, origin)


def _propagate(body: Node, taint: Taint, before: int | None = None) -> None:
    """Spread client and session origins through the names values are stored in."""
    for node in walk(body):
        if before is not None and node.start_byte >= before:
            break
        # `let user; try { user = await requireUser() } catch { ... }` assigns too.
        bound = binding(node)
        if bound is None:
            continue
        pattern, value = bound
        if value is None or pattern is None or pattern.type == "member_expression":
            continue
        names = pattern_names(pattern)
        made = unwrap_await(value)
        if made is not None and made.start_byte in taint.created:
            continue  # a row the server just made: its id is not the caller's choice
        if taint.has_client(value):
            taint.client.update(names)
            taint.session.difference_update(names)
            keys = _row_read(made, value, taint)
            if keys is not None:
                taint.rows.update(dict.fromkeys(_row_names(pattern, keys), keys))
            if taint.has_session(value) and any(n.type == "call_expression" for n in walk(value)):
                taint.owned.update(names)
                if before is not None:
                    # A page that read the row scoped to the caller before rendering the
                    # action: the URL's id is one of the caller's rows.
                    taint.owned.update(n for n in names_in(value) if n in taint.client)
        elif taint.has_session(value):
            taint.session.update(names)
        if taint.verdict(value, taint):
            taint.verdicts.update(names)


def items_from(node: Node, taint: Taint) -> str | None:
    """Where the list whose items `node` reads comes from: `link` inside `input.links.map(
    (link) => ...)` or `for (const link of input.links)` is the caller's. Only the loops
    and callbacks around `node`: the same name elsewhere is another value."""
    names = names_in(node)
    current: Node | None = node
    while current is not None:
        outer = current.parent
        bindings: list[tuple[set[str], Node]] = []
        if current.type == "for_in_statement":
            left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
            bindings = [(bound_in(left), right)] if left is not None and right is not None else []
        elif current.type in FUNCTION_TYPES and outer is not None and outer.type == "arguments":
            call = outer.parent
            first = outer.named_children[0] if outer.named_children else None
            bindings = item_binding(call) if call is not None and first == current else []
        for bound, items in bindings:
            if bound & names:
                return _origin(items, taint)
        current = outer
    return None


def item_binding(call: Node) -> list[tuple[set[str], Node]]:
    """`ids.map((id) => ...)`: the callback's first parameter, bound to the list."""
    callee = callee_of(call)
    args = call_arguments(call)
    if callee is None or callee.type != "member_expression" or not args:
        return []
    items = callee.child_by_field_name("object")
    fn = unwrap(args[0])
    if callee_name(call) not in ITEM_CALLS or items is None or fn is None:
        return []
    if fn.type not in FUNCTION_TYPES:
        return []
    params = fn.child_by_field_name("parameters")
    first = fn.child_by_field_name("parameter") or (
        params.named_children[0] if params is not None and params.named_children else None
    )
    return [(bound_in(first), items)] if first is not None else []


def names_in(node: Node) -> set[str]:
    return {
        text(n) for n in walk(node) if n.type in ("identifier", "shorthand_property_identifier")
    }


# Props of a page or layout that come from the URL the visitor chose.
ROUTE_PROPS = frozenset({"params", "searchParams"})


def enclosing(fn: Node) -> list[Node]:
    """The functions `fn` sits in, innermost first."""
    found: list[Node] = []
    current = fn.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            found.append(current)
        current = current.parent
    return found


def _captured(fn: Node, taint: Taint) -> None:
    """An inline action's view of the component it sits in: the route's `params` and
    `searchParams` are the visitor's input; what the component read before is spread."""
    outer = enclosing(fn)
    if not outer:
        return
    for function in outer:
        for index, name, keys, destructured, _ in _param_bindings(function):
            if name in ROUTE_PROPS or keys & ROUTE_PROPS:
                taint.add(name, CLIENT)
            elif index == 0 and not destructured:
                taint.fields[name] = dict.fromkeys(ROUTE_PROPS, CLIENT)
    body = outer[-1].child_by_field_name("body")
    if body is not None:
        _propagate(body, taint, before=fn.start_byte)


def handoff(wrapper: Node, sink: str, lookups: frozenset[int]) -> Handoff | None:
    """What a wrapper passes to the function it was given as `sink`: session values it
    looked up, or the parameters of the function it returns (the caller's input). Its own
    other parameters (`schema`, options) are set where the action is defined. None when it
    never calls `sink`."""
    taint = Taint(lookups=lookups)
    for node in walk(wrapper):
        if node.type in FUNCTION_TYPES and node != wrapper:
            for _, name, _, _, _ in _param_bindings(node):
                if name != sink:
                    taint.add(name, CLIENT)
    body = wrapper.child_by_field_name("body")
    if body is not None:
        _propagate(body, taint)
    found: list[Handoff] = []
    for node in walk(wrapper):
        callee = callee_of(node) if node.type == "call_expression" else None
        if callee is not None and callee.type == "identifier" and text(callee) == sink:
            found.append(_handed_args(node, taint))
    if not found:
        return None
    merged = found[0]
    for other in found[1:]:
        merged = _merge(merged, other)
    return merged


def _handed_args(call: Node, taint: Taint) -> Handoff:
    args: dict[int, str | dict[str, str]] = {}
    rest: int | None = None
    for index, arg in enumerate(call_arguments(call)):
        node = unwrap(arg)
        if node is not None and node.type == "spread_element":
            rest = index
            break
        origin = _value_origin(node, taint) if node is not None else None
        if origin is not None:
            args[index] = origin
    return Handoff(args, rest)


def _value_origin(node: Node, taint: Taint) -> str | dict[str, str] | None:
    """Where a handed value comes from; per property for an object built in place."""
    if node.type != "object":
        return _origin(node, taint)
    props: dict[str, str] = {}
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            origin = _origin(value, taint) if value is not None else None
            if key is not None and origin is not None:
                props[string_value(key) or text(key)] = origin
        elif child.type == "shorthand_property_identifier":
            origin = _origin(child, taint)
            if origin is not None:
                props[text(child)] = origin
    return props


def returned(fn: Node, lookups: frozenset[int]) -> str | dict[str, str] | None:
    """Where what a function returns comes from: a next-safe-action v6 middleware's
    return value is the `ctx` its actions get."""
    taint = Taint(lookups=lookups)
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    _propagate(body, taint)
    if body.type != "statement_block":
        return _value_origin(unwrap(body) or body, taint)
    found: list[Handoff] = []
    for node in walk(body):
        if node.type == "return_statement" and own_statement(node, fn):
            value = unwrap(node.named_children[0]) if node.named_children else None
            origin = _value_origin(value, taint) if value is not None else None
            found.append(Handoff({0: origin} if origin is not None else {}))
    merged = found[0] if found else Handoff({})
    for other in found[1:]:
        merged = _merge(merged, other)
    return merged.origin(0)


def own_statement(node: Node, fn: Node) -> bool:
    """`node` belongs to `fn`, not to a function nested in it."""
    current = node.parent
    while current is not None and current != fn:
        if current.type in FUNCTION_TYPES:
            return False
        current = current.parent
    return True


def _origin(node: Node, taint: Taint) -> str | None:
    if taint.has_client(node):
        return OWNED if taint.has_owned(node) or taint.has_session(node) else CLIENT
    return SESSION if taint.has_session(node) else None


def _merge(a: Handoff, b: Handoff) -> Handoff:
    """Two calls of the wrapped function: a position is the session only if both say so."""
    args: dict[int, str | dict[str, str]] = {}
    for index in a.args.keys() | b.args.keys():
        x, y = a.origin(index), b.origin(index)
        if x == y and x is not None:
            args[index] = x
        elif isinstance(x, dict) and isinstance(y, dict):
            args[index] = {k: v for k, v in x.items() if y.get(k) == v}
        elif CLIENT in (x, y):
            args[index] = CLIENT
    rests = [r for r in (a.rest, b.rest) if r is not None]
    return Handoff(args, min(rests) if rests else None)


class _Binding(NamedTuple):
    position: int
    name: str
    keys: frozenset[str]  # the object keys it sits under
    destructured: bool  # destructured from an object
    top: str | None  # the key of the parameter's own object it comes from


def _param_bindings(fn: Node) -> list[_Binding]:
    """Each name a function's parameters bind.

    `({ parsedInput: { id }, ctx })` binds `id` under `parsedInput`, and `ctx`, both at 0.
    """
    params = fn.child_by_field_name("parameters")
    single = fn.child_by_field_name("parameter")
    roots = [single] if single is not None else list(params.named_children if params else [])
    names: list[_Binding] = []
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
            names.append(
                _Binding(
                    index, text(node), _keys_above(node, param), destructured, _top(node, param)
                )
            )
    return names


def _top(node: Node, root: Node) -> str | None:
    """The property of the parameter's object a destructured name comes from."""
    top: str | None = None
    for current in _ancestors(node, root):
        if current.type == "pair_pattern":
            key = current.child_by_field_name("key")
            top = string_value(key) or text(key)
    if top is None and node.type == "shorthand_property_identifier_pattern":
        top = text(node)
    return top


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


def resolved(node: Node, fn: Node) -> Node:
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


def bound_in(pattern: Node) -> set[str]:
    return set(pattern_names(pattern))


def _row_read(made: Node | None, value: Node, taint: Taint) -> frozenset[str] | None:
    """The keys the caller's input picked, when `value` is a row read (directly or by a
    project helper) or a value worked out from stored values alone; None otherwise."""
    if made is not None and reads_rows(made):
        return _picked(k for k, v in field_pairs([made]) if _chosen(v, taint))
    found = taint.reads(made) if made is not None and made.type == "call_expression" else None
    if made is not None and found is not None:
        args = call_arguments(made)
        return _picked(k for k, i in found.items() if i < len(args) and _chosen(args[i], taint))
    if made is not None and made.type == "call_expression" and _checked_answer(made, taint):
        return ROW_ID
    if made is not None and made.type == "identifier" and text(made) in taint.rows:
        return taint.rows[text(made)]  # the row itself, bound again or destructured
    return frozenset() if stored_value(value, taint) else None


def _checked_answer(call: Node, taint: Taint) -> bool:
    """A project helper given the caller and the input that may refuse the request: what
    it returns once it lets the caller on is the server's answer (`const { repo } = await
    assertRepoAccess(user, owner, name)`), though its id was the caller's pick."""
    args = call_arguments(call)
    return (
        taint.stops(call) is True
        and any(taint.has_session(a) for a in args)
        and any(taint.has_client(a) for a in args)
    )


def _picked(keys: Iterable[str]) -> frozenset[str]:
    """The keys the caller chose a row by; and its own id, which picking the row picks."""
    chosen = frozenset(keys)
    return chosen | ROW_ID if chosen else chosen


def _row_names(pattern: Node, chosen: frozenset[str]) -> list[str]:
    """The names a row (or a stored value) is bound to; not those destructured from a key
    the caller picked the row by: `const { id, role } = invitation` binds only `role`."""
    if pattern.type == "identifier":
        return [text(pattern)]
    names: list[str] = []
    for node in walk(pattern):
        if node.type == "shorthand_property_identifier_pattern" and text(node) not in chosen:
            names.append(text(node))
        elif node.type == "pair_pattern":
            key = node.child_by_field_name("key")
            target = node.child_by_field_name("value")
            picked = (string_value(key) or text(key)) in chosen
            if target is not None and target.type == "identifier" and not picked:
                names.append(text(target))
    return names


def _chosen(value: Node, taint: Taint) -> bool:
    return taint.has_client(value) and not stored_value(value, taint)


def stored_value(value: Node, taint: Taint) -> bool:
    """A user id read off a row (`request.userId`), or worked out from such values alone:
    the row was picked by the caller, the id in it was not; whether the caller may touch
    that row is GF002's question. Not a key the caller's input filled to find the row."""
    found = False
    for node in walk(value):
        if node.type not in ("identifier", "shorthand_property_identifier"):
            continue
        if not taint.has_client(node):
            continue
        chosen = taint.rows.get(text(node))
        if chosen is None:
            return False
        parent = node.parent
        if (
            parent is not None
            and parent.type == "member_expression"
            and parent.child_by_field_name("object") == node
            and text(parent.child_by_field_name("property")) in chosen
        ):
            return False
        found = True
    return found


def row_keys(fn: Node, reads: Callable[[Node], RowKeys | None]) -> RowKeys | None:
    """When every value `fn` returns is a row it reads from the database (or `null`), the
    filter keys its parameters fill, by position; `reads` answers for helpers it calls."""
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    if body.type == "statement_block":
        values = [
            node.named_children[0]
            for node in walk(body)
            if node.type == "return_statement" and node.named_children and own_statement(node, fn)
        ]
    else:
        values = [body]
    positions = {b.name: b.position for b in _param_bindings(fn)}
    keys: RowKeys = {}
    read = False
    for returned_value in values:
        made = unwrap_await(resolved(returned_value, fn))
        if made is None or made.type in ("null", "undefined"):
            continue
        if reads_rows(made):
            filled = field_pairs([made])
        else:
            inner = reads(made) if made.type == "call_expression" else None
            if inner is None:
                return None
            args = call_arguments(made)
            filled = [(k, args[i]) for k, i in inner.items() if i < len(args)]
        read = True
        for key, value in filled:
            found = [positions[n] for n in names_in(value) if n in positions]
            if found:
                keys[key] = found[0]
    return keys if read else None
