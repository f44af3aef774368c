"""The project as the facts stage sees it: files parsed once, helpers summarised once."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from tree_sitter import Node

from guardfix.actions import DIRECTIVE, chain_calls, chain_root, find_actions
from guardfix.config import Config
from guardfix.facts.flow import SessionArgs, State, Summary, Walker
from guardfix.facts.guests import Guests
from guardfix.facts.lookups import ASSERT_CALLS, EXIT_CALLS, classify_lookup
from guardfix.facts.ownership import Context, filter_params, scopes
from guardfix.facts.policies import rls_scoped
from guardfix.facts.public import Publicity, opening_session_names
from guardfix.facts.resolve import ModuleResolver, alias_match
from guardfix.facts.schema import (
    database_refuses,
    drizzle_references,
    prisma_schema,
    referenced_tables,
    references,
)
from guardfix.facts.taint import CLIENT, Handoff, RowKeys, enclosing, handoff, returned, row_keys
from guardfix.facts.values import OBJECT, UNKNOWN, Val, join, one_of, session_answer
from guardfix.files import Reader
from guardfix.model import ActionFacts, ActionKind, Api, ServerAction
from guardfix.module import Import, Module, build_module
from guardfix.parse import is_source_path, parse
from guardfix.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    callee_name,
    callee_of,
    declared_value,
    is_async,
    member_parts,
    object_property,
    param_names,
    string_value,
    text,
    unwrap,
    walk,
)

# How many calls deep helpers are followed (action -> helper -> helper ...).
MAX_DEPTH = 4
# Calls that wrap a function (their first argument) in a cache and return it.
MEMOIZERS = frozenset({"cache", "unstable_cache"})
_ChainCheck = Callable[[Node, Module, int], bool]
# A wrapper function, where it is defined, and the position of the argument it calls.
Wrapper = tuple[Module, Node, int]
_IN_PROGRESS = Summary(guards=False, value=UNKNOWN, mutation=None)
# Values of a project object whose methods guardfix does not follow.
_OBJECT_TYPES = frozenset({"object", "new_expression", "class"})


class Project:
    def __init__(
        self,
        reader: Reader,
        *,
        lookup_names: frozenset[str] = frozenset(),
        guard_names: frozenset[str] = frozenset(),
        files: Callable[[], Iterable[str]] = tuple,
        max_size: int | None = None,
    ) -> None:
        self.reader = reader
        self.max_size = max_size  # larger files are not parsed (minified bundles, vendored code)
        self.files = files  # every file of the project, to find who imports an action
        self.lookup_names = lookup_names
        self.guard_names = guard_names
        self.notices: list[str] = []
        self.resolver = ModuleResolver(reader, self.notices)
        self._modules: dict[str, Module | None] = {}
        self._summaries: dict[tuple[str, int, SessionArgs], Summary] = {}
        self._handoffs: dict[tuple[str, int, int], Handoff | None] = {}
        self._stops: dict[tuple[str, int], bool] = {}
        self._rows: dict[tuple[str, int], RowKeys | None] = {}
        self._depth = 0
        self._actions: dict[str, frozenset[int]] = {}  # function ids of each file's actions
        self._containing: dict[tuple[tuple[bytes, ...], bool, str], list[str]] = {}
        self._walked: dict[tuple[str, int], tuple[Node, ...] | None] = {}  # lookups_in's
        self.publicity = Publicity(self)
        self.guests = Guests(self)

    # -- files -------------------------------------------------------------------------

    def add(self, path: str, content: bytes) -> Module:
        """Parse a file the run was asked to check (content may come from the index)."""
        module = build_module(path, content, parse(path, content))
        self._modules[path] = module
        return module

    def module(self, path: str) -> Module | None:
        if path not in self._modules:
            content = self.reader.read(path) if is_source_path(path) else None
            if content is not None and self.max_size is not None and len(content) > self.max_size:
                content = None
            self._modules[path] = (
                build_module(path, content, parse(path, content)) if content is not None else None
            )
        return self._modules[path]

    def files_containing(
        self, *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str]:
        """The project's source files below `under` ("" for all) whose text holds one of
        `needles`, sorted: git searches them where it can; else each file is read here."""
        key = (needles, ignore_case, under)
        if key in self._containing:
            return self._containing[key]
        found = self.reader.search(*needles, ignore_case=ignore_case, under=under)
        if found is None:
            found = [
                p
                for p in self.files()
                if (not under or p.startswith(under + "/"))
                and is_source_path(p)
                and _holds(self.reader.read(p), needles, ignore_case)
            ]
        found = sorted(p for p in found if is_source_path(p))  # git lists every kind of file
        self.reader.prefetch(found)  # the callers read them
        self._containing[key] = found
        return found

    # -- names -------------------------------------------------------------------------

    def definition(
        self, module: Module, name: str, at: Node | None = None, depth: int = 0
    ) -> tuple[Module, Node] | None:
        """Where a name used in `module` (at node `at`) is defined, across imports."""
        if at is not None:
            local = _block_definition(at, name)
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
        # `export default cache(async () => {...})` names the call itself.
        value = unwrap(node) if node.type == "call_expression" else declared_value(node)
        if value is not None and value.type in FUNCTION_TYPES:
            return where, value
        if value is not None and value.type == "call_expression":
            # `export const getUser = cache(async () => {...})`, `React.cache(getUserImpl)`,
            # `unstable_cache(fn, keys, options)`: calling the result calls the function.
            args = [unwrap(a) for a in call_arguments(value)]
            inner = args[0] if len(args) == 1 or callee_name(value) in MEMOIZERS else None
            if inner is not None and inner.type in FUNCTION_TYPES:
                return where, inner
            if inner is not None and inner.type == "identifier":
                return self.function_for(where, text(inner), inner, depth + 1)
        return None

    def method_for(self, module: Module, callee: Node) -> tuple[Module, Node] | None:
        """`authService.requireUser` where `authService` is a project object literal, or
        `bucket.check` where `bucket = new TokenBucket()` is of a project class."""
        parts = member_parts(callee)
        if parts is None or len(parts) != 2:
            return None
        namespace = module.imports.get(parts[0])
        if namespace is not None and namespace.name == "*":
            # `import * as db from "./queries"`, then `db.deleteChat(...)`
            path = self.resolver.resolve(module.path, namespace.specifier)
            other = self.module(path) if path is not None else None
            exported = self.exported(other, parts[1], 1) if other is not None else None
            if exported is None:
                return None
            node = exported[1]
            if node.type in FUNCTION_TYPES:
                return exported
            return self.function_for(exported[0], parts[1], None)
        found = self.definition(module, parts[0])
        value = declared_value(found[1]) if found is not None else None
        for _ in range(MAX_DEPTH):  # `export const repo = pgRepo;`: follow the alias
            if found is None or value is None or value.type != "identifier":
                break
            found = self.definition(found[0], text(value))
            value = declared_value(found[1]) if found is not None else None
        if found is None or value is None:
            return None
        where = found[0]
        if value.type == "new_expression":
            constructor = value.child_by_field_name("constructor")
            lineage = self.lineage(where, text(constructor))[0] if constructor else []
            for owner, declared in lineage:
                body = declared.child_by_field_name("body")
                method = _method(body, parts[1]) if body is not None else None
                if method is not None:
                    return owner, method
            return None
        if value.type != "object":
            return None
        method = _method(value, parts[1])
        if method is not None:
            return where, method
        member = unwrap(object_property(value, parts[1]))
        if member is not None and member.type in FUNCTION_TYPES:
            return where, member
        if member is not None and member.type in ("identifier", "shorthand_property_identifier"):
            return self.function_for(where, text(member), None)
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
        if callee is None:
            return None
        if callee.type == "identifier":
            name = text(callee)
            found = self.function_for(module, name, call)
        elif callee.type == "member_expression":
            name = text(callee)
            found = self.method_for(module, callee)
        else:
            return None
        if found is None:
            return None
        summary = self.summary(*found, session_args)
        if summary is _IN_PROGRESS:
            doubt = (_label(name, found[0].path), "it calls itself")
            return name, replace(summary, doubts=(doubt,))
        return (name, summary) if summary is not None else None

    def unfollowed(self, call: Node, module: Module) -> tuple[str, str, bool] | None:
        """A call of project code that guardfix cannot follow: (the helper, why not, whether
        it may be the guard). Package calls are never in doubt: auth libraries are known by
        their lookups."""
        callee = callee_of(call)
        if callee is not None and callee.type == "member_expression":
            return self._member_unfollowed(callee, module)
        if callee is None or callee.type != "identifier":
            return None
        name = text(callee)
        found = self.function_for(module, name, call)
        if found is not None:  # found, but no summary: the walk went too deep
            return _label(name, found[0].path), f"it calls helpers more than {MAX_DEPTH} deep", True
        if _block_definition(call, name) is not None:
            return None  # a local value such as `const t = await getTranslations()`
        definition = self.definition(module, name)
        if definition is not None:
            return self._made_unfollowed(name, *definition)
        imported = module.imports.get(name)
        origin = self.origin(module, name)
        if imported is None or origin is None or not self._in_project(module, origin.specifier):
            return None
        if self.resolver.resolve(module.path, imported.specifier) is None:
            why = "it is imported from a file guardfix cannot find"
        else:
            why = "guardfix cannot find it among that file's exports"
        return _label(name, imported.specifier), why, False  # said, never taken for a guard

    def _made_unfollowed(
        self, name: str, where: Module, node: Node
    ) -> tuple[str, str, bool] | None:
        """`export const getViewer = makeViewerGetter(opts)` with a project maker.

        Made by a package (`const db = knex(config)`), it is that package's code.
        """
        value = declared_value(node)
        maker = callee_of(value) if value is not None and value.type == "call_expression" else None
        if maker is None or maker.type != "identifier":
            return None
        if self.function_for(where, text(maker), maker) is None:
            return None
        return _label(name, where.path), f"it is made by `{text(maker)}(...)`", True

    def _member_unfollowed(self, callee: Node, module: Module) -> tuple[str, str, bool] | None:
        """`authService.getViewer()` on an object or class of the project."""
        parts = member_parts(callee)
        if parts is None or len(parts) != 2:
            return None
        found = self.definition(module, parts[0])
        if found is None:
            return None
        where, node = found
        value = declared_value(node)
        if value is None or value.type not in _OBJECT_TYPES:
            return None
        label = _label(".".join(parts), where.path)
        if value.type == "new_expression":
            # Its methods are followed; named only when part of its class is a project file
            # guardfix cannot read (a package's class, `new PrismaClient()`, is not).
            constructor = value.child_by_field_name("constructor")
            if constructor is None or not self.lineage(where, text(constructor))[1]:
                return None
            return label, "its class extends one from a file guardfix cannot find", False
        return label, "it is called through a member", True

    def constant(self, module: Module, name: str) -> str | None:
        found = self.definition(module, name)
        declaration = found[1].parent if found is not None else None
        if found is None or declaration is None or not text(declaration).startswith("const"):
            return None
        value = declared_value(found[1])
        return string_value(value) if value is not None and value.type == "string" else None

    def lineage(self, module: Module, name: str) -> tuple[list[tuple[Module, Node]], bool]:
        """A class and the project classes it extends; and whether one it extends is of the
        project but could not be read."""
        classes: list[tuple[Module, Node]] = []
        while len(classes) <= MAX_DEPTH:
            found = self.class_for(module, name)
            if found is None:
                imported = module.imports.get(name)
                unread = imported is not None and self._in_project(module, imported.specifier)
                return classes, unread
            classes.append(found)
            module, declared = found
            heritage = next(
                (c for c in declared.named_children if c.type == "class_heritage"), None
            )
            extends = (
                next((c for c in heritage.named_children if c.type == "extends_clause"), None)
                if heritage is not None
                else None
            )
            parent = (
                extends.named_children[0]
                if extends is not None and extends.named_children
                else None
            )
            if parent is None or parent.type != "identifier":
                return classes, False
            name = text(parent)
        return classes, False

    def class_for(self, module: Module, name: str, depth: int = 0) -> tuple[Module, Node] | None:
        """The class declaration a name refers to: in `module` or imported from the project."""
        for stmt in module.root.named_children:
            declared = stmt.child_by_field_name("declaration") or stmt
            ident = declared.child_by_field_name("name")
            if declared.type == "class_declaration" and ident is not None and text(ident) == name:
                return module, declared
        imported = module.imports.get(name)
        path = self.resolver.resolve(module.path, imported.specifier) if imported else None
        other = self.module(path) if path is not None else None
        if imported is None or other is None or depth > MAX_DEPTH:
            return None
        return self.class_for(other, imported.name, depth + 1)

    def _in_project(self, module: Module, specifier: str) -> bool:
        """A relative import or a tsconfig `paths` alias: a file of the project."""
        if specifier.startswith("."):
            return True
        aliases = self.resolver.aliases_for(posixpath.dirname(module.path))
        return aliases is not None and any(
            alias_match(pattern, specifier) is not None for pattern, _ in aliases.patterns
        )

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
        if first is not None and first.via is None:
            first = replace(first, keyed_by=filter_params(first, fn))
        summary = Summary(
            guards=not live,
            value=join(live),
            mutation=first,
            is_async=is_async(fn),
            action=self.is_action(module, fn),
            doubts=walker.doubts,
        )
        self._summaries[key] = summary
        return summary

    # -- actions -----------------------------------------------------------------------

    def directive_actions(
        self, paths: Iterable[str], names: Callable[[bytes], bool], under: str = ""
    ) -> Iterator[tuple[Module, ServerAction]]:
        """The `"use server"` functions of the files whose text `names` accepts, to learn
        the project's ways from; a file too deep to read teaches nothing."""
        holding = set(self.files_containing(DIRECTIVE, under=under))  # `paths` are below it
        for path in paths:
            content = self.reader.read(path) if path in holding else None
            if content is None or not names(content):
                continue
            module = self.module(path)
            if module is None:
                continue
            try:
                actions = find_actions(module)
            except RecursionError:
                continue
            for action in actions:
                if action.kind in (ActionKind.FILE_DIRECTIVE, ActionKind.INLINE_DIRECTIVE):
                    yield module, action

    def is_action(self, module: Module, fn: Node) -> bool:
        """`fn` is a server action of its own (checked where it is defined)."""
        if module.path not in self._actions:
            self._actions[module.path] = frozenset(a.function.id for a in find_actions(module))
        return fn.id in self._actions[module.path]

    def analyze(self, action: ServerAction, module: Module) -> ActionFacts:
        stopped = False
        arguments: tuple[Val, ...] = ()
        if action.builder is not None:
            if action.kind is ActionKind.SAFE_ACTION:
                stopped = self.client_guards(action.builder, module, 0)
                ctx = self.client_context(action.builder, module, 0)
                if ctx is not None:
                    # v7 `({ parsedInput, ctx })`, v6 `(parsedInput, { ctx })`
                    handed = Val(OBJECT, fields=(("ctx", ctx),), inner=UNKNOWN)
                    arguments = (handed, handed)
            elif action.kind is ActionKind.ZSA:
                stopped = self.procedure_guards(action.builder, module, 0)
            elif action.kind is ActionKind.WRAPPER:
                stopped = any(self.wrapper_guards(c, arg, module) for c, arg in action.layers)
        walker = Walker(module, self)
        walker.run(action.function, stopped, arguments=arguments)
        events = tuple(walker.events)
        first = next((e for e in events if not e.guarded), None)
        public = hint = refuses = page = None
        if any(not e.guarded for e in events):
            public, hint = self.publicity.flow(action, module, events, walker.lookups)
            page = self.publicity.open_page(action, module) if public is None else None
            names = opening_session_names(action.function, walker.lookups)
            refuses = database_refuses(self, module.path, events, public, names)
        return ActionFacts(
            action,
            events,
            public,
            walker.unawaited,
            unresolved=first.unresolved if first is not None else (),
            lookups=tuple(walker.lookups),
            scopes=tuple(
                rls_scoped(self, module, s)
                for s in scopes(action, events, walker.lookups, self._context(action, module))
            ),
            database_refuses=refuses,
            public_hint=hint,
            guests_through=self.guests.through(action, module, walker.events, walker.lookups),
            open_page=page,
        )

    def _context(self, action: ServerAction, module: Module) -> Context:
        """What the ownership facts need from around the action."""
        found = None
        if action.kind is ActionKind.WRAPPER and action.layers:
            found = self.wrapper_handoff(*action.layers[-1], module)
        outer: frozenset[int] = frozenset()
        if action.kind is ActionKind.INLINE_DIRECTIVE:
            outer = self._outer_lookups(action.function, module)
        return Context(
            found,
            outer,
            lambda call: self.stops(call, module),
            lambda call: self.row_read(call, module, 0),
            lambda write: referenced_tables(self, module, write),
            self._references(module, action.function),
        )

    def _references(
        self, module: Module, at: Node
    ) -> Callable[[Api, str | None, str], str | bool | None]:
        """The model or table a written key points at, as the Prisma schema or the Drizzle
        table says (see `references`); None where neither knows the model."""
        where = prisma_schema(self.reader.read, module.path)
        schema = (self.reader.read(where) or b"").decode("utf-8", "replace") if where else None
        answers: dict[tuple[str, str, str], str | bool | None] = {}

        def answer(api: Api, model: str | None, key: str) -> str | bool | None:
            if model is None or (api, model, key) in answers:
                return answers.get((api, model or "", key))
            found: str | bool | None = None
            if api is Api.PRISMA and schema is not None:
                found = references(schema, model, key)
            elif api is Api.DRIZZLE:
                found = drizzle_references(self, module, model, key, at)
            answers[api, model, key] = found
            return found

        return answer

    def _wrapper(self, call: Node, inner: Node, module: Module) -> Wrapper | str | None:
        """The function `withX(fn)` calls and the position it hands `fn` at; the callee's
        name when the project defines no such function (a next-safe-action v6 client may
        be called so); None when it cannot be read."""
        callee = callee_of(call)
        if callee is None or callee.type != "identifier":
            return None
        found = self.function_for(module, text(callee), call)
        if found is None:
            return text(callee)
        position = _handed_at(found[1], call, inner)
        return None if position is None else (*found, position)

    def _v6_client(self, name: str, module: Module) -> tuple[Node, Module] | None:
        """The `createSafeActionClient(...)` call `name` holds (next-safe-action v6), and
        the module it is in; None when `name` holds no such client."""
        found = self.definition(module, name)
        value = declared_value(found[1]) if found is not None else None
        if found is None or value is None or callee_name(value) != "createSafeActionClient":
            return None
        return value, found[0]

    def _middleware(self, client: Node, module: Module) -> tuple[Module, Node] | None:
        """The function a v6 client's `{ middleware }` option names, when it has one."""
        args = call_arguments(client)
        middleware = _member(args[0], "middleware") if args else None
        return self._function_arg(middleware, module) if middleware is not None else None

    def wrapper_handoff(self, call: Node, inner: Node, module: Module) -> Handoff | None:
        """What `withX(fn)`'s wrapper passes to `fn`; None when it cannot be read."""
        wrapped = self._wrapper(call, inner, module)
        if isinstance(wrapped, str):
            return self._v6_handoff(wrapped, module)
        if wrapped is None:
            return None
        wrapper_module, wrapper, position = wrapped
        key = (wrapper_module.path, wrapper.start_byte, position)
        if key not in self._handoffs:
            walker = Walker(wrapper_module, self)
            walker.run(wrapper)
            lookups = frozenset(n.start_byte for n in walker.lookups)
            self._handoffs[key] = handoff(wrapper, param_names(wrapper)[position] or "", lookups)
        return self._handoffs[key]

    def _v6_handoff(self, name: str, module: Module) -> Handoff | None:
        """next-safe-action v6's `client(schema, async (input, ctx) => ...)`: the input,
        then what the client's `middleware` returns."""
        client = self._v6_client(name, module)
        if client is None:
            return None
        target = self._middleware(*client)
        if target is None:
            return Handoff({0: CLIENT})
        walker = Walker(target[0], self)
        walker.run(target[1])
        ctx = returned(target[1], frozenset(n.start_byte for n in walker.lookups))
        return Handoff({0: CLIENT} if ctx is None else {0: CLIENT, 1: ctx})

    def _outer_lookups(self, fn: Node, module: Module) -> frozenset[int]:
        """The session lookups of the component an inline action sits in."""
        outer = enclosing(fn)
        if not outer:
            return frozenset()
        walker = Walker(module, self)
        walker.run(outer[-1])
        return frozenset(n.start_byte for n in walker.lookups)

    # -- what a fix asks about other functions -----------------------------------------

    def lookups_in(self, module: Module, fn: Node) -> tuple[Node, ...] | None:
        """The session lookups a walk of `fn` meets, in the order they run (None: too deep
        to read); a function is walked once, as the callers of a file's actions overlap."""
        key = (module.path, fn.start_byte)
        if key not in self._walked:
            walker = Walker(module, self)
            try:
                walker.run(fn)
                self._walked[key] = tuple(walker.lookups)
            except RecursionError:
                self._walked[key] = None
        return self._walked[key]

    def opening_guard(
        self, module: Module, statements: list[Node], lead: int
    ) -> tuple[int, int] | None:
        """The guard a function's `statements` open with: the index of the one after which
        a session lookup has run (among the first `lead` + 1) and of the one that stops an
        anonymous caller (that one or the next); None when they do not open so."""
        walker = Walker(module, self)
        state = State()
        first = None
        for index, stmt in enumerate(statements[: lead + 2]):
            if first is None and stmt.type == "return_statement":
                break  # it returns (a page, its JSX) before any lookup
            walker.statement(stmt, state)
            if state.lookup and first is None:
                first = index
            if state.stopped:
                return (first, index) if first is not None else None
            if (first is None and index >= lead) or (first is not None and index > first):
                break
        return None

    def lookup_is_async(self, call: Node, module: Module) -> bool:
        """The lookup `call` returns a promise: a library's async lookup or an async
        project helper."""
        lookup = classify_lookup(
            call, lambda name: self.origin(module, name), self.lookup_names, self.guard_names
        )
        if lookup is not None:
            return lookup.is_async
        resolved = self.call_summary(call, module)
        return resolved is not None and resolved[1].is_async

    def stops(self, call: Node, module: Module) -> bool | None:
        """Whether the project function a call runs throws or redirects on some path;
        None when it is not the project's or cannot be read."""
        callee = callee_of(call)
        if callee is None or callee.type != "identifier":
            return None
        found = self.function_for(module, text(callee), call)
        return self._may_stop(*found, 0) if found is not None else None

    def row_read(self, call: Node, module: Module, depth: int) -> RowKeys | None:
        """When the project function a call runs returns a row it reads from the database:
        the row's filter keys, by the position of the argument that fills each."""
        callee = callee_of(call)
        if callee is None or depth > MAX_DEPTH:
            return None
        if callee.type == "identifier":
            found = self.function_for(module, text(callee), call)
        elif callee.type == "member_expression":
            found = self.method_for(module, callee)
        else:
            return None
        if found is None:
            return None
        where, fn = found
        key = (where.path, fn.start_byte)
        if key not in self._rows:
            self._rows[key] = None  # recursion ends here
            self._rows[key] = row_keys(fn, lambda inner: self.row_read(inner, where, depth + 1))
        return self._rows[key]

    def _may_stop(self, module: Module, fn: Node, depth: int) -> bool:
        key = (module.path, fn.start_byte)
        if key not in self._stops:
            self._stops[key] = False  # recursion ends here
            self._stops[key] = any(self._stop(node, module, depth) for node in walk(fn))
        return self._stops[key]

    def _stop(self, node: Node, module: Module, depth: int) -> bool:
        if node.type == "throw_statement":
            return True
        if node.type != "call_expression":
            return False
        name = callee_name(node) or ""
        if name in EXIT_CALLS or name in ASSERT_CALLS:
            return True
        if name.endswith("OrThrow") or name.startswith("throwUnless"):
            return True  # Prisma's `findFirstOrThrow`, CASL's `throwUnlessCan`
        callee = callee_of(node)
        if depth >= MAX_DEPTH or callee is None or callee.type != "identifier":
            return False
        found = self.function_for(module, name, node)
        return found is not None and self._may_stop(*found, depth + 1)

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

    def client_context(self, chain: Node, module: Module, depth: int) -> Val | None:
        """The `ctx` a next-safe-action client's last middleware hands an anonymous caller's
        action: `next({ ctx: { userId: session?.user?.id ?? null } })`."""
        for call in reversed(chain_calls(chain)):
            args = call_arguments(call)
            if callee_name(call) == "use" and args:
                return self.middleware_context(args[0], module)
        root = chain_root(chain)
        if root is None or root.type != "identifier" or depth > MAX_DEPTH:
            return None
        found = self.definition(module, text(root))
        value = declared_value(found[1]) if found is not None else None
        if found is None or value is None or value.type != "call_expression":
            return None
        return self.client_context(value, found[0], depth + 1)

    def middleware_context(self, arg: Node, module: Module) -> Val | None:
        found = self._function_arg(arg, module)
        if found is None:
            return None
        mw_module, fn = found
        walker = Walker(mw_module, self, sinks=_next_sinks(fn))
        walker.run(fn)
        handed = [v for v in walker.sink_args if v.kind == OBJECT and v.closed]
        if not handed or len(handed) != len(walker.sink_args):
            return None  # `next()` keeps an earlier ctx, or `next({ ctx: { ...ctx } })`
        ctx = one_of([v.field("ctx") for v in handed])
        if ctx.kind != OBJECT or not ctx.closed:
            return None
        return session_answer(ctx) if walker.lookups else ctx

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
        wrapped = self._wrapper(call, inner, module)
        if isinstance(wrapped, str):
            return self._v6_client_guards(wrapped, module)
        if wrapped is None:
            return False
        wrapper_module, wrapper, position = wrapped
        walker = Walker(
            wrapper_module, self, sinks=frozenset({param_names(wrapper)[position] or ""})
        )
        walker.run(wrapper)
        return bool(walker.sink_states) and all(walker.sink_states)

    def _v6_client_guards(self, name: str, module: Module) -> bool:
        """next-safe-action v6: `createSafeActionClient({ middleware })` used as `client(s, fn)`."""
        client = self._v6_client(name, module)
        target = self._middleware(*client) if client is not None else None
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


