"""What to look at: the staged change, a branch's change, every file, or given paths."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from guardfix.files import MemoryReader, Reader, within
from guardfix.git import BlobReader, DiskReader, GitError, git, index_state, ls_files, toplevel
from guardfix.model import ActionKind, ServerAction, Source
from guardfix.module import Module
from guardfix.parse import SKIPPED_DIRS, is_source_path


class SelectError(Exception):
    """The selection cannot be made (not a repository, a path outside it...)."""


class Lazy:
    """The files of a whole tree, each read when the run reaches it: their contents are
    never all in memory at once. A file that cannot be read adds a notice instead."""

    def __init__(self, root: Path, reader: Reader, paths: list[str], notices: list[str]):
        self.root = root
        self.reader = reader
        self.paths = paths
        self.notices = notices

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[Source]:
        for path in self.paths:
            content = self.reader.read(path)
            if content is None:
                self.notices.append(_not_read(self.root, path))
                continue
            yield Source(path, content, None)


@dataclass
class Selection:
    root: Path
    sources: list[Source] | Lazy
    reader: Reader  # for files the checked ones import
    # Every project file, listed only when a fix needs to look around (the guard idiom).
    files: Callable[[], Iterable[str]]
    notices: list[str] = field(default_factory=list)
    staged: bool = False  # contents come from the index, not the working tree


def select(
    cwd: Path, paths: list[str], all_files: bool, staged_paths: bool, base: str | None
) -> Selection:
    """What the command line asks for: a branch's change, every file, the staged files
    pre-commit names, the given files whole, or else the staged change."""
    if base is not None:
        return diff_base(cwd, base)
    if all_files:
        return every_file(cwd, paths[0] if paths else None)
    if staged_paths:
        return staged(cwd, paths)
    if paths:
        return explicit(cwd, paths)
    return staged(cwd)


def touched(action: ServerAction, module: Module, source: Source) -> bool:
    """In diff mode: the action overlaps a changed line, or its file's directive changed."""
    if source.changed_lines is None:
        return True
    first, last = action.node.start_point[0] + 1, action.node.end_point[0] + 1
    if any(first <= line <= last for line in source.changed_lines):
        return True
    directive = module.directive
    return (
        action.kind is not ActionKind.INLINE_DIRECTIVE
        and directive is not None
        and directive.start_point[0] + 1 in source.changed_lines
    )


def in_memory(files: Mapping[str, bytes]) -> Selection:
    """Every file of a project held in memory by root-relative path, selected as
    `every_file` selects a folder outside git (the same files, in the same order)."""
    listed = sorted(
        (p for p in files if not SKIPPED_DIRS.intersection(p.split("/")[:-1])), key=_walk_order
    )
    sources = [Source(p, files[p]) for p in listed if is_source_path(p)]
    listing = [p for p in listed if is_source_path(p) or p.endswith(".sql")]
    return Selection(Path("."), sources, MemoryReader(files), lambda: listing)


def staged(cwd: Path, paths: list[str] | None = None) -> Selection:
    """The staged change (index against HEAD); with paths, only those files."""
    root = _repo_root(cwd, "checking the staged change")
    reader = BlobReader(root)
    changes, unmerged = _diff_lines(root, ["diff", "--cached"])
    if paths is None:
        wanted = sorted(p for p in {*changes, *unmerged} if is_source_path(p))
        in_index = set(wanted)  # the index's own diff names them: no need to list the index
    else:
        wanted = [p for p in _relative(root, cwd, paths) if is_source_path(p)]
        in_index = reader.files()
    tracked = [p for p in wanted if p in in_index]
    reader.prefetch(tracked)
    disk = DiskReader(root)  # files pre-commit passes that git does not track
    sources: list[Source] = []
    notices: list[str] = []
    for path in wanted:
        content = reader.read(path) if path in in_index else disk.read(path)
        if content is None:
            notices.append(_not_read(root, path))
            continue
        sources.append(Source(path, content, changes.get(path)))
    return Selection(root, sources, reader, reader.files, notices, staged=True)


