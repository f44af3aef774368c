"""The rewrites that fix guardfix's findings: one codemod per rule, recipes beside them.

Each codemod module has `RULE` and `fix(finding, plan) -> Fix | str`, the string
saying why there is no fix. `fix_action` runs them over one action's findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from guardfix.model import ActionFacts, Finding, Fix
from guardfix.module import Module
from guardfix_codemods import owner_filter, session_check, session_guard, session_identity
from guardfix_codemods.plan import ActionPlan, plan_action
from guardfix_codemods.workspace import Workspace

CODEMODS: dict[str, Callable[[Finding, ActionPlan], Fix | str]] = {
    codemod.RULE: codemod.fix
    for codemod in (session_guard, owner_filter, session_identity, session_check)
}


def fix_action(
    workspace: Workspace, module: Module, facts: ActionFacts, findings: list[Finding]
) -> list[Finding]:
    """The findings with their fix attached, or the reason there is none."""
    plan = plan_action(workspace, module, facts, {f.rule for f in findings})
    out: list[Finding] = []
    for finding in findings:
        codemod = CODEMODS.get(finding.rule)
        result = codemod(finding, plan) if codemod is not None else "no codemod for this rule"
        if isinstance(result, Fix):
            out.append(replace(finding, fix=result))
        else:
            out.append(replace(finding, why_no_fix=result))
    return out


__all__ = ["CODEMODS", "Workspace", "fix_action"]
