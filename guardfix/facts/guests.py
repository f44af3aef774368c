"""Guest sessions: does an action that checks the session let a guest through?

Some apps sign every visitor in as a guest (an Auth.js guest provider, Supabase's
anonymous sign-in): `if (!session?.user?.id)` then passes for everyone. Whether guests
count is the project's call, so it is learned from the project's guarded actions: when
they turn guests away (`session.user.type === "guest"`, `user.isAnonymous`) before they
change data, an action that checks only that a session exists lets guests do what the
others refuse them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tree_sitter import Node

from guardfix.facts.lookups import stops_request
from guardfix.facts.public import opening_session_names
from guardfix.facts.view import ProjectView
from guardfix.model import ActionKind, Exclusion, MutationEvent, ServerAction
from guardfix.module import Module
from guardfix.parse import is_source_path
from guardfix.syntax import callee_of, member_parts, string_value, text, unwrap, walk

ANONYMOUS = frozenset({"isAnonymous", "is_anonymous", "isGuest", "is_guest"})
OWNER = re.compile(r"user|session|viewer|account|^me$", re.IGNORECASE)  # whose flag it is
MARKERS = (b"guest", b"Guest", b"isAnonymous", b"is_anonymous")
USER = "{user}"  # where a test names the user object: `{user}.type === "guest"`
# What a check that only asks whether someone is signed in reads from the session.
PRESENCE = frozenset({"user", "session", "data", "id", "userId", "user_id", "sub", "uid"})
USER_ID = frozenset({"id", "userId", "user_id", "sub", "uid"})
HELPER_DEPTH = 3  # how deep helpers run before the write are searched for a guest check


def tests(condition: Node | None) -> Iterator[tuple[str, Node]]:
    """The guest tests in a condition, as (`{user}` template, the node that tests)."""
    for node in walk(condition) if condition is not None else ():
        if node.type == "binary_expression" and text(node.child_by_field_name("operator")) in (
            "===",
            "==",
        ):
            sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
            values = [string_value(side) for side in sides]
            if "guest" in values:
                other = sides[values.index("guest") ^ 1]
                parts = member_parts(unwrap(other))
                if parts is not None and len(parts) >= 2 and OWNER.search(parts[-2]):
                    yield f'{USER}.{parts[-1]} === "guest"', node
        elif node.type == "member_expression" and text(node.child_by_field_name("property")) in (
            ANONYMOUS
        ):
            parts = member_parts(node)
            parent = node.parent
            if parts is None or len(parts) < 2 or not OWNER.search(parts[-2]):
                continue  # a booking's `type === "guest"` says nothing about sessions
            if parent is None or parent.type != "member_expression":
                yield f"{USER}.{parts[-1]}", node


class Guests:
    def __init__(self, project: ProjectView) -> None:
        self.project = project
        self._exclusions: dict[str, Exclusion | None] = {}  # app root -> what its actions do
        self._roots: dict[str, bool] = {}  # folder -> it holds an app's package.json

    def through(
        self, action: ServerAction, module: Module, events: list[MutationEvent], lookups: list[Node]
    ) -> Exclusion | None:
        """How the project turns guests away, when this action, which stops anonymous
        callers, lets a guest reach its first write; else None."""
        fn = action.function
        if action.kind not in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE):
            return None  # a client or wrapper's middleware is not read here
        if not events or not all(e.guarded for e in events) or not events[0].lookup_seen:
            return None
        own = [c for c in lookups if fn.start_byte <= c.start_byte < fn.end_byte]
        names = opening_session_names(fn, own)
        if not own or not names:
            return None
        before = min(e.mutation.node.start_byte for e in events)
        if not fn.start_byte <= before < fn.end_byte:
            return None
        if any(m in module.content[fn.start_byte : before] for m in MARKERS):
            return None  # the action asks about guests itself
        if not _presence_only(fn, frozenset(names), before):
            return None  # it checks more (a role, a permission), which may stop guests
        seen: set[int] = set()
        calls = [c for c in walk(fn) if c.type == "call_expression" and c.start_byte < before]
        if any(self._helper_asks(call, module, 0, seen) for call in calls):
            return None
        # Last: learning it reads the app's action files.
        return self.exclusion(module.path)

    def exclusion(self, path: str) -> Exclusion | None:
        """How the guarded actions of `path`'s app turn guests away (learned once)."""
        root = self._app_root(path)
        if root not in self._exclusions:
            self._exclusions[root] = self._learn(root)
        return self._exclusions[root]

    def _learn(self, root: str) -> Exclusion | None:
        counts: dict[str, int] = {}
        written: dict[str, str] = {}
        paths = [
            p
            for p in self.project.files()
            if is_source_path(p)
            and (not root or p.startswith(root + "/"))
            and self._app_root(p) == root
        ]
        for _, action in self.project.directive_actions(
            paths, lambda content: any(m in content for m in MARKERS), root
        ):
            found = _turned_away(action.function)
            if found is not None:
                counts[found[0]] = counts.get(found[0], 0) + 1
                written.setdefault(found[0], found[1])
        if not counts:
            return None
        test = max(counts, key=lambda t: counts[t])
        return Exclusion(test, written[test], counts[test])

    def _app_root(self, path: str) -> str:
        """The folder of the nearest package.json above `path` ("" for the root)."""
        directory = posixpath.dirname(path)
        while directory:
            if directory not in self._roots:
                manifest = self.project.reader.read(posixpath.join(directory, "package.json"))
                self._roots[directory] = manifest is not None and b"ependencies" in manifest
            if self._roots[directory]:
                return directory
            directory = posixpath.dirname(directory)
        return ""

    def _helper_asks(self, call: Node, module: Module, depth: int, seen: set[int]) -> bool:
        """A project function run by `call` (or by what it calls) asks about guests."""
        callee = callee_of(call)
        if callee is None or depth > HELPER_DEPTH:
            return False
        if callee.type == "identifier":
            found = self.project.function_for(module, text(callee), call)
        elif callee.type == "member_expression":
            found = self.project.method_for(module, callee)
        else:
            return False
        if found is None or found[1].id in seen:
            return False
        where, fn = found
        seen.add(fn.id)
        if any(m in where.content[fn.start_byte : fn.end_byte] for m in MARKERS):
            return True
        inner = (n for n in walk(fn) if n.type == "call_expression")
        return any(self._helper_asks(c, where, depth + 1, seen) for c in inner)


