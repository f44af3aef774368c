"""The pipeline from selected files to findings: read, parse, find actions, facts, rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from guardfix.actions import find_actions, may_hold_actions
from guardfix.config import Config
from guardfix.facts.project import Project
from guardfix.facts.resolve import Reader
from guardfix.fixes import Fixer
from guardfix.model import ActionFacts, ActionKind, Finding, ServerAction, Source
from guardfix.module import Module
from guardfix.parse import is_source_path
from guardfix.rules import RULES, RULES_BY_CODE
from guardfix.select import Selection
from guardfix.suppressions import MARKER, Suppression, audit, silencing, suppressions


class InternalError(Exception):
    """A bug in guardfix met while checking `path`; the run stops and asks for a report."""

    def __init__(self, path: str, cause: BaseException) -> None:
        super().__init__(f"{path}: {cause!r}")
        self.path = path
        self.cause = cause


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0  # source files checked
    actions: int = 0  # server actions found in them
    notices: list[str] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # files with findings
    unreadable: list[str] = field(default_factory=list)  # not text: a run that cannot vouch
    baselined: list[Finding] = field(default_factory=list)  # found, but in the baseline


def check(
    selection: Selection, config: Config, progress: Callable[[], object] | None = None
) -> Report:
    """Check the selected files; `progress` is called once per file done."""
    report = Report()
    project = Project(
        selection.reader,
        guards=config.guards,
        files=selection.files,
        max_size=config.max_file_size,
    )
    project.lookups = config.project_lookups(project.resolver.resolve)
    fixer = Fixer(project, selection.files, config)
    for source in selection.sources:
        if progress is not None:
            progress()
        if not is_source_path(source.path) or not config.wants_path(source.path):
            continue
        if len(source.content) > config.max_file_size:
            report.notices.append(
                f"{source.path}: skipped, larger than max-file-size "
                f"({len(source.content)} > {config.max_file_size} bytes)"
            )
            continue
        problem = unreadable(source.content)
        if problem is not None:
            report.notices.append(f"{source.path}: not checked, {problem}")
            report.unreadable.append(source.path)
            continue
        report.files += 1
        if not may_hold_actions(source.content) and MARKER not in source.content:
            continue  # nothing to find, nor a suppression to judge: not parsed
        try:
            _check_file(project, fixer, source, config, report)
        except Exception as exc:
            raise InternalError(source.path, exc) from exc
    # The selection's own notices come first; it may add them while its files are read.
    report.notices[:0] = selection.notices
    report.notices.extend(project.notices)
    report.findings.sort(key=lambda f: (f.path, f.start.line, f.start.column, f.rule))
    return report


def _check_file(
    project: Project, fixer: Fixer, source: Source, config: Config, report: Report
) -> None:
    module = project.add(source.path, source.content)
    if module.root.has_error and may_hold_actions(source.content):
        line = _first_error_line(module)
        report.notices.append(
            f"{source.path}: the parser could not read part of it (from line {line}); "
            "server actions in that part may be missed"
        )
    found = suppressions(module) if MARKER in source.content else []
    used: set[tuple[int, str]] = set()
    judged: list[tuple[int, int]] = []  # lines whose suppressions can be judged
    whole = source.changed_lines is None
    for action in find_actions(module):
        report.actions += 1
        if not touched(action, module, source):
            continue
        first, last = action.node.start_point[0] + 1, action.node.end_point[0] + 1
        try:
            facts = project.analyze(action, module)
            found_here = _findings(facts, module, config, found, used)
        except RecursionError:
            report.notices.append(
                f"{source.path}:{first}: {action.name or 'an action'} skipped, "
                "nested too deeply to analyse"
            )
            whole = False
            continue
        judged.append((first - 1, last))
        if found_here:
            report.findings.extend(fixer.attach(module, facts, found_here))
            report.contents[source.path] = source.content
    if not found:
        return
    if whole:
        judged = [(0, source.content.count(b"\n") + 1)]
    enabled = frozenset(code for code in RULES_BY_CODE if config.wants_rule(code))
    honest = [
        f
        for f in audit(module, found, used, judged, frozenset(RULES_BY_CODE), enabled)
        if config.wants_rule(f.rule)
    ]
    if honest:
        report.findings.extend(honest)
        report.contents[source.path] = source.content


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
            self._project = Project(
                self.reader, guards=self.config.guards, max_size=self.config.max_file_size
            )
            self._project.lookups = self.config.project_lookups(self._project.resolver.resolve)
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
