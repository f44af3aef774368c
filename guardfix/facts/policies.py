"""Row Level Security as the project's Supabase SQL migrations declare it.

A Supabase client made with the anon or publishable key runs as the caller: with RLS
enabled on a table, Postgres applies the table's policies to every write. A policy that
compares `auth.uid()` to a column (`using (auth.uid() = owner_id)`) keeps the write to
the caller's own rows, and refuses an anonymous caller (whose `auth.uid()` is null).
A client made with the service-role or secret key bypasses RLS: its writes are what the
code says they are.

The migrations (`supabase/migrations/*.sql`, then the declarative `supabase/schemas/*.sql`)
are replayed in file-name order: `create policy`, `drop policy`, `alter policy`,
`alter table ... enable/disable row level security`, `drop table`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.view import ProjectView
from guardfix.model import Api
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    declared_value,
    object_property,
    text,
    unwrap,
    unwrap_await,
)

if TYPE_CHECKING:
    from guardfix.model import Mutation, Scope
    from guardfix.module import Module

SQL_FILE = LazyPattern(r"(^|/)supabase/(migrations|schemas)/[^/]+\.sql$")
TOKEN = LazyPattern(
    r"\s+|--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|[<>!=]=|<>|->>?|\w+|.",
    re.DOTALL,
)
DOLLAR_QUOTED = LazyPattern(r"\$(\w*)\$.*?\$\1\$", re.DOTALL)
COMMANDS = frozenset({"all", "select", "insert", "update", "delete"})
# The roles whose policies apply to a signed-in caller and to an anonymous one; a policy
# for other roles (`service_role`) never applies to a user-scoped client.
SIGNED_IN_ROLES = frozenset({"public", "authenticated"})
ANONYMOUS_ROLES = frozenset({"public", "anon"})
# A disjunct only the service role satisfies: `auth.role() = 'service_role'`.
SERVICE_ROLE_TEST = LazyPattern(r"^auth\.(role\(\)|jwt\(\)->>'role')='service_role'$")
# A disjunct that holds only for a signed-in caller.
SIGNED_IN_TEST = LazyPattern(
    r"^(\(selectauth\.uid\(\)\)|auth\.uid\(\))isnotnull$|^auth\.role\(\)='authenticated'$"
)
UID = LazyPattern(r"^\(?(select)?auth\.uid\(\)\)?$")
COLUMN = LazyPattern(r"^(\w+\.)?\w+$")
NOT_COLUMNS = frozenset({"null", "true", "false", "current_user", "session_user"})
# Supabase client factories and the argument that carries the key.
FACTORIES = {
    "@supabase/ssr": frozenset({"createServerClient", "createBrowserClient"}),
    "@supabase/supabase-js": frozenset({"createClient"}),
}
# auth-helpers factories read the anon key from the environment unless given `supabaseKey`.
AUTH_HELPERS = "@supabase/auth-helpers-nextjs"
BYPASS_KEY = LazyPattern(r"service_?role|secret", re.IGNORECASE)
USER_KEY = LazyPattern(r"anon|publishable", re.IGNORECASE)
MAX_DEPTH = 4


@dataclass
class Policy:
    command: str  # "all", "insert", ...
    permissive: bool
    roles: frozenset[str]
    using: list[str] | None
    check: list[str] | None


@dataclass
class Rls:
    """The tables with RLS enabled and their policies, keyed by table then policy name."""

    enabled: set[str] = field(default_factory=set)
    policies: dict[str, dict[str, Policy]] = field(default_factory=dict)

    def owner_columns(self, table: str, command: str, clause: str) -> frozenset[str] | None:
        """The columns every policy for `command` compares to `auth.uid()` in `clause`
        ("using" or "check"); None when RLS or such a policy does not hold the write."""
        if table not in self.enabled:
            return None
        found = [p for p in self._applying(table, command) if p.roles & SIGNED_IN_ROLES]
        restrictive = [c for p in found if not p.permissive if (c := _owners(p, clause))]
        if restrictive:
            return frozenset().union(*restrictive)
        permissive = [frozenset(_owners(p, clause)) for p in found if p.permissive]
        if not permissive or not all(permissive):
            return None
        return frozenset.intersection(*permissive)

    def refuses_anonymous(self, table: str, command: str) -> bool:
        """Every policy that lets the anon role run `command` needs a signed-in caller."""
        if table not in self.enabled or not self._applying(table, command):
            return False
        clause = "check" if command == "insert" else "using"
        for policy in self._applying(table, command):
            if not policy.roles & ANONYMOUS_ROLES:
                continue
            expression = _clause(policy, clause)
            if policy.permissive and (expression is None or not _signed_in_only(expression)):
                return False
        return True

    def _applying(self, table: str, command: str) -> list[Policy]:
        policies = self.policies.get(table, {}).values()
        return [p for p in policies if p.command in (command, "all")]


_CACHE: WeakKeyDictionary[ProjectView, Rls] = WeakKeyDictionary()


def rls(project: ProjectView) -> Rls:
    """What the project's Supabase SQL files declare, read once per run."""
    if project not in _CACHE:
        found = Rls()
        paths = sorted(
            (p for p in project.files() if SQL_FILE.search(p)),
            key=lambda p: ("schemas/" in p, posixpath.basename(p)),
        )
        for path in paths:
            content = project.reader.read(path)
            if content is not None:
                replay(found, content.decode("utf-8", "replace"))
        _CACHE[project] = found
    return _CACHE[project]


