"""What a codemod may look at beyond its own file: package.json, tsconfig paths, other files."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator

from tree_sitter import Node

from guardfix.actions import find_actions
from guardfix.config import Config
from guardfix.facts.project import Project
from guardfix.facts.public import import_stem
from guardfix.module import Module
from guardfix.parse import is_source_path
from guardfix.syntax import FUNCTION_TYPES, callee_of, text, walk
from guardfix_codemods.imports import Need

ROUTE_HANDLER = re.compile(r"(^|/)(route\.[cm]?[jt]sx?$|pages/api/)")
# The auth library's setup, whose callbacks run while someone signs in.
AUTH_CONFIG = re.compile(rb"\b(NextAuth|betterAuth|Lucia)\s*\(|\bNextAuthOptions\b")
TYPE_DECLARATIONS = ("interface_declaration", "type_alias_declaration")


class Workspace:
    """One per run: the project as the facts stage parsed it, plus lazy lookups."""

    def __init__(
        self, project: Project, files: Callable[[], Iterable[str]], config: Config
    ) -> None:
        self.project = project
        self.config = config
        self._list = files
        self._files: list[str] | None = None
        self._packages: dict[str, dict[str, str]] = {}
        self._app_files: dict[str, list[str]] = {}
        self._calling: dict[tuple[str, str], list[tuple[Module, Node]]] = {}
        self._calls: dict[str, list[tuple[str, Node]]] = {}

    def source_files(self, under: str = "") -> list[str]:
        """The source files of the run, or of the folder `under` ("" is the root)."""
        if self._files is None:
            self._files = sorted(p for p in self._list() if is_source_path(p))
        if not under:
            return self._files
        return [p for p in self._files if p.startswith(under + "/")]

    def app_files(self, root: str) -> list[str]:
        """The source files of the app at `root`, without those of apps nested in it."""
        if root not in self._app_files:
            self._app_files[root] = [p for p in self.source_files(root) if self.app_root(p) == root]
        return self._app_files[root]

    def holding(
        self, paths: list[str], *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str]:
        """The `paths` (all below `under`) whose text holds one of `needles`: git searches
        where it can, so that the others are never read."""
        found = set(self.project.files_containing(*needles, ignore_case=ignore_case, under=under))
        return [p for p in paths if p in found]

    def route_callers(self, name: str, path: str) -> list[str]:
        """Server code that calls `name` (defined in `path`) with nobody signed in: route
        handlers (`app/**/route.ts`, `pages/api/**`: a webhook, a cron job), the auth
        library's own callbacks (`NextAuth({ callbacks })`), and actions meant for
        anonymous callers (a sign-up that calls it before the session exists)."""
        callers: list[str] = []
        for other, module, spellings in self._calling_modules(name, path):
            if ROUTE_HANDLER.search(other) or AUTH_CONFIG.search(module.content):
                callers.append(other)
                continue
            callers += [
                f"the public {flow} action `{caller}` ({other})"
                for caller, flow in self._public_callers(module, spellings)
            ]
        return callers

    def calling_functions(self, name: str, path: str) -> list[tuple[Module, Node]]:
        """The functions of the app that call `name` (defined in `path`) by name."""
        if (name, path) in self._calling:
            return self._calling[name, path]
        found: list[tuple[Module, Node]] = []
        for _, module, spellings in self._calling_modules(name, path):
            for callee, fn in self._calls_in(module):
                if callee in spellings and all(fn != f for _, f in found):
                    found.append((module, fn))
        self._calling[name, path] = found
        return found

    def _calls_in(self, module: Module) -> list[tuple[str, Node]]:
        """(callee, enclosing function) of each call by a name (`f()`, `db.f()`) the file
        makes inside a function, in order: one walk of the file serves every action it
        calls. Callees of other shapes (`a.b().c()`) never spell an import."""
        if module.path not in self._calls:
            self._calls[module.path] = [
                (text(callee), fn)
                for node in walk(module.root)
                if node.type == "call_expression"
                and (callee := callee_of(node)) is not None
                and _by_name(callee)
                and (fn := enclosing_function(node)) is not None
            ]
        return self._calls[module.path]

    def using_modules(self, name: str, path: str) -> list[tuple[str, Module]]:
        """The app's files that use `name` of `path`: call it, pass it on, render it."""
        return [(other, module) for other, module, _ in self._calling_modules(name, path)]

    def _calling_modules(self, name: str, path: str) -> Iterator[tuple[str, Module, set[str]]]:
        """The app's files that call `name` of `path`, with how each spells it: the file
        itself and those importing it (the search for them is shared with the facts)."""
        stem = import_stem(path)
        # A default export is imported under any name: look for the file's own name then.
        wanted = (stem if self._default_export(path) == name else name).encode()
        importing = {path, *self.project.publicity.naming(stem)}
        for other in self.app_files(self.app_root(path)):
            content = self.read(other) if other in importing else None
            if content is None or wanted not in content:
                continue
            module = self.project.module(other)
            if module is None:
                continue
            spellings = self._spellings(module, other, name, path)
            if any(spelling.encode() in content for spelling in spellings):
                yield other, module, spellings

    def _spellings(self, module: Module, other: str, name: str, path: str) -> set[str]:
        """How `other` calls `name` of `path`: `name`, or `db.name` after `import * as db`."""
        default = self._default_export(path) == name
        found = {
            local if imported.name != "*" else f"{local}.{name}"
            for local, imported in module.imports.items()
            if (imported.name in (name, "*") or (default and imported.name == "default"))
            and self.project.resolver.resolve(other, imported.specifier) == path
        }
        return found | ({name} if other == path else set())

    def _default_export(self, path: str) -> str | None:
        """The name of the function `path` exports as its default, if it has one."""
        module = self.project.module(path)
        target = module.exports.get("default") if module is not None else None
        if target is None or isinstance(target, str):
            return target
        name = target.child_by_field_name("name")
        return text(name) if name is not None else None

    def _public_callers(self, module: Module, spellings: set[str]) -> list[tuple[str, str]]:
        """The actions of `module` meant for anonymous callers that make one of the calls."""
        found = []
        for action in find_actions(module):
            calls = {
                text(callee_of(n))
                for n in walk(action.function)
                if n.type == "call_expression" and callee_of(n) is not None
            }
            if not calls & spellings:
                continue
            public = self.project.analyze(action, module).public
            if public is not None:
                found.append((action.name or "(inline)", public.kind))
        return found

    def read(self, path: str) -> bytes | None:
        return self.project.reader.read(path)

    # -- package.json ------------------------------------------------------------------

    def dependencies(self, path: str) -> dict[str, str]:
        """Dependencies of the nearest package.json above `path` (name -> version range)."""
        return self._packages[self.app_root(path)]

    def app_root(self, path: str) -> str:
        """The folder of the nearest package.json above `path` that lists dependencies ("":
        the root): in a monorepo, the app whose guards and auth setup `path` shares."""
        directory = posixpath.dirname(path)
        while True:
            if directory not in self._packages:
                self._packages[directory] = self._read_package(directory)
            if self._packages[directory] or not directory:
                return directory
            directory = posixpath.dirname(directory)

    def _read_package(self, directory: str) -> dict[str, str]:
        manifest = posixpath.join(directory, "package.json") if directory else "package.json"
        raw = self.read(manifest)
        if raw is None:
            return {}
        try:
            data = json.loads(raw)
        except ValueError as exc:
            self._ignored(manifest, f"not valid JSON ({exc})")
            return {}
        if not isinstance(data, dict):
            self._ignored(manifest, "not a JSON object")
            return {}
        deps: dict[str, str] = {}
        for key in ("devDependencies", "peerDependencies", "dependencies"):
            table = data.get(key, {})
            if isinstance(table, dict):
                deps.update({k: v for k, v in table.items() if isinstance(v, str)})
            else:
                self._ignored(manifest, f"{key} is not an object")
        return deps

    def _ignored(self, manifest: str, why: str) -> None:
        self.project.notices.append(f"{manifest}: {why}; no auth preset or Prisma version from it")

    # -- project files -----------------------------------------------------------------

    def exporting(self, name: str, marker: str, under: str = "") -> str | None:
        """The file below `under` that exports `name` and contains `marker` (shortest path
        first)."""
        needle = marker.encode()
        hits: list[str] = []
        for path in self.holding(self.source_files(under), needle, under=under):
            content = self.read(path)
            if content is None or name.encode() not in content:
                continue
            module = self.project.module(path)
            if module is not None and (name in module.exports or _exports_type(module, name)):
                hits.append(path)
        return min(hits, key=lambda p: (p.count("/"), len(p))) if hits else None

    def specifier(self, need: Need, target: str) -> str:
        """How `target` imports `need`: its own spelling when it resolves the same, else
        a tsconfig alias, else a relative path."""
        if need.file is None:
            return need.module
        resolve = self.project.resolver.resolve
        if not need.module.startswith(".") and resolve(target, need.module) == need.file:
            return need.module
        stem = _stem(need.file)
        aliases = self.project.resolver.aliases_for(posixpath.dirname(target))
        base = aliases.base if aliases is not None else ""
        for pattern, targets in aliases.patterns if aliases is not None else ():
            if pattern.count("*") != 1:
                continue
            for mapped in targets:
                prefix = posixpath.normpath(posixpath.join(base, mapped.split("*")[0]))
                prefix = "" if prefix == "." else prefix + "/"
                if stem.startswith(prefix):
                    candidate = pattern.replace("*", stem[len(prefix) :])
                    if resolve(target, candidate) == need.file:
                        return candidate
        relative = posixpath.relpath(stem, posixpath.dirname(target) or ".")
        return relative if relative.startswith(".") else "./" + relative


