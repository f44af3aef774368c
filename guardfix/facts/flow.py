"""Walk a function as an anonymous caller would, in evaluation order.

The walker tracks one question along every path: can a caller with no session
still be running here? A checked session lookup, a dereference that throws on a
missing session, or a call that throws or redirects by itself answers "no". Each
mutation is recorded with the answer at the point it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from tree_sitter import Node

from guardfix.actions import has_inline_directive
from guardfix.facts.lookups import (
    ASSERT_CALLS,
    COOKIES_CALL,
    EXIT_CALLS,
    OWN_ACCOUNT_APIS,
    REQUEST_MODULE,
    SESSION_COOKIE,
    SESSION_SAVE,
    UNIQUE_READS,
    classify_lookup,
)
from guardfix.facts.mutations import classify_call, classify_new
from guardfix.facts.values import (
    COOKIE_STORE,
    FALSE,
    FALSY,
    FUNCTION,
    NO_SESSION,
    NULL,
    NULLISH,
    OBJECT,
    TRUE,
    TRUTHY,
    UNKNOWN,
    UNKNOWN_KIND,
    Val,
    one_of,
    session_answer,
)
from guardfix.model import Mutation, MutationEvent
from guardfix.module import Import, Module
from guardfix.syntax import (
    CONDITION_WRAPPER_TYPES,
    EQUALITY,
    FUNCTION_TYPES,
    RESULT_WRAPPER_TYPES,
    TRANSPARENT_OR_AWAIT_TYPES,
    call_arguments,
    callee_of,
    is_optional_member,
    param_patterns,
    string_value,
    text,
    unwrap,
)

LOOP_TYPES = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
SKIPPED_STATEMENTS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "type_alias_declaration",
        "interface_declaration",
        "enum_declaration",
        "import_statement",
        "empty_statement",
        "comment",
        "abstract_class_declaration",
        "ambient_declaration",
    }
)
# Expressions whose value their type says: `null`, `true`.
LITERALS = {"null": NULL, "undefined": NULL, "true": TRUE, "false": FALSE}


# Arguments that carry session values into a call: (position, value).
SessionArgs = tuple[tuple[int, Val], ...]
# Helpers guardfix could not follow that may be guards: (the helper, why not followed).
Doubts = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Summary:
    """What calling a project function means for an anonymous caller."""

    guards: bool  # every path through it stops an anonymous caller
    value: Val  # what it returns to one
    mutation: Mutation | None  # the first state change it makes unguarded
    is_async: bool = False  # it returns a promise: its guard only counts when awaited
    # It is a server action itself: its writes are reported where it is defined.
    action: bool = False
    # Calls it makes that guardfix could not follow and that may stop an anonymous caller.
    doubts: Doubts = ()


class Resolver(Protocol):
    lookup_names: frozenset[str]  # the project's own lookup functions
    guard_names: frozenset[str]  # the project's own guard functions

    def call_summary(
        self, call: Node, module: Module, session_args: SessionArgs = ()
    ) -> tuple[str, Summary] | None: ...

    def origin(self, module: Module, name: str) -> Import | None: ...

    def constant(self, module: Module, name: str) -> str | None:
        """The string a project constant holds: `export const SESSION_COOKIE = "sid"`."""

    def unfollowed(self, call: Node, module: Module) -> tuple[str, str, bool] | None:
        """A call of project code that guardfix cannot follow: (the helper, why not, whether
        it may be a guard: not when its file is missing, which is said but not assumed)."""


@dataclass
class State:
    stopped: bool = False  # an anonymous caller cannot be here
    lookup: bool = False  # a session lookup ran on every path to here
    env: dict[str, Val] = field(default_factory=dict)  # names bound to session values
    # Calls not followed that may have stopped an anonymous caller on some path to here,
    # and every call not followed on a path to here.
    doubts: Doubts = ()
    unfollowed: Doubts = ()

    def copy(self) -> State:
        return State(self.stopped, self.lookup, dict(self.env), self.doubts, self.unfollowed)

    def merge(self, branches: list[State]) -> None:
        """Join branches back into this state: the caller is stopped only if stopped on all."""
        live = [b for b in branches if not b.stopped]
        self.stopped = not live
        self.lookup = all(b.lookup for b in live) if live else any(b.lookup for b in branches)
        for b in branches:
            self.env.update(b.env)
            self.doubt(*b.doubts)
            self.unfollowed += tuple(d for d in b.unfollowed if d not in self.unfollowed)

    def doubt(self, *doubts: tuple[str, str]) -> None:
        self.doubts += tuple(d for d in doubts if d not in self.doubts)


@dataclass(frozen=True)
class _Call:
    """A call's parts, evaluated."""

    node: Node
    callee: Node | None
    name: str  # the callee's last name: `c` of `a.b.c()`; "" when it has none
    receiver: Val  # what a method is called on
    callee_val: Val
    args: list[Node]
    arg_vals: list[Val]
    promise: bool  # its result is kept or tested as it is, with no `await` in between