def diff_base(cwd: Path, base: str) -> Selection:
    """What HEAD changes since it left `base` (for CI on a branch)."""
    if base.startswith("-"):  # git would read it as an option (--output=FILE writes a file)
        raise SelectError(f"--diff-base {base!r}: not a branch, tag or commit")
    root = _repo_root(cwd, "--diff-base")
    reader = BlobReader(root, "HEAD")
    try:
        changes, _ = _diff_lines(root, ["diff", f"{base}...HEAD"])
    except GitError as exc:
        raise SelectError(f"cannot diff against {base!r}: {exc}") from None
    wanted = sorted(p for p in changes if is_source_path(p))
    reader.prefetch(wanted)
    sources = [
        Source(p, content, changes[p]) for p in wanted if (content := reader.read(p)) is not None
    ]
    return Selection(root, sources, reader, reader.files)


def every_file(cwd: Path, folder: str | None) -> Selection:
    """Every tracked file; outside git, every file below the folder."""
    start = (cwd / folder) if folder else cwd
    if not start.is_dir():
        raise SelectError(f"{folder}: not a folder")
    root = _repository_of(cwd, [start])
    if root is not None and not within(os.path.realpath(start), os.path.realpath(root)):
        raise SelectError(f"{folder}: a link to outside the repository at {root}")
    if root is None:
        root = Path(os.path.abspath(start))
        files = _walk(root, "")
        return _whole_files(root, DiskReader(root), files, lambda: _walk(root, "", sql=True))
    prefix = _relative(root, cwd, [folder])[0] if folder else ""
    tracked = ls_files(root)
    files = [
        p
        for p in tracked
        if is_source_path(p) and (not prefix or p == prefix or p.startswith(prefix + "/"))
    ]
    return _whole_files(root, DiskReader(root, tracked=True), files, lambda: tracked)


def explicit(cwd: Path, paths: list[str]) -> Selection:
    """The given files and folders, whole, from disk."""
    for p in paths:
        if not (cwd / p).exists():
            raise SelectError(f"{p}: no such file or folder")
    repo = _repository_of(cwd, [cwd / p for p in paths])
    root = repo or (cwd if _all_below(cwd, paths) else _common_parent(cwd, paths))
    reader = DiskReader(root, tracked=repo is not None)
    files: list[str] = []
    for rel in _relative(root, cwd, paths):
        full = root / rel if rel else root
        if full.is_dir():
            files.extend(_walk(root, rel))
        elif is_source_path(rel):
            files.append(rel)
    listing = (lambda: ls_files(root)) if repo is not None else (lambda: _walk(root, "", sql=True))
    return _whole_files(root, reader, sorted(dict.fromkeys(files)), listing)


def _repository_of(cwd: Path, paths: list[Path]) -> Path | None:
    """The repository we are in when a path is inside it, else the first path's: every
    path must then be inside the one chosen, so no path widens it to its surroundings."""
    here = toplevel(cwd)
    if here is not None and any(within(os.path.abspath(p), os.path.abspath(here)) for p in paths):
        return here
    return toplevel(paths[0])


def _whole_files(
    root: Path, reader: DiskReader, files: list[str], listing: Callable[[], Iterable[str]]
) -> Selection:
    notices: list[str] = []
    return Selection(root, Lazy(root, reader, files, notices), reader, listing, notices)


def _not_read(root: Path, path: str) -> str:
    """The notice for a selected file that could not be read, saying why when git knows."""
    state = index_state(root, path) if (root / ".git").exists() else None
    if state == "submodule":
        return f"{path}: skipped, a submodule (check it in its own repository)"
    if state == "unmerged":
        return f"{path}: skipped, unmerged (resolve the conflict and stage it first)"
    return f"{path}: skipped, cannot be read (or points outside the project)"


