"""Whose rows a signed-in caller's writes touch: the facts behind GF002 and GF003.

For each write: what picks its rows and whether that ties them to the caller, the user
and parent ids the caller chose, and the checks that hold before it. Where values come
from is taint.py's; what a check is, permissions.py's; each ORM's write, orms/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from tree_sitter import Node

from guardfix.facts.lookups import stops_request
from guardfix.facts.orms import field_pairs, write_parts
from guardfix.facts.orms.prisma import connected_ids
from guardfix.facts.permissions import Check, block_end, checks_in, negates, verdict
from guardfix.facts.schema import user_table
from guardfix.facts.taint import (
    CLIENT,
    OWNED,
    ROW_ID,
    SESSION,
    Columns,
    Handoff,
    RowKeys,
    Taint,
    bind_parameters,
    bound_in,
    item_binding,
    items_from,
    names_in,
    own_statement,
    resolved,
    stored_value,
)
from guardfix.model import Api, Mutation, MutationEvent, Scope, ServerAction
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    EQUALITY,
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    param_names,
    string_value,
    text,
    unwrap,
    walk,
)

# A field that says whose row it is, or what the caller may do. Not `accountId`: in most
# apps that is a bank, CRM or billing account, a parent row, not the signed-in user.
IDENTITY_FIELD = LazyPattern(
    r"^(user|owner|author|creator|created_?by|profile)(_?id)?$|(user|owner|author)_?id$|^role$",
    re.IGNORECASE,
)
TEAM_FIELD = LazyPattern(r"^(team|org|organi[sz]ation|workspace|tenant|company)_?id$", re.I)
# `recipientUserId`, `assigneeUserId`: another user, chosen by the caller on purpose.
OTHER_USER_FIELD = LazyPattern(
    r"^(assignee|assigned(_?to)?|target|invited|invitee|recipient|receiver|to|friend|followed"
    r"|following|blocked|mentioned|reviewer|member|new|other)_?(user|owner|author)_?id$",
    re.IGNORECASE,
)
# Writes whose result is a new row.
CREATES = frozenset({"create", "createManyAndReturn", "insert"})
# Fields that say who made or changed the row.
ACTOR_FIELD = LazyPattern(r"^(author|creator|created_?by|updated_?by|owner)(_?id)?$", re.IGNORECASE)
# A foreign key naming the row's parent: `projectId`, `team_id`, `boardID`.
# A container the caller must belong to before writing under it (a project, a team, a
# chat); not content anyone may react to (a post liked, a challenge solved, a listing
# booked), whose id is the caller's free choice.
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
# The table of one row per person: `users`, `userTable`, `User`, `profiles`; not accounts
# (often a bank, CRM or billing account) nor memberships.
PEOPLE_TABLE = LazyPattern(user_table("user", "profile"), re.IGNORECASE)
# Tables whose `role` is a chat message's speaker ("user", "assistant"), not a permission.
MESSAGE_MODEL = LazyPattern(r"message|chat|prompt|completion|conversation", re.IGNORECASE)


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
    references: Callable[[Api, str | None, str], str | bool | None] = field(
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
    taint = Taint(
        lookups=frozenset(n.start_byte for n in lookups) | context.outer_lookups,
        stops=context.stops,
        reads=context.reads,
        columns=context.columns,
        references=context.references,
        verdict=verdict,
        created=frozenset(
            e.mutation.node.start_byte for e in events if e.mutation.operation in CREATES
        ),
    )
    bind_parameters(action, fn, taint, context.handoff)
    writes = frozenset(e.mutation.node.start_byte for e in events)
    checks = checks_in(fn, taint, writes)
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


def _claims(fn: Node, taint: Taint) -> list[tuple[Check, str, Node]]:
    """Conditions that decide on a row's user field compared with the caller's input
    alone: (where they hold, the field, the input value)."""
    found: list[tuple[Check, str, Node]] = []
    body = fn.child_by_field_name("body")
    for node in walk(body) if body is not None else []:
        condition = node.child_by_field_name("condition") if node.type == "if_statement" else None
        consequence = node.child_by_field_name("consequence")
        if condition is None or consequence is None:
            continue
        after = Check(consequence.end_byte, block_end(node), False, condition)
        inside = Check(consequence.start_byte, consequence.end_byte, False, condition)
        for key, value, differ in _claimed(condition, taint):
            # The write goes ahead when the two match: after `!==` refuses, or inside `===`;
            # `if (row.userId === input.userId) return` only turns a duplicate away.
            if differ and stops_request(consequence):
                found.append((after, key, value))
            elif not differ and not negates(condition):
                found.append((inside, key, value))
    return found


def _claimed(condition: Node, taint: Taint) -> list[tuple[str, Node, bool]]:
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
                and not stored_value(sent, taint)
            ):
                found.append((key, sent, text(operator) in ("!==", "!=")))
    return found


def _claimed_before(
    write: Node, claims: list[tuple[Check, str, Node]], taint: Taint
) -> tuple[tuple[str, Node], ...]:
    return tuple(
        (key, value)
        for where, key, value in claims
        if where.covers(write) and text(value) not in taint.pinned
    )


def _scope(
    event: MutationEvent, fn: Node, taint: Taint, checks: list[Check], targets: set[str]
) -> Scope | None:
    mutation = event.mutation
    node = mutation.node
    covering = _covering(checks, node)
    found = write_parts(mutation)
    if found is None:
        return None
    model, filter_node, filters, data, columns = found
    filters = [resolved(v, fn) for v in filters]
    pairs = field_pairs([resolved(d, fn) for d in data] + filters) + columns
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
        and not stored_value(value, taint)
        and text(value) not in taint.pinned
        and (
            signed_in or not (names_in(value) & targets and any(_inside(value, f) for f in filters))
        )
    )
    return replace(
        _checked(mutation, covering),
        model=model,
        filter=filter_node,
        client=any(taint.has_client(v) for v in filters),
        owned=any(taint.has_session(v) or taint.has_owned(v) for v in filters)
        or _links_only_caller(data, taint),
        identity=identity,
        owner_from_client=any(_inside(value, f) for _, value in identity for f in filters),
        parent=_parent([resolved(d, fn) for d in data], (mutation.api, model), taint, fn, covering),
        team_keys=tuple(
            key
            for key, value in field_pairs(filters) + columns
            if TEAM_FIELD.search(key) and not taint.has_client(value)
        ),
    )


def _targeted_users(events: list[MutationEvent]) -> set[str]:
    """The names whose value picks, by its id, a row of the users table the action
    changes (`prisma.user.update({ where: { id: userId } })`)."""
    found: set[str] = set()
    for event in events:
        got = write_parts(event.mutation) if event.mutation.via is None else None
        if got is None or got.filter is None or not PEOPLE_TABLE.match(got.model or ""):
            continue
        for key, value in field_pairs(got.filters) + got.columns:
            if key in ROW_ID:
                found |= names_in(value)
    return found


def _names_no_user(key: str, columns: Columns | None) -> bool:
    """The schema ties the column to another table than the users': an `ownerId` there is
    a company's, not a user's. A column tied to no table may still hold a user's id."""
    target = columns.get(key) if columns is not None and key.lower() != "role" else None
    return target is not None and not PEOPLE_TABLE.match(target)


