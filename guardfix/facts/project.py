"""The project as the facts stage sees it: files parsed once, helpers summarised once."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tree_sitter import Node

from guardfix.actions import chain_calls, chain_root
from guardfix.facts.flow import SessionArgs, Summary, Walker
from guardfix.facts.ownership import scopes
from guardfix.facts.public import Publicity, session_names
from guardfix.facts.resolve import ModuleResolver, Reader
from guardfix.facts.schema import database_refuses
from guardfix.facts.values import UNKNOWN, join
from guardfix.model import ActionFacts, ActionKind, ServerAction
from guardfix.module import Import, Module, build_module
from guardfix.parse import is_source_path, parse
from guardfix.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    declared_value,
    is_async,
    object_property,
    param_names,
    text,
    unwrap,
)

# How many calls deep helpers are followed (action -> helper -> helper ...).
MAX_DEPTH = 4
_ChainCheck = Callable[[Node, Module, int], bool]
_IN_PROGRESS = Summary(guards=False, value=UNKNOWN, mutation=None)


class Project:
    def __init__(
        self,
        reader: Reader,
        *,
        lookups: frozenset[str] = frozenset(),
        guards: frozenset[str] = frozenset(),
        files: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.reader = reader
        self.files = files  # every file of the project, to find who imports an action
        self.lookups = lookups
        self.guards = guards
        self.notices: list[str] = []
        self.resolver = ModuleResolver(reader, self.notices)
        self._modules: dict[str, Module | None] = {}
        self._summaries: dict[tuple[str, int, SessionArgs], Summary] = {}
        self._depth = 0
        self.publicity = Publicity(self)

    # -- files -------------------------------------------------------------------------

    def add(self, path: str, content: bytes) -> Module:
        """Parse a file the run was asked to check (content may come from the index)."""
        module = build_module(path, content, parse(path, content))
        self._modules[path] = module
        return module

    def module(self, path: str) -> Module | None:
        if path not in self._modules:
            content = self.reader.read(path) if is_source_path(path) else None
            self._modules[path] = (
                build_module(path, content, parse(path, content)) if content is not None else None
            )
        return self._modules[path]

    # -- names -------------------------------------------------------------------------

    def definition(
        self, module: Module, name: str, at: Node | None = None, depth: int = 0
    ) -> tuple[Module, Node] | None:
        """Where a name used in `module` (at node `at`) is defined, across imports."""
        if at is not None:
            local = _scope_definition(at, name)
            if local is not None:
                return module, local
        if name in module.definitions:
            return module, module.definitions[name]
        origin = module.imports.get(name)
        if origin is None or origin.name == "*" or depth > MAX_DEPTH:
            return None
        target = self.resolver.resolve(module.path, origin.specifier)
        other = self.module(target) if target is not None else None
        if other is None:
            return None
        return self.exported(other, origin.name, depth + 1)

    def exported(self, module: Module, name: str, depth: int) -> tuple[Module, Node] | None:
        target = module.exports.get(name)
        if isinstance(target, str):
            return self.definition(module, target, None, depth)
        if target is not None:
            return module, target
        for reexport in module.reexports:
            if reexport.name not in (name, "*") or depth > MAX_DEPTH:
                continue
            path = self.resolver.resolve(module.path, reexport.specifier)
            other = self.module(path) if path is not None else None
            if other is None:
                continue
            found = self.exported(
                other, name if reexport.name == "*" else reexport.imported, depth + 1
            )
            if found is not None:
                return found
        return None

    def function_for(
        self, module: Module, name: str, at: Node | None, depth: int = 0
    ) -> tuple[Module, Node] | None:
        """The function a name calls: a declaration, `const f = () => ...`, or `cache(f)`."""
        found = self.definition(module, name, at)
        if found is None or depth > MAX_DEPTH:
            return None
        where, node = found
        if node.type in FUNCTION_TYPES:
            return where, node
        value = declared_value(node)
        if value is not None and value.type in FUNCTION_TYPES:
            return where, value
        if value is not None and value.type == "call_expression":
            # `export const getUser = cache(async () => {...})`, or `cache(getUserImpl)`
            args = [unwrap(a) for a in call_arguments(value)]
            if len(args) == 1 and args[0] is not None and args[0].type in FUNCTION_TYPES:
                return where, args[0]
            if len(args) == 1 and args[0] is not None and args[0].type == "identifier":
                return self.function_for(where, text(args[0]), args[0], depth + 1)
        return None

    def origin(self, module: Module, name: str, depth: int = 0) -> Import | None:
        """The package a name is imported from, through the project's own re-exports.

        `import { auth } from "@repo/auth/server"`, where that file says
        `export * from "@clerk/nextjs/server"`, is Clerk's `auth`.
        """
        imported = module.imports.get(name)
        if imported is None or depth > MAX_DEPTH:
            return imported
        path = self.resolver.resolve(module.path, imported.specifier)
        other = self.module(path) if path is not None else None
        if other is None:
            return imported  # a package, or a file we cannot read
        local = other.exports.get(imported.name)
        if isinstance(local, str) and local in other.imports:
            return self.origin(other, local, depth + 1)
        if local is not None or imported.name in other.definitions:
            return imported  # defined in the project
        for reexport in other.reexports:
            if reexport.name not in (imported.name, "*"):
                continue
            source = reexport.imported if reexport.name != "*" else imported.name
            if self.resolver.resolve(other.path, reexport.specifier) is None:
                return Import(reexport.specifier, source)
        return imported

    # -- summaries (the flow walker's Resolver) ----------------------------------------

    def call_summary(
        self, call: Node, module: Module, session_args: SessionArgs = ()
    ) -> tuple[str, Summary] | None:
        callee = callee_of(call)
        if callee is None or callee.type != "identifier":
            return None
        name = text(callee)
        found = self.function_for(module, name, call)
        if found is None:
            return None
        summary = self.summary(*found, session_args)
        return (name, summary) if summary is not None else None

    def summary(self, module: Module, fn: Node, session_args: SessionArgs = ()) -> Summary | None:
        """What calling `fn` does, given the session values passed at some positions."""
        key = (module.path, fn.start_byte, session_args)
        if key in self._summaries:
            return self._summaries[key]
        if self._depth >= MAX_DEPTH:
            return None
        self._summaries[key] = _IN_PROGRESS  # recursion ends here
        self._depth += 1
        try:
            walker = Walker(module, self, helper=True)
            names = param_names(fn)
            params = {names[i]: v for i, v in session_args if i < len(names) and names[i]}
            walker.run(fn, params=params)
        except RecursionError:
            # Too deep to follow: treated as a helper guardfix cannot see into.
            del self._summaries[key]
            return None
        finally:
            self._depth -= 1
        live = [value for stopped, value in walker.returns if not stopped]
        first = next((e.mutation for e in walker.events if not e.guarded), None)
        summary = Summary(
            guards=not live,
            value=join(live),
            mutation=first,
            is_async=is_async(fn),
        )
        self._summaries[key] = summary
        return summary

    # -- actions -----------------------------------------------------------------------

    def analyze(self, action: ServerAction, module: Module) -> ActionFacts:
        stopped = False
        if action.builder is not None:
            if action.kind is ActionKind.SAFE_ACTION:
                stopped = self.client_guards(action.builder, module, 0)
            elif action.kind is ActionKind.ZSA:
                stopped = self.procedure_guards(action.builder, module, 0)
            elif action.kind is ActionKind.WRAPPER:
                stopped = any(self.wrapper_guards(c, arg, module) for c, arg in action.layers)
        walker = Walker(module, self)
        walker.run(action.function, stopped)
        events = tuple(walker.events)
        public = hint = refuses = None
        if any(not e.guarded for e in events):
            public, hint = self.publicity.flow(action, module, events, walker.lookups)
            names = session_names(action.function, walker.lookups)
            refuses = database_refuses(self, module.path, events, public, names)
        return ActionFacts(
            action,
            events,
            public,
            walker.unawaited,
            lookups=tuple(walker.lookups),
            scopes=scopes(action, events, walker.lookups),
            database_refuses=refuses,
            public_hint=hint,
        )

    def client_guards(self, chain: Node, module: Module, depth: int) -> bool:
        """A next-safe-action client (or action chain) whose `.use()` middleware guards."""
        for call in chain_calls(chain):
            args = call_arguments(call)
            if callee_name(call) == "use" and args and self.middleware_guards(args[0], module):
                return True
        return self._root_guards(chain, module, depth, self.client_guards)

    def procedure_guards(self, chain: Node, module: Module, depth: int) -> bool:
        """A zsa procedure whose `.handler()` stops anonymous callers."""
        for call in chain_calls(chain):
            name = callee_name(call)
            args = call_arguments(call)
            if name == "handler" and args and "createServerActionProcedure" in text(chain):
                found = self._function_arg(args[0], module)
                if found is not None:
                    summary = self.summary(*found)
                    if summary is not None and summary.guards:
                        return True
            if name == "createServerActionProcedure" and args:
                parent = unwrap(args[0])
                if (
                    parent is not None
                    and parent.type == "identifier"
                    and self._named_chain_guards(text(parent), module, depth, self.procedure_guards)
                ):
                    return True
        return self._root_guards(chain, module, depth, self.procedure_guards)

    def _root_guards(self, chain: Node, module: Module, depth: int, check: _ChainCheck) -> bool:
        root = chain_root(chain)
        if root is None or root.type != "identifier":
            return False
        return self._named_chain_guards(text(root), module, depth, check)

    def _named_chain_guards(
        self, name: str, module: Module, depth: int, check: _ChainCheck
    ) -> bool:
        if depth > MAX_DEPTH:
            return False
        found = self.definition(module, name)
        value = declared_value(found[1]) if found is not None else None
        if found is None or value is None or value.type != "call_expression":
            return False
        return check(value, found[0], depth + 1)

    def middleware_guards(self, arg: Node, module: Module) -> bool:
        found = self._function_arg(arg, module)
        if found is None:
            return False
        mw_module, fn = found
        walker = Walker(mw_module, self, sinks=_next_sinks(fn))
        walker.run(fn)
        return bool(walker.sink_states) and all(walker.sink_states)

    def wrapper_guards(self, call: Node, inner: Node, module: Module) -> bool:
        """`withAuth(async () => ...)`: the wrapper calls the action only after a guard."""
        callee = callee_of(call)
        if callee is None or callee.type != "identifier":
            return False
        found = self.function_for(module, text(callee), call)
        if found is None:
            return self._v6_client_guards(text(callee), module)
        wrapper_module, wrapper = found
        args = [unwrap(a) for a in call_arguments(call)]
        params = param_names(wrapper)
        position = next((i for i, a in enumerate(args) if a is not None and a.id == inner.id), -1)
        if position < 0 or position >= len(params) or params[position] is None:
            return False
        walker = Walker(wrapper_module, self, sinks=frozenset({params[position] or ""}))
        walker.run(wrapper)
        return bool(walker.sink_states) and all(walker.sink_states)

    def _v6_client_guards(self, name: str, module: Module) -> bool:
        """next-safe-action v6: `createSafeActionClient({ middleware })` used as `client(s, fn)`."""
        found = self.definition(module, name)
        value = declared_value(found[1]) if found is not None else None
        if found is None or value is None or callee_name(value) != "createSafeActionClient":
            return False
        args = call_arguments(value)
        middleware = object_property(args[0], "middleware") if args else None
        target = self._function_arg(middleware, found[0]) if middleware is not None else None
        summary = self.summary(*target) if target is not None else None
        return summary is not None and summary.guards

    def _function_arg(self, arg: Node, module: Module) -> tuple[Module, Node] | None:
        node = unwrap(arg)
        if node is None:
            return None
        if node.type in FUNCTION_TYPES:
            return module, node
        if node.type == "identifier":
            return self.function_for(module, text(node), node)
        return None


def _scope_definition(at: Node, name: str) -> Node | None:
    """A function or const named `name` in a block enclosing `at` (not the file level)."""
    node = at.parent
    while node is not None and node.type != "program":
        if node.type == "statement_block":
            for stmt in node.named_children:
                if stmt.type == "function_declaration":
                    ident = stmt.child_by_field_name("name")
                    if ident is not None and text(ident) == name:
                        return stmt
                elif stmt.type in ("lexical_declaration", "variable_declaration"):
                    for decl in stmt.named_children:
                        ident = decl.child_by_field_name("name")
                        if (
                            decl.type == "variable_declarator"
                            and ident is not None
                            and text(ident) == name
                        ):
                            return decl
        node = node.parent
    return None


def _next_sinks(fn: Node) -> frozenset[str]:
    """The callee texts that continue a next-safe-action middleware: `next` or `opts.next`."""
    params = param_names(fn)
    if params and params[0] is not None:
        return frozenset({f"{params[0]}.next"})
    return frozenset({"next"})
