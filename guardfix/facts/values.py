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

    def truth(self) -> bool | None:
        if self.kind in (NULLISH, FALSY):
            return False
        if self.kind in (OBJECT, FUNCTION, TRUTHY):
            return True
        return None

    def field(self, name: str | None) -> Val:
        for key, value in self.fields:
            if key == name:
                # Part of a session value is a session value: `{ user: null }.user`.
                return replace(value, session=True) if self.session else value
        if self.inner is not None and self.kind == OBJECT:
            return self.inner
        return Val(UNKNOWN_KIND, session=self.session)

    def settled(self) -> Val:
        """The value once bound to a name: an optional chain's short-circuit ends there."""
        return replace(self, short=False) if self.short else self


def join(values: list[Val]) -> Val:
    """One value for what several paths yield: kept when they agree, else what they share."""
    if not values:
        return NULL
    settled = [v.settled() for v in values]
    if all(v == settled[0] for v in settled):
        return settled[0]
    session = any(v.session for v in settled)
    if all(v.kind == NULLISH for v in settled):
        return Val(NULLISH, session=session)
    return Val(UNKNOWN_KIND, session=session)


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
COOKIE_STORE = Val(OBJECT, cookies=True)
