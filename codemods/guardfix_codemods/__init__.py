"""The rewrites that fix guardfix's findings: one codemod per rule, recipes beside them.

Each codemod module has `RULE` and `fix(finding, plan) -> Fix | str`, the string
saying why there is no fix. `fix_action` runs them over one action's findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from guardfix.model import ActionFacts, Applicability, Finding, Fix
from guardfix.module import Module
from guardfix_codemods import owner_filter, session_check, session_guard, session_identity
from guardfix_codemods.callers import anonymous_lookup
from guardfix_codemods.plan import ActionPlan, plan_action
from guardfix_codemods.session import call_names
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
    return _signed_out_mode(plan, out)


def _signed_out_mode(plan: ActionPlan, findings: list[Finding]) -> list[Finding]:
    """Every fix that leans on an inserted lookup is a guess where the action's callers take
    the id from a lookup of their own that also answers when nobody is signed in."""
    fixes = [f.fix for f in findings if f.fix is not None]
    # Fixes first: the guard is learned from the project, and no safe fix needs no guard.
    if all(f.applicability is not Applicability.SAFE for f in fixes) or plan.recipe is None:
        return findings
    found = anonymous_lookup(plan.workspace, plan.module, plan.facts.action.name)
    if found is None or found[0] in call_names(plan.recipe.guard):
        return findings
    name, path = found
    note = (
        f" (unsafe: its callers take the user id from `{name}()` ({path}), which also "
        f"answers with a fixed id when nobody is signed in; a session check would refuse "
        f"that mode: check with `{name}()` instead)"
    )
    return [
        replace(f, fix=replace(f.fix, title=f.fix.title + note, applicability=Applicability.UNSAFE))
        if f.fix is not None and f.fix.applicability is Applicability.SAFE
        else f
        for f in findings
    ]


__all__ = ["CODEMODS", "Workspace", "fix_action"]
