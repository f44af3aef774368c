"""What shows an action is meant for staff: the role check the file's actions run after
their lookup (a sign-in check in its place lets every signed-in user in), or a page using
the action that lets only an administrator in (an owner filter would break it)."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from guardfix.actions import find_actions
from guardfix.facts.fixed_ids import fixed_value
from guardfix.facts.lookups import stops_request
from guardfix.module import Module
from guardfix.parse import parse
from guardfix.syntax import EQUALITY, FUNCTION_TYPES, text, walk
from guardfix_codemods import session
from guardfix_codemods.plan import ActionPlan, bound_names
from guardfix_codemods.session import ROLE_PROPERTY
from guardfix_codemods.workspace import Workspace, exported_names

USERS_DEPTH = 3  # from the action through the components that use it to the page


@dataclass(frozen=True)
class RoleGuard:
    check: str  # what checks the role, for messages: "`assertAdmin(session)`"
    lookup: str  # the lookup statement it follows, whitespace collapsed
    rest: str  # the statements after the lookup (LF, two spaces per level)


def sibling_role_guard(plan: ActionPlan, *, itself: bool = False) -> RoleGuard | None:
    """The guard of another action in the file (or, with `itself`, of this one) that checks
    a role and stops the request."""
    for action in find_actions(plan.module):
        if action.function == plan.facts.action.function and not itself:
            continue
        try:
            recipe = session.guard_of(action, plan.module, plan.workspace)
        except RecursionError:
            continue  # an action too deep to read shows no guard
        check = session.permission_check(recipe) if recipe is not None else None
        if recipe is None or check is None or not _checks_role(plan, action.function, check):
            continue
        statements = parse("guard.ts", recipe.guard.encode()).root_node.named_children
        if len(statements) < 2:
            continue
        code = recipe.guard.encode()
        rest = code[statements[1].start_byte :].decode()
        return RoleGuard(check, _collapsed(text(statements[0])), rest)
    return None


def admin_users(workspace: Workspace, module: Module, name: str | None) -> str | None:
    """A page or component using the action (through the components between them) that
    stops everyone but an administrator: the session's user compared with a fixed value
    (`user.email !== ADMIN_EMAIL`) or its role read."""
    todo = [(module.path, name, 0)] if name else []
    seen = {module.path}
    while todo:
        path, wanted, depth = todo.pop()
        for other, user in workspace.using_modules(wanted, path):
            if other in seen:
                continue
            seen.add(other)
            gate = _admin_gate(workspace, user)
            if gate is not None:
                return f"{other} lets only an administrator in (`{gate}`)"
            if depth + 1 < USERS_DEPTH:
                todo += [(other, export, depth + 1) for export in exported_names(user)]
    return None


def _admin_gate(workspace: Workspace, module: Module) -> str | None:
    """The condition of an `if` that stops the request unless the user is an admin."""
    if b"if" not in module.content:
        return None
    for fn in (n for n in walk(module.root) if n.type in FUNCTION_TYPES):
        body = fn.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            continue
        lookups = workspace.project.lookups_in(module, fn)
        if lookups is None:
            continue  # too deep to read: no gate to see
        names = {n for call in lookups for n in _bound_by(call)}
        for stmt in body.named_children:
            condition = stmt.child_by_field_name("condition")
            consequence = stmt.child_by_field_name("consequence")
            if stmt.type != "if_statement" or condition is None or consequence is None:
                continue
            if stops_request(consequence) and _admin_test(condition, names, fn):
                return " ".join(text(condition).strip("()").split())
    return None


def _bound_by(call: Node) -> frozenset[str]:
    """The names the declaration holding the lookup binds: `user` of `const user = ...`."""
    node: Node | None = call
    while node is not None and node.type not in ("lexical_declaration", "variable_declaration"):
        if node.type in FUNCTION_TYPES or node.type.endswith("statement"):
            return frozenset()
        node = node.parent
    return bound_names(node) if node is not None else frozenset()


def _admin_test(condition: Node, names: set[str], fn: Node) -> bool:
    """The user's role read, or the user compared with a constant or the environment."""
    for node in walk(condition):
        if node.type == "member_expression" and _root(node) in names:
            if ROLE_PROPERTY.search(text(node.child_by_field_name("property"))):
                return True
        elif node.type == "binary_expression" and text(node.child_by_field_name("operator")) in (
            EQUALITY
        ):
            sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
            mine = [s for s in sides if s is not None and _root(s) in names]
            others = [s for s in sides if s is not None and _root(s) not in names]
            if mine and others and fixed_value(_declared(others[0], fn)):
                return True
    return False


def _root(node: Node) -> str:
    return text(node).split(".")[0].split("?")[0]


def _declared(node: Node, fn: Node) -> Node:
    """A name's value when the function declares it a constant: `ADMIN = process.env.X`."""
    if node.type != "identifier":
        return node
    for decl in walk(fn):
        if decl.type == "variable_declarator" and text(decl.child_by_field_name("name")) == text(
            node
        ):
            value = decl.child_by_field_name("value")
            return value if value is not None else node
    return node


def weaker_note(guard: RoleGuard) -> str:
    """Why a sign-in check in place of the role check is unsafe."""
    return (
        f" (unsafe: the file's other actions also check {guard.check}; a sign-in check "
        "lets any signed-in user in)"
    )


def same_lookup(guard: RoleGuard, statement: Node) -> bool:
    """The action looks the session up as the guard does, so its check runs as written."""
    return _collapsed(text(statement)) == guard.lookup


def _collapsed(code: str) -> str:
    return " ".join(code.split())


def _checks_role(plan: ActionPlan, fn: Node, check: str) -> bool:
    """What the check does, not what it is called: a role read in the guard itself, or a
    project helper given the session that reads a role and throws or redirects."""
    calls = [n for n in walk(fn) if n.type == "call_expression" and f"`{text(n)}`" == check]
    if not calls:
        return True  # `session.user.role` read in the guard's own condition
    project = plan.workspace.project
    call = calls[0]
    if project.stops(call, plan.module) is not True:
        return False
    callee = call.child_by_field_name("function")
    found = project.function_for(plan.module, text(callee), call) if callee is not None else None
    return found is not None and any(
        n.type == "member_expression"
        and ROLE_PROPERTY.search(text(n.child_by_field_name("property")))
        for n in walk(found[1])
    )
