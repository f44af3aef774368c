"""Anonymous submissions: a form anyone may send that only adds rows nobody owns.

An action is a submission when everything it changes, its helpers' changes included,
is a new row (create, insert, upsert) of a model its schema describes with no user
column, or with only nullable ones filled with the caller's id when there is one
(`user?.id ?? null`); plus what goes with sending it: an upload, an email, a
request to a configured address. Updates and deletes never are; a model the schema
does not describe is unknown. Where it is used decides the rest (see Publicity).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from guardfix.actions import chain_calls
from guardfix.facts.mutations import classify_call, classify_new
from guardfix.facts.orms import written_model
from guardfix.facts.schema import user_columns, user_table
from guardfix.facts.view import ProjectView
from guardfix.model import Api, Mutation
from guardfix.module import Module
from guardfix.syntax import (
    FUNCTION_TYPES,
    binding,
    call_arguments,
    callee_name,
    callee_of,
    member_parts,
    object_property,
    pattern_names,
    string_value,
    text,
    unwrap,
    unwrap_await,
    walk,
)

ROW_CREATES = frozenset({"create", "createMany", "createManyAndReturn", "insert", "upsert"})
# Models of the sign-in flows themselves: never an anonymous submission.
AUTH_MODEL = re.compile(
    user_table("user", "account", "session", "profile", "member")
    + r"|token|reset|verif|invit|otp|password",
    re.IGNORECASE,
)
STORAGE = frozenset(
    {
        Api.BLOB,
        Api.S3,
        Api.UPLOADTHING,
        Api.CLOUDINARY,
        Api.FIREBASE_STORAGE,
        Api.GCS,
        Api.SUPABASE_STORAGE,
    }
)
UPLOADS = frozenset(
    {
        "put",
        "upload",
        "uploadFiles",
        "uploadFilesFromUrl",
        "uploadBytes",
        "uploadBytesResumable",
        "uploadString",
        "PutObjectCommand",
        "Upload",
        "putObject",
        "save",
    }
)
SETTING = re.compile(r"^(process\.env|env|config|settings)(\.\w+)+$")
NOTHING = frozenset({"null", "undefined"})
# How deep helpers are followed for what they change.
MAX_DEPTH = 4


class Submissions:
    def __init__(self, project: ProjectView) -> None:
        self.project = project

    def evidence(self, module: Module, fn: Node, lookups: list[Node]) -> str | None:
        """What shows the action only adds rows nobody owns, or None."""
        writes = self.writes(module, fn, 0)
        if not writes:
            return None
        shown: str | None = None
        for where, mutation in writes:
            why = self.part(where, mutation, lookups)
            if why is None:
                return None
            shown = shown or why or None
        return shown  # uploads or emails alone are no submission

    def writes(self, module: Module, fn: Node, depth: int) -> list[tuple[Module, Mutation]] | None:
        """Every change the function makes, its project helpers' included; None when a
        helper cannot be followed."""
        body = fn.child_by_field_name("body")
        found: dict[tuple[int, int], tuple[Module, Mutation]] = {}
        for node in walk(body) if body is not None else ():
            if node.type == "new_expression":
                made = classify_new(node, module)
                if made is not None:
                    found[(made.node.start_byte, made.node.end_byte)] = (module, made)
                continue
            if node.type != "call_expression":
                continue
            mutation = classify_call(node, module)
            if mutation is not None:
                found[(mutation.node.start_byte, mutation.node.end_byte)] = (module, mutation)
                continue
            inner = self.helper_writes(node, module, depth)
            if inner is None:
                return None
            found.update({(m.node.start_byte, m.node.end_byte): (w, m) for w, m in inner})
        return list(found.values())

    def helper_writes(
        self, call: Node, module: Module, depth: int
    ) -> list[tuple[Module, Mutation]] | None:
        callee = callee_of(call)
        helper = None
        if callee is not None and callee.type == "identifier":
            helper = self.project.function_for(module, text(callee), call)
        elif callee is not None and callee.type == "member_expression":
            helper = self.project.method_for(module, callee)
        if helper is None:
            return None if self.project.unfollowed(call, module) is not None else []
        summary = self.project.summary(*helper)
        if summary is not None and summary.mutation is None:
            return []  # it changes nothing an anonymous caller reaches
        if depth >= MAX_DEPTH:
            return None
        return self.writes(*helper, depth + 1)

    def part(self, module: Module, mutation: Mutation, lookups: list[Node]) -> str | None:
        """Why a change belongs to a submission: a row (its evidence), or "" for what
        goes with one; None when it does not."""
        if mutation.api is Api.EMAIL or (mutation.api in STORAGE and mutation.operation in UPLOADS):
            return ""
        if mutation.api is Api.HTTP:
            args = call_arguments(mutation.node)
            return "" if args and self._configured(args[0], module) else None
        if mutation.api not in (Api.PRISMA, Api.DRIZZLE) or mutation.operation not in ROW_CREATES:
            return None
        model = written_model(mutation)
        columns = user_columns(self.project, module, mutation)
        if model is None or AUTH_MODEL.search(model.split(".")[-1]) or columns is None:
            return None
        if any(not c.optional for c in columns):
            return None  # a row that must have an owner
        values = _row_values(mutation)
        if columns and values is None:
            return None  # what it writes cannot be read
        fn = _enclosing_function(mutation.node)
        names = session_names(fn, lookups) if fn is not None else set()
        for column in columns:
            value = (values or {}).get(column.name)
            if value is not None and not _optional_session(value, fn, names, 0):
                return None
        return f"`{mutation.label}` adds a row no user must own"

    def _configured(self, url: Node, module: Module) -> bool:
        """A URL from the configuration: `process.env.WEBHOOK_URL`, or a name given one."""
        node = unwrap(url)
        if node is not None and node.type == "identifier":
            found = self.project.definition(module, text(node), node)
            node = unwrap(found[1].child_by_field_name("value")) if found is not None else None
        return node is not None and SETTING.match(text(node)) is not None


def _row_values(mutation: Mutation) -> dict[str, Node] | None:
    """The values a create sets, by column: Prisma `data` (an upsert's `create` and
    `update`), Drizzle `.values({...})`; None when one is not an object literal."""
    if mutation.api is Api.PRISMA:
        args = call_arguments(mutation.node)
        first = unwrap(args[0]) if args else None
        keys = ("create", "update") if mutation.operation == "upsert" else ("data",)
        rows = [object_property(first, key) for key in keys]
    else:
        values = [c for c in chain_calls(mutation.node) if callee_name(c) == "values"]
        rows = [call_arguments(values[0])[0] if values and call_arguments(values[0]) else None]
    found: dict[str, Node] = {}
    for row in rows:
        pairs = _pairs(unwrap(row))
        if pairs is None:
            return None
        found.update(pairs)
    return found


def _pairs(row: Node | None) -> dict[str, Node] | None:
    if row is None or row.type != "object":
        return None
    found: dict[str, Node] = {}
    for child in row.named_children:
        name, value = child.child_by_field_name("key"), child.child_by_field_name("value")
        if child.type == "pair" and name is not None and value is not None:
            found[string_value(name) or text(name)] = value
        elif child.type == "shorthand_property_identifier":
            found[text(child)] = child
        elif child.type == "spread_element":
            return None
    return found


def _enclosing_function(node: Node) -> Node | None:
    """The outermost function around a write: a callback it sits in (`withTx(async (tx) =>
    ...)`) sees the names of the function that passes it."""
    found: Node | None = None
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            found = current
        current = current.parent
    return found


def session_names(fn: Node, lookups: list[Node]) -> set[str]:
    """Names bound anywhere in the function to a session lookup's result, or to part of it."""
    spans = {(n.start_byte, n.end_byte) for n in lookups}
    names: set[str] = set()
    for _ in range(3):  # `const { data } = await getUser(); const user = data.user`
        for node in walk(fn):
            bound = binding(node)
            if bound is None:
                continue
            pattern, value = bound[0], unwrap_await(bound[1])
            if value is None or pattern is None or not _from(value, spans, names):
                continue
            names.update(pattern_names(pattern))
    return names


