"""The auth libraries guardfix knows, one TOML file each in this folder.

A file says how the library's session lookups are recognised (`[[lookup]]`) and which
guard a fix inserts for it (`[fix]`, or `no-fix` with the reason there is none). Both
detection (facts/lookups.py) and the codemods read these descriptions, so a library is
described once; adding one is adding a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from guardfix import tomlfile
from guardfix.facts.values import (
    CLERK_AUTH,
    KINDE_SESSION,
    NO_SESSION,
    OBJECT_OF_NULLS,
    SUPABASE_AUTH,
    Val,
)

FOLDER = Path(__file__).parent
ANY = "*"

# What a lookup yields for an anonymous caller, by the name a description gives it;
# None: the call is no session lookup at all (firebase-admin's `auth()`).
RETURNS: dict[str, Val | None] = {
    "no-session": NO_SESSION,  # null or undefined
    "object-of-nulls": OBJECT_OF_NULLS,  # `{ user: null, session: null }`
    "signed-in": Val("truthy", session=True),  # only returns for a signed-in caller
    "clerk-auth": CLERK_AUTH,
    "supabase-auth": SUPABASE_AUTH,
    "kinde-session": KINDE_SESSION,
    "not-a-session": None,
}
# The public flows a library's own call may belong to (`signUpEmail`: a sign-up).
FLOWS = ("sign-up", "sign-in", "password-reset", "verification")


class LibraryError(Exception):
    """A library description that cannot be used: `<file>: <key>: <what is wrong>`."""


@dataclass(frozen=True)
class StopsWhen:
    """The lookup stops an anonymous caller itself when its first argument's `property`
    is one of `values` (`ensureSignedIn: true`, `or: "throw"`)."""

    property: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class LookupRule:
    # `getSession`: a call of that imported name (`*`: any name from `modules`);
    # `auth.getUser`: a member call ending so; `*.getSession`: any object's `getSession`.
    call: str
    modules: tuple[str, ...]  # where the name is imported from; `*`: anywhere, `x/`: below x
    returns: Val | None
    stops: bool  # the call itself throws or redirects when nobody is signed in
    is_async: bool  # returns a promise (False where a library has both forms)
    stops_when: StopsWhen | None
    root_contains: str  # a member call's object name contains this (lower case)
    wraps_callback: bool  # given a function, it wraps a handler: no lookup then

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.call.split("."))

    @property
    def member(self) -> bool:
        return "." in self.call

    def from_module(self, specifier: str) -> bool:
        return matches(self.modules, specifier)


def matches(modules: tuple[str, ...], specifier: str) -> bool:
    """`specifier` is one of `modules`: `*` is any, `x/` anything below x."""
    return any(
        m == ANY or specifier == m or (m.endswith("/") and specifier.startswith(m)) for m in modules
    )


@dataclass(frozen=True)
class FixImport:
    name: str
    module: str | None  # imported from this package
    exported_by: str | None  # or from the project file exporting `name` that contains this
    type_only: bool


@dataclass(frozen=True)
class FixPreset:
    package: str  # in package.json, the preset applies
    guard: str  # the lookup and its check (LF, two spaces per level)
    user_id: str  # the caller's id once the check has passed
    imports: tuple[FixImport, ...]
    min_major: int  # the package versions it applies to
    max_major: int | None
    prefer_others: bool  # another library's preset wins (Supabase is often only the database)
    # Text one of which the project's auth setup (the file exporting the first import) must
    # hold for `user_id` to exist (`adapter`, a `session(` callback); else `plain_guard`,
    # which checks only that someone is signed in, and there is no user id to write.
    id_needs: tuple[str, ...] = ()
    plain_guard: str | None = None

    def applies_to(self, major: int | None) -> bool:
        """The package's major version (None: not known) is one the preset is for."""
        if major is None:
            return self.min_major == 0
        return self.min_major <= major and (self.max_major is None or major <= self.max_major)


@dataclass(frozen=True)
class AuthLibrary:
    file: str
    name: str
    package: str | None  # None: a convention no package provides
    modules: tuple[str, ...]  # where the library's own code is imported from
    public_calls: tuple[tuple[str, str], ...]  # (its call, the public flow it belongs to)
    lookup_rules: tuple[LookupRule, ...]
    fix: FixPreset | None
    no_fix: str | None  # why there is no preset


T = TypeVar("T")
D = TypeVar("D")


class _Table:
    """A TOML table read key by key; what is left over is an unknown key."""

    def __init__(self, file: str, where: str, data: Any) -> None:
        self.file, self.where = file, where
        if not isinstance(data, dict):
            raise self.error("", "must be a table")
        self.data: dict[str, Any] = dict(data)

    def error(self, key: str, what: str) -> LibraryError:
        path = f"{self.where}.{key}" if self.where and key else self.where or key
        return LibraryError(f"{self.file}: {path}: {what}")

    def get(self, key: str, kind: type[T]) -> T:
        if key not in self.data:
            raise self.error(key, "missing")
        value = self.data.pop(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"must be {_KIND_NAMES[kind]}, not {value!r}")
        if isinstance(value, str) and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def optional(self, key: str, kind: type[T], default: D) -> T | D:
        return self.get(key, kind) if key in self.data else default

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list)
        if not value or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, "must be a non-empty list of non-empty strings")
        return tuple(value)

    def done(self) -> None:
        for key in self.data:
            raise self.error(key, "unknown key")


_KIND_NAMES: dict[type, str] = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    list: "a list",
    dict: "a table",
}


