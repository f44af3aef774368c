"""The check: selected files to findings with their fixes (read, parse, find actions, facts,
rules, fixes), in one process or several; the report is the same."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context

from guardfix.actions import find_actions, may_hold_actions
from guardfix.config import Config
from guardfix.facts.project import Project, configured_project
from guardfix.files import unreadable
from guardfix.fixes import Fixer
from guardfix.model import Applicability, Finding, InternalError, Report, Rewrite, Source
from guardfix.module import Module
from guardfix.parse import is_source_path
from guardfix.rewrite import rebuilder, rewrites
from guardfix.rules import RULES_BY_CODE
from guardfix.rules.run import run_rules
from guardfix.select import Selection, in_memory, touched
from guardfix.severity import configured
from guardfix.suppressions import MARKER, audit, suppressions


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
    project = configured_project(selection.reader, config, selection.files)
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
            found_here = run_rules(facts, module, config, found, used)
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


def _first_error_line(module: Module) -> int:
    cursor = module.root
    while True:
        child = next(
            (c for c in cursor.children if c.has_error or c.is_error or c.is_missing), None
        )
        if child is None or cursor.is_error or cursor.is_missing:
            return cursor.start_point[0] + 1
        cursor = child


def fix_project(
    files: Mapping[str, bytes], config: Config | None = None, unsafe: bool = False
) -> tuple[Report, list[Rewrite]]:
    """What `guardfix --apply --all` (with `--unsafe-fixes` when `unsafe`) reports and
    writes in a project held in memory, outside git: the report, and each file's rewrite."""
    config = config or Config()
    selection = in_memory(files)
    report = check(selection, config)
    report.findings = configured(report.findings, config)
    allowed = frozenset({Applicability.SAFE, *([Applicability.UNSAFE] if unsafe else [])})
    return report, rewrites(report, rebuilder(report, allowed, selection.reader, config))


def fix_source(
    files: Mapping[str, bytes], path: str, config: Config | None = None, unsafe: bool = False
) -> bytes:
    """The content of `path` once `guardfix --apply --all` ran in the project `files`."""
    _, done = fix_project(files, config, unsafe)
    return next((rw.after for rw in done if rw.path == path and rw.fixed), files[path])
