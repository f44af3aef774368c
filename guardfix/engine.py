"""The pipeline from selected files to findings: read, parse, find actions, facts, rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from guardfix.actions import find_actions, may_hold_actions
from guardfix.config import Config
from guardfix.facts.project import Project
from guardfix.facts.resolve import Reader, inside_root
from guardfix.fixes import Fixer
from guardfix.model import (
    ActionFacts,
    ActionKind,
    Applicability,
    Finding,
    ServerAction,
    Source,
)
from guardfix.module import Module
from guardfix.parse import SKIPPED_DIRS, is_source_path
from guardfix.rewrite import Rewrite, confirmed, rewrite
from guardfix.rules import RULES, RULES_BY_CODE
from guardfix.select import Selection
from guardfix.severity import configured
from guardfix.suppressions import MARKER, Suppression, audit, silencing, suppressions


class InternalError(Exception):
    """A bug in guardfix met while checking `path`; the run stops and asks for a report."""

    def __init__(self, path: str, cause: BaseException) -> None:
        super().__init__(f"{path}: {cause!r}")
        self.path = path
        self.cause = cause

    def __reduce__(self) -> tuple[type[InternalError], tuple[str, BaseException]]:
        return InternalError, (self.path, self.cause)  # it crosses from a worker process


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0  # source files checked
    actions: int = 0  # server actions found in them
    notices: list[str] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # files with findings
    unreadable: list[str] = field(default_factory=list)  # not text: a run that cannot vouch
    baselined: list[Finding] = field(default_factory=list)  # found, but in the baseline


@dataclass
class Checked:
    """One candidate file's share of the report: plain data, as it crosses processes."""

    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    actions: int = 0
    # The project's notices (a bad tsconfig...) first raised while this file was checked.
    project_notices: list[str] = field(default_factory=list)


# Below this many candidate files per process, starting processes costs more than it saves.
PER_JOB = 8


def check(
    selection: Selection,
    config: Config,
    progress: Callable[[], object] | None = None,
    jobs: int = 1,
) -> Report:
    """Check the selected files; `progress` is called once per file done. With `jobs` > 1
    the candidate files are checked in that many processes; the report is the same."""
    report = Report()
    candidates: list[Source] = []
    for source in selection.sources:
        if _is_candidate(source, config, report):
            candidates.append(source)
        else:
            _tick(progress)
    results: Iterable[Checked]
    if jobs > 1 and len(candidates) >= PER_JOB * 2 and "fork" in get_all_start_methods():
        results = _in_processes(
            candidates, selection, config, min(jobs, len(candidates) // PER_JOB)
        )
    else:
        results = _checked(candidates, selection, config)
    project_notices: dict[str, None] = {}
    for source, checked in zip(candidates, results, strict=True):
        _tick(progress)
        report.actions += checked.actions
        report.notices.extend(checked.notices)
        report.findings.extend(checked.findings)
        if checked.findings:
            report.contents[source.path] = source.content
        project_notices.update(dict.fromkeys(checked.project_notices))
    # The selection's own notices come first; it may add them while its files are read.
    report.notices[:0] = selection.notices
    report.notices.extend(project_notices)
    report.findings.sort(key=lambda f: (f.path, f.start.line, f.start.column, f.rule))
    return report


def _is_candidate(source: Source, config: Config, report: Report) -> bool:
    """The file is checked, and may hold an action or a suppression to judge: only such a
    file is parsed. The others are counted, or noted when they cannot be checked."""
    if not is_source_path(source.path) or not config.wants_path(source.path):
        return False
    if len(source.content) > config.max_file_size:
        report.notices.append(
            f"{source.path}: skipped, larger than max-file-size "
            f"({len(source.content)} > {config.max_file_size} bytes)"
        )
        return False
    problem = unreadable(source.content)
    if problem is not None:
        report.notices.append(f"{source.path}: not checked, {problem}")
        report.unreadable.append(source.path)
        return False
    report.files += 1
    return may_hold_actions(source.content) or MARKER in source.content


def _tick(progress: Callable[[], object] | None) -> None:
    if progress is not None:
        progress()


def _checked(sources: list[Source], selection: Selection, config: Config) -> Iterator[Checked]:
    """Each file checked in turn, in one project: files they share are parsed once."""
    project = _project(selection.reader, config, selection.files)
    fixer = Fixer(project, selection.files, config)
    for source in sources:
        raised = len(project.notices)
        try:
            checked = _check_file(project, fixer, source, config)
        except Exception as exc:
            raise InternalError(source.path, exc) from exc
        checked.project_notices = project.notices[raised:]
        yield checked


# What the worker processes check, set before they fork: nothing of it is pickled.
_WORK: tuple[list[Source], Selection, Config] | None = None


def _in_processes(
    sources: list[Source], selection: Selection, config: Config, jobs: int
) -> list[Checked]:
    """The files dealt round-robin to `jobs` forked processes, the results put back in order."""
    global _WORK
    _WORK = (sources, selection, config)
    try:
        with get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_work, [(k, jobs) for k in range(jobs)])
    finally:
        _WORK = None
    results: list[Checked] = [Checked()] * len(sources)
    for k, part in enumerate(parts):
        results[k::jobs] = part
    return results


