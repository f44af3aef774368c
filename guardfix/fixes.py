"""The fixes stage: each finding gets its codemod's fix, or the reason there is none."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from guardfix.config import Config
from guardfix.facts.project import Project
from guardfix.model import ActionFacts, Finding
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
        if facts.action.node.has_error:
            why = "the parser could not read part of this action; fix it by hand"
            return [replace(f, why_no_fix=why) for f in findings]
        # The codemods load only when there is something to fix: start-up is the hook's budget.
        from guardfix_codemods import Workspace, fix_action

        if self._workspace is None:
            self._workspace = Workspace(self.project, self.files, self.config)
        return fix_action(self._workspace, module, facts, findings)