def _inside(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte < outer.end_byte


def _parent(
    data: list[Node],
    written: tuple[Api, str | None],
    taint: Taint,
    fn: Node,
    covering: list[Check],
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
            items = items_from(value, taint)
            if (
                (taint.has_client(value) or items in (CLIENT, OWNED))
                and not (taint.has_owned(value) or items == OWNED)
                and not (taint.has_session(value) or items == SESSION)
                and not any(_about(c.check, value, fn, taint) for c in covering)
            ):
                return key, value
    return None


def _about(check: Node, value: Node, fn: Node, taint: Taint) -> bool:
    """The check asks about the value: it names the value or what was worked out from it
    (`if (!board) throw` after reading the board by it), or the value was worked out from
    what the check names (`for (const id of ids)` after `assertCanEdit(user, ids)`)."""
    flows = _flows(fn, value.start_byte)
    return _mentions(check, _derived(_terms(value, taint), flows)) or _mentions(
        value, _derived(_terms(check, taint), flows)
    )


_NAMES = ("identifier", "shorthand_property_identifier", "member_expression")


def _terms(node: Node, taint: Taint) -> set[str]:
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
            found.extend(item_binding(node))
            continue
        if node.type == "variable_declarator":
            pattern, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type in ("assignment_expression", "for_in_statement"):
            pattern, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        else:
            continue
        if pattern is not None and value is not None and pattern.type != "member_expression":
            found.append((bound_in(pattern), value))
    return found


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
    value = unwrap(resolved(node, fn))
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
        if ret.type == "return_statement" and ret.named_children and own_statement(ret, mapper)
        for r in _rows(ret.named_children[0], fn, depth + 1)
    ]


def _pairs_at_top(
    row: Node, written: tuple[Api, str | None], taint: Taint
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
                    pairs.extend((name, linked) for linked in connected_ids(value, every))
            elif value is not None and _points_at_row(name, written, taint):
                pairs.append((name, value))
        elif child.type == "shorthand_property_identifier" and _points_at_row(
            text(child), written, taint
        ):
            pairs.append((text(child), child))
    return pairs


def _points_at_row(key: str, written: tuple[Api, str | None], taint: Taint) -> bool:
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
    found = write_parts(mutation)
    if found is None or found.filter is None:
        return ()  # no row filter: a create
    names = _names_in_nodes(found.filters)
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


def _through(mutation: Mutation, taint: Taint, checks: list[Check]) -> Scope:
    """A helper's write, as the action's arguments pick its rows."""
    args = call_arguments(mutation.node)
    picked = [args[i] for i in mutation.keyed_by if i < len(args)]
    return replace(
        _checked(mutation, _covering(checks, mutation.node)),
        client=any(taint.has_client(a) for a in picked),
        owned=any(taint.has_session(a) or taint.has_owned(a) for a in picked),
        through=mutation.via,
    )


def _subjects(mutation: Mutation, taint: Taint, checks: list[Check]) -> Iterator[Scope]:
    """The Stripe objects a call acts on, one per id the caller sent."""
    checked = _checked(mutation, _covering(checks, mutation.node))
    for kind, value in mutation.subjects:
        if taint.has_session(value) or taint.has_owned(value) or stored_value(value, taint):
            continue
        if taint.has_client(value):
            yield replace(checked, client=True, subject=(kind, value))


def _covering(checks: list[Check], write: Node) -> list[Check]:
    return [c for c in checks if c.covers(write)]


def _checked(mutation: Mutation, covering: list[Check]) -> Scope:
    """A write's scope with only what the checks before it say: the rest is filled in by
    how its rows are picked."""
    return Scope(
        mutation=mutation,
        orm=mutation.api,
        model=None,
        filter=None,
        client=False,
        owned=False,
        checked=bool(covering),
        role_checked=any(c.role for c in covering),
    )


def _links_only_caller(data: list[Node], taint: Taint) -> bool:
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


def _identity_field(key: str, model: str | None) -> bool:
    if not IDENTITY_FIELD.search(key) or OTHER_USER_FIELD.match(key):
        return False
    return key.lower() != "role" or not MESSAGE_MODEL.search(model or "")
