"""Where an action is used: the app router pages that reach it, and whether they protect it.

The files importing an action are followed up, through the components that import
them, to the `page` and `layout` files of the app router. A page protects the action
when it, or a layout above it, turns an anonymous visitor away before it renders
(`if (!session) redirect("/login")`); when it shows the way to the action only if a
session test passes (`{user && <Form />}`) or inside a project component that turns
anonymous visitors away (`<AuthBoundary>`); or when an auth middleware's `matcher`
names its route. A component on the way that looks the session up may show the
action to signed-in visitors only. A page that nothing protects is open to anyone,
unless an auth middleware runs on it whose matcher does not say what it does there
(every page, or no plain matcher): then whether it is open cannot be told.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from guardfix.facts.flow import Walker
from guardfix.facts.lookups import classify_lookup
from guardfix.facts.submission import session_names
from guardfix.facts.view import ProjectView
from guardfix.libraries import is_auth_library
from guardfix.model import ActionKind, ServerAction
from guardfix.module import Module
from guardfix.syntax import (
    callee_of,
    declared_value,
    defined_function,
    member_parts,
    string_value,
    text,
    walk,
)

ROUTE_FILE = re.compile(r"^(page|layout)\.(tsx|jsx|ts|js)$")
MIDDLEWARE = tuple(f"{n}.{e}" for n in ("middleware", "proxy") for e in ("ts", "js"))
# How far up the importers are followed, and how many files at most.
MAX_DEPTH = 5
MAX_FILES = 40
CHILDREN = frozenset({"children"})
# A React hook, and how many files deep the hooks a component calls are followed.
HOOK = re.compile(r"^use[A-Z]")
MAX_HOOKS = 3

Importers = Callable[[Module], list[tuple[str, str]]]
Walked = tuple[bool, Node, set[str], int]


class Pages:
    def __init__(self, project: ProjectView, importers: Importers) -> None:
        self.project = project
        self.importers = importers
        self._walked: dict[tuple[str, int], Walked] = {}
        self._looks_up: dict[str, bool] = {}
        self._session_pages: frozenset[str] | None = None

    def reached(self, module: Module, action: ServerAction) -> dict[str, frozenset[str]] | None:
        """Each page or layout file that uses the action, with the files on the way to it
        (the components, and the action's file); None when something else imports it (a
        route handler) or the search is cut short."""
        if is_route_file(module.path):
            return {module.path: frozenset({module.path})}
        wanted = (action.name or "default", "*")
        inline = action.kind is ActionKind.INLINE_DIRECTIVE  # the file's importers use it
        imports: dict[str, set[str]] = {}  # importer -> the files it was reached from
        level = [(p, module.path) for p, name in self.importers(module) if inline or name in wanted]
        for _ in range(MAX_DEPTH):
            following: list[tuple[str, str]] = []
            for path, below in level:
                known = path in imports
                imports.setdefault(path, set()).add(below)
                if known or is_route_file(path):
                    continue
                if app_directory(path) is not None and posixpath.basename(path).startswith(
                    "route."
                ):
                    return None  # a route handler calls it: no page to judge by
                other = self.project.module(path)
                if other is None:
                    return None
                following += [(p, path) for p, _ in self.importers(other)]
            if len(imports) > MAX_FILES:
                return None
            level = following
            if not level:
                return {p: _below(p, imports) for p in imports if is_route_file(p)}
        return None

    # -- does a page need a session ------------------------------------------------------

    def protects(self, page: str, chain: frozenset[str]) -> bool:
        """The page, or a layout above it, turns anonymous visitors away; the page shows
        what leads to the action (a file of `chain`), or a layout its children, only when
        a session test passes or inside a component that looks the session up
        (`<AuthBoundary>`); or an auth middleware names its route."""
        for path in route_files(page, self.project):
            walked = self._walk(path)
            if walked is None:
                continue
            stops, fn, names, _ = walked
            shown = self._shown(path, chain) if path == page else CHILDREN
            if stops or _tests(fn, names, shown) or self._wrapped(path, fn, shown):
                return True
        return self._middleware_covers(page)

    def _wrapped(self, path: str, fn: Node, shown: frozenset[str]) -> bool:
        """One of `shown` is rendered inside a project component that protects its
        children (`<AuthBoundary>` that redirects anonymous visitors)."""
        module = self.project.module(path)
        if module is None:
            return False
        for node in walk(fn):
            if node.type != "jsx_element" or not _mentions(node, shown):
                continue
            opening = node.child_by_field_name("open_tag")
            tag = opening.child_by_field_name("name") if opening is not None else None
            found = self.project.function_for(module, text(tag), tag) if tag is not None else None
            if found is not None and self._gate(*found):
                return True
        return False

    def _gate(self, module: Module, fn: Node) -> bool:
        """A component that looks the session up and may return before its last `return`
        (`if (!access) return null`), or tests the session around its children."""
        if not self.looks_up(module.path):
            return False
        stops, _, names, returns = self._walk_function(module, fn)
        return stops or returns > 1 or _tests(fn, names, CHILDREN)

    def _shown(self, path: str, chain: frozenset[str]) -> frozenset[str]:
        """The names under which a page imports the files on the way to the action."""
        module = self.project.module(path)
        if module is None:
            return frozenset()
        resolve = self.project.resolver.resolve
        return frozenset(
            name
            for name, imported in module.imports.items()
            if resolve(path, imported.specifier) in chain
        )

    def _walk(self, path: str) -> Walked | None:
        """A page's default function walked as an anonymous visitor (see _walk_function)."""
        module = self.project.module(path)
        fn = default_function(module, self.project) if module is not None else None
        return self._walk_function(module, fn) if module is not None and fn is not None else None

    def _walk_function(self, module: Module, fn: Node) -> Walked:
        """(it looks the session up and never gets to its last `return`, the function, the
        names it binds to the session, how many returns it may reach), walked as an
        anonymous visitor."""
        key = (module.path, fn.start_byte)
        if key not in self._walked:
            walker = Walker(module, self.project)
            try:
                walker.run(fn)
            except RecursionError:
                self._walked[key] = (True, fn, set(), 0)  # too deep to tell: it may be the guard
                return self._walked[key]
            stops = bool(walker.lookups) and bool(walker.returns) and walker.returns[-1][0]
            live = sum(1 for stopped, _ in walker.returns if not stopped)
            self._walked[key] = (stops, fn, session_names(fn, walker.lookups), live)
        return self._walked[key]

    def _middleware_covers(self, page: str) -> bool:
        """An auth middleware next to the app directory whose matcher covers the route."""
        module = self._auth_middleware(page)
        patterns = (_matchers(module) or []) if module is not None else []
        return any(_covers(p, route_of(page)) for p in patterns if not _everything(p))

    def unread_middleware(self, page: str) -> bool:
        """An auth middleware runs on the route but its matcher does not say whether it
        turns visitors away there (every page, or no plain matcher): what it does is
        decided in its code, so whether the page is open cannot be told."""
        module = self._auth_middleware(page)
        if module is None:
            return False
        patterns = _matchers(module)
        return patterns is None or any(
            _everything(p) and _covers(p, route_of(page)) for p in patterns
        )

    def _auth_middleware(self, page: str) -> Module | None:
        """The middleware (or proxy) next to the page's app directory, if it checks auth."""
        app = app_directory(page)
        if app is None:
            return None
        root = posixpath.dirname(app)
        for name in MIDDLEWARE:
            module = self.project.module(posixpath.join(root, name) if root else name)
            if module is not None and self._checks_auth(module):
                return module
        return None

    def _checks_auth(self, module: Module) -> bool:
        """The middleware reads cookies, looks the session up, or takes something from an
        auth library, itself or through a project file (`export { auth as middleware }
        from "@/auth"`)."""
        if b"cookies" in module.content or self.looks_up(module.path):
            return True
        specifiers = [i.specifier for i in module.imports.values()]
        specifiers += [r.specifier for r in module.reexports]
        for specifier in specifiers:
            path = self.project.resolver.resolve(module.path, specifier)
            other = self.project.module(path) if path is not None else None
            if is_auth_library(specifier) or (
                other is not None
                and any(is_auth_library(i.specifier) for i in other.imports.values())
            ):
                return True
        return False

    # -- does a file look the session up ----------------------------------------------------

    def looks_up(self, path: str, depth: int = 0) -> bool:
        """A session lookup anywhere in the file, a project helper returning the session,
        anything imported from an auth library (`useSession`, `<SignedIn>`), or a project
        hook from a file that looks it up (`useUser()` reading a session context)."""
        if path in self._looks_up:
            return self._looks_up[path]
        module = self.project.module(path)
        self._looks_up[path] = False  # a cycle of hooks ends here
        found = module is not None and self._lookup_in(module, depth)
        if found or depth == 0:  # a search cut short by depth is asked again from the top
            self._looks_up[path] = found
        else:
            del self._looks_up[path]
        return found

    def _lookup_in(self, module: Module, depth: int) -> bool:
        library = {n for n, i in module.imports.items() if is_auth_library(i.specifier)}
        hooks = {
            path
            for name, imported in module.imports.items()
            if HOOK.match(name)
            and (path := self.project.resolver.resolve(module.path, imported.specifier))
        }
        if depth < MAX_HOOKS and any(self.looks_up(p, depth + 1) for p in hooks):
            return True
        for node in walk(module.root):
            if node.type in ("jsx_opening_element", "jsx_self_closing_element"):
                tag = node.child_by_field_name("name")
                if tag is not None and text(tag).split(".")[0] in library:
                    return True  # `<SignedIn>`, `<SessionProvider>`
            if node.type != "call_expression":
                continue
            parts = member_parts(callee_of(node))
            if parts is not None and parts[0] in library:
                return True  # `useSession()`, `useUser()`
            origin = lambda name: self.project.origin(module, name)  # noqa: E731
            if classify_lookup(node, origin, self.project.lookup_names, self.project.guard_names):
                return True
            found = self.project.call_summary(node, module)
            summary = found[1] if found is not None else None
            # A server action that ends in a redirect is no lookup; one that returns the
            # session is.
            if summary is not None and (
                summary.value.session or (summary.guards and not summary.action)
            ):
                return True
        return False

    def session_pages(self) -> frozenset[str]:
        """The pages and layouts of the project that look the session up."""
        if self._session_pages is None:
            routes = [path for path in self.project.files() if is_route_file(path)]
            self.project.reader.prefetch(routes)  # one read of the index for them all
            self._session_pages = frozenset(path for path in routes if self.looks_up(path))
        return self._session_pages

    def open_page(self, reached: dict[str, frozenset[str]], action: str) -> str | None:
        """A page that shows the action (in file `action`) to anonymous visitors: nothing
        protects it and no component between it and the action looks the session up."""
        for page, chain in reached.items():
            if self.protects(page, chain) or self.unread_middleware(page):
                continue
            if not self.on_the_way(page, chain, action):
                return page
        return None

    def on_the_way(self, page: str, chain: frozenset[str], action: str) -> bool:
        """A component between the page and the action looks the session up: it may show
        the action to signed-in visitors only."""
        return any(self.looks_up(p) for p in chain - {page, action})


