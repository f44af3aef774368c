"""Lookups that answer with a fixed id when nobody is signed in.

A project may run without sign-in (a personal or single-user mode): its own lookup then
answers with a constant or the environment's value instead of a session's user.
"""

from __future__ import annotations

from tree_sitter import Node

from guardfix.facts.flow import Resolver, State, Walker
from guardfix.module import Module
from guardfix.syntax import text, walk


def answers_fixed_id(module: Module, fn: Node, resolver: Resolver) -> bool:
    """One path through the helper `fn` answers from the session, another, before any
    lookup, with a fixed id."""
    walker = _Answers(module, resolver, helper=True)
    walker.run(fn)
    return walker.fixed and any(v.session for stopped, v in walker.returns if not stopped)


class _Answers(Walker):
    """A walk that also notes an answer, before any lookup, with a fixed id."""

    def __init__(self, module: Module, resolver: Resolver, *, helper: bool) -> None:
        super().__init__(module, resolver, helper=helper)
        self.fixed = False

    def statement(self, node: Node, st: State) -> None:
        if node.type == "return_statement" and not st.stopped and not st.lookup:
            value = next(iter(node.named_children), None)
            self.fixed = self.fixed or (value is not None and fixed_value(value))
        super().statement(node, st)


def fixed_value(expr: Node) -> bool:
    """A constant or the environment's value: `process.env.SOLO_ID || "solo"`, `{ id: "me" }`;
    not `null`, `true`, nor anything computed by a call or read from a variable."""
    nodes = list(walk(expr))
    for node in nodes:
        if node.type in ("call_expression", "null", "undefined", "true", "false", "this"):
            return False
        if node.type in ("identifier", "shorthand_property_identifier") and not _environment(node):
            return False
    return any(n.type in ("string", "template_string", "number", "identifier") for n in nodes)


def _environment(node: Node) -> bool:
    """`process` of `process.env.X`."""
    parent = node.parent
    return (
        text(node) == "process"
        and parent is not None
        and parent.type == "member_expression"
        and text(parent.child_by_field_name("property")) == "env"
    )
