"""Session lookups of the auth libraries people use with Next.js.

Each entry says what the call returns when nobody is signed in, or that the call
stops an anonymous caller by itself (Clerk's `auth.protect()`, WorkOS's
`withAuth({ ensureSignedIn: true })`, Stack's `getUser({ or: "throw" })`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from guardfix.facts.values import (
    CLERK_AUTH,
    KINDE_SESSION,
    NO_SESSION,
    OBJECT_OF_NULLS,
    SUPABASE_AUTH,
    Val,
)
from guardfix.module import Import
from guardfix.syntax import (
    call_arguments,
    callee_of,
    member_parts,
    object_property,
    string_value,
    text,
    unwrap,
)

CLERK_MODULES = ("@clerk/nextjs", "@clerk/nextjs/server")
AUTH0_MODULES = ("@auth0/nextjs-auth0",)
NOT_SESSION_MODULES = ("firebase-admin", "firebase/")
# Calls that end the request for everyone who reaches them (they throw inside Next.js).
EXIT_CALLS = frozenset(
    {"redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden", "redirectToSignIn"}
)
ASSERT_CALLS = frozenset({"assert", "invariant", "ok"})
# An auth library's own sign-in/sign-up API, by the public flow it belongs to. It counts
# only when the callee comes from one of AUTH_LIBRARIES: a project's own helper of the
# same name is followed like any other function.
PUBLIC_AUTH_CALLS = {
    **dict.fromkeys(
        ("signUp", "signUpEmail", "signInAnonymously"),
        "sign-up",
    ),
    **dict.fromkeys(
        (
            "signIn",
            "signInEmail",
            "signInSocial",
            "signInUsername",
            "signInWithPassword",
            "signInWithOtp",
            "signInWithOAuth",
            "signInWithIdToken",
            "signInWithSSO",
            "signInMagicLink",
            "exchangeCodeForSession",
            "createSession",
        ),
        "sign-in",
    ),
    **dict.fromkeys(
        ("resetPasswordForEmail", "forgetPassword", "requestPasswordReset", "resetPassword"),
        "password-reset",
    ),
    **dict.fromkeys(
        ("verifyEmail", "verifyOtp", "sendVerificationEmail", "sendVerificationOtp"),
        "verification",
    ),
}
AUTH_LIBRARIES = (
    "next-auth",
    "@auth/",
    "better-auth",
    "@better-auth/",
    "@supabase/",
    "@clerk/",
    "lucia",
    "@lucia-auth/",
    "@kinde-oss/",
    "@workos-inc/",
    "@stackframe/",
    "@auth0/",
    "firebase",
)


def is_auth_library(specifier: str) -> bool:
    return specifier.startswith(AUTH_LIBRARIES)


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
    """The session lookup a call makes, if any; `origin_of` says where a name comes from."""
    callee = callee_of(call)
    if callee is None:
        return None
    args = call_arguments(call)
    parts = member_parts(callee)
    if callee.type == "identifier":
        name = text(callee)
        origin = origin_of(name)
        source = origin.specifier if origin is not None else ""
        imported = origin.name if origin is not None else name
        if name in guards:
            return Lookup(name, Val("truthy", session=True), stops=True, is_async=False)
        if name in lookups:
            return Lookup(name, NO_SESSION, is_async=False)
        if source.startswith(NOT_SESSION_MODULES):
            return None  # firebase-admin's `auth()` manages users; it is no session lookup
        if imported == "auth" and source in CLERK_MODULES:
            return Lookup("auth", CLERK_AUTH, is_async=False)
        if imported in ("auth", "getServerSession", "currentUser", "verifySession"):
            return Lookup(name, NO_SESSION)
        if imported == "getSession" and source.startswith(AUTH0_MODULES):
            return Lookup(name, NO_SESSION)
        if imported == "validateRequest":
            return Lookup(name, OBJECT_OF_NULLS)
        if imported == "getKindeServerSession":
            return Lookup(name, KINDE_SESSION, is_async=False)
        if imported == "getIronSession":
            return Lookup(name, OBJECT_OF_NULLS)
        if imported == "withAuth" and not _has_function_argument(args):
            ensure = object_property(args[0] if args else None, "ensureSignedIn")
            if ensure is not None and text(unwrap(ensure)) == "true":
                return Lookup(name, OBJECT_OF_NULLS, stops=True)
            return Lookup(name, OBJECT_OF_NULLS)
        return None
    if parts is None:
        # `auth().protect()` and `(await auth()).protect()` are handled by value shape.
        return None
    label = ".".join(parts)
    last = parts[-1]
    root_import = origin_of(parts[0])
    # `import { auth as clerkAuth }`: match on what the root name is in its library.
    parts = [root_import.name if root_import is not None else parts[0], *parts[1:]]
    if label in guards:
        return Lookup(label, Val("truthy", session=True), stops=True, is_async=False)
    if label in lookups:
        return Lookup(label, NO_SESSION, is_async=False)
    if parts[-2:] == ["auth", "protect"]:
        return Lookup(label, Val("truthy", session=True), stops=True, is_async=False)
    if len(parts) >= 2 and parts[-2] == "auth" and last in ("getUser", "getClaims"):
        return Lookup(label, SUPABASE_AUTH)
    if parts[-2:] == ["api", "getSession"]:
        return Lookup(label, NO_SESSION)
    if last == "getSession" and "auth0" in parts[0].lower():
        return Lookup(label, NO_SESSION)
    if last == "getUser" and "stack" in parts[0].lower():
        mode = string_value(object_property(args[0] if args else None, "or"))
        return Lookup(label, NO_SESSION, stops=mode in ("throw", "redirect"))
    return None


def _has_function_argument(args: list[Node]) -> bool:
    return any(
        (a := unwrap(arg)) is not None and a.type in ("arrow_function", "function_expression")
        for arg in args
    )