class Walker:
    def __init__(
        self,
        module: Module,
        resolver: Resolver,
        *,
        sinks: frozenset[str] = frozenset(),
        helper: bool = False,
    ) -> None:
        self.module = module
        self.resolver = resolver
        self.sinks = sinks  # callee texts whose calls run the wrapped action (`next`, `handler`)
        self.helper = helper  # walking a helper: calls fed session values yield session values
        self.events: list[MutationEvent] = []
        self.returns: list[tuple[bool, Val]] = []
        self.doubts: Doubts = ()  # of the paths that return to the caller
        self.sink_states: list[bool] = []
        self.sink_args: list[Val] = []  # what each live sink call passes on (`next({ ctx })`)
        self.unawaited: str | None = None  # the first async lookup or guard called without await
        self.lookups: list[Node] = []  # calls that yield the session, in the order they run
        # Per call that may throw, in the order they run: does it yield the session?
        self.throwers: list[bool] = []
        self._pending: dict[int, Mutation] = {}
        self._expressions = self._table()

    # -- entry point -------------------------------------------------------------------

    def run(
        self,
        fn: Node,
        stopped: bool = False,
        params: dict[str | None, Val] | None = None,
        arguments: tuple[Val, ...] = (),
    ) -> State:
        """Walk `fn`; `params` are parameters bound to session values by the caller, and
        `arguments` what it is called with, bound to its parameters in order."""
        st = State(stopped=stopped, env={k: v for k, v in (params or {}).items() if k})
        patterns = [p for p in param_patterns(fn) if p is not None]
        for pattern, value in zip(patterns, arguments, strict=False):
            self.bind(pattern, value, st)
        body = fn.child_by_field_name("body")
        if body is None:
            return st
        if body.type == "statement_block":
            self.block(body, st)
            if not st.stopped:
                self.returned(NULL, st)
        else:
            self.returned(self.expr(body, st), st)
        return st

    # -- statements --------------------------------------------------------------------

    def block(self, block: Node, st: State) -> None:
        for stmt in block.named_children:
            self.statement(stmt, st)

    def statement(self, node: Node, st: State) -> None:
        kind = node.type
        if kind in SKIPPED_STATEMENTS:
            return
        if kind == "statement_block":
            self.block(node, st)
        elif kind == "expression_statement":
            for child in node.named_children:
                self.expr(child, st)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    self.declarator(decl, st)
        elif kind == "if_statement":
            self.if_statement(node, st)
        elif kind == "return_statement":
            value = NULL
            for child in node.named_children:
                if child.type != "comment":  # `return null // not configured`
                    value = self.expr(child, st)
            self.returned(value, st)
            st.stopped = True
        elif kind == "throw_statement":
            for child in node.named_children:
                self.expr(child, st)
            st.stopped = True
        elif kind == "try_statement":
            self.try_statement(node, st)
        elif kind in LOOP_TYPES:
            self.loop(node, st)
        elif kind == "switch_statement":
            self.switch(node, st)
        elif kind == "export_statement":
            declaration = node.child_by_field_name("declaration")
            if declaration is not None:
                self.statement(declaration, st)
        else:
            for child in node.named_children:
                if child.type.endswith("statement") or child.type == "statement_block":
                    self.statement(child, st)
                else:
                    self.expr(child, st)

    def declarator(self, decl: Node, st: State) -> None:
        value_node = decl.child_by_field_name("value")
        value = self.expr(value_node, st) if value_node is not None else NULL
        name = decl.child_by_field_name("name")
        if name is not None:
            self.bind(name, value, st)

    def bind(self, pattern: Node, value: Val, st: State) -> None:
        kind = pattern.type
        if kind == "identifier":
            self.bind_name(text(pattern), value, st)
        elif kind == "object_pattern":
            value = self.destructured(value, st)
            for prop in pattern.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    self.bind_name(text(prop), value.field(text(prop)), st)
                elif prop.type == "pair_pattern":
                    key = prop.child_by_field_name("key")
                    target = prop.child_by_field_name("value")
                    key_name = string_value(key) or text(key)
                    if target is not None:
                        self.bind(target, value.field(key_name), st)
                elif prop.type == "object_assignment_pattern":
                    left = prop.child_by_field_name("left")
                    if left is not None:
                        self.bind(left, value.field(text(left)), st)
        elif kind == "array_pattern":
            index = 0
            for child in pattern.children:
                if child.type == ",":
                    index += 1
                elif child.is_named and child.type != "comment":
                    self.bind(child, value.field(str(index)), st)
        elif kind == "assignment_pattern":
            left = pattern.child_by_field_name("left")
            if left is not None:
                self.bind(left, value, st)

    def destructured(self, value: Val, st: State) -> Val:
        """What destructuring leaves: a missing session throws a TypeError there."""
        if value.doubt is not None:
            st.doubt(value.doubt)  # and so would a helper's null we cannot see
        if value.options:
            live = [o for o in value.options if not (o.kind == NULLISH and o.session)]
            if not live and not st.stopped:
                st.stopped = True
            return one_of(live) if live else UNKNOWN
        if value.kind == NULLISH and value.session and not st.stopped:
            st.stopped = True
        return value

    def bind_name(self, name: str, value: Val, st: State) -> None:
        if value.session or value.cookies or value.doubt or _session_cookie(value):
            st.env[name] = value.settled()
        else:
            st.env.pop(name, None)

    def returned(self, value: Val, st: State) -> None:
        if value.promise:
            value = value.inner or UNKNOWN  # the caller awaits what an async function returns
        if st.lookup:
            # `if (!token) return null` (or `{ user: null }`) after a lookup is how a
            # helper says "nobody is signed in".
            value = session_answer(value)
        self.returns.append((st.stopped, value))
        if not st.stopped:
            self.doubts += tuple(d for d in st.doubts if d not in self.doubts)

    def if_statement(self, node: Node, st: State) -> None:
        condition = node.child_by_field_name("condition")
        truth = None
        if condition is not None:
            truth = self.truth(self.expr(condition, st), st)
        then_st, else_st = st.copy(), st.copy()
        if truth is True:
            else_st.stopped = True
        elif truth is False:
            then_st.stopped = True
        consequence = node.child_by_field_name("consequence")
        if consequence is not None:
            self.statement(consequence, then_st)
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            for child in alternative.named_children:
                self.statement(child, else_st)
        st.merge([then_st, else_st])

    def try_statement(self, node: Node, st: State) -> None:
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        finalizer = node.child_by_field_name("finalizer")
        try_st = st.copy()
        start = len(self.throwers)
        if body is not None:
            self.block(body, try_st)
        branches = [try_st]
        if handler is not None:
            # The catch block may start before anything in the try block ran; but when the
            # first thing there that can throw is the session lookup, a helper's catch
            # answers for a missing session (an action's catch does not: a fix must not go
            # inside the try).
            catch_st = st.copy()
            if self.helper and len(self.throwers) > start and self.throwers[start]:
                catch_st.lookup = True
            catch_body = handler.child_by_field_name("body")
            if catch_body is not None:
                self.block(catch_body, catch_st)
            branches.append(catch_st)
        st.merge(branches)
        if finalizer is not None:
            for child in finalizer.named_children:
                self.statement(child, st)

    def loop(self, node: Node, st: State) -> None:
        body_st = st.copy()
        body = node.child_by_field_name("body")
        for child in node.named_children:
            if child == body or child.type.endswith("statement") or child.type == "statement_block":
                self.statement(child, body_st)
            else:
                self.expr(child, st)
        # The body may run zero times: what it proves does not hold afterwards.
        st.merge([st.copy(), body_st])

    def switch(self, node: Node, st: State) -> None:
        value = node.child_by_field_name("value")
        subject = self.expr(value, st) if value is not None else UNKNOWN
        body = node.child_by_field_name("body")
        cases = list(body.named_children) if body is not None else []
        # Whether each case's value equals the subject (`switch (s.kind) { case "user": }`).
        matches: list[bool | None] = []
        for case in cases:
            test = case.child_by_field_name("value")
            tested = self.expr(test, st) if test is not None else None
            matches.append(
                _equality_of_options(value, subject, test, tested)
                if value is not None and test is not None and tested is not None
                else None
            )
        surely_matched = True in matches
        branches: list[State] = []
        has_default = False
        for index, (case, match) in enumerate(zip(cases, matches, strict=True)):
            is_default = case.type == "switch_default"
            has_default = has_default or is_default
            case_st = st.copy()
            entered_from_above = index > 0 and _falls_through(cases[index - 1])
            if not entered_from_above and (match is False or (is_default and surely_matched)):
                case_st.stopped = True
            for child in case.named_children:
                if child != case.child_by_field_name("value"):
                    self.statement(child, case_st)
            branches.append(case_st)
        if not has_default:
            branches.append(replace(st.copy(), stopped=st.stopped or surely_matched))
        st.merge(branches)

    # -- expressions -------------------------------------------------------------------

    def expr(self, node: Node, st: State) -> Val:
        value = self._expr(node, st)
        pending = self._pending.pop(node.id, None)
        if pending is not None:
            self.record(pending, st)
        return value

    def _expr(self, node: Node, st: State) -> Val:
        return self._expressions.get(node.type, self._other)(node, st)

    def _table(self) -> dict[str, Callable[[Node, State], Val]]:
        """The method that evaluates each type of expression."""
        table: dict[str, Callable[[Node, State], Val]] = {
            "identifier": self._identifier,
            "number": self._number,
            "string": self._string,
            "member_expression": self.member,
            "subscript_expression": self._subscript,
            "call_expression": self.call,
            "new_expression": self._new,
            "unary_expression": self.unary,
            "binary_expression": self.binary,
            "ternary_expression": self.ternary,
            "assignment_expression": self._assignment,
            "array": self._array,
            "object": self.object_literal,
            "template_string": self._template,
            "sequence_expression": self._sequence,
        }
        table.update(dict.fromkeys(LITERALS, self._literal))
        table.update(dict.fromkeys(TRANSPARENT_OR_AWAIT_TYPES, self._wrapped))
        table.update(dict.fromkeys(FUNCTION_TYPES, self.nested_function))
        return table

    def _identifier(self, node: Node, st: State) -> Val:
        name = text(node)
        if name in st.env:
            return st.env[name]
        return NULL if name == "undefined" else UNKNOWN

    def _literal(self, node: Node, st: State) -> Val:
        return LITERALS[node.type]

    def _number(self, node: Node, st: State) -> Val:
        return FALSE if text(node) in ("0", "0.0") else TRUE

    def _string(self, node: Node, st: State) -> Val:
        literal = string_value(node)
        return Val(TRUTHY if literal else FALSY, literal=literal)

    def _wrapped(self, node: Node, st: State) -> Val:
        """`(x)`, `x!`, `x as T`, `await x`: the value inside, settled when awaited."""
        inner = next((c for c in node.named_children if not c.type.endswith("type")), None)
        value = self.expr(inner, st) if inner is not None else UNKNOWN
        if node.type == "await_expression" and value.promise:
            if value.guard:
                st.stopped = True
            return value.inner or UNKNOWN
        return value

    def _subscript(self, node: Node, st: State) -> Val:
        obj_node = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        obj = self.expr(obj_node, st) if obj_node is not None else UNKNOWN
        key = string_value(index) if index is not None else None
        if index is not None:
            self.expr(index, st)
        return self.access(obj, key, is_optional_member(node), st)

    def _new(self, node: Node, st: State) -> Val:
        for child in node.named_children:
            self.expr(child, st)
        mutation = classify_new(node, self.module)
        if mutation is not None:
            self.record(mutation, st)
        return TRUE

    def _assignment(self, node: Node, st: State) -> Val:
        right = node.child_by_field_name("right")
        value = self.expr(right, st) if right is not None else UNKNOWN
        left = node.child_by_field_name("left")
        if left is not None and left.type in ("identifier", "object_pattern", "array_pattern"):
            self.bind(left, value, st)
        elif left is not None:
            self.expr(left, st)
        return value

    def _array(self, node: Node, st: State) -> Val:
        items = tuple((str(i), self.expr(c, st)) for i, c in enumerate(node.named_children))
        spread = any(c.type == "spread_element" for c in node.named_children)
        return TRUE if spread else Val(TRUTHY, fields=items)

    def _template(self, node: Node, st: State) -> Val:
        # `${await getCookie("session")}` still carries the session's answer.
        parts = [
            self.expr(sub.named_children[0], st)
            for sub in node.named_children
            if sub.type == "template_substitution" and sub.named_children
        ]
        return Val(TRUTHY, session=any(v.session for v in parts))

    def _sequence(self, node: Node, st: State) -> Val:
        value = UNKNOWN
        for child in node.named_children:
            value = self.expr(child, st)
        return value

    def _other(self, node: Node, st: State) -> Val:
        """Types and comments are no values; anything else is walked for what it runs."""
        kind = node.type
        if kind.endswith("type") or kind in ("type_arguments", "type_annotation", "comment"):
            return UNKNOWN
        for child in node.named_children:
            if child.type.endswith("statement"):
                self.statement(child, st)
            else:
                self.expr(child, st)
        return UNKNOWN

    def object_literal(self, node: Node, st: State) -> Val:
        """`{ user: null, session: null }` keeps its fields: helpers return such shapes."""
        fields: list[tuple[str, Val]] = []
        known = True
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                val = self.expr(value, st) if value is not None else UNKNOWN
                name = string_value(key) or text(key)
                if key is not None and key.type in ("property_identifier", "string"):
                    fields.append((name, val))
                else:
                    known = False
            elif child.type == "shorthand_property_identifier":
                fields.append((text(child), st.env.get(text(child), UNKNOWN)))
            elif child.type != "comment":
                self.expr(child, st)
                known = False  # a spread or a method: other keys may exist
        return Val(OBJECT, fields=tuple(fields), closed=True) if known else TRUE

    def member(self, node: Node, st: State) -> Val:
        obj_node = node.child_by_field_name("object")
        obj = self.expr(obj_node, st) if obj_node is not None else UNKNOWN
        prop = node.child_by_field_name("property")
        return self.access(
            obj, text(prop) if prop is not None else None, is_optional_member(node), st
        )

    def access(self, obj: Val, key: str | None, optional: bool, st: State) -> Val:
        if obj.options:
            # Each possible value on its own: where reading the field throws, that path ends.
            live = []
            for option in obj.options:
                probe = State()
                value = self.access(option, key, optional, probe)
                if not probe.stopped:
                    live.append(value)
            if not live:
                st.stopped = True
                return UNKNOWN
            return one_of(live)
        if obj.short:
            return obj
        if obj.doubt is not None and not optional:
            st.doubt(obj.doubt)  # `user.id` throws if the helper answers null
        if obj.kind == NULLISH:
            if optional:
                return Val(NULLISH, session=obj.session, short=True)
            if obj.session:
                # `session.user` with no session throws before anything below runs.
                st.stopped = True
            return UNKNOWN
        if obj.kind == OBJECT:
            return obj.field(key)
        return Val(UNKNOWN_KIND, session=obj.session) if obj.session else UNKNOWN

    def unary(self, node: Node, st: State) -> Val:
        operator = text(node.child_by_field_name("operator"))
        argument = node.child_by_field_name("argument")
        value = self.expr(argument, st) if argument is not None else UNKNOWN
        if operator == "!":
            truth = self.truth(value, st)
            return _boolean(None if truth is None else not truth, value.session)
        if operator == "void":
            return NULL
        if operator == "typeof":
            names = {NULLISH: "undefined", OBJECT: "object", FUNCTION: "function"}
            return Val(TRUTHY, session=value.session, literal=names.get(value.kind))
        return UNKNOWN

    def binary(self, node: Node, st: State) -> Val:
        operator = text(node.child_by_field_name("operator"))
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if left_node is None or right_node is None:
            return UNKNOWN
        left = self.expr(left_node, st)
        if operator in ("&&", "||", "??"):
            return self.logical(operator, left, right_node, st)
        right = self.expr(right_node, st)
        if operator in EQUALITY:
            equal = _equality_of_options(left_node, left, right_node, right)
            if equal is not None and operator in ("!==", "!="):
                equal = not equal
            return _boolean(equal, left.session or right.session)
        if operator == "in":
            return _boolean(_has_key(string_value(left_node), right), right.session)
        return UNKNOWN

    def logical(self, operator: str, left: Val, right_node: Node, st: State) -> Val:
        runs_right: bool | None
        if operator == "??":
            runs_right = (
                True if left.kind == NULLISH else (None if self.truth(left, st) is None else False)
            )
        elif operator == "&&":
            runs_right = self.truth(left, st)
        else:
            truth = self.truth(left, st)
            runs_right = None if truth is None else not truth
        if runs_right is False:
            return left
        if runs_right is True:
            right = self.expr(right_node, st)
            if st.stopped and left.session:
                # `(await auth()) ?? redirect("/login")`: past here the session exists.
                return Val(TRUTHY, session=True)
            # `token ?? null` is still the session's answer, only spelled differently.
            return replace(right, session=True) if left.session else right
        right = self.expr(right_node, st.copy())
        right_truth = right.truth()
        if operator == "&&" and right_truth is False:
            return FALSE
        if operator == "||" and right_truth is True:
            return TRUE
        return Val(UNKNOWN_KIND, session=left.session or right.session)

    def ternary(self, node: Node, st: State) -> Val:
        condition = node.child_by_field_name("condition")
        tested = self.expr(condition, st) if condition is not None else UNKNOWN
        truth = self.truth(tested, st)
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        chosen = consequence if truth is True else alternative if truth is False else None
        if chosen is not None:
            value = self.expr(chosen, st)
            # `s.state === "ok" ? s.session : null`: the pick is the session's answer.
            return session_answer(value) if tested.session else value
        branches: list[State] = []
        values: list[Val] = []
        for branch in (consequence, alternative):
            if branch is not None:
                branch_st = st.copy()
                values.append(self.expr(branch, branch_st))
                branches.append(branch_st)
        st.merge(branches)
        value = one_of(values)
        return session_answer(value) if tested.session or value.session else value

    def nested_function(self, fn: Node, st: State) -> Val:
        """A callback runs where it is passed, if at all: walk it on a copy of the state.

        Its value is a function that returns what it returns to an anonymous caller.
        """
        if has_inline_directive(fn):
            return Val(FUNCTION)  # a server action of its own, checked on its own
        saved = self.returns, self.doubts
        self.returns = []
        inner = st.copy()
        body = fn.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            self.block(body, inner)
            if not inner.stopped:
                self.returns.append((False, NULL))
        elif body is not None:
            self.returns.append((inner.stopped, self.expr(body, inner)))
        live = [value for stopped, value in self.returns if not stopped]
        self.returns, self.doubts = saved
        return Val(FUNCTION, inner=one_of(live) if live else None)

    def call(self, node: Node, st: State) -> Val:
        value = self._call(node, st)
        if value.session:
            self.lookups.append(node)
        if not self._request_data(node):
            self.throwers.append(value.session)
        return value

    def _request_data(self, call: Node) -> bool:
        """`headers()`, `cookies()`: reading the request, which does not throw."""
        callee = callee_of(call)
        if callee is None or callee.type != "identifier":
            return False
        origin = self.resolver.origin(self.module, text(callee))
        return origin is not None and origin.specifier == REQUEST_MODULE

    def _call(self, node: Node, st: State) -> Val:
        call = self._call_parts(node, st)
        value = self._plain_value(call)
        if value is not None:
            return value
        mutation = self._call_effects(call, st)
        if _ends_request(call):
            st.stopped = True
            return UNKNOWN
        return self._call_value(call, mutation, st)

    def _call_parts(self, node: Node, st: State) -> _Call:
        """The callee, then the arguments, evaluated in the order they run."""
        callee = callee_of(node)
        callee_val = receiver = UNKNOWN
        name = ""
        if callee is not None and callee.type == "member_expression":
            obj = callee.child_by_field_name("object")
            receiver = self.expr(obj, st) if obj is not None else UNKNOWN
            name = text(callee.child_by_field_name("property"))
            callee_val = self.access(receiver, name, is_optional_member(callee), st)
        elif callee is not None and callee.type != "import":
            callee_val = self.expr(callee, st)
            name = text(callee) if callee.type == "identifier" else ""
        args = call_arguments(node)
        arg_vals = [self.expr(a, st) for a in args]
        promise = _holds_promise(node) or _tested(node)
        return _Call(node, callee, name, receiver, callee_val, args, arg_vals, promise)

    def _plain_value(self, call: _Call) -> Val | None:
        """What the call yields by its parts alone, with nothing of its own run."""
        callee_text = text(call.callee)
        first = call.arg_vals[0] if call.arg_vals else None
        if callee_text == "Promise.all" and first is not None:
            return first  # `const [session, post] = await Promise.all([auth(), ...])`
        if call.callee_val.short:
            return call.callee_val  # `session?.user.roles.includes(r)` stops at the `?.`
        method = call.callee is not None and call.callee.type == "member_expression"
        found = _search(call.name, first) if method and first is not None else None
        if found is not None:
            return found
        shadowed = self.module.definitions.get(call.name) is not None
        if callee_text == "Boolean" and first is not None and not shadowed:
            return _boolean(first.truth(), first.session)
        return None

    def _call_effects(self, call: _Call, st: State) -> Mutation | None:
        """What running the call does: a wrapped action run, a write (returned) recorded."""
        if text(call.callee) in self.sinks:
            self.sink_states.append(st.stopped)
            if not st.stopped:
                self.sink_args.append(call.arg_vals[0] if call.arg_vals else NULL)
        mutation = classify_call(call.node, self.module)
        if mutation is None or _own_account(mutation, call.receiver, call.arg_vals):
            return None
        if mutation.node.id == call.node.id:
            self.record(mutation, st)
        else:
            self._pending[mutation.node.id] = mutation
        return mutation

    def _call_value(self, call: _Call, mutation: Mutation | None, st: State) -> Val:
        """What the call yields to an anonymous caller, and what it proves about them."""
        # A project function that stops anonymous callers is a guard whatever its name says
        # in the catalog: the Next.js DAL's `verifySession()` redirects by itself.
        resolved = self._summary(call) if mutation is None else None
        if resolved is not None and resolved[1].guards:
            return self._guard(call, resolved, st)
        value = self._lookup(call, st)
        if value is None:
            value = self._cookie(call, st)
        if value is not None:
            return value
        if resolved is not None:
            return self._followed(call, resolved, st)
        return self._not_followed(call, mutation, st)

    def _summary(self, call: _Call) -> tuple[str, Summary] | None:
        session_args = tuple(
            (i, v) for i, v in enumerate(call.arg_vals) if v.session or _session_cookie(v)
        )
        return self.resolver.call_summary(call.node, self.module, session_args)

    def _guard(self, call: _Call, resolved: tuple[str, Summary], st: State) -> Val:
        name, summary = resolved
        if summary.is_async and call.promise:
            self.apply_summary(call.node, name, replace(summary, guards=False), st)
            return self.pending(name, Val(TRUTHY, session=True), call.node, st, guard=True)
        return self.apply_summary(call.node, name, summary, st)

    def _lookup(self, call: _Call, st: State) -> Val | None:
        """A session lookup: a library's, a configured one, or a function given one."""
        lookup = classify_lookup(
            call.node,
            lambda name: self.resolver.origin(self.module, name),
            self.resolver.lookup_names,
            self.resolver.guard_names,
        )
        if lookup is not None:
            if lookup.is_async and call.promise:
                return self.pending(lookup.label, lookup.value, call.node, st, guard=lookup.stops)
            st.lookup = True
            if lookup.stops:
                st.stopped = True
            return lookup.value
        if call.callee_val.kind == FUNCTION and call.callee_val.session:
            st.lookup = True
            if call.callee_val.guard:
                st.stopped = True
            return call.callee_val.inner or UNKNOWN
        return None

    def _cookie(self, call: _Call, st: State) -> Val | None:
        """The cookie store, or a cookie read from it: a session cookie is a lookup."""
        callee = call.callee
        if callee is not None and callee.type == "identifier" and text(callee) == COOKIES_CALL:
            return COOKIE_STORE
        if call.callee_val.kind != FUNCTION or not call.callee_val.cookies:
            return None
        # `cookieStore.get("session")`, or `get(key)` in a helper given that name
        cookie = self._cookie_name(call)
        if cookie is not None and SESSION_COOKIE.search(cookie):
            st.lookup = True
            return NO_SESSION
        return UNKNOWN

    def _cookie_name(self, call: _Call) -> str | None:
        first = unwrap(call.args[0]) if call.args else None
        cookie = string_value(first)
        if cookie is None and call.arg_vals:
            cookie = call.arg_vals[0].literal
        if cookie is None and first is not None and first.type == "identifier":
            cookie = self.resolver.constant(self.module, text(first))
        return cookie

    def _followed(self, call: _Call, resolved: tuple[str, Summary], st: State) -> Val:
        """A project function followed: what it yields to an anonymous caller."""
        name, summary = resolved
        value = self.apply_summary(call.node, name, summary, st)
        doubt = summary.doubts[0] if summary.doubts else summary.value.doubt
        if doubt is not None:  # it may stop the caller through a call not followed
            value = self.doubted(call.node, doubt, value, st)
        if summary.is_async and call.promise:
            # `if (!isOwner(user, id))` tests the promise, never what it resolves to.
            held = Val(TRUTHY, session=value.session, inner=value, promise=True)
            return replace(held, label=name)
        if self.helper and value == UNKNOWN and any(v.session for v in call.arg_vals):
            # `decode(token)`, `findSession(id)`: what a helper makes of the session's
            # token is a session or nothing, as for calls it cannot follow.
            return NO_SESSION
        return value

    def _not_followed(self, call: _Call, mutation: Mutation | None, st: State) -> Val:
        if self.helper and (
            any(v.session for v in call.arg_vals)
            or (call.callee_val.session and call.name != "get")
        ):
            # A helper that looks a row up by a session token yields a session or nothing.
            return NO_SESSION
        unfollowed = self.resolver.unfollowed(call.node, self.module) if mutation is None else None
        if unfollowed is None:
            return UNKNOWN
        helper, why, may_guard = unfollowed
        return self.doubted(call.node, (helper, why), UNKNOWN, st, may_guard=may_guard)

    def doubted(
        self, call: Node, doubt: tuple[str, str], value: Val, st: State, *, may_guard: bool = True
    ) -> Val:
        """A call that may stop an anonymous caller, guardfix cannot tell: in statement
        position it may be the guard; its value, once tested or dereferenced, may be."""
        if doubt not in st.unfollowed:
            st.unfollowed += (doubt,)
        if not may_guard:
            return value
        if _statement_of(call, through_await=True):
            st.doubt(doubt)
        return replace(value, doubt=doubt)

    def pending(self, label: str, value: Val, call: Node, st: State, *, guard: bool) -> Val:
        """An async lookup or guard called without `await`: the caller holds a promise.

        Dropped (`requireUser();`), it checks nothing; kept, it counts once awaited.
        """
        st.lookup = True
        promise = Val(TRUTHY, session=True, inner=value, guard=guard, promise=True, label=label)
        if _statement_of(call):
            self.truth(promise, st)
        return promise

    def truth(self, value: Val, st: State) -> bool | None:
        """Truthiness for a branch; testing a pending promise is the missing-`await` bug."""
        if value.promise and self.unawaited is None:
            self.unawaited = value.label
        if value.doubt is not None:
            st.doubt(value.doubt)  # `if (!(await canEdit(id)))`: that helper may be the check
        return value.truth()

    def apply_summary(self, call: Node, name: str, summary: Summary, st: State) -> Val:
        if summary.mutation is not None and not summary.action:
            self.record(
                Mutation(
                    call,
                    summary.mutation.api,
                    summary.mutation.operation,
                    summary.mutation.label,
                    via=name,
                    keyed_by=summary.mutation.keyed_by,
                ),
                st,
            )
        if summary.guards:
            st.stopped = True
            st.lookup = True
            return Val(TRUTHY, session=True)
        if summary.value.session:
            st.lookup = True
        return summary.value

    def record(self, mutation: Mutation, st: State) -> None:
        self.events.append(
            MutationEvent(mutation, st.stopped, st.lookup, st.unfollowed, bool(st.doubts))
        )