def _method(body: Node, name: str) -> Node | None:
    """The method `name` of a class body or an object literal."""
    for child in body.named_children:
        key = child.child_by_field_name("name")
        if child.type == "method_definition" and key is not None and text(key) == name:
            return child
    return None


def _label(name: str, where: str) -> str:
    return f"`{name}()` ({where})"


def _member(obj: Node, key: str) -> Node | None:
    """`key: value` or the method `key() {...}` of an object literal."""
    node = unwrap(obj)
    method = _method(node, key) if node is not None and node.type == "object" else None
    return method if method is not None else object_property(obj, key)


def _handed_at(wrapper: Node, call: Node, inner: Node) -> int | None:
    """The position of the wrapper's parameter that `call` passes `inner` to, when named."""
    args = [unwrap(a) for a in call_arguments(call)]
    params = param_names(wrapper)
    position = next((i for i, a in enumerate(args) if a is not None and a.id == inner.id), -1)
    if position < 0 or position >= len(params) or params[position] is None:
        return None
    return position


def _holds(content: bytes | None, needles: tuple[bytes, ...], ignore_case: bool) -> bool:
    if content is None:
        return False
    if ignore_case:
        content = content.lower()
        needles = tuple(n.lower() for n in needles)
    return any(n in content for n in needles)


def _block_definition(at: Node, name: str) -> Node | None:
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


def configured_project(
    reader: Reader, config: Config, files: Callable[[], Iterable[str]] = tuple
) -> Project:
    """The project as the configuration describes it: its guards, lookups and size limit."""
    project = Project(reader, guard_names=config.guards, files=files, max_size=config.max_file_size)
    project.lookup_names = config.project_lookups(project.resolver.resolve)
    return project