def replay(state: Rls, sql: str) -> None:
    """Apply the RLS statements of one SQL file to `state`."""
    for statement in _statements(sql):
        words = [t.lower() for t in statement]
        if words[:2] == ["create", "policy"]:
            _create(state, statement)
        elif words[:2] in (["drop", "policy"], ["alter", "policy"]):
            _drop_or_alter(state, statement)
        elif words[:2] == ["alter", "table"] and "level" in words and "security" in words:
            table = _table(statement, 2)
            if table is not None and "enable" in words:
                state.enabled.add(table)
            elif table is not None and "disable" in words:
                state.enabled.discard(table)
        elif words[:2] == ["drop", "table"]:
            table = _table(statement, 2)
            state.enabled.discard(table or "")
            state.policies.pop(table or "", None)


def _statements(sql: str) -> list[list[str]]:
    """Each statement as its tokens; comments, blanks and function bodies left out."""
    tokens = [
        t
        for t in TOKEN.findall(DOLLAR_QUOTED.sub("''", sql))
        if t.strip() and not t.startswith(("--", "/*"))
    ]
    statements: list[list[str]] = [[]]
    for token in tokens:
        if token == ";":
            statements.append([])
        else:
            statements[-1].append(token)
    return [s for s in statements if s]


def _name(token: str) -> str:
    return token[1:-1].replace('""', '"') if token.startswith('"') else token.lower()


def _table(tokens: list[str], at: int) -> str | None:
    """The table named at `at` (after `if exists` / `only`), without its `public.` schema."""
    words = [t.lower() for t in tokens]
    while at < len(tokens) and words[at] in ("if", "exists", "only"):
        at += 1
    if at >= len(tokens):
        return None
    name = _name(tokens[at])
    if at + 2 < len(tokens) and tokens[at + 1] == ".":
        if name != "public":
            return None  # `supabase.from(t)` writes the public schema
        name = _name(tokens[at + 2])
    return name


def _create(state: Rls, tokens: list[str]) -> None:
    words = [t.lower() for t in tokens]
    if "on" not in words:
        return
    on = words.index("on")
    table = _table(tokens, on + 1)
    if table is None:
        return
    head = _head(words)
    commands = [w for w, before in zip(head[1:], head, strict=False) if before == "for"]
    policy = Policy(
        commands[0] if commands and commands[0] in COMMANDS else "all",
        "restrictive" not in head,
        _roles(head) or frozenset({"public"}),
        _expression(tokens, "using"),
        _expression(tokens, "check"),
    )
    state.policies.setdefault(table, {})[_name(tokens[2])] = policy


def _drop_or_alter(state: Rls, tokens: list[str]) -> None:
    words = [t.lower() for t in tokens]
    name_at = 4 if words[2:4] == ["if", "exists"] else 2
    if name_at + 2 >= len(tokens) or words[name_at + 1] != "on":
        return
    table = _table(tokens, name_at + 2)
    policies = state.policies.get(table or "", {})
    name = _name(tokens[name_at])
    policy = policies.pop(name, None)
    if words[0] != "alter" or policy is None:
        return
    if "rename" in words:
        policies[_name(tokens[-1])] = policy
        return
    policy.using = _expression(tokens, "using") or policy.using
    policy.check = _expression(tokens, "check") or policy.check
    policy.roles = _roles(_head(words)) or policy.roles
    policies[name] = policy


