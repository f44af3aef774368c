"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from guardfix import __version__
from guardfix.baseline import entry
from guardfix.model import Report
from guardfix.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/guardfix/guardfix"
FINGERPRINT = "guardfix/v1"  # rule, path, action and its normalised text: guardfix/baseline.py


def uri(path: str) -> str:
    """A relative URI reference for a repository path: `[id]`, spaces, `%` and non-ASCII
    letters percent-encoded, as SARIF requires (a `:` too: it would read as a scheme)."""
    return quote(path, safe="/()@!$&'*+,;=", errors="surrogateescape")


def render(report: Report) -> str:
    rules: list[dict[str, Any]] = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
            "defaultConfiguration": {"level": rule.severity.value},
        }
        for rule in RULES
    ]
    index = {rule.code: i for i, rule in enumerate(RULES)}
    results: list[dict[str, Any]] = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": f.severity.value,
            "message": {"text": f.message},
            "partialFingerprints": {
                FINGERPRINT: entry(f, report.contents.get(f.path, b"")).fingerprint
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(f.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": f.start.column,
                            "endLine": f.end.line,
                            "endColumn": f.end.column,
                        },
                    }
                }
            ],
        }
        for f in report.findings
    ]
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guardfix",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
