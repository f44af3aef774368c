"""The JSON report (format version 1), read by other tools."""

from __future__ import annotations

import json
from typing import Any

from guardfix.model import Fix, Report


def render(report: Report) -> str:
    findings: list[dict[str, Any]] = [
        {
            "rule": f.rule,
            "name": f.name,
            "severity": f.severity.value,
            "path": f.path,
            "line": f.start.line,
            "column": f.start.column,
            "end_line": f.end.line,
            "end_column": f.end.column,
            "action": f.action,
            "message": f.message,
            "fixable": f.fixable,
            "fix": _fix(f.fix) if f.fix is not None else None,
            "why_no_fix": f.why_no_fix,
        }
        for f in report.findings
    ]
    document = {
        "version": 1,
        "findings": findings,
        "summary": {
            "files": report.files,
            "actions": report.actions,
            "findings": len(findings),
            "baselined": len(report.baselined),  # found, but in the baseline: not listed
        },
        "notices": report.notices,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _fix(fix: Fix) -> dict[str, Any]:
    """Edits are byte offsets into the file as it was read, applied together."""
    return {
        "applicability": fix.applicability.value,
        "title": fix.title,
        "edits": [
            {"start": e.start, "end": e.end, "text": e.text.decode("utf-8")} for e in fix.edits
        ],
    }
