"""The JSON report (format version 1), read by other tools."""

from __future__ import annotations

import json
from typing import Any

from guardfix.engine import Report


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
        }
        for f in report.findings
    ]
    document = {
        "version": 1,
        "findings": findings,
        "summary": {"files": report.files, "actions": report.actions, "findings": len(findings)},
        "notices": report.notices,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
