"""The abstract values the flow walker computes, as seen by an anonymous caller.

An anonymous caller is the attacker: every session lookup returns "no session". A
value is what an expression evaluates to for that caller, as far as we can tell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

NULLISH = "nullish"
OBJECT = "object"
FUNCTION = "function"
TRUTHY = "truthy"
FALSY = "falsy"
UNKNOWN_KIND = "unknown"


@dataclass(frozen=True)
class Val:
    kind: str
    session: bool = False  # derived from a session lookup
    fields: tuple[tuple[str, Val], ...] = ()
    inner: Val | None = None  # object: value of other fields; function: return value
    short: bool = False  # undefined produced by an optional chain `a?.b`
    guard: bool = False  # function: calling it stops an anonymous caller
    cookies: bool = False  # the `cookies()` store from next/headers
    literal: str | None = None  # a known string: a literal, or what `typeof x` gives
    # A promise not yet awaited (`inner` is what awaiting gives; `guard`: awaiting it stops
    # an anonymous caller). `label` names the call that made it, for messages.
    promise: bool = False
    label: str | None = None
    closed: bool = False  # object: every field is known, so a missing one is `undefined`
    # One of these, as different paths yield (kind is unknown): `{ state: "none" }` or null.
    options: tuple[Val, ...] = ()
    # What a call guardfix could not follow returned: (the helper, why it was not followed).
    doubt: tuple[str, str] | None = None

    def truth(self) -> bool | None:
        if self.options:
            truths = {option.truth() for option in self.options}
            return truths.pop() if len(truths) == 1 else None
        if self.kind in (NULLISH, FALSY):
            return False
        if self.kind in (OBJECT, FUNCTION, TRUTHY):
            return True
        return None

    def field(self, name: str | None) -> Val:
        if self.options:
            return one_of([option.field(name) for option in self.options])
        for key, value in self.fields:
            if key == name:
                # Part of a session value is a session value: `{ user: null }.user`.
                return replace(value, session=True) if self.session else value
        if self.inner is not None and self.kind == OBJECT:
            return self.inner
        if self.closed:
            return Val(NULLISH, session=self.session)  # `{ status: "error" }.user`
        return Val(UNKNOWN_KIND, session=self.session)

    def settled(self) -> Val:
        """The value once bound to a name: an optional chain's short-circuit ends there."""
        if self.options:
            return replace(self, options=tuple(o.settled() for o in self.options))
        return replace(self, short=False) if self.short else self


# More possible values than this are not worth telling apart.
MAX_OPTIONS = 8


def one_of(values: list[Val]) -> Val:
    """A value that is one of `values`: kept apart while each is known, so a caller's check
    (`s.state === "ok"`, `!res.user`) can be worked out for every one of them."""
    flat: list[Val] = []
    for value in values:
        for option in value.options or (value,):
            option = option.settled()
            if option not in flat:
                flat.append(option)
    if not flat:
        return UNKNOWN
    if len(flat) == 1:
        return flat[0]
    session = any(v.session for v in flat)
    if all(v.kind == NULLISH for v in flat):
        return Val(NULLISH, session=session)
    if len(flat) > MAX_OPTIONS or any(v.kind == UNKNOWN_KIND or v.promise for v in flat):
        return Val(UNKNOWN_KIND, session=session)
    return Val(UNKNOWN_KIND, session=session, options=tuple(flat))


def session_answer(value: Val) -> Val:
    """The value as the session's answer: nothing there means no session."""
    if value.options:
        return replace(value, session=True, options=tuple(map(session_answer, value.options)))
    if value.kind == NULLISH:
        return NO_SESSION
    return replace(value, session=True)


def join(values: list[Val]) -> Val:
    """What a function returns over its paths; when one path answers from the session
    (`return null` after the lookup), every path's answer is the session's answer."""
    if not values:
        return NULL
    value = one_of(values)
    return session_answer(value) if value.session else value


UNKNOWN = Val(UNKNOWN_KIND)
TRUE = Val(TRUTHY)
FALSE = Val(FALSY)
NULL = Val(NULLISH)

# What each kind of session lookup returns when nobody is signed in.
NO_SESSION = Val(NULLISH, session=True)
OBJECT_OF_NULLS = Val(OBJECT, session=True, inner=NO_SESSION)
SELF_GUARD = Val(FUNCTION, session=True, guard=True, inner=Val(TRUTHY, session=True))
CLERK_AUTH = Val(
    OBJECT,
    session=True,
    fields=(("protect", SELF_GUARD), ("redirectToSignIn", SELF_GUARD)),
    inner=NO_SESSION,
)
SUPABASE_AUTH = Val(
    OBJECT,
    session=True,
    fields=(("data", OBJECT_OF_NULLS), ("error", Val(TRUTHY, session=True))),
    inner=NO_SESSION,
)
KINDE_SESSION = Val(OBJECT, session=True, inner=Val(FUNCTION, session=True, inner=NO_SESSION))
# Its `get`, taken off it too (`const { get } = await cookies()`), reads a cookie.
COOKIE_STORE = Val(OBJECT, cookies=True, fields=(("get", Val(FUNCTION, cookies=True)),))
