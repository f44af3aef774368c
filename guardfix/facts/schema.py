"""What prisma/schema.prisma and Drizzle tables say, and when the database itself refuses an
anonymous caller.

Row level security refuses one too: see policies.py.

`data: { authorId: session?.user?.id }` on a required relation fails for a caller with
no session, and so does a unique `where: { id: session?.user?.id }`: Prisma rejects an
undefined value there. The action still relies on the database to turn the caller away.
A session value in a filter next to other keys is different: Prisma drops the undefined
key, the filter disappears and any row matches.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from guardfix.facts.orms import written_model
from guardfix.facts.policies import rls_refuses
from guardfix.facts.view import ProjectView
from guardfix.model import Api, Mutation, MutationEvent, PublicFlow
from guardfix.module import Module
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    declared_value,
    member_parts,
    object_property,
    string_value,
    text,
    unwrap,
    walk,
)

PRISMA_MODEL = LazyPattern(r"^\s*model\s+(\w+)\s*\{(.*?)^\s*\}", re.MULTILINE | re.DOTALL)
# `author User @relation(fields: [authorId], references: [id])`: field, model, arguments.
PRISMA_RELATION = LazyPattern(r"^\s*(\w+)\s+(\w+)\??\s+@relation\(([^)]*)\)", re.MULTILINE)
TENANT_MODEL = LazyPattern(r"^(team|org|organi[sz]ation|workspace|tenant|company)s?$", re.I)
# A relation that records who made or changed a row, not whose it is: a catalogue every
# member uses still says who added each item.
AUDIT_RELATION = LazyPattern(r"(creat|updat|delet|modifi|chang)ed_?by", re.IGNORECASE)
# How far `references` follows a model's relations to find whom its rows belong to.
OWNER_DEPTH = 3
# Writes whose `where` must name a unique row: Prisma throws when its value is undefined.
UNIQUE_WHERE = frozenset({"update", "delete", "upsert"})
# A field of a Prisma model: name, type, `?` or `[]`, the rest of the line.
PRISMA_FIELD = LazyPattern(r"^\s*(\w+)\s+(\w+)(\?|\[\])?(.*)$", re.MULTILINE)
PRISMA_FIELDS = LazyPattern(r"fields:\s*\[\s*(\w+)")


def user_table(*words: str) -> str:
    """The name of a table of users, by the words it may say: `users`, `userTable`,
    `auth_user`, `Profile` for ("user", "profile")."""
    return rf"^(auth_?)?({'|'.join(words)})s?(_?table)?$"


# The model or table of the users, and a column named for the user a row belongs to.
USER_TABLE = LazyPattern(user_table("user", "profile", "account", "member"), re.I)
USER_COLUMN = LazyPattern(r"^(user|owner|author|creator|created_?by|member|profile)_?id$", re.I)


@dataclass(frozen=True)
class Column:
    """A column of a row that names a user: whose row it is."""

    name: str
    optional: bool  # the row may be stored without it


def prisma_schema(read: Callable[[str], bytes | None], path: str) -> str | None:
    """The prisma/schema.prisma nearest to `path`, going up to the root."""
    directory = posixpath.dirname(path)
    while True:
        for candidate in ("prisma/schema.prisma", "schema.prisma"):
            full = posixpath.join(directory, candidate) if directory else candidate
            if read(full) is not None:
                return full
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def prisma_models(schema: str) -> Iterator[tuple[str, str]]:
    """(model name, body) for each `model X { ... }`."""
    for match in PRISMA_MODEL.finditer(schema):
        yield match.group(1), match.group(2)


def required_field(schema: str, delegate: str, field: str) -> bool:
    """The model behind a Prisma delegate (`post`) has `field` and it is not optional."""
    for name, body in prisma_models(schema):
        if name[:1].lower() + name[1:] == delegate:
            line = re.search(rf"^\s*{re.escape(field)}\s+(\w+)([?\[]?)", body, re.MULTILINE)
            return line is not None and not line.group(2)
    return False


def prisma_relations(body: str) -> Iterator[tuple[str, str, str]]:
    """(relation field, related model, foreign key) for each relation a model holds."""
    for relation in PRISMA_RELATION.finditer(body):
        fields = PRISMA_FIELDS.search(relation.group(3))
        if fields is not None:
            yield relation.group(1), relation.group(2), fields.group(1)


def references(schema: str, delegate: str, key: str) -> str | bool | None:
    """The model that `key` of the model behind a Prisma delegate relates to (a relation or
    its foreign key), when that model's rows belong to someone (see `_belongs`); False for
    a user (a person picked), a lookup table (a status, a currency) or no relation; None
    when no model is known."""
    bodies = {name: body for name, body in prisma_models(schema)}
    model = next((n for n in bodies if n[:1].lower() + n[1:] == delegate), None)
    if model is None:
        return None
    for field, target, foreign in prisma_relations(bodies[model]):
        if key in (field, foreign):
            owned = not USER_TABLE.match(target) and _belongs(bodies, target, OWNER_DEPTH)
            return target if owned else False
    return False


def _belongs(bodies: dict[str, str], model: str, depth: int) -> bool:
    """The model's rows are someone's: it relates to a team, to a user other than as the
    one who made or changed the row, or to a model whose rows are someone's."""
    if TENANT_MODEL.match(model):
        return True
    if depth == 0 or model not in bodies:
        return False
    for field, target, foreign in prisma_relations(bodies[model]):
        if USER_TABLE.match(target):
            if not (AUDIT_RELATION.search(field) or AUDIT_RELATION.search(foreign)):
                return True
        elif _belongs(bodies, target, depth - 1):
            return True
    return False


