"""GitHub Actions workflow commands: one `::error` annotation per finding."""

from __future__ import annotations

from guardfix.model import Report


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = [
        f"::{f.severity.value} file={_property(f.path)},line={f.start.line},col={f.start.column},"
        f"endLine={f.end.line},endColumn={f.end.column},"
        f"title={_property(f'{f.rule} {f.name}')}::{_data(f.message)}"
        for f in report.findings
    ]
    lines += [f"::notice::{_data(n)}" for n in report.notices]
    return "".join(line + "\n" for line in lines)