def _lookup(file: str, where: str, data: Any) -> LookupRule:
    table = _Table(file, where, data)
    call = table.get("call", str)
    if not all(p.isidentifier() or p == ANY for p in call.split(".")):
        raise table.error("call", f"must be a name or a dotted path, not {call!r}")
    modules = table.strings("from")
    returns = table.get("returns", str)
    if returns not in RETURNS:
        raise table.error("returns", f"must be one of {', '.join(RETURNS)}, not {returns!r}")
    stops_when = None
    if "stops-when" in table.data:
        when = _Table(file, f"{where}.stops-when", table.get("stops-when", dict))
        stops_when = StopsWhen(when.get("property", str), when.strings("is"))
        when.done()
    rule = LookupRule(
        call=call,
        modules=modules,
        returns=RETURNS[returns],
        stops=table.optional("stops", bool, False),
        is_async=table.optional("async", bool, True),
        stops_when=stops_when,
        root_contains=table.optional("root-contains", str, "").lower(),
        wraps_callback=table.optional("wraps-callback", bool, False),
    )
    table.done()
    return rule


def _fix(file: str, data: Any, package: str) -> FixPreset:
    table = _Table(file, "fix", data)
    imports = []
    for index, item in enumerate(table.get("imports", list)):
        entry = _Table(file, f"fix.imports[{index}]", item)
        name = entry.get("name", str)
        module = entry.optional("from", str, None)
        exported_by = entry.optional("exported-by", str, None)
        type_only = entry.optional("type", bool, False)
        entry.done()
        if (module is None) == (exported_by is None):
            raise entry.error("from", "give either `from` (a package) or `exported-by`")
        imports.append(FixImport(name, module, exported_by, type_only))
    preset = FixPreset(
        package=package,
        guard=table.get("guard", str).strip("\n"),
        user_id=table.get("user-id", str),
        imports=tuple(imports),
        min_major=table.optional("min-major", int, 0),
        max_major=table.optional("max-major", int, None),
        prefer_others=table.optional("prefer-others", bool, False),
        id_needs=table.strings("user-id-needs") if "user-id-needs" in table.data else (),
        plain_guard=(table.optional("plain-guard", str, None) or "").strip("\n") or None,
    )
    table.done()
    if bool(preset.id_needs) != (preset.plain_guard is not None):
        raise table.error("plain-guard", "give `user-id-needs` and `plain-guard` together")
    return preset


def _library(path: Path) -> AuthLibrary:
    file = path.name
    try:
        data = tomlfile.loads(path.read_text(encoding="utf-8"))
    except tomlfile.TOMLDecodeError as exc:
        raise LibraryError(f"{file}: not valid TOML ({exc})") from None
    table = _Table(file, "", data)
    name = table.get("name", str)
    package = table.optional("package", str, None)
    modules = table.strings("modules") if "modules" in table.data else ()
    public_calls = _public_calls(file, table.optional("public-calls", dict, {}))
    lookups = tuple(
        _lookup(file, f"lookup[{i}]", item) for i, item in enumerate(table.get("lookup", list))
    )
    fix_table = table.optional("fix", dict, None)
    no_fix = table.optional("no-fix", str, None)
    table.done()  # a misspelt key says so before what it leaves missing
    if (fix_table is None) == (no_fix is None):
        raise table.error("fix", "give either a [fix] table or `no-fix` with the reason")
    if fix_table is not None and package is None:
        raise table.error("package", "missing (a [fix] applies to a package in package.json)")
    fix = _fix(file, fix_table, package) if fix_table is not None and package else None
    if public_calls and not modules:
        raise table.error("modules", "missing (public calls count only from these modules)")
    return AuthLibrary(file, name, package, modules, public_calls, lookups, fix, no_fix)


def _public_calls(file: str, data: Any) -> tuple[tuple[str, str], ...]:
    table = _Table(file, "public-calls", data)
    calls = tuple(
        (name, flow) for flow in FLOWS if flow in table.data for name in table.strings(flow)
    )
    table.done()
    for name, _ in calls:
        if not name.isidentifier():
            raise table.error("", f"{name!r} is not a name")
    return calls


@cache
def load(folder: Path) -> tuple[AuthLibrary, ...]:
    """Every description in `folder`, validated, by file name."""
    found = tuple(_library(path) for path in sorted(folder.glob("*.toml")))
    flows: dict[str, str] = {}
    for library in found:
        for name, flow in library.public_calls:
            if flows.setdefault(name, flow) != flow:
                raise LibraryError(
                    f"{library.file}: public-calls.{flow}: {name!r} is a {flows[name]} elsewhere"
                )
    return found


def libraries() -> tuple[AuthLibrary, ...]:
    return load(FOLDER)


@cache
def _rules(folder: Path) -> tuple[LookupRule, ...]:
    # A rule tied to modules goes before one for any module, and a longer member path
    # before a shorter one: Clerk's `auth` before the project's own `auth`.
    rules = [rule for library in load(folder) for rule in library.lookup_rules]
    return tuple(sorted(rules, key=_specificity))


def _specificity(rule: LookupRule) -> tuple[bool, int]:
    return (ANY in rule.modules, -sum(p != ANY for p in rule.parts))


def lookup_rules() -> tuple[LookupRule, ...]:
    """Every library's lookup rules, the most specific first."""
    return _rules(FOLDER)


@cache
def _flows(folder: Path) -> dict[str, str]:
    return {name: flow for library in load(folder) for name, flow in library.public_calls}


def public_flow(name: str) -> str | None:
    """The public flow an auth library's own call belongs to (`signUpEmail`: sign-up)."""
    return _flows(FOLDER).get(name)


@cache
def _modules(folder: Path) -> tuple[str, ...]:
    return tuple(m for library in load(folder) for m in library.modules)


def is_auth_library(specifier: str) -> bool:
    """`specifier` is an auth library's module."""
    return matches(_modules(FOLDER), specifier)
