"""Who calls an action in the project, and which identity they hand it.

A project may run without sign-in (a personal or single-user mode): its own lookup then
answers with a fixed id, from the environment or a constant, and nobody is signed in.
Callers that take the id from such a lookup reach the action in that mode too, where a
check of a real session would turn every request away.
"""

from __future__ import annotations

from tree_sitter import Node

from guardfix.facts.fixed_ids import answers_fixed_id
from guardfix.module import Module
from guardfix.syntax import callee_of, text
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
            lookups = workspace.project.lookups_in(caller, fn)
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


def _fixed_identity(workspace: Workspace, module: Module, call: Node) -> tuple[str, str] | None:
    callee = callee_of(call)
    if callee is None or callee.type != "identifier":
        return None
    found = workspace.project.function_for(module, text(callee), call)
    if found is None:
        return None
    where, fn = found
    try:
        fixed = answers_fixed_id(where, fn, workspace.project)
    except RecursionError:
        return None
    return (text(callee), where.path) if fixed else None
