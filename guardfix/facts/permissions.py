"""Whether an action checks that the caller may touch the rows it writes: ownership,
role and permission checks, and where each one holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from guardfix.facts.lookups import ASSERT_CALLS, EXIT_CALLS, stops_request
from guardfix.facts.taint import CLIENT, OWNED, Taint, items_from
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    EQUALITY,
    FUNCTION_TYPES,
    TRANSPARENT_OR_AWAIT_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    text,
    unwrap,
    unwrap_await,
    walk,
)

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


def verdict(value: Node, taint: Taint) -> bool:
    """`post.authorId === user.id`, `!user.isAdmin`, `await can(user, "edit", post)`; not a
    plain read such as `findUnique({ where: { id: user.id } })`, which only finds the user."""
    node = unwrap_await(value)
    if node is None:
        return False
    if node.type == "call_expression":
        # `const canShare = await canShareServer()`: the answer is tested below
        return _permission_call(node, taint) or _asks_permission(callee_name(node) or "")
    return node.type in ("binary_expression", "unary_expression") and _compares(node, taint)


# A check covers the writes in a byte range: after a refusal up to the end of its block,
# or inside the branch an allowing condition guards. A check of the caller's role (no
# client input in it) lets them act for other users; a check of one row does not.
@dataclass(frozen=True)
class Check:
    start: int
    end: int
    role: bool
    check: Node  # the condition or call that decides

    def covers(self, node: Node) -> bool:
        return self.start <= node.start_byte < self.end


def checks_in(fn: Node, taint: Taint, writes: frozenset[int]) -> list[Check]:
    """Where the checks that decide whether this caller may touch these rows hold."""
    ranges: list[Check] = []
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
                ranges.append(Check(consequence.end_byte, block_end(node), role, condition))
                taint.pinned.update(_pinned(condition, taint))
            if not negates(condition):
                ranges.append(Check(consequence.start_byte, consequence.end_byte, role, condition))
        elif (
            node.type == "call_expression"
            and node.start_byte not in writes
            and not _in_condition(node)  # the `if` decides: see above
            and _permission_call(node, taint)
            and taint.stops(node) is not False  # a yes/no answer decides only in an `if`
        ):
            role = not any(_from_client(a, taint) for a in call_arguments(node))
            ranges.append(Check(node.end_byte, block_end(node), role, node))
    return ranges


def _from_client(node: Node, taint: Taint) -> bool:
    """The caller's input, or an item of a list of it (`for (const id of input.ids)`)."""
    return taint.has_client(node) or items_from(node, taint) in (CLIENT, OWNED)


def _permission_call(call: Node, taint: Taint) -> bool:
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


def _caller_role(node: Node, taint: Taint) -> bool:
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


def block_end(node: Node) -> int:
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


def _compares(condition: Node, taint: Taint) -> bool:
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


def negates(condition: Node) -> bool:
    """The condition holds when something is missing or different: `!x`, `a !== b`."""
    for node in walk(condition):
        operator = text(node.child_by_field_name("operator"))
        if (node.type == "unary_expression" and operator == "!") or (
            node.type == "binary_expression" and operator in ("!==", "!=")
        ):
            return True
    return False


def _pinned(condition: Node, taint: Taint) -> set[str]:
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
