"""Workspace packages of a monorepo: the folder and file a bare import such as
`@acme/core/auth/server` names when `@acme/core` is a package of the same repository."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from guardfix.parse import SKIPPED_DIRS

if TYPE_CHECKING:
    from guardfix.files import Reader

MANIFEST = "package.json"
PNPM_WORKSPACE = "pnpm-workspace.yaml"
GLOB_DEPTH = 5  # how deep `**` in a workspace glob goes
SEARCH_DEPTH = 3  # folders below the root searched for packages when none are declared
# `exports` conditions, best first: `types` is what TypeScript reads, and most often the source.
CONDITIONS = ("types", "import", "default", "require", "node")
OUTPUT_DIRS = frozenset({"dist", "build", "out", "lib", "esm", "cjs"})
BUILT_SUFFIXES = (".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx")

ReadJson = Callable[[str], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Package:
    directory: str  # root-relative folder holding its package.json
    manifest: dict[str, Any]


def split_specifier(specifier: str) -> tuple[str, str] | None:
    """`@acme/core/auth/server` -> (`@acme/core`, `./auth/server`); `.` for the package."""
    if ":" in specifier or specifier.startswith(("#", "/")):
        return None  # `node:fs`, subpath imports, absolute paths
    parts = specifier.split("/")
    size = 2 if specifier.startswith("@") else 1
    if len(parts) < size or not all(parts[:size]):
        return None
    rest = "/".join(parts[size:])
    return "/".join(parts[:size]), "./" + rest if rest else "."


class Workspaces:
    """The packages declared by the nearest workspace root above a folder, found lazily."""

    def __init__(self, reader: Reader, read_json: ReadJson) -> None:
        self.reader = reader
        self.read_json = read_json
        self._manifests: dict[str, dict[str, Any] | None] = {}
        self._globs: dict[str, tuple[str, ...] | None] = {}
        self._roots: dict[str, str | None] = {}
        self._packages: dict[str | None, dict[str, Package]] = {}

    def package(self, directory: str, name: str) -> Package | None:
        """The workspace package called `name`, seen from a file in `directory`: one the
        nearest workspace root declares, or, with no root, any package.json near the root."""
        root = self._root(directory)
        if root not in self._packages:
            self._packages[root] = self._named(
                self._declared(root) if root is not None else self._anywhere()
            )
        return self._packages[root].get(name)

    def owner(self, directory: str) -> Package | None:
        """The package a file in `directory` belongs to: the nearest package.json above."""
        while True:
            path = posixpath.join(directory, MANIFEST)
            manifest = self._manifest(path) if self.reader.exists(path) else None
            if manifest is not None:
                return Package(directory, manifest)
            if not directory:
                return None
            directory = posixpath.dirname(directory)

    def _root(self, directory: str) -> str | None:
        """The nearest folder at or above `directory` that declares workspaces."""
        if directory not in self._roots:
            if self._declared_globs(directory) is not None:
                self._roots[directory] = directory
            else:
                self._roots[directory] = (
                    self._root(posixpath.dirname(directory)) if directory else None
                )
        return self._roots[directory]

    def _declared_globs(self, directory: str) -> tuple[str, ...] | None:
        if directory not in self._globs:
            globs: list[str] | None = None
            pnpm = posixpath.join(directory, PNPM_WORKSPACE)
            if self.reader.exists(pnpm):
                globs = pnpm_packages(self.reader.read(pnpm) or b"")
            manifest_path = posixpath.join(directory, MANIFEST)
            if self.reader.exists(manifest_path):
                declared = manifest_workspaces(self._manifest(manifest_path) or {})
                if declared is not None:
                    globs = [*(globs or []), *declared]
            self._globs[directory] = tuple(globs) if globs is not None else None
        return self._globs[directory]

    def _declared(self, root: str) -> list[str]:
        """The root and the folders its workspace globs match, less the `!` ones."""
        globs = self._declared_globs(root) or ()
        excluded = {d for g in globs if g.startswith("!") for d in self._expand(root, g[1:])}
        folders = [root] + [
            d for g in globs if not g.startswith("!") for d in self._expand(root, g)
        ]
        return [d for d in dict.fromkeys(folders) if d not in excluded]

    def _anywhere(self) -> list[str]:
        """Without a workspace declaration (nx, turbo with tsconfig `paths` only...): every
        folder near the root; the package.json name is what links a package then."""
        found, level = [""], [""]
        for _ in range(SEARCH_DEPTH):
            level = [posixpath.join(d, sub) for d in level for sub in self._subfolders(d)]
            found += level
        return found

    def _named(self, folders: list[str]) -> dict[str, Package]:
        packages: dict[str, Package] = {}
        for folder in folders:
            path = posixpath.join(folder, MANIFEST)
            if not self.reader.exists(path):
                continue
            manifest = self._manifest(path)
            name = manifest.get("name") if manifest is not None else None
            if isinstance(name, str) and manifest is not None:
                packages.setdefault(name, Package(folder, manifest))
        return packages

    def _manifest(self, path: str) -> dict[str, Any] | None:
        if path not in self._manifests:
            self._manifests[path] = self.read_json(path)
        return self._manifests[path]

    def _expand(self, root: str, glob: str) -> Iterator[str]:
        segments = [s for s in glob.strip().split("/") if s not in ("", ".")]
        if not segments or ".." in segments:
            return iter(())  # a workspace outside the root is not ours to read
        return self._match(root, segments, 0)

    def _match(self, folder: str, segments: list[str], depth: int) -> Iterator[str]:
        if not segments:
            yield folder
            return
        head, rest = segments[0], segments[1:]
        if head == "**":
            yield from self._match(folder, rest, depth)
            if depth < GLOB_DEPTH:
                for sub in self._subfolders(folder):
                    yield from self._match(posixpath.join(folder, sub), segments, depth + 1)
        elif re.search(r"[*?\[]", head):
            for sub in self._subfolders(folder):
                if fnmatchcase(sub, head):
                    yield from self._match(posixpath.join(folder, sub), rest, depth)
        else:
            yield from self._match(posixpath.join(folder, head), rest, depth)

    def _subfolders(self, folder: str) -> list[str]:
        return [
            name
            for name in self.reader.folders(folder)
            if name not in SKIPPED_DIRS and not name.startswith(".")
        ]


def manifest_workspaces(manifest: dict[str, Any]) -> list[str] | None:
    """npm, yarn and bun: `"workspaces": [...]` or `{"packages": [...]}`."""
    workspaces = manifest.get("workspaces")
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    if not isinstance(workspaces, list):
        return None
    return [g for g in workspaces if isinstance(g, str)]


def pnpm_packages(raw: bytes) -> list[str]:
    """The `packages:` list of a pnpm-workspace.yaml: block (`- 'apps/*'`) or flow
    (`['apps/*']`) style. Only that key is read, so a small reader does."""
    lines = raw.decode("utf-8", "replace").splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"packages\s*:(.*)$", line)
        if match is None:
            continue
        inline = _uncomment(match.group(1)).strip()
        if inline.startswith("["):
            return [_unquote(item) for item in inline.strip("[]").split(",") if item.strip()]
        globs: list[str] = []
        for item in lines[index + 1 :]:
            body = _uncomment(item)
            if not body.strip():
                continue
            if not body[0].isspace() and not body.startswith("-"):
                break  # the next top-level key
            entry = re.match(r"\s*-\s*(.+)$", body)
            if entry is not None:
                globs.append(_unquote(entry.group(1)))
        return globs
    return []


def _uncomment(line: str) -> str:
    """The line without a trailing `# comment` (a `#` inside quotes is kept)."""
    quote = ""
    for i, char in enumerate(line):
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        elif char == "#" and not quote and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _unquote(item: str) -> str:
    item = item.strip()
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
        return item[1:-1]
    return item


# -- which file a subpath names ---------------------------------------------------------


def entry_targets(manifest: dict[str, Any], subpath: str) -> list[str]:
    """The files `subpath` (`.` or `./auth/server`) of a package may name, best first,
    relative to the package's folder. With `exports`, only what it exports."""
    exports = manifest.get("exports")
    if exports is not None:
        return _exported(exports, subpath)
    if subpath == ".":
        fields = ("types", "typings", "module", "main")
        return [t for t in (manifest.get(f) for f in fields) if isinstance(t, str)] + ["."]
    # No `exports`: the path under the package, or under `src/` when its entry lives there.
    entries = (manifest.get(f) for f in ("types", "typings", "module", "main"))
    in_src = any(isinstance(e, str) and posixpath.normpath(e).startswith("src/") for e in entries)
    return [subpath, "./src/" + subpath[2:]] if in_src else [subpath]