def drizzle_references(
    project: ProjectView, module: Module, table: str, key: str, at: Node
) -> str | bool | None:
    """As `references`, for a Drizzle table: the table a column's `.references(() =>
    boards.id)` names, when its rows belong to someone; None when the table's definition
    cannot be read."""
    columns = drizzle_columns(project, module, table, at)
    if columns is None:
        return None
    where, found = columns
    target = referenced_table(found[key]) if key in found else None
    if target is None or USER_TABLE.match(target):
        return False
    return target if _table_belongs(project, where, target, OWNER_DEPTH) else False


def drizzle_columns(
    project: ProjectView, module: Module, table: str, at: Node | None
) -> tuple[Module, dict[str, Node]] | None:
    """The columns of `pgTable("name", { ... })` (or `(t) => ({ ... })`, or with
    `.enableRLS()` after it) by property name, and the file that defines it."""
    found = project.definition(module, table.split(".")[-1], at)
    if found is None:
        return None
    where, node = found
    value = declared_value(node)
    args = _column_arguments(value) if value is not None else []
    columns = unwrap(args[1]) if len(args) > 1 else None
    if columns is not None and columns.type in FUNCTION_TYPES:
        columns = unwrap(columns.child_by_field_name("body"))
    if columns is None or columns.type != "object":
        return None
    return where, {
        string_value(key) or text(key): column
        for pair in columns.named_children
        if pair.type == "pair"
        and (key := pair.child_by_field_name("key")) is not None
        and (column := pair.child_by_field_name("value")) is not None
    }


def referenced_table(column: Node) -> str | None:
    """`boards` in `uuid("board_id").references(() => boards.id)`."""
    for call in walk(column):
        if call.type != "call_expression" or callee_name(call) != "references":
            continue
        args = call_arguments(call)
        target = unwrap(args[0]) if args else None
        body = target.child_by_field_name("body") if target is not None else None
        parts = member_parts(unwrap(body))
        if parts is not None:
            return parts[0]
    return None


def _table_belongs(project: ProjectView, module: Module, table: str, depth: int) -> bool:
    """`_belongs` for a Drizzle table, by the tables its columns reference."""
    if TENANT_MODEL.match(table):
        return True
    columns = drizzle_columns(project, module, table, None) if depth > 0 else None
    if columns is None:
        return False
    where, found = columns
    for key, column in found.items():
        target = referenced_table(column)
        if target is None:
            continue
        if USER_TABLE.match(target):
            if not AUDIT_RELATION.search(key):
                return True
        elif _table_belongs(project, where, target, depth - 1):
            return True
    return False


def database_refuses(
    project: ProjectView,
    path: str,
    events: tuple[MutationEvent, ...],
    public: PublicFlow | None,
    names: set[str],
) -> str | None:
    """Why the first open write after a lookup fails anyway for a caller with no session."""
    event = next(
        (e for e in events if not e.guarded and not (public and public.covers(e.mutation))), None
    )
    if event is None:
        return None
    module = project.module(path)
    refused = rls_refuses(project, module, event.mutation) if module is not None else None
    if refused is not None or not event.lookup_seen:
        return refused
    mutation = event.mutation
    args = call_arguments(mutation.node)
    first = unwrap(args[0]) if args else None
    if mutation.api is not Api.PRISMA or mutation.via is not None or first is None:
        return None
    where = _pairs(object_property(first, "where"))
    if any(_from_session(v, names) for _, v in where):
        if mutation.operation in UNIQUE_WHERE and len(where) == 1:
            return f"Prisma rejects the unique `where: {{ {where[0][0]} }}` when it is undefined"
        return None  # next to other keys an undefined value is dropped: any row matches
    model = written_model(mutation)
    schema_path = prisma_schema(project.reader.read, path)
    if mutation.operation != "create" or model is None or schema_path is None:
        return None
    schema = (project.reader.read(schema_path) or b"").decode("utf-8", "replace")
    for key, value in _pairs(object_property(first, "data")):
        if _from_session(value, names) and required_field(schema, model, key):
            return f"`{key}` is required in {schema_path}, so the create fails when it is undefined"
    return None


def _pairs(obj: Node | None) -> list[tuple[str, Node]]:
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return []
    pairs: list[tuple[str, Node]] = []
    for child in obj.named_children:
        key = child.child_by_field_name("key")
        value = child.child_by_field_name("value")
        if child.type == "pair" and key is not None and value is not None:
            pairs.append((string_value(key) or text(key), value))
        elif child.type == "shorthand_property_identifier":
            pairs.append((text(child), child))
    return pairs


