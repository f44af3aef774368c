"""Who calls an action in the project, and which identity they hand it.

A project may run without sign-in (a personal or single-user mode): its own lookup then
answers with a fixed id, from the environment or a constant, and nobody is signed in.
Callers that take the id from such a lookup reach the action in that mode too, where a
check of a real session would turn every request away.
"""

from __future__ import annotations

from tree_sitter import Node

from guardfix.facts.flow import Resolver, State, Walker
from guardfix.module import Module
from guardfix.syntax import callee_of, text, walk
from guardfix_codemods.workspace import Workspace, function_name

DEPTH = 5  # callers of callers, followed up to this many steps


def anonymous_lookup(
    workspace: Workspace, module: Module, name: str | None
) -> tuple[str, str] | None:
    """The lookup's name and file when a caller of the action `name` of `module`, or a caller
    of theirs handing the id on, takes the caller's id from a lookup that answers with a
    fixed id when nobody is signed in; None when none does."""
    seen: set[tuple[str, int]] = set()
    todo = [(module.path, name, 0)] if name else []
    while todo:
        path, wanted, depth = todo.pop()
        for caller, fn in workspace.calling_functions(wanted, path):
            if (caller.path, fn.start_byte) in seen:
                continue
            seen.add((caller.path, fn.start_byte))
            lookups = _lookups(workspace, caller, fn)
            if lookups is None:
                continue  # too deep to read: it shows no lookup
            for call in lookups:
                found = _fixed_identity(workspace, caller, call)
                if found is not None:
                    return found
            outer = function_name(fn)
            if outer is not None and depth + 1 < DEPTH:
                # It may hand on an id it was given, or look one up that its own caller has
                # as well (`getUserId(override)`): its callers reach the action too.
                todo.append((caller.path, outer, depth + 1))
    return None


def _lookups(workspace: Workspace, module: Module, fn: Node) -> tuple[Node, ...] | None:
    """The lookups a walk of `fn` meets (None: too deep to read); the callers of a file's
    actions overlap, so each function is walked once."""
    key = (module.path, fn.start_byte)
    if key not in workspace.walked_lookups:
        walker = Walker(module, workspace.project)
        try:
            walker.run(fn)
            workspace.walked_lookups[key] = tuple(walker.lookups)
        except RecursionError:
            workspace.walked_lookups[key] = None
    return workspace.walked_lookups[key]


def _fixed_identity(workspace: Workspace, module: Module, call: Node) -> tuple[str, str] | None:
    callee = callee_of(call)
    if callee is None or callee.type != "identifier":
        return None
    found = workspace.project.function_for(module, text(callee), call)
    if found is None:
        return None
    where, fn = found
    walker = _Answers(where, workspace.project, helper=True)
    try:
        walker.run(fn)
    except RecursionError:
        return None
    # One path answers from the session, another, before any lookup, with a fixed id.
    if walker.fixed and any(v.session for stopped, v in walker.returns if not stopped):
        return text(callee), where.path
    return None


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
