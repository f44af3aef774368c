"""The text report: one block per finding with a code frame, then a summary line."""

from __future__ import annotations

from collections.abc import Callable

from guardfix.engine import Report
from guardfix.model import Finding

RED, BOLD, DIM, CYAN, RESET = "\033[31m", "\033[1m", "\033[2m", "\033[36m", "\033[0m"


def render(report: Report, *, color: bool) -> str:
    def paint(code: str, s: str) -> str:
        return f"{code}{s}{RESET}" if color else s

    out: list[str] = []
    for finding in report.findings:
        where = f"{finding.path}:{finding.start.line}:{finding.start.column}:"
        out.append(
            f"{paint(BOLD, where)} {paint(RED + BOLD, finding.rule)} "
            f"[{finding.name}] {finding.message}"
        )
        out.extend(_frame(finding, report.contents.get(finding.path, b""), paint))
        out.append("")
    for notice in report.notices:
        out.append(paint(DIM, f"note: {notice}"))
    out.append(_summary(report))
    return "\n".join(out) + "\n"


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
    gutter = " " * len(str(number))
    return [
        f"{gutter} {paint(CYAN, '|')}",
        f"{paint(CYAN, str(number))} {paint(CYAN, '|')} {line}",
        f"{gutter} {paint(CYAN, '|')} {' ' * len(prefix)}{paint(RED, '^' * width)}",
    ]


def _summary(report: Report) -> str:
    checked = (
        f"{report.actions} server action{'s' if report.actions != 1 else ''} "
        f"in {report.files} file{'s' if report.files != 1 else ''}"
    )
    count = len(report.findings)
    if count == 0:
        return f"No problems found ({checked} checked)."
    files = len({f.path for f in report.findings})
    return (
        f"Found {count} problem{'s' if count != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} ({checked} checked)."
    )