def _work(share: tuple[int, int]) -> list[Checked]:
    assert _WORK is not None
    sources, selection, config = _WORK
    first, step = share
    return list(_checked(sources[first::step], selection, config))


def _check_file(project: Project, fixer: Fixer, source: Source, config: Config) -> Checked:
    out = Checked()
    module = project.add(source.path, source.content)
    if module.root.has_error and may_hold_actions(source.content):
        line = _first_error_line(module)
        out.notices.append(
            f"{source.path}: the parser could not read part of it (from line {line}); "
            "server actions in that part may be missed"
        )
    found = suppressions(module) if MARKER in source.content else []
    used: set[tuple[int, str]] = set()
    judged: list[tuple[int, int]] = []  # lines whose suppressions can be judged
    whole = source.changed_lines is None
    for action in find_actions(module):
        out.actions += 1
        if not touched(action, module, source):
            continue
        first, last = action.node.start_point[0] + 1, action.node.end_point[0] + 1
        try:
            facts = project.analyze(action, module)
            found_here = _findings(facts, module, config, found, used)
        except RecursionError:
            out.notices.append(
                f"{source.path}:{first}: {action.name or 'an action'} skipped, "
                "nested too deeply to analyse"
            )
            whole = False
            continue
        judged.append((first - 1, last))
        if found_here:
            out.findings.extend(fixer.attach(module, facts, found_here))
    if not found:
        return out
    if whole:
        judged = [(0, source.content.count(b"\n") + 1)]
    enabled = frozenset(code for code in RULES_BY_CODE if config.wants_rule(code))
    out.findings.extend(
        f
        for f in audit(module, found, used, judged, frozenset(RULES_BY_CODE), enabled)
        if config.wants_rule(f.rule)
    )
    return out


def _findings(
    facts: ActionFacts,
    module: Module,
    config: Config,
    found: list[Suppression] | None = None,
    used: set[tuple[int, str]] | None = None,
) -> list[Finding]:
    """The rules' findings on one action, less those a suppression silences (noted in
    `used` as (line, rule))."""
    if found is None:
        found = suppressions(module) if MARKER in module.content else []
    kept: list[Finding] = []
    for rule in RULES:
        if not config.wants_rule(rule.code):
            continue
        for finding in rule.check(facts, module):
            silencer = silencing(finding, found)
            if silencer is None:
                kept.append(finding)
            elif used is not None:
                used.add((silencer.line, finding.rule))
    return kept


def tally(findings: Iterable[Finding]) -> Counter[tuple[str, str]]:
    """How many findings each (rule, action) has: what a file's fixes are judged by."""
    return Counter((finding.rule, finding.action or "") for finding in findings)


