"""The edits stage: apply one file's fixes, each re-parsed before it is kept."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from guardfix.edits import OverlappingEdits, apply_edits
from guardfix.model import Applicability, Edit, Finding
from guardfix.parse import parse


@dataclass(frozen=True)
class Rewrite:
    path: str
    before: bytes
    after: bytes
    fixed: tuple[Finding, ...]  # findings whose fix is in `after`
    skipped: tuple[tuple[Finding, str], ...]  # fixes left out, and why


def rewrite(
    path: str, content: bytes, findings: list[Finding], allowed: frozenset[Applicability]
) -> Rewrite:
    """Apply every allowed fix that keeps the file parsing as well as it did."""
    errors = _error_count(parse(path, content).root_node)
    kept: list[Edit] = []
    after = content
    fixed: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or fix.applicability not in allowed:
            continue
        try:
            candidate = apply_edits(content, [*kept, *fix.edits])
        except OverlappingEdits:
            skipped.append((finding, "fix skipped: it overlaps another fix; run guardfix again"))
            continue
        if _error_count(parse(path, candidate).root_node) > errors:
            skipped.append((finding, "fix skipped: would not parse"))
            continue
        kept.extend(fix.edits)
        after = candidate
        fixed.append(finding)
    return Rewrite(path, content, after, tuple(fixed), tuple(skipped))


def _error_count(node: Node) -> int:
    if not node.has_error:
        return 0
    if node.is_error or node.is_missing:
        return 1
    return sum(_error_count(child) for child in node.children)