def _below(page: str, imports: dict[str, set[str]]) -> frozenset[str]:
    """The files a page reaches the action through, the action's file included."""
    found: set[str] = set()
    stack = [page]
    while stack:
        current = stack.pop()
        for below in imports.get(current, set()) - found:
            found.add(below)
            stack.append(below)
    return frozenset(found | {page})


def is_route_file(path: str) -> bool:
    """A `page` or `layout` file of the app router."""
    return (
        app_directory(path) is not None and ROUTE_FILE.match(posixpath.basename(path)) is not None
    )


def app_directory(path: str) -> str | None:
    """The app router directory a file sits in: `src/app` for `src/app/x/page.tsx`."""
    parts = path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "app":
            return "/".join(parts[: i + 1])
    return None


def route_files(page: str, project: ProjectView) -> Iterator[str]:
    """The file itself and every layout above it, up to the app directory."""
    yield page
    app = app_directory(page) or ""
    directory = posixpath.dirname(page)
    while directory.startswith(app) and directory:
        for ext in ("tsx", "jsx", "ts", "js"):
            layout = posixpath.join(directory, f"layout.{ext}")
            if layout != page and project.reader.read(layout) is not None:
                yield layout
        if directory == app:
            return
        directory = posixpath.dirname(directory)


def route_of(page: str) -> str:
    """The URL a page serves: route groups and parallel slots are not in it."""
    app = app_directory(page) or ""
    segments = posixpath.dirname(page)[len(app) :].split("/")
    kept = [
        s.strip("[]").lstrip(".") or "x"
        for s in segments
        if s and not (s.startswith("(") and s.endswith(")")) and not s.startswith("@")
    ]
    return "/" + "/".join(kept)


