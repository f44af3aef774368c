"""Which session lookup a fix inserts: the configuration, the project's own idiom, a preset.

Imitating the code base beats any preset: the guard most used by the project's
already-guarded actions is copied as it is written there, with its imports.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from guardfix.config import SessionSetting
from guardfix.facts.lookups import EXIT_CALLS
from guardfix.libraries import FixPreset, libraries
from guardfix.model import ActionKind, ServerAction
from guardfix.module import Module
from guardfix.parse import parse
from guardfix.syntax import (
    FUNCTION_TYPES,
    callee_name,
    first_statement,
    is_directive,
    text,
    walk,
)
from guardfix_codemods.imports import Need
from guardfix_codemods.learned import PerApp
from guardfix_codemods.texts import dedent, major
from guardfix_codemods.workspace import Workspace

# Names a copied guard may use without importing them.
GLOBALS = frozenset(
    {"Error", "undefined", "Response", "JSON", "Object", "String", "Number", "Boolean", "Array"}
    | {"Promise", "console", "process", "Date", "Math", "URL", "TypeError", "globalThis"}
)
LEAD = 3  # statements that may come before the lookup (reading the form, say)
SESSION_WORDS = (b"session", b"auth", b"user")  # a file without them looks no session up
ROLE_PROPERTY = re.compile(r"role|admin|permission", re.IGNORECASE)
USER_ID_END = re.compile(r"^(id|userId|user_id|sub|uid)$")


@dataclass(frozen=True)
class SessionRecipe:
    origin: str  # ends the fix title: where this guard comes from ("as 3 guarded actions do")
    guard: str  # the lookup and its check (LF, two spaces per level)
    callee: str  # the lookup's callee as written, to recognise it in other actions
    user_id: str | None  # the caller's id once the check has passed
    imports: tuple[Need, ...]
    declares: frozenset[str]  # names the guard binds in the action


def from_config(setting: SessionSetting) -> SessionRecipe:
    var = setting.user_id.split(".")[0]
    guard = f"const {var} = {setting.call};\n{check_text(setting.user_id)}"
    return SessionRecipe(
        origin="with the configured session lookup",
        guard=guard,
        callee=_first_callee(guard),
        user_id=setting.user_id,
        imports=(Need(setting.name, setting.module, default=setting.default),),
        declares=declared_names(guard),
    )


def permission_check(recipe: SessionRecipe) -> str | None:
    """What in the guard checks more than a sign-in: a call given the session
    (`assertAdmin(session)`) or a role read (`session.user.role`). Such a guard lets its
    callers act for other users on purpose."""
    tree = parse("guard.ts", recipe.guard.encode())
    for node in walk(tree.root_node):
        if node.type == "member_expression":
            prop = text(node.child_by_field_name("property"))
            if ROLE_PROPERTY.search(prop):
                return f"`{text(node)}`"
        if node.type != "call_expression" or callee_name(node) in EXIT_CALLS:
            continue
        args = node.child_by_field_name("arguments")
        if args is not None and any(
            n.type == "identifier" and text(n) in recipe.declares for n in walk(args)
        ):
            return f"`{text(node)}`"
    return None


def declared_names(code: str) -> frozenset[str]:
    """The names a piece of guard code binds."""
    tree = parse("guard.ts", code.encode())
    return frozenset(
        text(n)
        for n in walk(tree.root_node)
        if n.type in ("identifier", "shorthand_property_identifier_pattern") and is_binding(n)
    )


def call_names(code: str) -> frozenset[str]:
    """The last name of every callee in a piece of guard code: `getUser`, `auth`."""
    tree = parse("guard.ts", code.encode())
    calls = (n for n in walk(tree.root_node) if n.type == "call_expression")
    return frozenset(name for call in calls if (name := callee_name(call)) is not None)


def _first_callee(code: str) -> str:
    tree = parse("guard.ts", code.encode())
    return lookup_callee(tree.root_node) or ""


def check_text(user_id: str) -> str:
    """`if (!session?.user?.id) { throw ... }` for a user id expression."""
    chain = "?.".join(user_id.split("."))
    return f'if (!{chain}) {{\n  throw new Error("Unauthorized");\n}}'


# -- the project's own idiom -----------------------------------------------------------


def learn(workspace: Workspace, under: str = "") -> SessionRecipe | None:
    """The guard most used by the already-guarded actions below `under`, or None."""

    def guards() -> Iterator[SessionRecipe | None]:
        files = workspace.app_files(under)
        for module, action in workspace.project.directive_actions(files, lambda _: True, under):
            try:
                yield guard_of(action, module, workspace)
            except RecursionError:
                continue  # an action too deep to read teaches nothing

    return _most_used(guards(), "guarded action")


def learn_elsewhere(workspace: Workspace, under: str = "") -> SessionRecipe | None:
    """The lookup and check the project's other code uses most below `under`: pages,
    layouts and helpers that call the project's own `getSession()` and stop without one."""

    def guards() -> Iterator[SessionRecipe | None]:
        files = workspace.app_files(under)
        for path in workspace.holding(files, *SESSION_WORDS, ignore_case=True, under=under):
            module = workspace.project.module(path)
            first = first_statement(module.root) if module is not None else None
            if module is None or (first is not None and is_directive(first, "use client")):
                continue  # a browser's lookup is no server's
            try:
                yield from [
                    _guard_in(fn, module, workspace)
                    for fn in _top_functions(module)
                    if _opens_with_session_words(fn)
                ]
            except RecursionError:
                continue

    return _most_used(guards(), "function")


