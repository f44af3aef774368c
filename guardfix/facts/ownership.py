"""Whose rows a signed-in caller's writes touch: the facts behind GF002 and GF003.

A value is client input when it comes from the action's parameters (formData,
arguments, `parsedInput`), and session-derived when it comes from a session
lookup; both spread through the names they are stored in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.lookups import ASSERT_CALLS, EXIT_CALLS, stops_request
from guardfix.model import ActionKind, Mutation, MutationEvent, Scope, ServerAction
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    EQUALITY,
    FUNCTION_TYPES,
    TRANSPARENT_OR_AWAIT_TYPES,
    binding,
    call_arguments,
    callee_name,
    callee_of,
    object_property,
    param_names,
    pattern_names,
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
# A field that says whose row it is, or what the caller may do. Not `accountId`: in most
# apps that is a bank, CRM or billing account, a parent row, not the signed-in user.
IDENTITY_FIELD = LazyPattern(
    r"^(user|owner|author|creator|created_?by|profile)(_?id)?$|(user|owner|author)_?id$|^role$",
    re.IGNORECASE,
)
TEAM_FIELD = LazyPattern(r"^(team|org|organi[sz]ation|workspace|tenant|company)_?id$", re.I)
# A call that decides whether the caller may act: `can(user, "delete", post)`.
PERMISSION_CALL = LazyPattern(
    r"^(can|cannot|authori[sz]e\w*|assert\w*|require\w*(role|permission|member|owner|access|admin)\w*"
    r"|check\w*(permission|access|owner|member|role)\w*|ensure\w*|verify\w*(owner|access|permission"
    r"|member)\w*|has(role|permission|access)\w*|is(owner|member|admin)\w*|throw_?unless\w*)$",
    re.IGNORECASE,
)
# A question about permission asked in a condition: `ability.can(...)`, `canEdit(post)`,
# or a permission call that names what it checks (`requireOwner`, not `ensureString`).
ASKS_PERMISSION = LazyPattern(r"^(can|cannot)([A-Z_]\w*)?$")
PERMISSION_WORD = LazyPattern(r"can|role|permission|member|owner|access|admin|author", re.I)
SESSION_PARAM = LazyPattern(
    r"^(ctx|context|session|user|auth|me|viewer|current_?user)$", re.IGNORECASE
)
# A check that only asks "is anyone signed in": it says nothing about these rows.
SIGNED_IN_CALL = LazyPattern(
    r"^(assert|ensure|require|verify)_?(is_?)?(authenticated|authed|auth|session|signed_?in"
    r"|logged_?in|login|user|viewer|current_?user)$",
    re.IGNORECASE,
)
# Calls given the user and an id that decide nothing: query builders, conversions, logging.
NOT_A_CHECK = LazyPattern(
    r"^(and|or|not|eq|ne|gt|gte|lt|lte|like|ilike|in_?array|not_?in_?array|sql|String|Number"
    r"|Boolean|BigInt|parse(Int|Float)|(log|track|audit|notify|send|emit|capture|revalidate"
    r"|rate_?limit|limit)\w*)$",
    re.IGNORECASE,
)
ROLE_PROPERTY = LazyPattern(r"role|admin|permission|owner|author|member", re.IGNORECASE)
# Destructured keys of a next-safe-action or zsa handler's argument.
CONTEXT_KEYS = frozenset({"ctx", "context"})
INPUT_KEYS = frozenset({"parsedInput", "input", "clientInput", "bindArgsParsedInputs"})
# `recipientUserId`, `assigneeUserId`: another user, chosen by the caller on purpose.
OTHER_USER_FIELD = LazyPattern(
    r"^(assignee|assigned(_?to)?|target|invited|invitee|recipient|receiver|to|friend|followed"
    r"|following|blocked|mentioned|reviewer|member|new|other)_?(user|owner|author)_?id$",
    re.IGNORECASE,
)
# Writes whose result is a new row.
CREATES = frozenset({"create", "createManyAndReturn", "insert"})
# A foreign key naming the row's parent: `projectId`, `team_id`, `boardID`.
# A container the caller must belong to before writing under it (a project, a team, a
# chat); not content anyone may react to (a post liked, a challenge solved, a listing
# booked), whose id is the caller's free choice.
# Fields that say who made or changed the row.
ACTOR_FIELD = LazyPattern(r"^(author|creator|created_?by|updated_?by|owner)(_?id)?$", re.IGNORECASE)
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
# (`entityId` is a row of whichever table its `entityType` names.)
CONTAINER = (
    r"(project|team|workspace|group|org|organi[sz]ation|company|tenant|account|board|list"
    r"|section|column|folder|space|channel|chat|conversation|thread|notebook|collection"
    r"|album|playlist|store|shop|budget|wallet|portfolio|household|family|class(room)?"
    r"|course|repo(sitory)?|environment|app|application|database|bucket|form|survey|site|entity)"
)
PARENT_KEY = LazyPattern(rf"^{CONTAINER}(_?id|ID)$", re.IGNORECASE)
# The last word of a model's name says what its rows are: `crm_Accounts`, `BoardSection`.
CONTAINER_MODEL = LazyPattern(rf"{CONTAINER}s?", re.IGNORECASE)
WORD = LazyPattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# Keys ending in an id that name no row of the project: outside services, tracing, devices.
NOT_PARENT = LazyPattern(
    r"^(external|stripe\w*|paddle\w*|lemon\w*|payment\w*|price|checkout|session|request|trace"
    r"|span|correlation|idempotency|provider\w*|client|device|tracking|message_?provider)_?id$",
    re.IGNORECASE,
)
# A person picked on purpose (`assigneeId`, `reviewer_id`): another user, not a parent.
PERSON_KEY = LazyPattern(
    r"^(assignee|assigned_?to|invitee|invited|recipient|receiver|reviewer|approver|mentioned"
    r"|followed|following|friend|blocked)_?id$",
    re.IGNORECASE,
)
# The table the project keeps its users in: `users`, `userTable`, `User`, `profiles`.
USERS_TABLE = LazyPattern(r"^(auth_?)?(user|profile)s?(_?table)?$", re.IGNORECASE)
# A row's own id.
ROW_ID = frozenset({"id", "_id"})
# Array methods whose callback gets the items: `ids.map((id) => ...)`.
ITEM_CALLS = frozenset({"map", "flatMap", "forEach", "filter", "find", "some", "every"})
# Tables whose `role` is a chat message's speaker ("user", "assistant"), not a permission.
MESSAGE_MODEL = LazyPattern(r"message|chat|prompt|completion|conversation", re.IGNORECASE)


# The filter keys of a row read, each with the position of the parameter that fills it.
RowKeys = dict[str, int]
# Each column of a table and the table it refers to, if any.
Columns = dict[str, str | None]

# Where a value comes from: the caller's input, the session, or a row read with both.
CLIENT, SESSION, OWNED = "client", "session", "owned"
# What each origin counts as.
_COUNTS = {CLIENT: (CLIENT,), SESSION: (SESSION,), OWNED: (CLIENT, OWNED)}


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
    references: Callable[[str, str | None, str], str | bool | None] = field(
        default=lambda api, model, key: None
    )

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


@dataclass(frozen=True)
class Context:
    """What the project knows around an action."""

    handoff: Handoff | None = None  # read from the wrapper of a wrapped action
    outer_lookups: frozenset[int] = frozenset()  # session lookups of the enclosing component
    # Whether the helper a call runs stops the request on some path (None: cannot be read).
    stops: Callable[[Node], bool | None] = field(default=lambda call: None)
    # The filter keys of the row a project helper returns (None: it returns no row it reads).
    reads: Callable[[Node], RowKeys | None] = field(default=lambda call: None)
    # Each column of a write's table and the table it refers to.
    columns: Callable[[Mutation], Columns | None] = field(default=lambda write: None)
    references: Callable[[str, str | None, str], str | bool | None] = field(
        default=lambda api, model, key: None
    )


def scopes(
    action: ServerAction,
    events: Iterable[MutationEvent],
    lookups: Iterable[Node],
    context: Context = Context(),
) -> tuple[Scope, ...]:
    """Row-picking and identity facts for each direct Prisma, Drizzle or Supabase write."""
    fn = action.function
    events = list(events)
    taint = _Taint(
        lookups=frozenset(n.start_byte for n in lookups) | context.outer_lookups,
        stops=context.stops,
        reads=context.reads,
        columns=context.columns,
        references=context.references,
        created=frozenset(
            e.mutation.node.start_byte for e in events if e.mutation.operation in CREATES
        ),
    )
    _taint(action, fn, taint, context)
    writes = frozenset(e.mutation.node.start_byte for e in events)
    checks = _checks(fn, taint, writes)
    targets = _targeted_users(events)
    claims = _claims(fn, taint)
    out: list[Scope] = []
    for event in events:
        mutation = event.mutation
        if mutation.via is not None:
            if mutation.keyed_by:
                out.append(_through(mutation, taint, checks))
            continue
        if mutation.subjects:
            out.extend(_subjects(mutation, taint, checks))
            continue
        scope = _scope(event, fn, taint, checks, targets)
        if scope is not None:
            scope = replace(scope, claimed=_claimed_before(mutation.node, claims, taint))
        if scope is not None and (
            scope.filter is not None or scope.identity or scope.parent or scope.claimed
        ):
            out.append(scope)
    return tuple(out)


def _taint(action: ServerAction, fn: Node, taint: _Taint, context: Context) -> None:
    """Bind the action's parameters (and what it captures) and spread them."""
    if action.kind is ActionKind.INLINE_DIRECTIVE:
        _captured(fn, taint)
    built = action.kind not in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE)
    handoff = context.handoff if action.kind is ActionKind.WRAPPER else None
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