def _from(value: Node, spans: set[tuple[int, int]], names: set[str]) -> bool:
    """The value is a lookup's result, or read from a name bound to one."""
    if (value.start_byte, value.end_byte) in spans:
        return True
    parts = member_parts(value)
    return parts is not None and parts[0] in names


def _optional_session(value: Node, fn: Node | None, names: set[str], depth: int) -> bool:
    """The caller's id when signed in, else nothing: `user?.id ?? null`,
    `session ? session.user.id : null`, or a name only ever given such a value."""
    node = unwrap(value)
    if node is None or depth > 3:
        return False
    if node.type in ("identifier", "shorthand_property_identifier"):
        if text(node) in names:
            return True  # the session's own id: null for an anonymous caller
        return fn is not None and _only_given_session(text(node), fn, names, depth)
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return (
            text(operator) in ("??", "||")
            and text(right) in NOTHING
            and left is not None
            and _optional_session(left, fn, names, depth + 1)
        )
    if node.type == "ternary_expression":
        chosen = node.child_by_field_name("consequence")
        other = node.child_by_field_name("alternative")
        return (
            text(other) in NOTHING
            and chosen is not None
            and _optional_session(chosen, fn, names, depth + 1)
        )
    parts = member_parts(node)
    return parts is not None and parts[0] in names


def _only_given_session(name: str, fn: Node, names: set[str], depth: int) -> bool:
    """Every value the function gives `name` is the caller's id or nothing."""
    given: list[Node] = []
    declared = False
    for node in walk(fn):
        bound = binding(node)
        if bound is None:
            continue
        target, value = bound
        if target is None or target.type != "identifier" or text(target) != name:
            continue
        declared = declared or node.type == "variable_declarator"
        if value is not None and text(value) not in NOTHING:
            given.append(value)
    return (
        declared and bool(given) and all(_optional_session(v, fn, names, depth + 1) for v in given)
    )