def _session_cookie(value: Val) -> bool:
    """A string naming the session cookie, carried into a helper that reads cookies."""
    return value.literal is not None and bool(SESSION_COOKIE.search(value.literal))


def _boolean(truth: bool | None, session: bool) -> Val:
    """A yes/no value; kept under its name when it was worked out from the session."""
    kind = UNKNOWN_KIND if truth is None else TRUTHY if truth else FALSY
    return Val(kind, session=session)


def _ends_request(call: _Call) -> bool:
    """The call ends the request when it runs here: an exit such as `redirect()`, an
    assertion of a false value, a Prisma unique read with every key undefined."""
    kind = call.callee.type if call.callee is not None else None
    first = call.arg_vals[0] if call.arg_vals else None
    exit_call = kind == "identifier" and call.name in EXIT_CALLS
    unique_read = call.name in UNIQUE_READS and kind == "member_expression"
    refused = unique_read and first is not None and _no_unique_key(first)
    failed = call.name in ASSERT_CALLS and first is not None and first.truth() is False
    return exit_call or refused or failed


def _no_unique_key(args: Val) -> bool:
    """`{ where: { id: session?.user?.id } }` with no session: every key is undefined."""
    where = args.field("where") if args.kind == OBJECT and args.closed else None
    if where is None or where.kind != OBJECT or not where.closed or not where.fields:
        return False
    return all(value.kind == NULLISH and value.session for _, value in where.fields)


