"""Session lookups of the auth libraries people use with Next.js.

Each library's description (guardfix/libraries/*.toml) says which calls look the
session up, what they return when nobody is signed in, or that the call stops an
anonymous caller by itself (Clerk's `auth.protect()`, WorkOS's
`withAuth({ ensureSignedIn: true })`, Stack's `getUser({ or: "throw" })`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from guardfix.facts.values import NO_SESSION, Val
from guardfix.libraries import ANY, LookupRule, lookup_rules
from guardfix.model import Api
from guardfix.module import Import
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
    walk,
)

# Calls that end the request for everyone who reaches them (they throw inside Next.js).
EXIT_CALLS = frozenset(
    {"redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden", "redirectToSignIn"}
)
ASSERT_CALLS = frozenset({"assert", "invariant", "ok"})
# Names of cookies that hold a session or its token: `cookies().get("session")`.
SESSION_COOKIE = LazyPattern(r"sess|auth|token|sid|jwt|user", re.IGNORECASE)
# Next.js's request data: `cookies()` gives the cookie store; reading it does not throw.
REQUEST_MODULE = "next/headers"
COOKIES_CALL = "cookies"
# Prisma's unique reads throw when every key of their `where` is undefined.
UNIQUE_READS = frozenset({"findUnique", "findUniqueOrThrow"})
# Writes to the caller's own account, not to anyone's data: the APIs whose writes take the
# signed-in user's id first (Clerk's `updateUser(userId, ...)`), and the method saving a
# session object itself (iron-session's `session.save()`, which looks like a Mongoose save).
OWN_ACCOUNT_APIS = frozenset({Api.CLERK})
SESSION_SAVE = "save"


def stops_request(branch: Node) -> bool:
    """The branch (an `if`'s consequence) throws, returns or calls an exit somewhere."""
    return any(
        n.type in ("throw_statement", "return_statement")
        or (n.type == "call_expression" and callee_name(n) in EXIT_CALLS)
        for n in walk(branch)
    )


@dataclass(frozen=True)
class Lookup:
    label: str
    value: Val  # what the awaited call yields for an anonymous caller
    stops: bool = False  # the call itself throws or redirects when nobody is signed in
    # Returns a promise: without `await` the caller holds a promise, never the session.
    # False where a library has both forms (Clerk v5/v6) or we cannot know (configured names).
    is_async: bool = True


def classify_lookup(
    call: Node,
    origin_of: Callable[[str], Import | None],
    lookups: frozenset[str],
    guards: frozenset[str],
) -> Lookup | None:
    """The session lookup a call makes, if any; `origin_of` says where a name comes from.

    The configured names come first, then the libraries' rules (guardfix/libraries)."""
    callee = callee_of(call)
    if callee is None:
        return None
    if callee.type == "identifier":
        label = text(callee)
        origin = origin_of(label)
        source = origin.specifier if origin is not None else ""
        parts = [origin.name if origin is not None else label]
    else:
        found = member_parts(callee)
        if found is None:
            # `auth().protect()` and `(await auth()).protect()` are handled by value shape.
            return None
        label = ".".join(found)
        # `import { auth as clerkAuth }`: match on what the root name is in its library.
        root_import = origin_of(found[0])
        source = root_import.specifier if root_import is not None else ""
        parts = [root_import.name if root_import is not None else found[0], *found[1:]]
    if label in guards:
        return Lookup(label, Val("truthy", session=True), stops=True, is_async=False)
    if label in lookups:
        return Lookup(label, NO_SESSION, is_async=False)
    args = call_arguments(call)
    for rule in lookup_rules():
        if _matches(rule, parts, source):
            return _lookup_by(rule, label, args)
    return None


def _matches(rule: LookupRule, parts: list[str], source: str) -> bool:
    if rule.member != (len(parts) > 1):
        return False
    wanted = rule.parts
    tail = parts[len(parts) - len(wanted) :] if len(parts) >= len(wanted) else []
    if not tail or any(w != ANY and w != p for w, p in zip(wanted, tail, strict=True)):
        return False
    if rule.root_contains and rule.root_contains not in parts[0].lower():
        return False
    return rule.from_module(source)


def _lookup_by(rule: LookupRule, label: str, args: list[Node]) -> Lookup | None:
    if rule.returns is None or (rule.wraps_callback and _has_function_argument(args)):
        return None
    stops = rule.stops
    if rule.stops_when is not None:
        value = object_property(args[0] if args else None, rule.stops_when.property)
        said = string_value(value)
        if said is None and value is not None:
            said = text(unwrap(value))
        stops = stops or said in rule.stops_when.values
    return Lookup(label, rule.returns, stops=stops, is_async=rule.is_async)


def _has_function_argument(args: list[Node]) -> bool:
    return any(
        (a := unwrap(arg)) is not None and a.type in ("arrow_function", "function_expression")
        for arg in args
    )