def imported_targets(manifest: dict[str, Any], specifier: str) -> list[str]:
    """The files a subpath import (`#lib/db`) names through the package's `imports`."""
    imports = manifest.get("imports")
    return _mapped(imports, specifier) if isinstance(imports, dict) else []


def _exported(exports: Any, subpath: str) -> list[str]:
    if not isinstance(exports, dict) or not all(str(k).startswith(".") for k in exports):
        exports = {".": exports}  # a string, an array or conditions: the package itself
    return _mapped(exports, subpath)


def _mapped(exports: dict[str, Any], subpath: str) -> list[str]:
    """The targets of a subpath in an `exports` or `imports` map."""
    if subpath in exports:
        return _conditions(exports[subpath])
    # `"./*"` and `"./components/*"`: the longest prefix wins, as in Node.
    patterns = sorted(
        (k for k in exports if "*" in k), key=lambda k: len(k.partition("*")[0]), reverse=True
    )
    for key in patterns:
        prefix, _, suffix = key.partition("*")
        if (
            subpath.startswith(prefix)
            and subpath.endswith(suffix)
            and len(subpath) >= len(key)  # `*` matches one character or more
        ):
            star = subpath[len(prefix) : len(subpath) - len(suffix)]
            return [t.replace("*", star) for t in _conditions(exports[key])]
    for key in sorted(exports, key=len, reverse=True):  # legacy folder keys: `"./": "./src/"`
        if key.endswith("/") and subpath.startswith(key):
            return [t + subpath[len(key) :] for t in _conditions(exports[key])]
    return []


def _conditions(target: Any) -> list[str]:
    """A target's paths: a string, fallbacks in an array, or conditions, nested."""
    if isinstance(target, str):
        return [target]
    if isinstance(target, list):
        return [path for item in target for path in _conditions(item)]
    if isinstance(target, dict):
        keys = [k for k in CONDITIONS if k in target] + [k for k in target if k not in CONDITIONS]
        return [path for key in keys for path in _conditions(target[key])]
    return []  # null: not exported under that condition


def source_guesses(target: str) -> list[str]:
    """Where the source of a built file may be: `./dist/auth/server.js` ->
    `src/auth/server`, `auth/server`. A fallback heuristic for TypeScript packages that
    export their build output: the package's build settings are not read."""
    path = posixpath.normpath(target)
    stem = next((path[: -len(s)] for s in BUILT_SUFFIXES if path.endswith(s)), path)
    parts = stem.split("/")
    start = 0
    while start < len(parts) - 1 and parts[start] in OUTPUT_DIRS:
        start += 1
    guesses = [stem] if stem != path else []
    if start:
        rest = "/".join(parts[start:])
        guesses += ["src/" + rest, rest]
    return guesses
