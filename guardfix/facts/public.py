"""Is this action meant for anonymous callers? One verdict per action, with its evidence.

An action is a public flow when what it does says so: it creates a user (a user row,
or a row with a password), signs the caller in (stores a session row, sets the session
cookie, or calls the auth library's sign-in), or consumes a token from the input (a
reset, verification or invitation row looked up, an OTP verified). A token stored
and an email sent together send a code or link. Project helpers are followed: a
helper counts for what it does, never for its name. Weaker hints (it sends an email,
stores a token, writes a password, sends signed-in callers away with
`if (session) redirect("/dashboard")`) count only when the action's file sits under,
or is imported only from, a sign-in, sign-up, reset, verify or invitation route.

The writes that belong to the flow are its own steps (the user row, the session and
token rows, the email) and every write after the caller got an identity (signed in, a
new user, a consumed token). Any other write runs for anyone and stays a finding.

An anonymous submission is a flow too: the action only adds rows nobody must own
(guardfix/facts/submission.py) and every page using it is open to anyone
(guardfix/facts/pages.py). An action some open page uses, in a project whose other
pages look the session up, is no flow, but a login fix for it is only shown.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.lookups import EXIT_CALLS
from guardfix.facts.mutations import classify_call
from guardfix.facts.orms import written_model
from guardfix.facts.orms.shape import chain_top
from guardfix.facts.pages import Pages
from guardfix.facts.schema import user_table
from guardfix.facts.submission import Submissions
from guardfix.facts.view import ProjectView
from guardfix.libraries import is_auth_library, public_flow
from guardfix.model import Api, MutationEvent, PublicFlow, ServerAction
from guardfix.module import Module
from guardfix.parse import is_source_path
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    member_parts,
    object_property,
    param_names,
    string_value,
    text,
    unwrap,
    unwrap_await,
    walk,
)

# What a sign-up creates: a user or an auth account.
SIGN_UP_MODEL = LazyPattern(user_table("user", "account"), re.IGNORECASE)
SESSION_MODEL = LazyPattern(r"^(auth_?|user_?)?sessions?(_?table)?$", re.IGNORECASE)
# The table of a raw SQL write: `INSERT INTO session ...`, `UPDATE "user" SET ...`.
SQL_WRITE = LazyPattern(
    r"\b(insert|update|delete)\s+(?:into\s+|from\s+)?[`\"']?(\w+)", re.IGNORECASE
)
# Token rows of the public flows, or a table of nothing but tokens; an API token or a
# discount code is something else.
TOKEN_MODEL = LazyPattern(
    r"reset|verif|invit|otp|magic|one_?time|^tokens?(_?table)?$", re.IGNORECASE
)
TOKEN_NAME = LazyPattern(r"token|code|otp", re.IGNORECASE)
# A cookie a sign-in sets: its name says session or token (`lookups.SESSION_COOKIE` reads more).
SIGN_IN_COOKIE = LazyPattern(r"sess|auth|token|sid|jwt", re.IGNORECASE)
PASSWORD = LazyPattern(r"password", re.IGNORECASE)
ROUTE = LazyPattern(
    r"(^|[-_.(])(sign-?in|sign-?up|log-?in|register|reset|forgot|verify|verification"
    r"|invite|invitation|accept)([-_.)]|$)",
    re.IGNORECASE,
)
READS = frozenset(
    {"findUnique", "findFirst", "findUniqueOrThrow", "findFirstOrThrow", "findMany", "select"}
)
WRITES = frozenset({"insert", "update", "upsert", "delete"})
CREATES = frozenset({"create", "createMany", "insert", "upsert"})
OTP_LIBRARIES = ("otplib", "@otplib/", "speakeasy", "otpauth", "@oslojs/otp", "oslo/otp")
OTP_CALLS = frozenset({"verify", "check", "verifyTOTP", "verifyHOTP", "verifySync"})
# The module an import names: `from "./actions"`, `import("./form")`, `export * from "x"`.
SPECIFIER = LazyPattern(rb"""(?:\bfrom|\bimport)\s*\(?\s*["']([^"'\n]+)["']""")
# How many import stems are searched for one by one before every file is indexed at once.
SEARCHED_STEMS = 8
# How deep project helpers are followed, and how far a library object is traced back.
MAX_DEPTH = 3


@dataclass(frozen=True)
class Signal:
    kind: str  # the flow it shows: "sign-up", "sign-in", "password-reset" ...
    evidence: str
    node: Node  # where in the function walked (a helper's signals sit at its call)
    identifies: bool = False  # past here the caller has an identity
    step: bool = False  # a write of the flow itself
    hint: bool = False  # counts only with a route that says so
    # A helper's cookie named by its parameter at this position: a signal only where the
    # caller passes a session cookie's name there (`setCookie("session", token)`).
    param: int | None = None
    sends: str | None = None  # "email" or "token": together they send a code or link


class Publicity:
    """Decides, per action, whether it is a public flow; helpers and routes are cached."""

    def __init__(self, project: ProjectView) -> None:
        self.project = project
        self._helpers: dict[tuple[str, int], list[Signal]] = {}
        self._importers: dict[str, list[tuple[str, str]]] = {}
        self._naming: dict[str, list[str]] = {}  # stem -> the files importing it
        self._indexed = False  # every file's imports are in `_naming`
        self.pages = Pages(project, self.imported_by)
        self.submissions = Submissions(project)

    def flow(
        self,
        action: ServerAction,
        module: Module,
        events: tuple[MutationEvent, ...],
        lookups: list[Node],
    ) -> tuple[PublicFlow | None, str | None]:
        """The verdict, or else the evidence of hints no route confirms."""
        public, hint = self.signed_out_flow(action, module, events, lookups)
        if public is None:
            public = self.submission(action, module, events, lookups)
        return public, hint

    def signed_out_flow(
        self,
        action: ServerAction,
        module: Module,
        events: tuple[MutationEvent, ...],
        lookups: list[Node],
    ) -> tuple[PublicFlow | None, str | None]:
        """Sign-up, sign-in, reset, verification, invitation, guest pages."""
        signals = self.signals(module, action.function, 0)
        signals += _redirect_away(action.function, lookups)
        strong = [s for s in signals if not s.hint]
        if {"email", "token"} <= {s.sends for s in signals}:
            strong += [s for s in signals if s.sends == "token"]
        if strong:
            return _verdict(strong[0].kind, signals, events), None
        if not signals:
            return None, None
        kind = self.route(module, action.name)
        if kind is None:  # an email alone is too common to doubt a login fix for it
            return None, next((s.evidence for s in signals if s.sends != "email"), None)
        return _verdict(kind, signals, events), None

    # -- what a function does -----------------------------------------------------------

    def signals(self, module: Module, fn: Node, depth: int) -> list[Signal]:
        body = fn.child_by_field_name("body")
        if body is None:
            return []
        found: list[Signal] = []
        for node in walk(body):
            if node.type == "call_expression":
                found += self.call(node, module, depth)
        return found

    def call(self, call: Node, module: Module, depth: int) -> list[Signal]:
        api = self.auth_api(call, module)
        if api is not None:
            kind, label = api
            return [Signal(kind, f"`{label}()` of the auth library", call, identifies=True)]
        cookie = _session_cookie(call)
        if cookie is not None:
            return [cookie]
        mutation = classify_call(call, module)
        if mutation is not None:
            operation, model = mutation.operation, written_model(mutation)
            if mutation.api is Api.SQL:
                operation, model = _sql_write(mutation.node) or (operation, None)
            return _write(mutation.node, mutation.api, operation, model)
        consumed = self.consumed(call, module)
        if consumed is not None:
            return [consumed]
        account = _account_with_password(call)
        if account is not None:
            return [account]
        callee = callee_of(call)
        if callee is None or callee.type != "identifier" or depth >= MAX_DEPTH:
            return []
        found = self.project.function_for(module, text(callee), call)
        if found is None:
            return []
        signals = self.helper(*found, depth + 1)
        return [_at(s, call, text(callee)) for s in signals if _passes(s, call)]

    def helper(self, module: Module, fn: Node, depth: int) -> list[Signal]:
        key = (module.path, fn.start_byte)
        if key not in self._helpers:
            self._helpers[key] = []  # recursion ends here
            self._helpers[key] = self.signals(module, fn, depth)
        return self._helpers[key]

    def auth_api(self, call: Node, module: Module) -> tuple[str, str] | None:
        """`signIn(...)`, `auth.api.signUpEmail(...)`, `supabase.auth.signUp(...)` of a library."""
        parts = member_parts(callee_of(call))
        if parts is None:
            return None
        names = parts if len(parts) == 1 else parts[1:]
        kind = next((flow for n in names if (flow := public_flow(n)) is not None), None)
        if kind is None or not self.library_object(module, parts[0], call, 0):
            return None
        return kind, ".".join(parts)

    def library_object(self, module: Module, name: str, at: Node | None, depth: int) -> bool:
        """`name` comes from an auth library: imported from one, or made by one of its calls."""
        origin = self.project.origin(module, name)
        if origin is not None and is_auth_library(origin.specifier):
            return True
        found = self.project.definition(module, name, at)
        if found is None or depth >= MAX_DEPTH:
            return False
        where, node = found
        value = unwrap_await(node.child_by_field_name("value"))
        if value is not None and value.type in FUNCTION_TYPES:
            return self.returns_library_object(where, value, depth + 1)
        if node.type in FUNCTION_TYPES:
            return self.returns_library_object(where, node, depth + 1)
        return value is not None and self.made_by_library(where, value, depth + 1)

    def made_by_library(self, module: Module, value: Node, depth: int) -> bool:
        """`NextAuth(config)`, `new Lucia(adapter)`, `await createClient()` ..."""
        if value.type not in ("call_expression", "new_expression"):
            return False
        maker = unwrap(
            value.child_by_field_name("function") or value.child_by_field_name("constructor")
        )
        parts = member_parts(maker)
        return parts is not None and self.library_object(module, parts[0], value, depth)

    def returns_library_object(self, module: Module, fn: Node, depth: int) -> bool:
        body = fn.child_by_field_name("body")
        if body is None:
            return False
        if body.type != "statement_block":
            returned = unwrap_await(body)
            return returned is not None and self.made_by_library(module, returned, depth)
        return any(
            node.type == "return_statement"
            and (value := unwrap_await(node.named_children[0] if node.named_children else None))
            is not None
            and self.made_by_library(module, value, depth)
            for node in walk(body)
        )

    def consumed(self, call: Node, module: Module) -> Signal | None:
        """A reset, verification or invitation row looked up, or an OTP verified."""
        parts = member_parts(callee_of(call)) or []
        name = callee_name(call) or ""
        if name in READS and len(parts) >= 2 and _by_token(parts[-2], call):
            return _consumed(parts[-2], call)
        if name == "from" and call_arguments(call):
            table = call_arguments(call)[0]
            model = string_value(table) or text(table)
            top = chain_top(call)
            chained = {callee_name(c) for c in chain_calls(top)}
            if _by_token(model, top) and not chained & WRITES:
                return _consumed(model, call)
        if name in OTP_CALLS and parts:
            origin = self.project.origin(module, parts[0])
            if origin is not None and origin.specifier.startswith(OTP_LIBRARIES):
                return Signal("verification", f"`{'.'.join(parts)}()` checks a code", call, True)
        return None

    # -- anonymous submissions, and pages open to anyone ----------------------------------

    def submission(
        self,
        action: ServerAction,
        module: Module,
        events: tuple[MutationEvent, ...],
        lookups: list[Node],
    ) -> PublicFlow | None:
        """Rows nobody owns added from a page that does not need a session. Where no page
        is found to use the action, nothing says who may: it stays a finding."""
        open_writes = [e.mutation for e in events if not e.guarded]
        if not open_writes:
            return None
        evidence = self.submissions.evidence(module, action.function, lookups)
        reached = self.pages.reached(module, action) if evidence is not None else None
        if evidence is None or not reached:
            return None
        for page, chain in reached.items():
            if self.pages.protects(page, chain) or self.pages.unread_middleware(page):
                return None  # the page protects the form (or may); the action does not
            if self.pages.on_the_way(page, chain, module.path):
                return None  # a component on the way may show it to signed-in users only
        pages = sorted(reached)
        spans = frozenset((m.node.start_byte, m.node.end_byte) for m in open_writes)
        return PublicFlow("submission", f"{evidence}, from `{pages[0]}`", None, spans)

    def open_page(self, action: ServerAction, module: Module) -> str | None:
        """A page that shows the action to anonymous visitors, in a project whose pages do
        look the session up elsewhere: a login requirement would break it."""
        reached = self.pages.reached(module, action)
        if not reached or not self.pages.session_pages() - reached.keys():
            return None
        return self.pages.open_page(reached, module.path)

    # -- where it is used ---------------------------------------------------------------

    def route(self, module: Module, action: str | None) -> str | None:
        """The flow the action's route names: its file's, or that of every file importing it."""
        own = _route_kind(module.path)
        if own is not None or action is None:
            return own
        kinds = [
            _route_kind(path) for path, name in self.imported_by(module) if name in (action, "*")
        ]
        return kinds[0] if kinds and all(kinds) else None

    def imported_by(self, module: Module) -> list[tuple[str, str]]:
        if module.path not in self._importers:
            self._importers[module.path] = list(self.importers(module))
        return self._importers[module.path]

    def importers(self, module: Module) -> Iterator[tuple[str, str]]:
        """(file, imported name) for each import of `module` in the project."""
        for path in self.naming(import_stem(module.path)):
            if path == module.path:
                continue
            other = self.project.module(path)
            for imported in other.imports.values() if other is not None else ():
                if self.project.resolver.resolve(path, imported.specifier) == module.path:
                    yield path, imported.name

    def naming(self, stem: str) -> list[str]:
        """The source files with an import whose last part is `stem`. The first few stems
        are searched for (git reads the files); past that, one read of every file indexes
        them all, so the cost stops growing with the number of actions."""
        if stem in self._naming or self._indexed:
            return self._naming.get(stem, [])
        if len(self._naming) >= SEARCHED_STEMS:
            self._naming, self._indexed = self._index(), True
            return self._naming.get(stem, [])
        self._naming[stem] = [
            path
            for path in self.project.files_containing(stem.encode())
            if stem in _imported_names(self.project.reader.read(path) or b"")
        ]
        return self._naming[stem]

    def _index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for path in (p for p in self.project.files() if is_source_path(p)):
            for name in _imported_names(self.project.reader.read(path) or b""):
                index.setdefault(name, []).append(path)
        return index


def import_stem(path: str) -> str:
    """The last part of the specifiers that import `path`: `form` for `app/form.tsx` and
    for `app/form/index.ts`."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    return posixpath.basename(posixpath.dirname(path)) if stem == "index" else stem


def _imported_names(content: bytes) -> set[str]:
    """The last part of each module the file imports: `form` for `./form`, `./form.tsx`,
    `./form/index`."""
    found = set()
    for specifier in SPECIFIER.findall(content):
        parts = specifier.decode("utf-8", "replace").split("/")
        last = parts[-1]
        for name in {last, posixpath.splitext(last)[0]}:
            found.add(parts[-2] if name == "index" and len(parts) > 1 else name)
    return found


def _verdict(kind: str, signals: list[Signal], events: tuple[MutationEvent, ...]) -> PublicFlow:
    anchor = next((s for s in signals if s.identifies), None)
    steps = {(s.node.start_byte, s.node.end_byte) for s in signals if s.step}
    writes = frozenset(
        span
        for e in events
        if (span := (e.mutation.node.start_byte, e.mutation.node.end_byte)) in steps
        or (anchor is not None and span[0] >= anchor.node.start_byte)
    )
    evidence = next((s for s in signals if not s.hint), signals[0]).evidence
    return PublicFlow(kind, evidence, anchor.evidence if anchor else None, writes)


def _write(node: Node, api: Api, operation: str, model: str | None) -> list[Signal]:
    """A database write or an email: which public step it is, if any."""
    label = text(node).split("(", 1)[0]
    if api is Api.EMAIL:
        evidence = f"`{label}()` sends an email"
        return [Signal("password-reset", evidence, node, step=True, hint=True, sends="email")]
    data = " ".join(text(a) for a in call_arguments(node))
    if operation in CREATES and model is not None and SESSION_MODEL.search(model):
        return [Signal("sign-in", f"`{label}` stores a session", node, identifies=True, step=True)]
    if operation in CREATES and model is not None and SIGN_UP_MODEL.search(model):
        return [Signal("sign-up", f"`{label}` creates a user", node, identifies=True, step=True)]
    if model is not None and TOKEN_MODEL.search(model) and not re.search("invit", model, re.I):
        evidence = f"`{label}` stores a token"
        return [Signal(_token_kind(model), evidence, node, step=True, hint=True, sends="token")]
    if operation in CREATES and PASSWORD.search(_data_keys(node) or data):
        return [Signal("sign-up", f"`{label}` stores a password", node, identifies=True, step=True)]
    if PASSWORD.search(_data_keys(node)):
        return [Signal("password-reset", f"`{label}` sets a password", node, hint=True)]
    return []


def _account_with_password(call: Node) -> Signal | None:
    """`account.create(ID.unique(), email, password)`: an auth service's own sign-up,
    given the password the caller chose."""
    name = callee_name(call) or ""
    if not (name in CREATES or name.startswith("create")):
        return None
    if not any(
        (arg := unwrap(a)) is not None
        and arg.type in ("identifier", "member_expression")
        and PASSWORD.search(text(arg))
        for a in call_arguments(call)
    ):
        return None
    label = text(callee_of(call))
    return Signal(
        "sign-up",
        f"`{label}()` creates an account with a password",
        call,
        identifies=True,
        step=True,
    )


def _data_keys(node: Node) -> str:
    """The keys a write sets (Prisma `data`, Drizzle `.set()` / `.values()`), as text."""
    calls = chain_calls(node) if node.type == "call_expression" else []
    objects = [object_property(a, "data") for a in call_arguments(node)]
    objects += [a for c in calls if callee_name(c) in ("set", "values") for a in call_arguments(c)]
    keys: list[str] = []
    for found in objects:
        obj = unwrap(found)
        if obj is not None and obj.type == "object":
            keys += [text(c.child_by_field_name("key") or c) for c in obj.named_children]
    return " ".join(keys)


def _by_token(model: str, lookup: Node) -> bool:
    """A token row looked up by its token: an invitation found by its `id` may be an
    admin revoking it; one found by its `token` is someone accepting it."""
    if not TOKEN_MODEL.search(model):
        return False
    if TOKEN_NAME.search(model):
        return True  # the row is the token: its id is the secret
    return any(
        n.type in ("property_identifier", "shorthand_property_identifier", "string_fragment")
        and TOKEN_NAME.search(text(n)) is not None
        for n in walk(lookup)
    )


def _consumed(model: str, call: Node) -> Signal:
    return Signal(_token_kind(model), f"`{model}` is looked up", call, identifies=True)


def _token_kind(model: str) -> str:
    lowered = model.lower()
    if "reset" in lowered:
        return "password-reset"
    if "invit" in lowered:
        return "invitation"
    return "verification"


def _at(signal: Signal, call: Node, helper: str) -> Signal:
    """A helper's signal, seen from its call."""
    evidence = f"{signal.evidence} in `{helper}()`"
    return replace(signal, evidence=evidence, node=call, param=None)


def _session_cookie(call: Node) -> Signal | None:
    """`cookies().set("session", ...)`, `cookieStore.set(sessionCookie.name, ...)`."""
    callee = callee_of(call)
    if callee is None or callee.type != "member_expression" or callee_name(call) != "set":
        return None
    store = unwrap_await(callee.child_by_field_name("object"))
    if store is None or "cookie" not in text(store).lower():
        return None
    args = call_arguments(call)
    first = unwrap(args[0]) if args else None
    name = object_property(first, "name") if first is not None and first.type == "object" else first
    evidence = f"`{text(callee)}` sets the session cookie"
    if name is not None and name.type == "identifier":
        position = _param_position(call, text(name))
        if position is not None:
            return Signal("sign-in", evidence, call, identifies=True, param=position)
    if SIGN_IN_COOKIE.search(string_value(name) or text(name)):
        return Signal("sign-in", evidence, call, identifies=True)
    return None


def _param_position(node: Node, name: str) -> int | None:
    """The position of parameter `name` of the function around `node`."""
    fn = node.parent
    while fn is not None and fn.type not in FUNCTION_TYPES:
        fn = fn.parent
    names = param_names(fn) if fn is not None else []
    return names.index(name) if name in names else None


def _passes(signal: Signal, call: Node) -> bool:
    """A helper's cookie signal holds for this call: it passes a session cookie's name."""
    if signal.param is None:
        return True
    args = call_arguments(call)
    if signal.param >= len(args):
        return False
    name = unwrap(args[signal.param])
    return name is not None and SIGN_IN_COOKIE.search(string_value(name) or text(name)) is not None


def _sql_write(node: Node) -> tuple[str, str] | None:
    """(operation, table) of a raw SQL write: `INSERT INTO session ...` is an insert."""
    args = call_arguments(node)
    match = SQL_WRITE.search(text(args[0])) if args else None
    return (match.group(1).lower(), match.group(2)) if match is not None else None


def _redirect_away(fn: Node, lookups: list[Node]) -> list[Signal]:
    """`if (session) redirect("/dashboard")`: signed-in callers are sent away."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return []
    names = opening_session_names(fn, lookups)
    for stmt in body.named_children:
        if stmt.type != "if_statement":
            continue
        condition = unwrap(stmt.child_by_field_name("condition"))
        parts = member_parts(condition)
        consequence = stmt.child_by_field_name("consequence")
        if parts is None or parts[0] not in names or consequence is None:
            continue
        if any(
            n.type == "return_statement"
            or (n.type == "call_expression" and callee_name(n) in EXIT_CALLS)
            for n in walk(consequence)
        ):
            evidence = f"`if ({text(condition)})` sends signed-in callers away"
            return [Signal("guest", evidence, stmt, hint=True)]
    return []


def opening_session_names(fn: Node, lookups: list[Node]) -> set[str]:
    """Names the function's own top-level declarations bind to a session lookup's result,
    or to a value read from one (`submission.session_names` looks at every depth)."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return set()
    spans = {(n.start_byte, n.end_byte) for n in lookups}
    names: set[str] = set()
    for stmt in body.named_children:
        if stmt.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for decl in stmt.named_children:
            value = unwrap_await(decl.child_by_field_name("value"))
            pattern = decl.child_by_field_name("name")
            if value is None or pattern is None:
                continue
            parts = member_parts(value)
            if (value.start_byte, value.end_byte) not in spans and (
                parts is None or parts[0] not in names
            ):
                continue
            if pattern.type == "identifier":
                names.add(text(pattern))
            else:
                names.update(text(n) for n in walk(pattern) if n.type.startswith("shorthand"))
    return names


def _route_kind(path: str) -> str | None:
    """The flow a path names: `app/(auth)/reset-password/actions.ts` is a reset."""
    for segment in reversed(path.split("/")):
        match = ROUTE.search(segment)
        if match is not None:
            return _ROUTE_KINDS.get(match.group(2).lower().replace("-", ""), "guest")
    return None


_ROUTE_KINDS = {
    "signin": "sign-in",
    "login": "sign-in",
    "signup": "sign-up",
    "register": "sign-up",
    "reset": "password-reset",
    "forgot": "password-reset",
    "verify": "verification",
    "verification": "verification",
    "invite": "invitation",
    "invitation": "invitation",
    "accept": "invitation",
}
