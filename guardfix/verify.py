"""`--apply --verify`: keep only the fixes after which the TypeScript compiler reports no new
error.

Each affected project (the nearest tsconfig.json above a rewritten file) is type-checked with
its own tsc before and after its fixes, in a temporary copy laid out as the repository is (so
`extends`, `paths` and `../` includes resolve as they do in place); nothing runs in the user's
tree. When the fixes add errors, files are tried one at a time, and a file that still adds
errors fix by fix.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from guardfix.files import within
from guardfix.model import Finding, Rewrite
from guardfix.rewrite import Rebuild

TIMEOUT = 900  # seconds for one tsc run
TSC = Path("node_modules", "typescript", "bin", "tsc")
# Large and only read by tsc: linked into the copy, never copied.
LINKED = frozenset({"node_modules", ".next"})
LEFT_OUT = frozenset({".git"})
# Files tsc may read as sources; any other file (images, fonts...) is linked, not copied.
SOURCE_SUFFIXES = frozenset({".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"})
LOCATED = re.compile(
    r"^(?P<path>.+)\((?P<line>\d+),(?P<column>\d+)\): error (?P<code>TS\d+): (?P<message>.*)$"
)
GLOBAL = re.compile(r"^error (?P<code>TS\d+): (?P<message>.*)$")
THROWN = re.compile(r"^[A-Za-z]*Error\b")  # how Node prints an uncaught exception


class VerifyError(Exception):
    """--verify cannot run at all; nothing is written."""


class TscFailed(Exception):
    """tsc did not type-check the project (it crashed, timed out, or could not start)."""


@dataclass(frozen=True)
class Diagnostic:
    path: str  # relative to the repository root, "" for an error with no file
    line: int
    column: int
    code: str
    message: str  # one line: a chained message's lines joined

    @property
    def key(self) -> tuple[str, str, str]:
        """What two runs are compared by: inserted lines shift the line numbers."""
        return (self.path, self.code, self.message)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}: " if self.path else ""
        return f"{where}{self.code} {self.message}"


@dataclass
class Verified:
    rewrites: list[Rewrite]
    notices: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # one line per new tsc error
    failures: dict[str, str] = field(default_factory=dict)  # path -> why it is not written


def verify(root: Path, rewrites: Sequence[Rewrite], rebuild: Rebuild) -> Verified:
    """The rewrites with the fixes that add a tsc error left out.

    `rebuild(path, findings)` is the file's rewrite with only those findings' fixes.
    """
    out = Verified(rewrites=[])
    projects: dict[Path, list[Rewrite]] = {}
    for rw in rewrites:
        tsconfig = _nearest(root, rw.path, Path("tsconfig.json")) if rw.fixed else None
        if tsconfig is None:
            if rw.fixed:
                out.notices.append(f"{rw.path}: nothing was verified: no tsconfig.json above it")
            out.rewrites.append(rw)
            continue
        projects.setdefault(tsconfig, []).append(rw)
    for tsconfig, group in projects.items():
        folder = tsconfig.parent.relative_to(root).as_posix()
        tsc = _nearest(root, tsconfig.relative_to(root).as_posix(), TSC)
        if tsc is None:
            out.notices.append(
                f"nothing was verified: no node_modules/typescript in {folder or '.'} "
                "or above it; the fixes are applied unchecked"
            )
            out.rewrites.extend(group)
            continue
        try:
            with tempfile.TemporaryDirectory(prefix="guardfix-verify-") as temp:
                copy = Copy(root, tsconfig, tsc, Path(temp))
                _verify_project(copy, group, rebuild, out)
        except TscFailed as exc:
            why = f"--verify could not type-check {tsconfig.relative_to(root).as_posix()}: {exc}"
            for rw in group:
                if rw.fixed:
                    out.failures[rw.path] = why
                out.rewrites.append(replace(rw, after=rw.before, fixed=()))
    order = {rw.path: index for index, rw in enumerate(rewrites)}
    out.rewrites.sort(key=lambda rw: order[rw.path])
    return out


def _nearest(root: Path, path: str, name: Path) -> Path | None:
    """`name` in the folder of `path` or the nearest one above it, up to the root."""
    folder = (root / path).parent
    while True:
        candidate = folder / name
        if candidate.is_file():
            return candidate
        if folder == root or not within(str(folder), str(root)):
            return None
        folder = folder.parent


def _verify_project(copy: Copy, group: list[Rewrite], rebuild: Rebuild, out: Verified) -> None:
    for rw in group:
        copy.put(rw.path, rw.before)
    base = copy.check()
    for rw in group:
        if rw.path not in copy.listed:
            out.notices.append(
                f"{rw.path}: nothing was verified: {copy.tsconfig} does not include it"
            )
        copy.put(rw.path, rw.after)
    current = copy.check()
    if not added(base, current):
        out.rewrites.extend(group)
        return
    suspects = _suspects(group, added(base, current))
    for rw in group:
        if rw.path in suspects:
            copy.put(rw.path, rw.before)
    current = copy.check() if len(suspects) < len(group) else base
    if added(base, current):  # the others add errors too: try every file on its own
        suspects = {rw.path for rw in group}
        for rw in group:
            copy.put(rw.path, rw.before)
        current = base
    for rw in group:
        if rw.path not in suspects:
            out.rewrites.append(rw)
            continue
        kept, current = _narrow(copy, rw, rebuild, current, out)
        out.rewrites.append(kept)


def _suspects(group: list[Rewrite], new: list[Diagnostic]) -> set[str]:
    """The rewritten files the new errors are in; all of them when one is elsewhere."""
    paths = {rw.path for rw in group}
    where = {d.path for d in new}
    return where if where <= paths else paths


def _narrow(
    copy: Copy, rw: Rewrite, rebuild: Rebuild, current: list[Diagnostic], out: Verified
) -> tuple[Rewrite, list[Diagnostic]]:
    """The file's rewrite with the fixes that add errors left out, tried one at a time.

    `current` is what tsc reports with the file as it was; returns the kept rewrite and
    what tsc reports with it in.
    """
    copy.put(rw.path, rw.after)
    whole = copy.check()
    if not added(current, whole):
        return rw, whole
    rejected: dict[int, list[Diagnostic]] = {}
    kept: list[Finding] = []
    if len(rw.fixed) == 1:
        rejected[id(rw.fixed[0])] = added(current, whole)
    else:
        known = {rw.after: whole}  # only this file changes meanwhile
        for finding in rw.fixed:  # in the order they were applied: a fix after its base
            candidate = rebuild(rw.path, [*kept, finding])
            if finding not in candidate.fixed:
                continue  # it builds on a fix left out
            result = known.get(candidate.after)
            if result is None:
                copy.put(rw.path, candidate.after)
                result = copy.check()
            new = added(current, result)
            if new:
                rejected[id(finding)] = new
            else:
                kept.append(finding)
                current = result
    final = rebuild(rw.path, kept) if kept else replace(rw, after=rw.before, fixed=(), skipped=())
    copy.put(rw.path, final.after)
    skipped = [*rw.skipped, *final.skipped]
    for finding in rw.fixed:
        if finding in final.fixed:
            continue
        errors = rejected.get(id(finding))
        if errors is None:
            skipped.append((finding, "fix skipped: it builds on a fix that tsc rejected"))
            continue
        count = f"{len(errors)} new TypeScript error{'s' if len(errors) > 1 else ''}"
        skipped.append((finding, f"fix skipped: tsc reports {count} with it: {errors[0]}"))
        name = finding.action or "an action"
        out.dropped.extend(
            f"{rw.path}: {finding.rule} fix of {name} dropped, tsc: {error}" for error in errors
        )
    return replace(final, skipped=tuple(_unique(skipped))), current


def _unique(skipped: Iterable[tuple[Finding, str]]) -> list[tuple[Finding, str]]:
    seen: set[int] = set()
    out = []
    for finding, why in skipped:
        if id(finding) not in seen:
            seen.add(id(finding))
            out.append((finding, why))
    return out


def added(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """The errors in `after` beyond those in `before`, compared per file by code and message."""
    budget = Counter(d.key for d in before)
    new = []
    for diagnostic in after:
        if budget[diagnostic.key] > 0:
            budget[diagnostic.key] -= 1
        else:
            new.append(diagnostic)
    return new


class Copy:
    """The repository's layout in a temporary folder (`tree`): the project folder copied
    (its source files; node_modules and other files linked), the entries beside the folders
    above it linked; tsc's incremental state beside the tree."""

    def __init__(self, root: Path, tsconfig: Path, tsc: Path, temp: Path) -> None:
        node = shutil.which("node")
        if node is None:
            raise VerifyError(
                "--verify runs the project's TypeScript compiler with Node.js, and `node` is "
                "not on PATH; install Node.js or leave out --verify"
            )
        self.node = node
        self.tree = temp / "tree"
        self.tree.mkdir()
        # Incremental: after the first run tsc re-checks only what a fix changed (and what
        # depends on it), and reports the same errors as a full run.
        self.buildinfo = temp / "tsc.tsbuildinfo"
        self.tsconfig = tsconfig.relative_to(root).as_posix()
        self.tsc = tsc
        self.listed: set[str] = set()  # the files in the program, relative to the root
        folder = tsconfig.parent.relative_to(root)
        source, target = root, self.tree
        for part in folder.parts:
            for entry in os.scandir(source):
                if entry.name != part and entry.name not in LEFT_OUT:
                    os.symlink(entry.path, target / entry.name)
            source, target = source / part, target / part
            target.mkdir()
        self.project = target
        _copy_folder(source, target)

    def put(self, path: str, content: bytes) -> None:
        """Give a file of the copy this content, never writing through a link."""
        target = self.tree / path
        if not within(os.path.realpath(target.parent), os.path.realpath(self.tree)):
            raise TscFailed(f"{path} is reached through a symbolic link")
        if target.is_symlink():
            target.unlink()
        target.write_bytes(content)

    def check(self) -> list[Diagnostic]:
        """tsc's errors for the copy as it is now."""
        command = [self.node, str(self.tsc), "--noEmit", "--pretty", "false", "--listFiles"]
        command += ["--incremental", "--tsBuildInfoFile", str(self.buildinfo)]
        command += ["-p", str(self.tree / self.tsconfig)]
        try:
            done = subprocess.run(
                command,
                cwd=self.project,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TscFailed(f"tsc took longer than {TIMEOUT} seconds") from None
        except OSError as exc:
            raise TscFailed(f"cannot run node ({exc.strerror})") from None
        # 0: no errors; 1: errors in the options; 2: errors in the code. Node's own failures
        # (an exception, a missing module) also exit 1, but say so on stderr.
        if done.returncode not in (0, 1, 2) or done.stderr.strip():
            raise TscFailed(f"tsc failed: {_failure(done.stderr, done.returncode)}")
        folder = self.project.relative_to(self.tree).as_posix()
        diagnostics, self.listed = parse_output(done.stdout, folder, str(self.tree))
        return diagnostics


def _failure(stderr: str, status: int) -> str:
    """The line of Node's output that names the error, else the first one."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    named = next((line for line in lines if THROWN.match(line)), None)
    return named or (lines[0] if lines else f"exit status {status}")


def _copy_folder(source: Path, target: Path) -> None:
    target.mkdir(exist_ok=True)
    for entry in os.scandir(source):
        path = target / entry.name
        if entry.name in LEFT_OUT:
            continue
        if entry.is_symlink():  # as written: a relative link lands in the copy's layout
            os.symlink(os.readlink(entry.path), path)
        elif entry.name in LINKED:
            os.symlink(entry.path, path)
        elif entry.is_dir():
            _copy_folder(Path(entry.path), path)
        elif entry.is_file() and os.path.splitext(entry.name)[1] in SOURCE_SUFFIXES:
            shutil.copyfile(entry.path, path)
        elif entry.is_file():
            os.symlink(entry.path, path)


def parse_output(stdout: str, folder: str, temp: str) -> tuple[list[Diagnostic], set[str]]:
    """tsc's `--pretty false --listFiles` output: the errors, and the files in the program.

    Error paths are relative to `folder` (tsc's working folder), listed files absolute;
    both come back relative to the root `temp` stands for.
    """
    diagnostics: list[Diagnostic] = []
    listed: set[str] = set()
    for line in stdout.splitlines():
        located, bare = LOCATED.match(line), GLOBAL.match(line)
        if located is not None:
            path = posixpath.normpath(posixpath.join(folder, located["path"]))
            diagnostics.append(
                Diagnostic(
                    path,
                    int(located["line"]),
                    int(located["column"]),
                    located["code"],
                    located["message"],
                )
            )
        elif bare is not None:
            diagnostics.append(Diagnostic("", 0, 0, bare["code"], bare["message"]))
        elif line[:1].isspace() and diagnostics and line.strip():
            last = diagnostics[-1]
            diagnostics[-1] = replace(last, message=f"{last.message} {line.strip()}")
        elif os.path.isabs(line) and within(line, temp):
            listed.add(Path(os.path.relpath(line, temp)).as_posix())
    return diagnostics, listed