def _handed(taint: _Taint, binding: _Binding, origin: str | dict[str, str] | None) -> None:
    """Bind a parameter to what the wrapper passes at its position."""
    _, name, _, _, top = binding
    if isinstance(origin, dict):
        if top is None:
            taint.fields[name] = origin
            return
        origin = origin.get(top)
    if origin is not None:
        taint.add(name, origin)


def _propagate(body: Node, taint: _Taint, before: int | None = None) -> None:
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
                    taint.owned.update(n for n in _names_in(value) if n in taint.client)
        elif taint.has_session(value):
            taint.session.update(names)
        if _verdict(value, taint):
            taint.verdicts.update(names)


def _items_from(node: Node, taint: _Taint) -> str | None:
    """Where the list whose items `node` reads comes from: `link` inside `input.links.map(
    (link) => ...)` or `for (const link of input.links)` is the caller's. Only the loops
    and callbacks around `node`: the same name elsewhere is another value."""
    names = _names_in(node)
    current: Node | None = node
    while current is not None:
        outer = current.parent
        bindings: list[tuple[set[str], Node]] = []
        if current.type == "for_in_statement":
            left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
            bindings = [(_bound(left), right)] if left is not None and right is not None else []
        elif current.type in FUNCTION_TYPES and outer is not None and outer.type == "arguments":
            call = outer.parent
            first = outer.named_children[0] if outer.named_children else None
            bindings = _item_binding(call) if call is not None and first == current else []
        for bound, items in bindings:
            if bound & names:
                return _origin(items, taint)
        current = outer
    return None


