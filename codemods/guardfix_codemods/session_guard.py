"""GF001: insert the session lookup and its check at the top of the action."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.edits import line_indent
from guardfix.model import Applicability, Edit, Finding, Fix
from guardfix.module import Module
from guardfix.syntax import first_statement, is_directive, text, walk
from guardfix_codemods import guests
from guardfix_codemods.codestyle import restyle
from guardfix_codemods.exits import fitted
from guardfix_codemods.imports import bound_by, import_edits, remove_specifier
from guardfix_codemods.plan import ActionPlan, declared_in, make_async
from guardfix_codemods.roles import sibling_role_guard, weaker_note
from guardfix_codemods.safe_action import ClientSwitch
from guardfix_codemods.session import SessionRecipe, permission_check

RULE = "GF001"


def fix(finding: Finding, plan: ActionPlan) -> Fix | str:
    if plan.client is not None:
        return _switch_client(plan, plan.client)
    recipe = plan.recipe
    if recipe is None:
        return plan.why_no_user_id
    fn = plan.facts.action.function
    taken = recipe.declares & declared_in(fn)
    if taken:
        return f"`{'`, `'.join(sorted(taken))}` is already declared in the action"
    guard = guests.exclude(fitted(recipe.guard, fn), plan.guest_test, recipe.user_id)
    edits = insert_at_top(plan, fn, restyle(guard, plan.module))
    if isinstance(edits, str):
        return edits
    workspace = plan.workspace
    imports = import_edits(
        plan.module,
        plan.style,
        [(need.written, workspace.specifier(need, plan.module.path)) for need in recipe.imports],
    )
    if isinstance(imports, str):
        return imports
    name = f"`{plan.facts.action.name}`" if plan.facts.action.name else "the action"
    title = f"Check the session at the top of {name}, {recipe.origin}"
    callers = server_callers(plan) + _weaker_than_siblings(plan, recipe)
    return Fix(
        title + callers,
        Applicability.UNSAFE if callers else Applicability.SAFE,
        tuple(edits + imports),
    )


def _weaker_than_siblings(plan: ActionPlan, recipe: SessionRecipe) -> str:
    """A note when the file's other actions check a role the inserted guard does not."""
    if permission_check(recipe) is not None:
        return ""
    role = sibling_role_guard(plan)
    return weaker_note(role) if role is not None else ""


def server_callers(plan: ActionPlan) -> str:
    """A note naming the route handlers that call the action, whose callers (a webhook, a
    cron job) may have no session for the check to find; "" when none does."""
    name = plan.facts.action.name
    callers = plan.workspace.route_callers(name, plan.module.path) if name else []
    if not callers:
        return ""
    return f" (also called by {', '.join(callers)}, which may have no signed-in user)"


def insert_at_top(plan: ActionPlan, fn: Node, code: str) -> list[Edit] | str:
    """Edits that run `code` first in `fn` (after an inline "use server"), made async."""
    content = plan.module.content
    style = plan.style
    edits = make_async(fn)
    if isinstance(edits, str):
        return edits
    body = fn.child_by_field_name("body")
    if body is None:
        return "the action has no body"
    outer = line_indent(content, fn.start_byte)
    if body.type != "statement_block":
        # `async (x) => expr` becomes a block that checks first, then returns `expr`.
        inner = outer + style.indent
        head = b"{" + style.newline + style.lines(code, inner) + style.newline + inner + b"return "
        tail = b";" + style.newline + outer + b"}"
        # `=>` then a line break: the brace goes on the arrow's line, not alone below it.
        arrow = next((c for c in fn.children if c.type == "=>"), None)
        start = body.start_byte
        if arrow is not None and not content[arrow.end_byte : start].strip():
            start, head = arrow.end_byte, b" " + head
        return [
            *edits,
            Edit(start, body.start_byte, head),
            Edit(body.end_byte, body.end_byte, tail),
        ]
    return [*edits, *_insert_in_block(plan, body, code)]


def _insert_in_block(plan: ActionPlan, body: Node, code: str) -> list[Edit]:
    """Edits that put `code` on lines of its own at the top of a `{ ... }` body."""
    content, style = plan.module.content, plan.style
    first = first_statement(body)
    at, row = body.start_byte + 1, body.start_point[0]
    if first is not None and is_directive(first, "use server"):
        at, row = first.end_byte, first.end_point[0]
    rest = [c for c in body.named_children if c.start_byte >= at]
    if rest and rest[0].type == "comment" and rest[0].start_point[0] == row:
        at = rest[0].end_byte  # `{ // why` keeps its comment on the brace's line
        rest = rest[1:]
    statements = [c for c in body.named_children if c.type != "comment"]
    closing = line_indent(content, body.start_byte)
    if statements and statements[0].start_point[0] != body.start_point[0]:
        indent = line_indent(content, statements[0].start_byte)
    else:
        indent = closing + style.indent
    text = style.newline + style.lines(code, indent)
    if not rest:
        return [Edit(at, at, text + style.newline + closing)]
    if rest[0].start_point[0] != row:
        return [Edit(at, at, text)]
    # A one-line body, `{ await x(); }`: every statement gets a line of its own.
    edits = [Edit(at, rest[0].start_byte, text + style.newline + indent)]
    start = body.start_byte + 1
    if first is not None and at == first.end_byte and not content[start : first.start_byte].strip():
        edits.append(Edit(start, first.start_byte, style.newline + indent))  # "use server"
    end = body.end_byte - 1
    if rest[-1].end_point[0] == body.end_point[0] and not content[rest[-1].end_byte : end].strip():
        edits.append(Edit(rest[-1].end_byte, end, style.newline + closing))
    return edits


def _switch_client(plan: ActionPlan, switch: ClientSwitch) -> Fix | str:
    edits = [Edit(switch.root.start_byte, switch.root.end_byte, switch.client.encode())]
    edits.extend(switch.edits)
    old = text(switch.root)
    spec = bound_by(plan.module, old) if switch.specifier is not None else None
    if spec is not None and not _used_elsewhere(plan.module, old, switch.root):
        # The public client is no longer used: its import goes, or names the new client.
        if switch.client in plan.module.imports:
            edits.append(remove_specifier(plan.module, spec))
        else:
            edits.append(Edit(spec.start_byte, spec.end_byte, switch.client.encode()))
    elif switch.specifier is not None:
        imports = import_edits(plan.module, plan.style, [(switch.client, switch.specifier)])
        if isinstance(imports, str):
            return imports
        edits.extend(imports)
    return Fix(
        f"Build the action from `{switch.client}`, the project's authenticated client",
        Applicability.SAFE,
        tuple(edits),
    )


def _used_elsewhere(module: Module, name: str, root: Node) -> bool:
    """`name` is read somewhere other than `root` and its own import."""
    return any(
        node.type == "identifier" and text(node) == name and node != root
        for stmt in module.root.named_children
        if stmt.type != "import_statement"
        for node in walk(stmt)
    )
