"""Module resolution as TypeScript does it: relative imports, tsconfig `paths`, and the
workspace packages of a monorepo."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from guardfix.facts.workspaces import (
    Package,
    Workspaces,
    entry_targets,
    imported_targets,
    source_guesses,
    split_specifier,
)
from guardfix.files import Reader, inside_root
from guardfix.parse import is_source_path

EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")


@dataclass(frozen=True)
class PathAliases:
    base: str  # root-relative folder the targets are relative to
    patterns: tuple[tuple[str, tuple[str, ...]], ...]


class ModuleResolver:
    def __init__(self, reader: Reader, notices: list[str]) -> None:
        self.reader = reader
        self.notices = notices
        self._aliases: dict[str, PathAliases | None] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}  # files do not change mid-run
        # Quiet: a broken package.json is already said where its dependencies are read.
        self.workspaces = Workspaces(reader, lambda path: self._read_json(path, quiet=True))

    def resolve(self, from_path: str, specifier: str) -> str | None:
        """The project file an import names, or None for packages and missing files."""
        key = (posixpath.dirname(from_path), specifier)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(*key)
        return self._resolved[key]

    def _resolve(self, directory: str, specifier: str) -> str | None:
        if specifier.startswith("."):
            return self._file(posixpath.join(directory, specifier))
        aliases = self.aliases_for(directory)
        found = self._aliased(aliases, specifier) if aliases is not None else None
        if found is not None:
            return found
        if specifier.startswith("#"):
            return self._subpath_import(directory, specifier)
        return self._workspace_module(directory, specifier)

    def _subpath_import(self, directory: str, specifier: str) -> str | None:
        """`#lib/db` through the `imports` of the package.json the importer belongs to."""
        package = self.workspaces.owner(directory)
        if package is None:
            return None
        return self._best(package, imported_targets(package.manifest, specifier))

    def _aliased(self, aliases: PathAliases, specifier: str) -> str | None:
        for pattern, targets in aliases.patterns:
            star = alias_match(pattern, specifier)
            if star is None:
                continue
            for target in targets:
                found = self._file(posixpath.join(aliases.base, target.replace("*", star, 1)))
                if found is not None:
                    return found
        return None

    def _workspace_module(self, directory: str, specifier: str) -> str | None:
        """`@acme/core/auth/server`, when `@acme/core` is a package of this repository."""
        found = self._workspace_package(directory, specifier)
        if found is None:
            return None
        package, subpath = found
        return self._best(package, entry_targets(package.manifest, subpath))

    def _best(self, package: Package, targets: list[str]) -> str | None:
        files = [f for f in (self._entry(package.directory, t) for t in targets) if f is not None]
        # A source file under any condition beats a declaration or a build under `types`.
        return next((path for path in files if is_source_path(path)), files[0] if files else None)

    def _workspace_package(self, directory: str, specifier: str) -> tuple[Package, str] | None:
        split = split_specifier(specifier)
        if split is None:
            return None
        package = self.workspaces.package(directory, split[0])
        return (package, split[1]) if package is not None else None

    def _entry(self, package_dir: str, target: str) -> str | None:
        """The file a package's entry names; for built output (`./dist/x.js`, `x.d.ts`), the
        source beside it when there is one, since only source has the code to follow."""
        found = self._file(posixpath.join(package_dir, target))
        if found is not None and is_source_path(found):
            return found
        for guess in source_guesses(target):
            source = self._file(posixpath.join(package_dir, guess))
            if source is not None and is_source_path(source):
                return source
        return found

    def _file(self, joined: str) -> str | None:
        base = inside_root(joined)
        if base is None:
            return None
        stem, ext = posixpath.splitext(base)
        candidates = [base] if ext in EXTENSIONS else []
        if ext in (".js", ".jsx", ".mjs", ".cjs"):
            # `import "./x.js"` in TypeScript ESM names `./x.ts`.
            candidates += [stem + e for e in (".ts", ".tsx", ".mts", ".cts")]
        candidates += [base + e for e in EXTENSIONS]
        candidates += [posixpath.join(base, "index" + e) for e in EXTENSIONS]
        for candidate in candidates:
            if self.reader.exists(candidate):
                return candidate
        return None

    def aliases_for(self, directory: str) -> PathAliases | None:
        """The `paths` of the nearest tsconfig.json or jsconfig.json above `directory`."""
        if directory in self._aliases:
            return self._aliases[directory]
        found: PathAliases | None = None
        for name in CONFIG_NAMES:
            config_path = posixpath.join(directory, name) if directory else name
            if self.reader.exists(config_path):
                found = self._load(config_path, 0)
                break
        else:
            if directory:
                found = self.aliases_for(posixpath.dirname(directory))
        self._aliases[directory] = found
        return found

    def _load(self, config_path: str, depth: int) -> PathAliases | None:
        data = self._read_json(config_path)
        if data is None:
            return None
        directory = posixpath.dirname(config_path)
        options = data.get("compilerOptions", {})
        if not isinstance(options, dict):
            self._ignored(config_path, "compilerOptions is not an object")
            options = {}
        paths = options.get("paths")
        if paths is not None and not isinstance(paths, dict):
            self._ignored(config_path, "compilerOptions.paths is not an object")
        base_url = options.get("baseUrl")
        if isinstance(paths, dict):
            base = (
                inside_root(posixpath.join(directory, base_url))
                if isinstance(base_url, str)
                else directory
            )
            patterns = tuple(
                (key, tuple(t for t in targets if isinstance(t, str)))
                for key, targets in paths.items()
                if isinstance(key, str) and isinstance(targets, list)
            )
            return PathAliases(base or "", patterns)
        extends = data.get("extends")
        bases = [extends] if isinstance(extends, str) else extends
        if not isinstance(bases, list) or depth >= 5:
            return None
        for base_config in reversed(bases):  # with several, the last one's `paths` win
            parent = (
                self._extended(directory, base_config) if isinstance(base_config, str) else None
            )
            if parent is None and isinstance(base_config, str):
                self._ignored(config_path, f"extends {base_config!r}, not found in the project")
            found = self._load(parent, depth + 1) if parent is not None else None
            if found is not None:
                return found
        return None

    def _extended(self, directory: str, extends: str) -> str | None:
        """The file `"extends"` names: a relative path, a package in node_modules, or a
        workspace package of the repository."""
        if extends.startswith("."):
            candidates = [posixpath.join(directory, extends)]
        else:
            candidates, current = [], directory
            while True:
                candidates.append(posixpath.join(current, "node_modules", extends))
                if not current:
                    break
                current = posixpath.dirname(current)
            found = self._workspace_package(directory, extends)
            if found is not None:
                package, subpath = found
                targets = entry_targets(package.manifest, subpath)
                candidates += [posixpath.join(package.directory, t) for t in targets]
        for candidate in candidates:
            base = inside_root(candidate)
            if base is None:
                continue
            for path in (base, base + ".json", posixpath.join(base, "tsconfig.json")):
                if path.endswith(".json") and self.reader.exists(path):
                    return path
        return None

    def _read_json(self, path: str, *, quiet: bool = False) -> dict[str, Any] | None:
        raw = self.reader.read(path)
        if raw is None:
            return None
        import pyjson5  # only when a config is read: start-up time is the hook's budget

        try:
            data = pyjson5.loads(raw.decode("utf-8-sig"))
        except (pyjson5.Json5Exception, ValueError, RecursionError) as exc:
            if not quiet:
                self._ignored(path, f"cannot read it ({_first_line(exc)})")
            return None
        if not isinstance(data, dict):
            if not quiet:
                self._ignored(path, "not a JSON object")
            return None
        return data

    def _ignored(self, path: str, why: str) -> None:
        self.notices.append(f"{path}: {why}; import aliases from it are ignored")


def alias_match(pattern: str, specifier: str) -> str | None:
    """What `*` stands for when `specifier` matches a tsconfig `paths` pattern, or None."""
    if "*" not in pattern:
        return "" if pattern == specifier else None
    prefix, _, suffix = pattern.partition("*")
    if (
        specifier.startswith(prefix)
        and specifier.endswith(suffix)
        and len(specifier) >= len(prefix) + len(suffix)
    ):
        return specifier[len(prefix) : len(specifier) - len(suffix)]
    return None


def _first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "message", "") or exc)  # pyjson5 keeps its text in `.message`
    return message.splitlines()[0] if message else type(exc).__name__