def _search(method: str, callback: Val) -> Val | None:
    """`roles.some(r => session?.user?.role === r)` when the callback is never truthy."""
    answer = callback.inner if callback.kind == FUNCTION else None
    if answer is None or answer.truth() is not False:
        return None
    if method == "some":
        return _boolean(False, answer.session)
    if method == "find":
        return Val(NULLISH, session=answer.session)
    return None


def _own_account(mutation: Mutation, receiver: Val, args: list[Val]) -> bool:
    """A write to the caller's own session or account, not to anyone's data.

    Clerk user updates keyed by the `userId` from `auth()`, and `session.save()` of an
    iron-session cookie, which looks like a Mongoose document save.
    """
    if mutation.api in OWN_ACCOUNT_APIS:
        return bool(args) and args[0].session
    return mutation.operation == SESSION_SAVE and receiver.session


def _statement_of(call: Node, *, through_await: bool = False) -> bool:
    """The call is a whole statement (`f();`, or `await f();` if asked): its value is dropped."""
    parent = call.parent
    while through_await and parent is not None and parent.type == "await_expression":
        parent = parent.parent
    return parent is not None and parent.type == "expression_statement"


def _tested(call: Node) -> bool:
    """The call's own result is a condition: `if (!isOwner(...))`, `ok() && ...`."""
    node, parent = call, call.parent
    while parent is not None and (
        parent.type in CONDITION_WRAPPER_TYPES
        or (
            parent.type == "unary_expression"
            and text(parent.child_by_field_name("operator")) == "!"
        )
    ):
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "binary_expression":
        return text(parent.child_by_field_name("operator")) in ("&&", "||")
    if parent.type in ("if_statement", "while_statement", "ternary_expression"):
        return parent.child_by_field_name("condition") == node
    return False


