"""Which findings fail a run: errors always, warnings only with --strict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from guardfix.config import Config
from guardfix.model import Finding, Severity


def configured(findings: list[Finding], config: Config) -> list[Finding]:
    """Findings with the severity the configuration gives their rule, where it gives one."""
    return [
        replace(f, severity=config.severity[f.rule])
        if f.rule in config.severity and f.severity is not config.severity[f.rule]
        else f
        for f in findings
    ]


def failing(findings: Iterable[Finding], strict: bool) -> list[Finding]:
    return [f for f in findings if strict or f.severity is Severity.ERROR]