def _top_functions(module: Module) -> Iterator[Node]:
    """The file's own functions: `export default async function Page()`, `const getX =
    async () => {}`, a middleware `client.use(async ({ next }) => {})`; not the callbacks
    inside their bodies (they rarely open with a lookup, and there are many)."""
    stack = list(reversed(module.root.named_children))
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES:
            yield node
        else:
            stack.extend(reversed(node.named_children))


def _opens_with_session_words(fn: Node) -> bool:
    """A cheap look before the walk: the first statements mention a session or a user."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return False
    lead = body.named_children[: LEAD + 2]
    return any(word.decode() in text(s).lower() for s in lead for word in SESSION_WORDS)


def _most_used(guards: Iterable[SessionRecipe | None], noun: str) -> SessionRecipe | None:
    counts: Counter[tuple[str, tuple[Need, ...]]] = Counter()
    found: dict[tuple[str, tuple[Need, ...]], SessionRecipe] = {}
    user_ids: dict[tuple[str, tuple[Need, ...]], Counter[str]] = {}
    for recipe in guards:
        if recipe is None:
            continue
        key = (" ".join(recipe.guard.split()), recipe.imports)
        counts[key] += 1
        found.setdefault(key, recipe)
        if recipe.user_id is not None:
            user_ids.setdefault(key, Counter())[recipe.user_id] += 1
    if not counts:
        return None
    key, count = counts.most_common(1)[0]
    best = found[key]
    ids = user_ids.get(key)
    return SessionRecipe(
        origin=(
            f"as 1 {noun} in this project does"
            if count == 1
            else f"as {count} {noun}s in this project do"
        ),
        guard=best.guard,
        callee=best.callee,
        user_id=ids.most_common(1)[0][0] if ids else None,
        imports=best.imports,
        declares=best.declares,
    )


# What each app teaches, learned once: the guard of its actions, else of its other code.
idiom = PerApp(learn)
helper_idiom = PerApp(learn_elsewhere)


def guard_of(action: ServerAction, module: Module, workspace: Workspace) -> SessionRecipe | None:
    """The lookup and check the action opens with, as a recipe."""
    if action.kind not in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE):
        return None
    return _guard_in(action.function, module, workspace)


def _guard_in(fn: Node, module: Module, workspace: Workspace) -> SessionRecipe | None:
    """The lookup among the first statements of `fn` and the check that follows it."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block" or body.has_error:
        return None  # a damaged guard is not one to copy
    statements = [s for s in body.named_children if s.type != "comment"]
    # A guard is a lookup among the first few statements, checked at once (or by itself).
    opening = workspace.project.opening_guard(module, statements, LEAD)
    if opening is None:
        return None
    first, last = opening
    if last > first and statements[last].type not in ("if_statement", "expression_statement"):
        return None  # stopped by a dereference in a statement doing more than checking
    guard = statements[first : last + 1]
    declared = {
        text(n)
        for s in guard
        for n in walk(s)
        if n.type in ("identifier", "shorthand_property_identifier_pattern") and is_binding(n)
    }
    needs = needs_of(guard, frozenset(declared), module, workspace)
    callee = lookup_callee(guard[0])
    if needs is None or callee is None or _cookie_presence(guard):
        return None
    return SessionRecipe(
        origin="",
        guard=dedent(module, guard[0].start_byte, guard[-1].end_byte),
        callee=callee,
        user_id=user_id_in(fn, frozenset(declared)),
        imports=needs,
        declares=frozenset(declared),
    )