def _head(words: list[str]) -> list[str]:
    """A policy statement's words before its expressions: name, table, command, roles."""
    ends = [i for i, w in enumerate(words) if w in ("using", "with")]
    return words[: ends[0]] if ends else words


def _roles(head: list[str]) -> frozenset[str] | None:
    """The roles after `to`; None when the statement names none."""
    if "to" not in head:
        return None
    return frozenset(w.strip('"') for w in head[head.index("to") + 1 :] if w != ",")


def _expression(tokens: list[str], keyword: str) -> list[str] | None:
    """The tokens inside the parentheses after `using` or `with check`."""
    words = [t.lower() for t in tokens]
    for i, word in enumerate(words[:-1]):
        if word == keyword and tokens[i + 1] == "(":
            return _balanced(tokens, i + 1)
    return None


def _balanced(tokens: list[str], start: int) -> list[str]:
    depth = 0
    for i in range(start, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[i], 0)
        if depth == 0:
            return tokens[start + 1 : i]
    return tokens[start + 1 :]


def _clause(policy: Policy, clause: str) -> list[str] | None:
    """A policy's expression for `clause`; a missing `with check` is the `using` one."""
    if clause == "check":
        return policy.check if policy.check is not None else policy.using
    return policy.using


def _owners(policy: Policy, clause: str) -> set[str]:
    """Columns compared to `auth.uid()` in every disjunct of the clause (service-role
    tests aside); empty when one disjunct lets other rows through."""
    expression = _clause(policy, clause)
    if expression is None:
        return set()
    owners: set[str] | None = None
    for disjunct in _split(_strip(expression), "or"):
        if SERVICE_ROLE_TEST.match(_compact(_strip(disjunct))):
            continue
        columns = {c for conjunct in _split(_strip(disjunct), "and") if (c := _owner(conjunct))}
        owners = columns if owners is None else owners & columns
        if not owners:
            return set()
    return owners or set()


def _signed_in_only(expression: list[str]) -> bool:
    """Every disjunct needs `auth.uid()`: an owner comparison or a signed-in test."""
    for disjunct in _split(_strip(expression), "or"):
        conjuncts = _split(_strip(disjunct), "and")
        if not any(
            _owner(c)
            or SIGNED_IN_TEST.match(_compact(_strip(c)))
            or SERVICE_ROLE_TEST.match(_compact(_strip(c)))
            for c in conjuncts
        ):
            return False
    return True


def _owner(conjunct: list[str]) -> str | None:
    """`auth.uid() = owner_id` (either side, casts and `(select ...)` allowed): the column."""
    sides = _split(_strip(conjunct), "=")
    if len(sides) != 2:
        return None
    left, right = (_compact(_strip(s)) for s in sides)
    for uid, other in ((left, right), (right, left)):
        if UID.match(uid) and COLUMN.match(other) and other not in NOT_COLUMNS:
            return other.rsplit(".", 1)[-1]
    return None


def _split(tokens: list[str], separator: str) -> list[list[str]]:
    """Split at `separator` outside parentheses."""
    parts: list[list[str]] = [[]]
    depth = 0
    for token in tokens:
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth == 0 and token.lower() == separator:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _strip(tokens: list[str]) -> list[str]:
    """Without enclosing parentheses and trailing `::type` casts."""
    while True:
        if len(tokens) >= 2 and tokens[-2] == "::":
            tokens = tokens[:-2]
        elif tokens[:1] == ["("] and _balanced(tokens, 0) == tokens[1:-1]:
            tokens = tokens[1:-1]
        else:
            return tokens


def _compact(tokens: list[str]) -> str:
    return "".join(t if t.startswith("'") else _name(t) for t in tokens)


# -- which client a Supabase write goes through -----------------------------------------


def scoped_table(project: ProjectView, module: Module, mutation: Mutation) -> str | None:
    """The table of a direct `supabase.from(t).<write>` made through a client that RLS
    applies to (anon or publishable key); None for a service-role client or one that
    cannot be read."""
    if mutation.api is not Api.SUPABASE or mutation.via is not None:
        return None
    calls = chain_calls(mutation.node)
    source = next((c for c in calls if callee_name(c) == "from"), None)
    callee = callee_of(source) if source is not None else None
    if source is None or callee is None or callee.type != "member_expression":
        return None
    args = call_arguments(source)
    table = unwrap(args[0]) if args else None
    if table is None or table.type != "string":
        return None
    client = callee.child_by_field_name("object")
    if _client_kind(project, module, client, 0) != "user":
        return None
    return text(table)[1:-1]


