"""The text report: one block per finding with a code frame, the diff, then a summary line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from guardfix.model import Applicability, Finding, Report, Rewrite, Severity
from guardfix.report import diff
from guardfix.report.colors import BOLD, CYAN, DIM, GREEN, RED, RESET, YELLOW

FRAME_WIDTH = 160  # characters of a source line shown in a code frame


def render(
    report: Report,
    *,
    color: bool,
    rewrites: Sequence[Rewrite] = (),
    applied: bool = False,
    failures: dict[str, str] | None = None,
    quiet: bool = False,
) -> str:
    """The findings; with `applied`, what was rewritten and what remains; with `quiet`,
    the findings alone."""

    def paint(code: str, s: str) -> str:
        return f"{code}{s}{RESET}" if color else s

    failures = failures or {}
    fixed = {id(f) for rw in rewrites if rw.path not in failures for f in rw.fixed}
    skipped = {id(f): why for rw in rewrites for f, why in rw.skipped}
    out: list[str] = []
    if applied:
        written, refused = outcome(rewrites, failures)
        out.extend(paint(GREEN, line) for line in written)
        out.extend(paint(RED + BOLD, line) for line in refused)
        if out:
            out.append("")
    remaining = [f for f in report.findings if not (applied and id(f) in fixed)]
    for finding in remaining:
        where = f"{shown(finding.path)}:{finding.start.line}:{finding.start.column}:"
        level = RED if finding.severity is Severity.ERROR else YELLOW
        out.append(
            f"{paint(BOLD, where)} {paint(level + BOLD, finding.rule)} "
            f"[{finding.name}] {finding.message}"
        )
        out.extend(_frame(finding, report.contents.get(finding.path, b""), paint))
        out.append(_fix_line(finding, skipped.get(id(finding)), paint))
        out.append("")
    if quiet:
        return "\n".join(out[:-1]) + "\n" if out[:-1] else ""
    if not applied:
        patch = diff.render(rewrites, color=color)
        if patch:
            out.append(patch)
    for notice in report.notices:
        out.append(paint(DIM, f"note: {notice}"))
    out.append(_summary(report, remaining, fixed, rewrites, applied))
    if report.unreadable:
        count = _count(len(report.unreadable), "file")
        out.append(paint(RED + BOLD, f"{count} could not be checked: not source text (see notes)."))
    return "\n".join(out) + "\n"


def shown(path: str) -> str:
    """A path as one line of a terminal: control characters (a newline in a name) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


def outcome(rewrites: Sequence[Rewrite], failures: dict[str, str]) -> tuple[list[str], list[str]]:
    """What --apply did: the files rewritten, and those left as they were with why."""
    written = [
        f"Rewrote {shown(rw.path)} ({_count(len(rw.fixed), 'fix')})"
        for rw in rewrites
        if rw.fixed and rw.path not in failures
    ]
    return written, [f"Not rewritten: {shown(path)}: {why}" for path, why in failures.items()]


def _fix_line(finding: Finding, skipped: str | None, paint: Callable[[str, str], str]) -> str:
    gutter = " " * (len(str(finding.start.line)) + 1)
    fix = finding.fix
    if fix is None:
        return f"{gutter}= {paint(DIM, 'no fix: ' + (finding.why_no_fix or 'none known'))}"
    if skipped is not None:
        return f"{gutter}= {paint(DIM, skipped + ' (' + fix.title + ')')}"
    if fix.applicability is Applicability.SAFE:
        return f"{gutter}= {paint(GREEN, 'fix: ' + fix.title)}"
    if fix.applicability is Applicability.UNSAFE:
        return f"{gutter}= {paint(CYAN, 'unsafe fix (--unsafe-fixes): ' + fix.title)}"
    return f"{gutter}= {paint(DIM, 'suggestion, not applied: ' + fix.title)}"


def _frame(finding: Finding, content: bytes, paint: Callable[[str, str], str]) -> list[str]:
    lines = content.decode("utf-8", "replace").split("\n")
    number = finding.start.line
    if not 1 <= number <= len(lines):
        return []
    line = lines[number - 1].rstrip("\r").expandtabs(4)
    raw = lines[number - 1]
    prefix = raw[: finding.start.column - 1].expandtabs(4)
    span_end = finding.end.column - 1 if finding.end.line == number else len(raw.rstrip("\r"))
    width = max(1, len(raw[finding.start.column - 1 : span_end].expandtabs(4)))
    if len(line) > FRAME_WIDTH:  # a minified line: show the part around the finding
        left = max(0, len(prefix) - FRAME_WIDTH // 4)
        cut = line[left : left + FRAME_WIDTH]
        line = ("…" if left else "") + cut + ("…" if left + FRAME_WIDTH < len(line) else "")
        prefix = " " * (len(prefix) - left + (1 if left else 0))
        width = min(width, FRAME_WIDTH - len(prefix))
    gutter = " " * len(str(number))
    return [
        f"{gutter} {paint(CYAN, '|')}",
        f"{paint(CYAN, str(number))} {paint(CYAN, '|')} {line}",
        f"{gutter} {paint(CYAN, '|')} {' ' * len(prefix)}{paint(RED, '^' * width)}",
    ]


def _summary(
    report: Report,
    remaining: list[Finding],
    fixed: set[int],
    rewrites: Sequence[Rewrite],
    applied: bool,
) -> str:
    checked = f"{_count(report.actions, 'server action')} in {_count(report.files, 'file')} checked"
    if applied and fixed:
        files = sum(1 for rw in rewrites if any(id(f) in fixed for f in rw.fixed))
        return (
            f"Fixed {_count(len(fixed), 'problem')} in {_count(files, 'file')}, "
            f"{len(remaining)} remaining ({checked})."
        )
    if not remaining:
        return f"No problems found ({checked})."
    files = len({f.path for f in remaining})
    warnings = sum(1 for f in remaining if f.severity is Severity.WARNING)
    found = _count(len(remaining), "problem") + (
        f" ({_count(warnings, 'warning')})" if warnings else ""
    )
    line = f"Found {found} in {_count(files, 'file')} ({checked})."
    if applied:
        return line
    would = sum(len(rw.fixed) for rw in rewrites)
    unsafe = sum(
        1
        for f in remaining
        if f.fix is not None
        and f.fix.applicability is Applicability.UNSAFE
        and not any(f in rw.fixed for rw in rewrites)
    )
    if would:
        line += (
            f"\nRun `guardfix --apply` to fix {would} of {_count(len(remaining), 'problem')}"
            " (the diff above shows the fixes)."
        )
    if unsafe > 0:
        line += f"\n{unsafe} more with `guardfix --apply --unsafe-fixes`."
    if not would and not unsafe:
        rule = remaining[0].rule
        line += f"\nNo automatic fix here: see `guardfix --explain {rule}` for how to fix by hand."
    return line


def _count(n: int, noun: str) -> str:
    plural = "es" if noun.endswith("x") else "s"
    return f"{n} {noun}{plural if n != 1 else ''}"