def _item_binding(call: Node) -> list[tuple[set[str], Node]]:
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
    return [(_bound(first), items)] if first is not None else []


def _verdict(value: Node, taint: _Taint) -> bool:
    """`post.authorId === user.id`, `!user.isAdmin`, `await can(user, "edit", post)`; not a
    plain read such as `findUnique({ where: { id: user.id } })`, which only finds the user."""
    node = unwrap_await(value)
    if node is None:
        return False
    if node.type == "call_expression":
        # `const canShare = await canShareServer()`: the answer is tested below
        return _permission_call(node, taint) or _asks_permission(callee_name(node) or "")
    return node.type in ("binary_expression", "unary_expression") and _compares(node, taint)


def _names_in(node: Node) -> set[str]:
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


def _captured(fn: Node, taint: _Taint) -> None:
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
    taint = _Taint(lookups=lookups)
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


def _handed_args(call: Node, taint: _Taint) -> Handoff:
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


def _value_origin(node: Node, taint: _Taint) -> str | dict[str, str] | None:
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
    taint = _Taint(lookups=lookups)
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    _propagate(body, taint)
    if body.type != "statement_block":
        return _value_origin(unwrap(body) or body, taint)
    found: list[Handoff] = []
    for node in walk(body):
        if node.type == "return_statement" and _own_statement(node, fn):
            value = unwrap(node.named_children[0]) if node.named_children else None
            origin = _value_origin(value, taint) if value is not None else None
            found.append(Handoff({0: origin} if origin is not None else {}))
    merged = found[0] if found else Handoff({})
    for other in found[1:]:
        merged = _merge(merged, other)
    return merged.origin(0)


def _own_statement(node: Node, fn: Node) -> bool:
    """`node` belongs to `fn`, not to a function nested in it."""
    current = node.parent
    while current is not None and current != fn:
        if current.type in FUNCTION_TYPES:
            return False
        current = current.parent
    return True


def _origin(node: Node, taint: _Taint) -> str | None:
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


# A check covers the writes in a byte range: after a refusal up to the end of its block,
# or inside the branch an allowing condition guards. A check of the caller's role (no
# client input in it) lets them act for other users; a check of one row does not.
@dataclass(frozen=True)
class _Range:
    start: int
    end: int
    role: bool
    check: Node  # the condition or call that decides

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
            role = not _from_client(condition, taint)
            if stops_request(consequence):
                ranges.append(_Range(consequence.end_byte, _block_end(node), role, condition))
                taint.pinned.update(_pinned(condition, taint))
            if not _negates(condition):
                ranges.append(_Range(consequence.start_byte, consequence.end_byte, role, condition))
        elif (
            node.type == "call_expression"
            and node.start_byte not in writes
            and not _in_condition(node)  # the `if` decides: see above
            and _permission_call(node, taint)
            and taint.stops(node) is not False  # a yes/no answer decides only in an `if`
        ):
            role = not any(_from_client(a, taint) for a in call_arguments(node))
            ranges.append(_Range(node.end_byte, _block_end(node), role, node))
    return ranges


def _from_client(node: Node, taint: _Taint) -> bool:
    """The caller's input, or an item of a list of it (`for (const id of input.ids)`)."""
    return taint.has_client(node) or _items_from(node, taint) in (CLIENT, OWNED)