def _client_kind(project: ProjectView, module: Module, node: Node | None, depth: int) -> str | None:
    """ "user" when RLS applies to the client `node` is, "bypass" for a service-role
    client, None when it cannot be told."""
    node = unwrap_await(node)
    if node is None or depth > MAX_DEPTH:
        return None
    if node.type == "identifier":
        found = project.definition(module, text(node), node)
        value = declared_value(found[1]) if found is not None else None
        return _client_kind(project, found[0], value, depth + 1) if found else None
    if node.type != "call_expression":
        return None
    callee = callee_of(node)
    if callee is None or callee.type != "identifier":
        return None
    origin = project.origin(module, text(callee))
    if origin is not None and origin.specifier in FACTORIES:
        if origin.name not in FACTORIES[origin.specifier]:
            return None
        args = call_arguments(node)
        return _key_kind(project, module, args[1] if len(args) > 1 else None)
    if origin is not None and origin.specifier == AUTH_HELPERS:
        keys = [k for a in call_arguments(node) if (k := object_property(a, "supabaseKey"))]
        return _key_kind(project, module, keys[0]) if keys else "user"
    found = project.function_for(module, text(callee), node)
    if found is None:
        return None
    kinds = {_client_kind(project, found[0], r, depth + 1) for r in _returned(found[1])}
    return kinds.pop() if len(kinds) == 1 else None


def _key_kind(project: ProjectView, module: Module, key: Node | None) -> str | None:
    key = unwrap(key)
    if key is not None and key.type == "identifier":
        found = project.definition(module, text(key), key)
        key = declared_value(found[1]) if found is not None else None
    if key is None:
        return None
    if BYPASS_KEY.search(text(key)):
        return "bypass"
    return "user" if USER_KEY.search(text(key)) else None


def _returned(fn: Node) -> list[Node | None]:
    """What a function returns: an arrow's expression body, or its `return` values."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    found: list[Node | None] = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES:
            continue
        if node.type == "return_statement":
            found.append(node.named_children[0] if node.named_children else None)
        stack.extend(node.named_children)
    return found


# -- what RLS changes in the facts -------------------------------------------------------

# Which policy clause holds each write: the rows it may pick, and the rows it may leave.
ROW_CLAUSES = {"update": ("update", "using"), "delete": ("delete", "using")}
NEW_ROW_CLAUSES = {
    "insert": (("insert", "check"),),
    "update": (("update", "using"), ("update", "check")),
    "upsert": (("insert", "check"), ("update", "using"), ("update", "check")),
    "delete": (("delete", "using"),),
}


def rls_scoped(project: ProjectView, module: Module, scope: Scope) -> Scope:
    """A write's scope as RLS leaves it: rows picked by the caller's input are the caller's
    own when the table's policy compares `auth.uid()` to an owner column, and an identity
    column the policy checks cannot be set to anyone else."""
    table = scoped_table(project, module, scope.mutation)
    if table is None:
        return scope
    state = rls(project)
    operation = scope.mutation.operation
    owned = scope.owned
    if operation in ROW_CLAUSES:
        owned = owned or bool(state.owner_columns(table, *ROW_CLAUSES[operation]))
    checked: frozenset[str] | None = None
    for command, clause in NEW_ROW_CLAUSES.get(operation, ()):
        columns = state.owner_columns(table, command, clause) or frozenset()
        checked = columns if checked is None else checked & columns
    identity = tuple((key, value) for key, value in scope.identity if key not in (checked or ()))
    return replace(
        scope,
        owned=owned,
        identity=identity,
        owner_from_client=scope.owner_from_client and bool(identity),
    )


def rls_refuses(project: ProjectView, module: Module, mutation: Mutation) -> str | None:
    """Why the database turns an anonymous caller's write away: RLS on the table lets
    only a signed-in caller run it."""
    table = scoped_table(project, module, mutation)
    commands = ("insert", "update") if mutation.operation == "upsert" else (mutation.operation,)
    if table is None or not all(rls(project).refuses_anonymous(table, c) for c in commands):
        return None
    return (
        f"row level security on `{table}` lets only a signed-in caller "
        f"{mutation.operation} through this client"
    )