def default_function(module: Module, project: ProjectView) -> Node | None:
    """The function a page or layout exports as its default."""
    target = module.exports.get("default")
    if isinstance(target, str):
        found = project.function_for(module, target, None)
        return found[1] if found is not None else None
    return defined_function(target) if target is not None else None


def _matchers(module: Module) -> list[str] | None:
    """The string patterns of `export const config = { matcher }`; None when there is no
    matcher, or one that is not plain strings."""
    config = module.definitions.get("config")
    value = declared_value(config) if config is not None else None
    if value is None or value.type != "object":
        return None
    for pair in value.named_children:
        key = pair.child_by_field_name("key")
        if pair.type != "pair" or key is None or key.text != b"matcher":
            continue
        matcher = pair.child_by_field_name("value")
        if matcher is None:
            return None
        items = matcher.named_children if matcher.type == "array" else [matcher]
        patterns = [string_value(i) for i in items if i.type != "comment"]
        return None if any(p is None for p in patterns) else [p for p in patterns if p]
    return None


def _everything(pattern: str) -> bool:
    """A matcher for every page but static files: the middleware refreshes the session, and
    what it turns away is decided in its code, not by the matcher."""
    return "(?!" in pattern or _covers(pattern, "/")


def _covers(pattern: str, route: str) -> bool:
    """A Next.js matcher (path-to-regexp) covers the route; one it cannot read covers all."""
    regex = re.sub(r"/:\w+\*", "(?:/.*)?", pattern)
    regex = re.sub(r"/:\w+\+", "/.+", regex)
    regex = re.sub(r"/:\w+\?", "(?:/[^/]+)?", regex)
    regex = re.sub(r":\w+", "[^/]+", regex)
    try:
        return (
            re.fullmatch(regex, route) is not None or re.fullmatch(regex, route + "/") is not None
        )
    except re.error:
        return True


def _tests(fn: Node, names: set[str], shown: frozenset[str]) -> bool:
    """A session test decides whether one of `shown` is rendered: `{user && <Form />}`,
    `user ? <Form /> : <SignIn />`, `if (user) { ... <Form /> ... }`."""
    for node in walk(fn):
        if node.type in ("if_statement", "ternary_expression"):
            tested = node.child_by_field_name("condition")
            branches = [node.child_by_field_name("consequence")]
            branches.append(node.child_by_field_name("alternative"))
        elif node.type == "binary_expression" and text(node.child_by_field_name("operator")) in (
            "&&",
            "||",
        ):
            tested = node.child_by_field_name("left")
            branches = [node.child_by_field_name("right")]
        else:
            continue
        if tested is None or not _mentions(tested, names):
            continue
        if any(b is not None and _mentions(b, shown) for b in branches):
            return True
    return False


def _mentions(node: Node, names: set[str] | frozenset[str]) -> bool:
    return any(n.type == "identifier" and text(n) in names for n in walk(node))