def _claims(fn: Node, taint: _Taint) -> list[tuple[_Range, str, Node]]:
    """Conditions that decide on a row's user field compared with the caller's input
    alone: (where they hold, the field, the input value)."""
    found: list[tuple[_Range, str, Node]] = []
    body = fn.child_by_field_name("body")
    for node in walk(body) if body is not None else []:
        condition = node.child_by_field_name("condition") if node.type == "if_statement" else None
        consequence = node.child_by_field_name("consequence")
        if condition is None or consequence is None:
            continue
        after = _Range(consequence.end_byte, _block_end(node), False, condition)
        inside = _Range(consequence.start_byte, consequence.end_byte, False, condition)
        for key, value, differ in _claimed(condition, taint):
            # The write goes ahead when the two match: after `!==` refuses, or inside `===`;
            # `if (row.userId === input.userId) return` only turns a duplicate away.
            if differ and stops_request(consequence):
                found.append((after, key, value))
            elif not differ and not _negates(condition):
                found.append((inside, key, value))
    return found


def _claimed(condition: Node, taint: _Taint) -> list[tuple[str, Node, bool]]:
    """`policy.approverId !== approverId`: a stored user field against the caller's input,
    with no session value on either side; and whether it asks that they differ."""
    found: list[tuple[str, Node, bool]] = []
    for node in walk(condition):
        operator = (
            node.child_by_field_name("operator") if node.type == "binary_expression" else None
        )
        if operator is None or text(operator) not in EQUALITY:
            continue
        left = unwrap(node.child_by_field_name("left"))
        right = unwrap(node.child_by_field_name("right"))
        for stored, sent in ((left, right), (right, left)):
            if stored is None or sent is None or stored.type != "member_expression":
                continue
            key = text(stored.child_by_field_name("property"))
            root = text(stored).split(".", 1)[0]
            if (
                (_identity_field(key, None) or PERSON_KEY.match(key))
                and (root in taint.rows or root in taint.owned)
                and taint.has_client(sent)
                and not taint.has_session(sent)
                and not taint.has_session(stored)
                and not _stored(sent, taint)
            ):
                found.append((key, sent, text(operator) in ("!==", "!=")))
    return found


def _claimed_before(
    write: Node, claims: list[tuple[_Range, str, Node]], taint: _Taint
) -> tuple[tuple[str, Node], ...]:
    return tuple(
        (key, value)
        for where, key, value in claims
        if where.covers(write) and text(value) not in taint.pinned
    )


def _permission_call(call: Node, taint: _Taint) -> bool:
    """`can(...)`, `authorize(...)`, `assert(post.authorId === user.id)`, a helper given
    both the user and the caller's input (`await assertCanEdit(user.id, id)`), or one given
    the caller's role or membership that stops the request. A helper whose result is
    dropped counts only if it can stop the request: where guardfix can read it, it must
    throw or redirect on some path."""
    name = callee_name(call) or ""
    args = call_arguments(call)
    if name in ASSERT_CALLS:
        return bool(args) and _compares(args[0], taint)
    if SIGNED_IN_CALL.match(name):
        return False
    if name.endswith("OrThrow"):
        # `findFirstOrThrow({ where: { id, authorId: user.id } })` refuses other rows.
        return any(taint.has_session(a) and taint.has_client(a) for a in args)
    decides = _result_used(call)
    stops = taint.stops(call)
    if stops is False and not decides:
        return False
    if PERMISSION_CALL.match(name):
        return True
    callee = callee_of(call)
    if (
        callee is None
        or callee.type != "identifier"
        or NOT_A_CHECK.match(name)
        or not _checked_position(call)
    ):
        return False
    if any(taint.has_session(a) for a in args) and any(taint.has_client(a) for a in args):
        return True
    return (decides or stops is True) and any(_caller_role(a, taint) for a in args)


def _caller_role(node: Node, taint: _Taint) -> bool:
    """The caller's role or membership: `ctx.membership.role`, `{ role: member.role }`."""
    for n in walk(node):
        if n.type == "member_expression":
            prop = n.child_by_field_name("property")
            obj = n.child_by_field_name("object")
            if obj is not None and ROLE_PROPERTY.search(text(prop)) and taint.has_session(obj):
                return True
        elif n.type == "pair":
            key = n.child_by_field_name("key")
            value = n.child_by_field_name("value")
            if value is not None and ROLE_PROPERTY.search(text(key)) and taint.has_session(value):
                return True
        elif (
            n.type in ("identifier", "shorthand_property_identifier")
            and ROLE_PROPERTY.search(text(n))
            and taint.has_session(n)
        ):
            return True
    return False


def _in_condition(call: Node) -> bool:
    """The call is (part of) an `if` condition."""
    child, parent = call, call.parent
    while parent is not None and parent.type not in ("if_statement", "statement_block"):
        if parent.type in FUNCTION_TYPES:
            return False
        child, parent = parent, parent.parent
    return (
        parent is not None
        and parent.type == "if_statement"
        and (parent.child_by_field_name("condition") == child)
    )


def _result_used(call: Node) -> bool:
    """The call's result is kept or tested, not dropped as a statement."""
    parent = call.parent
    while parent is not None and parent.type in TRANSPARENT_OR_AWAIT_TYPES:
        parent = parent.parent
    return parent is not None and parent.type != "expression_statement"