class Recheck:
    """Checks rewritten files again, as the next run would; one project for the whole run,
    so the files they import are parsed and summarised once."""

    def __init__(self, reader: Reader, config: Config) -> None:
        self.reader = reader
        self.config = config
        self._project: Project | None = None
        self._seen: set[str] = set()

    def __call__(
        self, path: str, content: bytes, actions: frozenset[str]
    ) -> Counter[tuple[str, str]]:
        """The tally of the named actions ("" for unnamed ones) in `content`."""
        if self._project is None or path in self._seen:
            # A second version of one file starts afresh: summaries name the old tree's nodes.
            self._project = _project(self.reader, self.config)
            self._seen = set()
        self._seen.add(path)
        project = self._project
        module = project.add(path, content)
        return tally(
            finding
            for action in find_actions(module)
            if (action.name or "") in actions
            for finding in _findings(project.analyze(action, module), module, self.config)
        )


def _project(reader: Reader, config: Config, files: Callable[[], Iterable[str]] = tuple) -> Project:
    """The project as the configuration describes it: its guards, lookups and size limit."""
    project = Project(reader, guards=config.guards, files=files, max_size=config.max_file_size)
    project.lookups = config.project_lookups(project.resolver.resolve)
    return project


def _first_error_line(module: Module) -> int:
    cursor = module.root
    while True:
        child = next(
            (c for c in cursor.children if c.has_error or c.is_error or c.is_missing), None
        )
        if child is None or cursor.is_error or cursor.is_missing:
            return cursor.start_point[0] + 1
        cursor = child


def unreadable(content: bytes) -> str | None:
    """Why a file's content is not source text guardfix can read, or None."""
    if b"\0" in content[:8192]:
        return "binary content"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (invalid byte at offset {exc.start})"
    return None


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


class _InMemory:
    """A project's files held in memory by root-relative path: a reader with no disk or git."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files

    def read(self, path: str) -> bytes | None:
        norm = inside_root(path)
        return None if norm is None else self.files.get(norm)

    def prefetch(self, paths: list[str]) -> None:
        """Nothing to fetch."""

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def search(
        self, *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str] | None:
        return None  # the project reads the files itself, as outside git

    def folders(self, path: str) -> list[str]:
        norm = inside_root(path)
        if norm is None:
            return []
        prefix = f"{norm}/" if norm else ""
        below = [p.removeprefix(prefix) for p in self.files if p.startswith(prefix)]
        return sorted({p.split("/")[0] for p in below if "/" in p})


def _walk_order(path: str) -> tuple[tuple[int, str], ...]:
    """Sorts paths as a sorted walk of the tree lists them: a folder's files, then its folders."""
    *folders, name = path.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def fix_project(
    files: Mapping[str, bytes], config: Config | None = None, unsafe: bool = False
) -> tuple[Report, list[Rewrite]]:
    """What `guardfix --apply --all` (with `--unsafe-fixes` when `unsafe`) reports and
    writes in a project held in memory, outside git: the report, and each file's rewrite."""
    config = config or Config()
    reader = _InMemory(files)
    walked = sorted(
        (p for p in files if not SKIPPED_DIRS.intersection(p.split("/")[:-1])), key=_walk_order
    )
    sources = [Source(p, files[p]) for p in walked if is_source_path(p)]
    listing = [p for p in walked if is_source_path(p) or p.endswith(".sql")]
    report = check(Selection(Path("."), sources, reader, lambda: listing), config)
    report.findings = configured(report.findings, config)
    allowed = frozenset({Applicability.SAFE, *([Applicability.UNSAFE] if unsafe else [])})
    recheck = Recheck(reader, config)
    rewrites: list[Rewrite] = []
    for path in dict.fromkeys(f.path for f in report.findings if f.fix is not None):
        found = [f for f in report.findings if f.path == path and f.fix is not None]
        first = rewrite(path, report.contents[path], found, allowed)
        before = tally(f for f in report.findings if f.path == path)
        rewrites.append(confirmed(first, found, allowed, before, partial(recheck, path)))
    return report, rewrites


def fix_source(
    files: Mapping[str, bytes], path: str, config: Config | None = None, unsafe: bool = False
) -> bytes:
    """The content of `path` once `guardfix --apply --all` ran in the project `files`."""
    _, rewrites = fix_project(files, config, unsafe)
    return next((rw.after for rw in rewrites if rw.path == path and rw.fixed), files[path])