def needs_of(
    statements: list[Node], declared: frozenset[str], module: Module, workspace: Workspace
) -> tuple[Need, ...] | None:
    """The imports copied `statements` need, or None when they use a name that cannot be
    imported (a local, a parameter, a renamed import)."""
    needs: list[Need] = []
    for node in (n for s in statements for n in walk(s)):
        if node.type != "identifier" or is_binding(node):
            continue
        name = text(node)
        if name in declared or name in GLOBALS:
            continue
        imported = module.imports.get(name)
        default = imported is not None and imported.name == "default"
        if imported is None or (imported.name != name and not default):
            return None
        resolved = workspace.project.resolver.resolve(module.path, imported.specifier)
        need = Need(name, imported.specifier, resolved, default=default)
        if need not in needs:
            needs.append(need)
    return tuple(needs)


def _cookie_presence(guard: list[Node]) -> bool:
    """`cookies().get("session")` then `if (!session)`: the cookie's presence, which any
    caller can fake; the helper that verifies it comes later, so the check is no guard."""
    calls = [n for s in guard for n in walk(s) if n.type == "call_expression"]
    names = {callee_name(c) for c in calls}
    return "cookies" in names and names <= {"cookies", "get"}


def is_binding(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if node.type == "shorthand_property_identifier_pattern":
        return True
    if parent.type == "variable_declarator":
        return parent.child_by_field_name("name") == node
    return parent.type in ("array_pattern", "pair_pattern") and (
        parent.type == "array_pattern" or parent.child_by_field_name("value") == node
    )


def lookup_callee(stmt: Node) -> str | None:
    """The callee of the first call in the statement: `auth` in `const s = await auth()`."""
    call = next((n for n in walk(stmt) if n.type == "call_expression"), None)
    if call is None:
        return None
    function = call.child_by_field_name("function")
    return text(function) if function is not None else None


def user_id_in(fn: Node, names: frozenset[str]) -> str | None:
    """The caller's id as the function itself spells it: `session.user.id`, `userId`."""
    counts: Counter[str] = Counter()
    for node in walk(fn):
        if node.type == "member_expression":
            parts = text(node).replace("?.", ".").replace("!", "").split(".")
            if (
                parts[0] in names
                and USER_ID_END.match(parts[-1])
                and all(p.isidentifier() for p in parts)
            ):
                counts[".".join(parts)] += 1
        elif node.type == "identifier" and text(node) in names and USER_ID_END.match(text(node)):
            counts[text(node)] += 1
    if not counts:
        return None
    # The longest spelling wins a tie: `session.user.id` over `session.id`.
    return max(counts, key=lambda k: (counts[k], k.count(".")))


# -- presets for the auth library in package.json -------------------------------------


def _sets_user_id(workspace: Workspace, needs: list[Need], preset: FixPreset) -> bool:
    """The project's auth setup (the file a preset import comes from) puts the user's id in
    the session: it holds one of the preset's markers (`adapter`, a `session(` callback)."""
    setup = next((n.file for n in needs if n.file is not None), None)
    content = workspace.read(setup) if setup is not None else None
    return content is not None and any(m.encode() in content for m in preset.id_needs)


def from_preset(workspace: Workspace, path: str) -> SessionRecipe | str:
    """The preset of the auth library the nearest package.json depends on."""
    deps = workspace.dependencies(path)
    missing: list[str] = []
    presets = [(lib.name, lib.fix) for lib in libraries() if lib.fix is not None]
    for name, preset in sorted(presets, key=lambda item: item[1].prefer_others):
        version = deps.get(preset.package)
        if version is None or not preset.applies_to(major(version)):
            continue
        needs: list[Need] = []
        for item in preset.imports:
            if item.module is not None:
                needs.append(Need(item.name, item.module, type_only=item.type_only))
                continue
            marker = item.exported_by or ""
            exporter = workspace.exporting(item.name, marker, workspace.app_root(path))
            if exporter is None:
                missing.append(f"{name} needs a project file exporting `{item.name}`")
                break
            needs.append(Need(item.name, "./" + exporter, exporter, type_only=item.type_only))
        else:
            guard, user_id = preset.guard, preset.user_id
            if preset.plain_guard is not None and not _sets_user_id(workspace, needs, preset):
                # Auth.js without an adapter or a session callback: no `session.user.id`.
                guard, user_id = preset.plain_guard, None
            return SessionRecipe(
                origin=f"with the {name} preset",
                guard=guard,
                callee=_first_callee(guard),
                user_id=user_id,
                imports=tuple(needs),
                declares=declared_names(guard),
            )
    if missing:
        return "; ".join(missing)
    return (
        "no session lookup is configured, no guarded action shows one and no known auth "
        "library is in package.json; set `session` in the configuration"
    )