def _holds_promise(call: Node) -> bool:
    """The call's own result is kept or dropped as it is, with no `await` in between."""
    callee = call.child_by_field_name("function")
    while callee is not None and callee.type in ("non_null_expression", "instantiation_expression"):
        callee = callee.named_children[0] if callee.named_children else None
    if callee is not None and callee.type == "await_expression":
        return False  # `await f<T>(...)` parses as a call of `await f`
    parent = call.parent
    while parent is not None and parent.type in RESULT_WRAPPER_TYPES:
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "expression_statement":
        return True
    if parent.type == "variable_declarator":
        return parent.child_by_field_name("value") is not None
    return False


def _falls_through(case: Node) -> bool:
    """A switch case whose statements can run on into the next case."""
    body = [c for c in case.named_children if c != case.child_by_field_name("value")]
    return not body or body[-1].type not in (
        "break_statement",
        "return_statement",
        "throw_statement",
        "continue_statement",
    )


def _has_key(key: str | None, value: Val) -> bool | None:
    """`"error" in res` for an object whose keys are all known (or each of its options)."""
    answers = {
        key in {k for k, _ in option.fields}
        if key is not None and option.kind == OBJECT and option.closed
        else None
        for option in value.options or (value,)
    }
    return answers.pop() if len(answers) == 1 else None


def _equality_of_options(left_node: Node, left: Val, right_node: Node, right: Val) -> bool | None:
    """`a === b` when a side may be one of several values: known when all agree."""
    answers = {
        _equality(left_node, lv, right_node, rv)
        for lv in left.options or (left,)
        for rv in right.options or (right,)
    }
    return answers.pop() if len(answers) == 1 else None


def _equality(left_node: Node, left: Val, right_node: Node, right: Val) -> bool | None:
    """`a === b` for an anonymous caller, when it can be told."""
    if left.literal is not None and right.literal is not None:
        return left.literal == right.literal  # `typeof session?.user?.id === "string"`
    for value, other_node in ((left, right_node), (right, left_node)):
        literal = unwrap(other_node)
        if literal is None:
            continue
        if literal.type in ("null", "undefined") or (
            literal.type == "identifier" and text(literal) == "undefined"
        ):
            if value.kind == NULLISH:
                return True
            if value.truth() is True:
                return False
        elif (
            literal.type in ("string", "number", "true", "false", "template_string")
            and value.kind == NULLISH
        ):
            # A missing session never equals a concrete value such as "admin".
            return False
    return None
