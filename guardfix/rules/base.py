"""What every rule is: an id, a name, a severity, its documentation and a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from guardfix.model import ActionFacts, Finding, Severity
from guardfix.module import Module

Check = Callable[[ActionFacts, Module], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # one line for the rule table
    doc: str  # What it does / Why is this bad? / Example / Use instead / Fix safety
    check: Check
    fixable: bool = False  # a codemod fixes its findings