def _by_name(callee: Node) -> bool:
    if callee.type == "identifier":
        return True
    target = callee.child_by_field_name("object")
    return callee.type == "member_expression" and target is not None and target.type == "identifier"


def _exports_type(module: Module, name: str) -> bool:
    """`export interface Name` or `export type Name = ...` (types are not in `exports`)."""
    for stmt in module.root.named_children:
        declaration = stmt.child_by_field_name("declaration")
        if stmt.type == "export_statement" and declaration is not None:
            declared = declaration.child_by_field_name("name")
            if declaration.type in TYPE_DECLARATIONS and text(declared) == name:
                return True
    return False


def _stem(path: str) -> str:
    stem = posixpath.splitext(path)[0]
    return stem[: -len("/index")] if stem.endswith("/index") else stem


def function_name(fn: Node) -> str | None:
    """`f` of `function f()` or of `const f = async () => ...`."""
    name = fn.child_by_field_name("name")
    if name is None and fn.parent is not None and fn.parent.type == "variable_declarator":
        name = fn.parent.child_by_field_name("name")
    return text(name) if name is not None and name.type == "identifier" else None


def enclosing_function(node: Node) -> Node | None:
    """The nearest named function around `node`: a callback belongs to its caller."""
    found = None
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_TYPES:
            found = parent
            if function_name(parent) is not None:
                return parent
        parent = parent.parent
    return found


def exported_names(module: Module) -> list[str]:
    """The names a file exports, its default export by the name it is declared under."""
    names = []
    for name, target in module.exports.items():
        if name != "default":
            names.append(name)
        elif isinstance(target, str):
            names.append(target)
        elif declared := function_name(target) or text(target.child_by_field_name("name")):
            names.append(declared)
    return names
