"""What every fix of one action shares: the file's style, the guard to insert, the user id."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tree_sitter import Node

from guardfix.edits import Style, style_of
from guardfix.model import ActionFacts, ActionKind, Edit
from guardfix.module import Module
from guardfix.syntax import callee_name, is_async, pattern_names, text, walk
from guardfix_codemods import guests, session
from guardfix_codemods.safe_action import ClientSwitch, authenticated_client
from guardfix_codemods.session import SessionRecipe
from guardfix_codemods.workspace import Workspace


@dataclass(frozen=True)
class ActionPlan:
    """What the fixes of one action share. The guard and the user id cost the project's
    idiom to learn: they are worked out when a codemod first asks, not before."""

    workspace: Workspace
    module: Module
    facts: ActionFacts
    codes: frozenset[str]  # the rules the action's findings break
    style: Style
    client: ClientSwitch | None  # for next-safe-action, the authenticated client

    @property
    def lookup(self) -> Node | None:
        """The action's own lookup statement, when it has one."""
        return self.facts.lookup_statement

    @property
    def recipe(self) -> SessionRecipe | None:
        """The guard the GF001 fix inserts: the lookup, its check and the user id."""
        return self._identity[0]

    @property
    def user_id(self) -> str | None:
        """The caller's id once the session is checked."""
        return self._identity[1]

    @property
    def why_no_user_id(self) -> str:
        return self._identity[2]

    @property
    def user_id_from(self) -> str | None:
        """The rule whose fix declares what `user_id` reads (None: the action already does)."""
        return "GF001" if self.recipe is not None or self.client is not None else None

    @cached_property
    def guest_test(self) -> str | None:
        """How the project refuses a guest session, if it does (learned once per app)."""
        return guests.guest_test(self.workspace, self.module.path)

    @cached_property
    def _identity(self) -> tuple[SessionRecipe | None, str | None, str]:
        workspace, facts, client, lookup = self.workspace, self.facts, self.client, self.lookup
        if client is not None:
            return (
                None,
                client.user_id,
                f"cannot tell how `{client.client}` passes the user id in `ctx`",
            )
        recipe = recipe_for(workspace, self.module.path)
        if "GF001" in self.codes and isinstance(recipe, SessionRecipe):
            why = "the guard it would insert does not show the user id"
            return recipe, recipe.user_id, f"{why}; set session.user-id in the config"
        if lookup is not None:
            user_id = _existing_user_id(lookup, facts, recipe)
            other = elsewhere(workspace, self.module.path) if user_id is None else None
            if other is not None:
                # The lookup as the project's pages and helpers read the id from it.
                user_id = _existing_user_id(lookup, facts, other)
            return (
                None,
                user_id,
                "cannot tell the session's user id; set session.user-id in the configuration",
            )
        if isinstance(recipe, str):
            return None, None, recipe
        return None, None, "the action has no session lookup to take the user id from"


def plan_action(
    workspace: Workspace, module: Module, facts: ActionFacts, codes: set[str]
) -> ActionPlan:
    client = None
    if "GF001" in codes and facts.action.kind is ActionKind.SAFE_ACTION:
        client = authenticated_client(workspace.project, module, facts.action)
    return ActionPlan(
        workspace,
        module,
        facts,
        frozenset(codes),
        style_of(module.content),
        client,
    )


def recipe_for(workspace: Workspace, path: str) -> SessionRecipe | str:
    """Configuration, then the project's idiom, then a preset (learned once per run)."""
    setting = workspace.config.session
    if setting is not None:
        return session.from_config(setting)
    idiom = session.idiom(workspace, path)
    if isinstance(idiom, SessionRecipe):
        return idiom
    preset = session.from_preset(workspace, path)
    if isinstance(preset, SessionRecipe):
        return preset
    return elsewhere(workspace, path) or preset


def elsewhere(workspace: Workspace, path: str) -> SessionRecipe | None:
    """The lookup and check the app's pages, layouts and helpers use (learned once)."""
    return session.helper_idiom(workspace, path)


def bound_names(stmt: Node) -> frozenset[str]:
    """The names a declaration binds: `session`, or `userId` of `const { userId } = ...`."""
    if stmt.type not in ("lexical_declaration", "variable_declaration"):
        return frozenset()
    names = set()
    for decl in stmt.named_children:
        pattern = decl.child_by_field_name("name") if decl.type == "variable_declarator" else None
        if pattern is not None:
            names.update(pattern_names(pattern))
    return frozenset(names)


def _existing_user_id(lookup: Node, facts: ActionFacts, recipe: SessionRecipe | str) -> str | None:
    names = bound_names(lookup)
    if isinstance(recipe, SessionRecipe) and recipe.user_id is not None:
        first = recipe.guard.split("\n")[0]
        if " ".join(text(lookup).split()) == " ".join(first.split()):
            return recipe.user_id  # the very statement the recipe starts with
        root = recipe.user_id.split(".")[0]
        # The recipe's lookup, maybe spelt another way (`supabase.auth.getUser()` after a
        # `createClient()` of the action's own), binding one name where the recipe does.
        same = recipe.callee in text(lookup) or bool(
            {
                callee_name(c)
                for c in facts.lookups
                if lookup.start_byte <= c.start_byte < lookup.end_byte
            }
            & session.call_names(recipe.guard)
        )
        if len(names) == 1 and same and root in recipe.declares:
            (name,) = names
            return ".".join([name, *recipe.user_id.split(".")[1:]])
    if not names:
        return None
    return session.user_id_in(facts.action.function, names) or _user_id_nearby(lookup, names)


def _user_id_nearby(lookup: Node, names: frozenset[str]) -> str | None:
    """How the file's other actions read the id from the same lookup: `user.id` after
    `const user = await getUserOrThrow()` in one action serves the others too."""
    callee = session.lookup_callee(lookup)
    if callee is None or len(names) != 1:
        return None
    (name,) = names
    root = lookup.parent
    while root is not None and root.parent is not None:
        root = root.parent
    for other in walk(root) if root is not None else ():
        if other.type not in ("lexical_declaration", "variable_declaration") or other == lookup:
            continue
        bound = bound_names(other)
        if len(bound) != 1 or session.lookup_callee(other) != callee:
            continue
        fn = other.parent.parent if other.parent is not None else None
        found = session.user_id_in(fn, bound) if fn is not None else None
        if found is not None:
            return ".".join([name, *found.split(".")[1:]])
    return None


def declared_in(fn: Node) -> frozenset[str]:
    """Every name the function binds: parameters and declarations at any depth."""
    names = set()
    for node in walk(fn):
        if node.type in ("identifier", "shorthand_property_identifier_pattern") and (
            session.is_binding(node) or _is_parameter(node)
        ):
            names.add(text(node))
    return frozenset(names)


def make_async(fn: Node) -> list[Edit] | str:
    """The edit that makes `fn` async (none when it is), for an `await` put into it."""
    if is_async(fn):
        return []
    if fn.type not in ("function_declaration", "function_expression", "arrow_function"):
        return f"cannot make a {fn.type.replace('_', ' ')} async"
    return [Edit(fn.start_byte, fn.start_byte, b"async ")]


def _is_parameter(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "arrow_function":
        return parent.child_by_field_name("parameter") == node
    return parent.type in ("required_parameter", "optional_parameter")