def _repo_root(cwd: Path, what: str) -> Path:
    root = toplevel(cwd)
    if root is None:
        if shutil.which("git") is None:
            raise SelectError(f"{what} needs git, which is not installed or not on PATH")
        if _is_bare(cwd):
            raise SelectError(f"{what} needs a work tree, and {cwd} is a bare repository")
        raise SelectError(
            f"{what} needs a git repository; run it inside one, or pass paths (or --all)"
        )
    return root


def _is_bare(cwd: Path) -> bool:
    try:
        return git(cwd, "rev-parse", "--is-bare-repository").strip() == b"true"
    except GitError:
        return False


def _diff_lines(root: Path, args: list[str]) -> tuple[dict[str, frozenset[int]], list[str]]:
    """Changed line numbers per file (new side) from `git diff -U0`, parsed by unidiff,
    and the unmerged paths git names instead of diffing them."""
    # Imported here: --all and explicit paths read no diff.
    from unidiff.errors import UnidiffParseError
    from unidiff.patch import PatchSet

    raw = git(
        root,
        *args,
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "-U0",
        "--src-prefix=a/",
        "--dst-prefix=b/",
    )
    try:
        patch = PatchSet(raw.decode("utf-8", "surrogateescape"))
    except UnidiffParseError as exc:
        raise SelectError(f"cannot read the diff git printed: {exc}") from None
    changes: dict[str, frozenset[int]] = {}
    for patched in patch:
        if patched.is_removed_file:
            continue
        lines: set[int] = set()
        for hunk in patched:
            # A pure deletion's hunk starts at the line before it (`+4,0`).
            last = hunk.target_start if hunk.target_length == 0 else hunk.target_start - 1
            for line in hunk:
                if line.is_added and line.target_line_no is not None:
                    lines.add(line.target_line_no)
                    last = line.target_line_no
                elif line.is_removed:
                    lines.add(last + 1)  # the line that now stands where it was
                elif line.is_context and line.target_line_no is not None:
                    last = line.target_line_no
        changes[_unquote(patched.path)] = frozenset(lines)
    unmerged = [
        _unquote(line.decode("utf-8", "surrogateescape"))
        for line in re.findall(rb"^\* Unmerged path (.+)$", raw, re.M)
    ]
    return changes, unmerged


ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(path: str) -> str:
    """A name git C-quotes in diff headers (`"app/a\\tb.ts"`, even with core.quotePath off
    for quotes, tabs and newlines) back to the file's real name."""
    if len(path) < 2 or path[0] != '"' or path[-1] != '"':
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8", "surrogateescape")
            i += 1
        elif body[i + 1] in ESCAPES:
            out.append(ESCAPES[body[i + 1]])
            i += 2
        else:  # \ooo: one byte in octal
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
    return out.decode("utf-8", "surrogateescape")


def _relative(root: Path, cwd: Path, paths: list[str]) -> list[str]:
    out: list[str] = []
    real_root = os.path.abspath(root)
    for p in paths:
        full = os.path.abspath(os.path.join(cwd, p))
        if not within(full, real_root):
            raise SelectError(f"{p}: outside the repository at {root}")
        rel = os.path.relpath(full, real_root)
        out.append("" if rel == "." else rel.replace(os.sep, "/"))
    return out


def _walk(root: Path, rel: str, *, sql: bool = False) -> list[str]:
    """Source files below `rel`; with `sql`, SQL files too (the migrations' policies)."""
    found: list[str] = []
    base = root / rel if rel else root
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            path = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            if is_source_path(path) or (sql and path.endswith(".sql")):
                found.append(path)
    return found


def _walk_order(path: str) -> tuple[tuple[int, str], ...]:
    """Sorts paths as `_walk` lists them: a folder's files, then its folders."""
    *folders, name = path.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def _all_below(cwd: Path, paths: list[str]) -> bool:
    base = os.path.abspath(cwd)
    return all(within(os.path.abspath(os.path.join(cwd, p)), base) for p in paths)


def _common_parent(cwd: Path, paths: list[str]) -> Path:
    full = [os.path.abspath(os.path.join(cwd, p)) for p in paths]
    common = os.path.commonpath(full)
    return Path(common if os.path.isdir(common) else os.path.dirname(common))
