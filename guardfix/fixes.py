"""The fixes stage: each finding gets its codemod's fix, or the reason there is none."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from guardfix.config import Config
from guardfix.facts.project import Project
from guardfix.model import ActionFacts, Applicability, Finding, Fix, PublicFlow
from guardfix.module import Module

if TYPE_CHECKING:
    from guardfix_codemods import Workspace


class Fixer:
    def __init__(
        self, project: Project, files: Callable[[], Iterable[str]], config: Config
    ) -> None:
        self.project = project
        self.files = files
        self.config = config
        self._workspace: Workspace | None = None

    def attach(self, module: Module, facts: ActionFacts, findings: list[Finding]) -> list[Finding]:
        if not findings:
            return findings
        why = _unfixable(module, facts)
        if why is not None:
            return [replace(f, why_no_fix=why) for f in findings]
        if facts.public is not None:
            return [replace(f, why_no_fix=_public(facts.public, f.rule)) for f in findings]
        # The codemods load only when there is something to fix: start-up is the hook's budget.
        from guardfix_codemods import Workspace, fix_action

        if self._workspace is None:
            self._workspace = Workspace(self.project, self.files, self.config)
        try:
            return _unsure(facts, fix_action(self._workspace, module, facts, findings))
        except RecursionError:
            why = "this action is nested too deeply to plan a fix; fix it by hand"
            return [replace(f, why_no_fix=why) for f in findings]


def _public(public: PublicFlow, rule: str) -> str:
    """A login requirement breaks a flow meant for anonymous callers: never insert one."""
    return (
        f"this is a public {public.kind} flow ({public.evidence}); a login requirement "
        f"would break it: check the token or code, or keep it public with "
        f"`// guardfix-ignore {rule}: <reason>`"
    )


def _unsure(facts: ActionFacts, findings: list[Finding]) -> list[Finding]:
    """A login fix is only a guess where the action looks like a signed-out flow, and is
    never written where a page shows the action to anonymous visitors."""
    if facts.open_page is not None:
        return [
            replace(f, fix=_shown_only(f.fix, facts.open_page, f.rule))
            if f.fix is not None and f.rule in LOGIN_RULES
            else f
            for f in findings
        ]
    if facts.public_hint is None:
        return findings
    return [
        replace(f, fix=_unsafe(f.fix, facts.public_hint))
        if f.fix is not None and f.rule in LOGIN_RULES
        else f
        for f in findings
    ]


def _shown_only(fix: Fix, page: str, rule: str) -> Fix:
    title = (
        f"{fix.title} (not written: `{page}` uses this action and is open to anonymous "
        f"visitors, so a login requirement may break it; if anyone may do this by design, "
        f"add `// guardfix-ignore {rule}: <reason>` above the action)"
    )
    return replace(fix, title=title, applicability=Applicability.DISPLAY_ONLY)


def _unsafe(fix: Fix, hint: str) -> Fix:
    if fix.applicability is not Applicability.SAFE:
        return fix
    title = f"{fix.title} (unsafe: {hint}, as in a flow for signed-out callers)"
    return replace(fix, title=title, applicability=Applicability.UNSAFE)


# The rules whose fix makes the action require a login.
LOGIN_RULES = frozenset({"GF001", "GF004"})
LONE_CR = re.compile(rb"\r(?!\n)")


def _unfixable(module: Module, facts: ActionFacts) -> str | None:
    node: Node | None = facts.action.node
    if facts.action.node.has_error:
        return "the parser could not read part of this action; fix it by hand"
    while node is not None:  # an error right before or after may have taken part of it
        neighbours = (node.prev_sibling, node.next_sibling)
        if any(n is not None and (n.is_error or n.is_missing) for n in neighbours):
            return "the parser could not read the code next to this action; fix it by hand"
        node = node.parent
    if b"\r" in module.content and LONE_CR.search(module.content):
        # git and the parser count only LF as a line break; an edit here could land mid-line.
        return "the file ends lines with a lone CR (classic Mac); fix it by hand"
    return None
