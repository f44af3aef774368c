"""The edits stage: apply each file's fixes, each re-parsed before it is kept, and keep
only those the checks accept once applied."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial

from tree_sitter import Node

from guardfix.actions import find_actions
from guardfix.config import Config
from guardfix.edits import OverlappingEdits, apply_edits
from guardfix.facts.project import Project, configured_project
from guardfix.files import Reader
from guardfix.model import Applicability, Edit, Finding, InternalError, Report, Rewrite
from guardfix.parse import parse
from guardfix.rules.run import run_rules

# A file's rewrite with only the fixes of the findings given: what --verify narrows down.
Rebuild = Callable[[str, list[Finding]], Rewrite]


def rewrites(report: Report, fix_file: Rebuild) -> list[Rewrite]:
    """Per file with fixes: its rewrite."""
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.fix is not None:
            by_path.setdefault(finding.path, []).append(finding)
    out: list[Rewrite] = []
    for path, findings in by_path.items():
        try:
            out.append(fix_file(path, findings))
        except RecursionError:
            report.notices.append(f"{path}: not rewritten, nested too deeply to re-check")
        except Exception as exc:
            raise InternalError(path, exc) from exc
    return out


def rebuilder(
    report: Report, allowed: frozenset[Applicability], reader: Reader, config: Config
) -> Rebuild:
    """A file's content once every allowed fix of the findings given that parses, and that
    the checks accept once applied, is in."""
    recheck = Recheck(reader, config)

    def fix_file(path: str, findings: list[Finding]) -> Rewrite:
        first = rewrite(path, report.contents[path], findings, allowed)
        # The baseline's findings are still in the file: the re-check counts them.
        every = [*report.findings, *report.baselined]
        before = tally(f for f in every if f.path == path)
        return confirmed(first, findings, allowed, before, partial(recheck, path))

    return fix_file


def rewrite(
    path: str, content: bytes, findings: list[Finding], allowed: frozenset[Applicability]
) -> Rewrite:
    """Apply every allowed fix that keeps the file parsing as well as it did.

    A fix that builds on another fix of its action (the owner filter reads the `session`
    the inserted guard declares) is tried after it, and left out when that one was.
    """
    unreadable = _error_spans(parse(path, content).root_node)
    wanted = [f for f in findings if f.fix is not None and f.fix.applicability in allowed]
    kept: list[Edit] = []
    after = content
    fixed: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    applied: set[tuple[str, tuple[int, int]]] = set()  # (rule, action lines) of kept fixes
    for finding in sorted(wanted, key=lambda f: f.fix is not None and f.fix.requires is not None):
        assert finding.fix is not None
        requires = finding.fix.requires
        if requires is not None and (requires, finding.action_lines) not in applied:
            skipped.append((finding, f"fix skipped: it builds on the {requires} fix, left out"))
            continue
        if any(_near(content, edit, unreadable) for edit in finding.fix.edits):
            skipped.append((finding, "fix skipped: next to a part the parser could not read"))
            continue
        try:
            candidate = apply_edits(content, [*kept, *finding.fix.edits])
        except OverlappingEdits:
            skipped.append((finding, "fix skipped: it overlaps another fix; run guardfix again"))
            continue
        if len(_error_spans(parse(path, candidate).root_node)) > len(unreadable):
            skipped.append((finding, "fix skipped: would not parse"))
            continue
        kept.extend(finding.fix.edits)
        after = candidate
        fixed.append(finding)
        applied.add((finding.rule, finding.action_lines))
    return Rewrite(path, content, after, tuple(fixed), tuple(skipped))


def confirmed(
    rw: Rewrite,
    findings: list[Finding],
    allowed: frozenset[Applicability],
    before: Counter[tuple[str, str]],
    remaining: Callable[[bytes, frozenset[str]], Counter[tuple[str, str]]],
) -> Rewrite:
    """The rewrite without the fixes whose finding is still there afterwards.

    `before` counts the file's findings per (rule, action), and `remaining(content,
    actions)` counts them again in the result for the actions named: a fix the checks do
    not accept would be applied again on every run, piling up.
    """
    dropped: list[tuple[Finding, str]] = []
    while rw.fixed:
        after = remaining(rw.after, frozenset(f.action or "" for f in rw.fixed))
        fixed = Counter((f.rule, f.action or "") for f in rw.fixed)
        stays = [
            f for f in rw.fixed if after[key := (f.rule, f.action or "")] > before[key] - fixed[key]
        ]
        if not stays:
            break
        why = "fix skipped: the finding stays after it; guardfix cannot confirm it"
        dropped.extend((f, why) for f in stays)
        findings = [f for f in findings if f not in stays]
        rw = rewrite(rw.path, rw.before, findings, allowed)
    return replace(rw, skipped=rw.skipped + tuple(dropped)) if dropped else rw


def _error_spans(node: Node) -> list[tuple[int, int]]:
    """The byte ranges of the tree's error and missing nodes."""
    spans: list[tuple[int, int]] = []
    stack = [node]
    while stack:  # not recursive: error nodes can nest as deep as the file does
        current = stack.pop()
        if current.is_error or current.is_missing:
            spans.append((current.start_byte, current.end_byte))
        elif current.has_error:
            stack.extend(current.children)
    return spans


def _near(content: bytes, edit: Edit, spans: list[tuple[int, int]]) -> bool:
    """Whether an error node lies on the edit's lines or the line before or after them."""
    eol = content.rfind(b"\n", 0, edit.start)  # ends the line before the edit's
    before = content.rfind(b"\n", 0, eol) + 1 if eol > 0 else 0
    last = content.find(b"\n", edit.end)  # ends the edit's last line
    after = content.find(b"\n", last + 1) if last != -1 else -1
    after = len(content) if after == -1 else after
    return any(low <= after and high >= before for low, high in spans)


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
            self._project = configured_project(self.reader, self.config)
            self._seen = set()
        self._seen.add(path)
        project = self._project
        module = project.add(path, content)
        return tally(
            finding
            for action in find_actions(module)
            if (action.name or "") in actions
            for finding in run_rules(project.analyze(action, module), module, self.config)
        )