def _checked_position(call: Node) -> bool:
    """The call's result decides something: a statement, a declared value or a condition."""
    parent = call.parent
    while parent is not None and (
        parent.type in TRANSPARENT_OR_AWAIT_TYPES
        or parent.type == "unary_expression"
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
    """The end of the block a statement sits in: what it refuses stops there."""
    current = node.parent
    while current is not None:
        if _guarded_try(current) or _each_body(current):
            # `try { await assertCanEdit(...) } catch { return }`, or a check of each id in
            # `for (const id of ids)`: it holds after the statement too.
            current = current.parent
            continue
        if current.type in ("statement_block", "program", "switch_case", "switch_default"):
            return current.end_byte
        if current.type in FUNCTION_TYPES:
            return current.end_byte
        current = current.parent
    return node.end_byte


def _each_body(block: Node) -> bool:
    """The body of a `for ... of` loop."""
    parent = block.parent
    return (
        block.type == "statement_block"
        and parent is not None
        and parent.type == "for_in_statement"
        and parent.child_by_field_name("body") == block
    )


def _guarded_try(block: Node) -> bool:
    """The body of a `try` whose `catch` returns or throws on every path: a refusal in it
    lands in that catch, which leaves the function."""
    parent = block.parent
    if block.type != "statement_block" or parent is None or parent.type != "try_statement":
        return False
    handler = parent.child_by_field_name("handler")
    body = handler.child_by_field_name("body") if handler is not None else None
    return parent.child_by_field_name("body") == block and body is not None and _always_exits(body)


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
            # `await auth()` asks who is calling; `isAdmin(session)` asks about them.
            and (
                node.start_byte not in taint.lookups
                or any(taint.has_session(a) for a in call_arguments(node))
            )
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
            if _asks_permission(callee_name(node) or ""):
                return True  # CASL's `ability.cannot("update", post)`
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


def _asks_permission(name: str) -> bool:
    return bool(
        ASKS_PERMISSION.match(name)
        or (PERMISSION_CALL.match(name) and PERMISSION_WORD.search(name))
    ) and not SIGNED_IN_CALL.match(name)


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


def _scope(
    event: MutationEvent, fn: Node, taint: _Taint, checks: list[_Range], targets: set[str]
) -> Scope | None:
    mutation = event.mutation
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
    # A row whose creator is set from the session: its other user fields name other people
    # the caller picks on purpose (`createdBy: me, user: assignee`).
    actor = any(
        ACTOR_FIELD.match(key) and taint.has_session(value) and not taint.has_client(value)
        for key, value in pairs
    )
    # With no session before the write, a user whose own row the action changes is what it
    # acts on, not who it acts as: `where: { userId }` of an unban picks that user's rows,
    # and the missing check is the finding.
    signed_in = event.guarded or event.lookup_seen or event.doubted
    linked = taint.columns(mutation)
    identity = tuple(
        (key, value)
        for key, value in pairs
        if _identity_field(key, model)
        and not _names_no_user(key, linked)
        and not (actor and not ACTOR_FIELD.match(key) and key.lower() != "role")
        and taint.has_client(value)
        and not _stored(value, taint)
        and text(value) not in taint.pinned
        and (
            signed_in
            or not (_names_in(value) & targets and any(_inside(value, f) for f in filters))
        )
    )
    return Scope(
        mutation=mutation,
        orm=mutation.api,
        model=model,
        filter=filter_node,
        client=any(taint.has_client(v) for v in filters),
        owned=any(taint.has_session(v) or taint.has_owned(v) for v in filters)
        or _links_only_caller(data, taint),
        checked=bool(covering),
        role_checked=any(c.role for c in covering),
        identity=identity,
        owner_from_client=any(_inside(value, f) for _, value in identity for f in filters),
        parent=_parent(
            [_resolved(d, fn) for d in data], (mutation.api, model), taint, fn, covering
        ),
        team_keys=tuple(
            key
            for key, value in _pairs(filters) + columns
            if TEAM_FIELD.search(key) and not taint.has_client(value)
        ),
    )


def _targeted_users(events: list[MutationEvent]) -> set[str]:
    """The names whose value picks, by its id, a row of the users table the action
    changes (`prisma.user.update({ where: { id: userId } })`)."""
    found: set[str] = set()
    for event in events:
        parts = _PARTS.get(event.mutation.api) if event.mutation.via is None else None
        got = parts(event.mutation) if parts is not None else None
        if got is None or got[1] is None or not USERS_TABLE.match(got[0] or ""):
            continue
        for key, value in _pairs(got[2]) + got[4]:
            if key in ROW_ID:
                found |= _names_in(value)
    return found


def _names_no_user(key: str, columns: Columns | None) -> bool:
    """The schema ties the column to another table than the users': an `ownerId` there is
    a company's, not a user's. A column tied to no table may still hold a user's id."""
    target = columns.get(key) if columns is not None and key.lower() != "role" else None
    return target is not None and not USERS_TABLE.match(target)


def _inside(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte < outer.end_byte


def _parent(
    data: list[Node],
    written: tuple[str, str | None],
    taint: _Taint,
    fn: Node,
    covering: list[_Range],
) -> tuple[str, Node] | None:
    """The first parent key of the written row (`projectId`, `project: { connect: { id } }`)
    whose value the caller chose: not the session's, nor a row read scoped to the caller,
    and no check before the write asks about it. A check of this row (`assertCanEdit(user,
    id)`) says nothing about the parent it is moved under; one of the caller's role does."""
    if any(c.role for c in covering):
        return None
    for row in (r for d in data for r in _rows(d, fn, 0)):
        for key, value in _pairs_at_top(row, written, taint):
            if not _parent_key(key, written[1]):
                continue
            items = _items_from(value, taint)
            if (
                (taint.has_client(value) or items in (CLIENT, OWNED))
                and not (taint.has_owned(value) or items == OWNED)
                and not (taint.has_session(value) or items == SESSION)
                and not any(_about(c.check, value, fn, taint) for c in covering)
            ):
                return key, value
    return None


def _about(check: Node, value: Node, fn: Node, taint: _Taint) -> bool:
    """The check asks about the value: it names the value or what was worked out from it
    (`if (!board) throw` after reading the board by it), or the value was worked out from
    what the check names (`for (const id of ids)` after `assertCanEdit(user, ids)`)."""
    flows = _flows(fn, value.start_byte)
    return _mentions(check, _derived(_terms(value, taint), flows)) or _mentions(
        value, _derived(_terms(check, taint), flows)
    )


_NAMES = ("identifier", "shorthand_property_identifier", "member_expression")


def _terms(node: Node, taint: _Taint) -> set[str]:
    """The names and whole paths (`input.projectId`, not `input`) a node reads; a path
    into a row read from the database counts as the row."""
    terms: set[str] = set()
    for n in walk(node):
        outer = n.parent
        if n.type == "call_expression" and all(
            a.type in ("string", "number") for a in call_arguments(n)
        ):
            terms.add(text(n))  # `formData.get("folderId")` names one input
        if n.type not in _NAMES or text(n) == "undefined":
            continue
        if outer is not None and outer.type == "call_expression" and n == callee_of(outer):
            continue  # the function called, not a value
        if (
            outer is not None
            and outer.type == "member_expression"
            and n != outer.child_by_field_name("property")
        ):
            continue  # part of a longer path
        term = text(n).removesuffix(".length")  # a list's size is a question about the list
        terms.add(term)
        root = term.split(".", 1)[0]
        if root in taint.rows:
            terms.add(root)
    return terms


def _flows(fn: Node, before: int) -> list[tuple[set[str], Node]]:
    """(names bound, value) for each declaration, assignment, `for ... of` and callback
    given a list's items (`ids.map((id) => ...)`) in `fn` before the write: a name bound
    again later, in another scope, is another value."""
    found: list[tuple[set[str], Node]] = []
    for node in walk(fn):
        if node.start_byte >= before:
            break
        if node.type == "call_expression":
            found.extend(_item_binding(node))
            continue
        if node.type == "variable_declarator":
            pattern, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type in ("assignment_expression", "for_in_statement"):
            pattern, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        else:
            continue
        if pattern is not None and value is not None and pattern.type != "member_expression":
            found.append((_bound(pattern), value))
    return found


def _bound(pattern: Node) -> set[str]:
    return set(pattern_names(pattern))


def _derived(terms: set[str], flows: list[tuple[set[str], Node]]) -> set[str]:
    """The terms and every name given a value worked out from them."""
    found = set(terms)
    grew = True
    while grew:
        grew = False
        for names, value in flows:
            if not names <= found and _mentions(value, found):
                found |= names
                grew = True
    return found


def _mentions(node: Node, terms: set[str]) -> bool:
    return any(
        (n.type in _NAMES or n.type == "call_expression") and text(n) in terms for n in walk(node)
    )


def _rows(node: Node, fn: Node, depth: int) -> list[Node]:
    """The row objects a write's data holds: `{...}`, `[{...}, ...]`, a variable holding
    them, or `items.map((item) => ({...}))`."""
    value = unwrap(_resolved(node, fn))
    if value is None or depth > 3:
        return []
    if value.type == "object":
        return [value]
    if value.type == "array":
        return [r for item in value.named_children for r in _rows(item, fn, depth + 1)]
    args = call_arguments(value) if value.type == "call_expression" else []
    mapper = unwrap(args[0]) if callee_name(value) == "map" and args else None
    if mapper is None or mapper.type not in FUNCTION_TYPES:
        return []
    body = mapper.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return _rows(body, fn, depth + 1)
    return [
        r
        for ret in walk(body)
        if ret.type == "return_statement" and ret.named_children and _own_statement(ret, mapper)
        for r in _rows(ret.named_children[0], fn, depth + 1)
    ]


def _pairs_at_top(
    row: Node, written: tuple[str, str | None], taint: _Taint
) -> list[tuple[str, Node]]:
    """The row's parent keys and their values: `projectId: x`, `{ projectId }`, a column the
    schema says points at a row someone owns, and `project: { connect: { id: x } }` unless
    the schema says it links a user or a lookup table; not the fields of rows created
    inside it."""
    pairs: list[tuple[str, Node]] = []
    for child in row.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = unwrap(child.child_by_field_name("value"))
            name = string_value(key) or text(key)
            if value is not None and value.type == "object":
                # With no schema, lists of links count under a container's name only:
                # `tags: { set: [...] }` picks labels, not a parent.
                model = taint.references(*written, name)
                every = isinstance(model, str) or _container(name)
                if model is not False:
                    pairs.extend((name, linked) for linked in _connected_ids(value, every))
            elif value is not None and _points_at_row(name, written, taint):
                pairs.append((name, value))
        elif child.type == "shorthand_property_identifier" and _points_at_row(
            text(child), written, taint
        ):
            pairs.append((text(child), child))
    return pairs


def _points_at_row(key: str, written: tuple[str, str | None], taint: _Taint) -> bool:
    """`projectId` by its name, or `account` where `@relation(fields: [account])` relates
    it to a model of containers (`crm_Accounts`) whose rows belong to someone: a booked
    listing or a liked post is no container, whoever owns it."""
    if PARENT_KEY.match(key):
        return True
    model = taint.references(*written, key)
    return isinstance(model, str) and _container(model)


def _container(name: str) -> bool:
    """A name whose last word is a container: `crm_Accounts`, `BoardSection`, `folder`."""
    words = WORD.findall(name)
    return bool(words) and CONTAINER_MODEL.fullmatch(words[-1]) is not None


def _parent_key(key: str, model: str | None) -> bool:
    return not (
        _identity_field(key, model)
        or OTHER_USER_FIELD.match(key)
        or PERSON_KEY.match(key)
        or NOT_PARENT.match(key)
    )


def filter_params(mutation: Mutation, fn: Node) -> tuple[int, ...]:
    """The parameters of `fn` that a row write in it filters on: `remove(id)` doing
    `db.delete(notes).where(eq(notes.id, id))` filters on parameter 0. A parameter the
    helper compares with the row before it refuses (`if (row.userId !== userId) throw`)
    counts too: the caller's session there scopes the write."""
    parts = _PARTS.get(mutation.api)
    found = parts(mutation) if parts is not None else None
    if found is None or found[1] is None:
        return ()  # no row filter: a create
    names = _names_in_nodes(found[2])
    body = fn.child_by_field_name("body")
    for node in walk(body) if body is not None else []:
        if node.start_byte >= mutation.node.start_byte:
            break
        condition = node.child_by_field_name("condition") if node.type == "if_statement" else None
        consequence = node.child_by_field_name("consequence")
        if condition is not None and consequence is not None and stops_request(consequence):
            names |= _names_in_nodes([condition])
    return tuple(i for i, name in enumerate(param_names(fn)) if name in names)


def _names_in_nodes(nodes: list[Node]) -> set[str]:
    return {
        text(n)
        for v in nodes
        for n in walk(v)
        if n.type in ("identifier", "shorthand_property_identifier")
    }


def _through(mutation: Mutation, taint: _Taint, checks: list[_Range]) -> Scope:
    """A helper's write, as the action's arguments pick its rows."""
    args = call_arguments(mutation.node)
    picked = [args[i] for i in mutation.keyed_by if i < len(args)]
    covering = [c for c in checks if c.covers(mutation.node)]
    return Scope(
        mutation=mutation,
        orm=mutation.api,
        model=None,
        filter=None,
        client=any(taint.has_client(a) for a in picked),
        owned=any(taint.has_session(a) or taint.has_owned(a) for a in picked),
        checked=bool(covering),
        role_checked=any(c.role for c in covering),
        through=mutation.via,
    )


def _subjects(mutation: Mutation, taint: _Taint, checks: list[_Range]) -> Iterator[Scope]:
    """The Stripe objects a call acts on, one per id the caller sent."""
    covering = [c for c in checks if c.covers(mutation.node)]
    for kind, value in mutation.subjects:
        if taint.has_session(value) or taint.has_owned(value) or _stored(value, taint):
            continue
        if taint.has_client(value):
            yield Scope(
                mutation=mutation,
                orm=mutation.api,
                model=None,
                filter=None,
                client=True,
                owned=False,
                checked=bool(covering),
                role_checked=any(c.role for c in covering),
                subject=(kind, value),
            )


def _links_only_caller(data: list[Node], taint: _Taint) -> bool:
    """`data: { members: { connect: { id: session.user.id } } }`: the write only adds or
    removes the caller on a shared row (enrol, follow, join), nobody else's data."""
    objects = [unwrap(d) for d in data]
    if not objects or any(o is None or o.type != "object" for o in objects):
        return False
    pairs = [c for o in objects if o is not None for c in o.named_children if c.type != "comment"]
    if not pairs:
        return False
    for pair in pairs:
        relation = unwrap(pair.child_by_field_name("value")) if pair.type == "pair" else None
        if relation is None or relation.type != "object":
            return False
        for link in relation.named_children:
            key = link.child_by_field_name("key") if link.type == "pair" else None
            value = link.child_by_field_name("value") if link.type == "pair" else None
            if key is None or value is None or text(key) not in ("connect", "disconnect"):
                return False
            if not taint.has_session(value) or taint.has_client(value):
                return False
    return True


def _pinned(condition: Node, taint: _Taint) -> set[str]:
    """The input sides of `input !== session value` in a refusing condition."""
    pinned: set[str] = set()
    for node in walk(condition):
        if node.type != "binary_expression" or text(node.child_by_field_name("operator")) not in (
            "!==",
            "!=",
        ):
            continue
        left = unwrap(node.child_by_field_name("left"))
        right = unwrap(node.child_by_field_name("right"))
        for mine, other in ((left, right), (right, left)):
            if (
                mine is not None
                and other is not None
                and taint.has_client(mine)
                and taint.has_session(other)
                and not taint.has_client(other)
            ):
                pinned.add(text(mine))
    return pinned


def _reads_rows(value: Node | None) -> bool:
    """`prisma.x.findUnique(...)`, `db.select().from(t)`, `supabase.from(t).select()`."""
    if value is None or value.type != "call_expression":
        return False
    return any(callee_name(c) in ROW_READS for c in chain_calls(value))


def _row_read(made: Node | None, value: Node, taint: _Taint) -> frozenset[str] | None:
    """The keys the caller's input picked, when `value` is a row read (directly or by a
    project helper) or a value worked out from stored values alone; None otherwise."""
    if made is not None and _reads_rows(made):
        return _picked(k for k, v in _pairs([made]) if _chosen(v, taint))
    found = taint.reads(made) if made is not None and made.type == "call_expression" else None
    if made is not None and found is not None:
        args = call_arguments(made)
        return _picked(k for k, i in found.items() if i < len(args) and _chosen(args[i], taint))
    if made is not None and made.type == "call_expression" and _checked_answer(made, taint):
        return ROW_ID
    if made is not None and made.type == "identifier" and text(made) in taint.rows:
        return taint.rows[text(made)]  # the row itself, bound again or destructured
    return frozenset() if _stored(value, taint) else None


def _checked_answer(call: Node, taint: _Taint) -> bool:
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


def _chosen(value: Node, taint: _Taint) -> bool:
    return taint.has_client(value) and not _stored(value, taint)


def _stored(value: Node, taint: _Taint) -> bool:
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
            if node.type == "return_statement" and node.named_children and _own_statement(node, fn)
        ]
    else:
        values = [body]
    positions = {b.name: b.position for b in _param_bindings(fn)}
    keys: RowKeys = {}
    read = False
    for returned_value in values:
        made = unwrap_await(_resolved(returned_value, fn))
        if made is None or made.type in ("null", "undefined"):
            continue
        if _reads_rows(made):
            filled = _pairs([made])
        else:
            inner = reads(made) if made.type == "call_expression" else None
            if inner is None:
                return None
            args = call_arguments(made)
            filled = [(k, args[i]) for k, i in inner.items() if i < len(args)]
        read = True
        for key, value in filled:
            found = [positions[n] for n in _names_in(value) if n in positions]
            if found:
                keys[key] = found[0]
    return keys if read else None


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
                else:
                    pairs.extend((name, linked) for linked in _connected_ids(value))
            elif child.type == "shorthand_property_identifier":
                pairs.append((text(child), child))
            elif child.type == "call_expression" and callee_name(child) == "eq":
                pair = _column_pair(child)
                if pair is not None:
                    pairs.append(pair)
    return pairs


def _connected_ids(relation: Node, every: bool = True) -> list[Node]:
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
                found.extend(v for _, v in _pairs_at(item))
            elif item.type == "call_expression" and callee_name(item) == "map":
                callee = callee_of(item)
                receiver = callee.child_by_field_name("object") if callee is not None else None
                found.extend([receiver] if receiver is not None else [])
    return found


def _pairs_at(obj: Node) -> list[tuple[str, Node]]:
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


def _column_pair(call: Node) -> tuple[str, Node] | None:
    """`eq(posts.authorId, x)` or Supabase `.eq("user_id", x)` as ("authorId", x)."""
    args = call_arguments(call)
    if callee_name(call) != "eq" or len(args) != 2:
        return None
    return string_value(args[0]) or text(args[0]).rsplit(".", 1)[-1], args[1]


def written_model(mutation: Mutation) -> str | None:
    """The Prisma model, Drizzle table or Supabase table a database write changes."""
    parts = _PARTS.get(mutation.api)
    found = parts(mutation) if parts is not None else None
    return found[0] if found is not None else None