def _turned_away(fn: Node) -> tuple[str, str] | None:
    """The guest test of an `if` in `fn` that leaves the function: (template, as written)."""
    for node in walk(fn):
        if node.type != "if_statement":
            continue
        consequence = node.child_by_field_name("consequence")
        found = next(tests(node.child_by_field_name("condition")), None)
        if found is not None and consequence is not None and stops_request(consequence):
            return found[0], " ".join(text(found[1]).split())
    return None


def _presence_only(fn: Node, names: frozenset[str], before: int) -> bool:
    """Every `if` before `before` that reads the session asks only whether there is one
    (`!session`, `!session?.user?.id`) or compares its user id (a guest has one too)."""
    for node in walk(fn):
        if node.type != "if_statement" or node.start_byte >= before:
            continue
        condition = unwrap(node.child_by_field_name("condition"))
        if condition is not None and not all(
            _asks_presence(o, names) for o in _operands(condition)
        ):
            return False
    return True


def _operands(condition: Node) -> Iterator[Node]:
    """`a || (b && c)`: a, b, c."""
    node = unwrap(condition)
    if node is None:
        return
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) in (
        "||",
        "&&",
    ):
        for side in ("left", "right"):
            child = node.child_by_field_name(side)
            if child is not None:
                yield from _operands(child)
        return
    yield node


def _asks_presence(operand: Node, names: frozenset[str]) -> bool:
    if not any(n.type == "identifier" and text(n) in names for n in walk(operand)):
        return True  # not about the session
    node = operand
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "!":
        node = unwrap(node.child_by_field_name("argument")) or node
    parts = member_parts(node)
    if parts is not None:
        return parts[0] in names and all(p in PRESENCE for p in parts[1:])
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) in (
        "===",
        "!==",
        "==",
        "!=",
    ):
        sides = [member_parts(unwrap(node.child_by_field_name(s))) for s in ("left", "right")]
        return any(p is not None and p[0] in names and p[-1] in USER_ID for p in sides)
    return False