def _from_session(value: Node, names: set[str]) -> bool:
    """`session?.user?.id`, or a name bound to it: undefined for a caller with no session."""
    if value.type == "shorthand_property_identifier":
        return text(value) in names
    parts = member_parts(unwrap(value))
    return parts is not None and parts[0] in names


PRISMA_RELATION_FIELDS = LazyPattern(r"@relation\([^)]*fields:\s*\[([^\]]*)\]")
# Drizzle's table makers: `pgTable("posts", {...})`, `sqliteTable(...)`, `mysqlTable(...)`.
DRIZZLE_TABLE = LazyPattern(r"^\w*[tT]able$")


def referenced_tables(
    project: ProjectView, module: Module, mutation: Mutation
) -> dict[str, str | None] | None:
    """Each column of the table a write changes and the table it refers to (None: none),
    as the Drizzle table or the Prisma model declares it; None when it cannot be read."""
    model = written_model(mutation)
    if model is None:
        return None
    if mutation.api is Api.DRIZZLE:
        found = drizzle_columns(project, module, model, mutation.node)
        return {k: referenced_table(c) for k, c in found[1].items()} if found else None
    if mutation.api is not Api.PRISMA:
        return None
    schema_path = prisma_schema(project.reader.read, module.path)
    if schema_path is None:
        return None
    schema = (project.reader.read(schema_path) or b"").decode("utf-8", "replace")
    return _prisma_columns(schema, model)


def _prisma_columns(schema: str, delegate: str) -> dict[str, str | None] | None:
    """`ownerId Int` refers to nothing; `author User @relation(fields: [authorId], ...)`
    makes both `author` and `authorId` refer to `User`."""
    models = dict(prisma_models(schema))
    for name, body in models.items():
        if name[:1].lower() + name[1:] != delegate:
            continue
        columns: dict[str, str | None] = {}
        for field, kind, _mark, rest in PRISMA_FIELD.findall(body):
            columns.setdefault(field, None)
            if kind not in models:
                continue
            columns[field] = kind
            relation = PRISMA_RELATION_FIELDS.search(rest)
            for key in relation.group(1).split(",") if relation else []:
                columns[key.strip()] = kind
        return columns
    return None


def user_columns(project: ProjectView, module: Module, mutation: Mutation) -> list[Column] | None:
    """The columns of the written model that name a user, as its schema says; None when
    no schema describes the model (then nothing is known about its owner)."""
    model = written_model(mutation)
    if model is None:
        return None
    if mutation.api is Api.PRISMA:
        schema_path = prisma_schema(project.reader.read, module.path)
        if schema_path is None:
            return None
        schema = (project.reader.read(schema_path) or b"").decode("utf-8", "replace")
        return prisma_user_columns(schema, model)
    if mutation.api is Api.DRIZZLE:
        found = drizzle_columns(project, module, model, mutation.node)
        return drizzle_user_columns(found[1]) if found is not None else None
    return None


def prisma_user_columns(schema: str, delegate: str) -> list[Column] | None:
    """`author User @relation(fields: [authorId])` and `ownerId String?` of the model."""
    body = next(
        (b for name, b in prisma_models(schema) if name[:1].lower() + name[1:] == delegate), None
    )
    if body is None:
        return None
    optional = {m.group(1): m.group(3) == "?" for m in PRISMA_FIELD.finditer(body)}
    columns: dict[str, bool] = {}
    for field in PRISMA_FIELD.finditer(body):
        name, kind, mark, rest = field.groups()
        if name.startswith("@") or mark == "[]":
            continue  # a block attribute, or the other side of a one-to-many relation
        if USER_TABLE.match(kind):
            keys = PRISMA_FIELDS.search(rest)
            key = keys.group(1) if keys is not None else name
            columns[key] = optional.get(key, mark == "?")
        elif USER_COLUMN.match(name):
            columns[name] = mark == "?"
    return [Column(name, is_optional) for name, is_optional in columns.items()]


def drizzle_user_columns(columns: dict[str, Node]) -> list[Column]:
    """`userId: text("user_id").references(() => users.id)` among a table's columns."""
    found: list[Column] = []
    for name, column in columns.items():
        calls = {callee_name(c) for c in walk(column) if c.type == "call_expression"}
        sql_name = next((string_value(a) for a in _column_arguments(column)), None) or ""
        if references_users(column) or USER_COLUMN.match(name) or USER_COLUMN.match(sql_name):
            found.append(Column(name, not calls & {"notNull", "primaryKey"}))
    return found


def _column_arguments(column: Node) -> list[Node]:
    """The arguments of the call that starts a chain: `text("user_id")` of
    `text("user_id").notNull()`."""
    first = unwrap(column)
    while first is not None and first.type == "call_expression":
        inner = unwrap(first.child_by_field_name("function"))
        if inner is None or inner.type != "member_expression":
            return call_arguments(first)
        first = unwrap(inner.child_by_field_name("object"))
    return []


def references_users(column: Node) -> bool:
    """`.references(() => users.id)`: a foreign key to the users table."""
    table = referenced_table(column)
    return table is not None and USER_TABLE.match(table) is not None
