"""The README stays true to the code."""

from __future__ import annotations

from pathlib import Path

from guardfix.config import KEYS
from guardfix.rules import rule_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_is_generated_from_the_rules() -> None:
    assert rule_table() in README


def test_readme_documents_every_configuration_key() -> None:
    for key in KEYS:
        assert f"\n{key} = " in README, key


def test_readme_hook_configurations_are_the_tested_ones() -> None:
    from tests.test_hook_runners import (
        LEFTHOOK,
        LEFTHOOK_STAGE_FIXED,
        LINT_STAGED,
        LINT_STAGED_FIX,
        lint_staged_rc,
    )

    for config in (LINT_STAGED, LINT_STAGED_FIX):
        assert f"```json\n{lint_staged_rc(config)}```" in README
    for hook in (LEFTHOOK, LEFTHOOK_STAGE_FIXED):
        assert f"```yaml\n{hook}```" in README
    assert 'echo "npx lint-staged" > .husky/pre-commit' in README


def test_readme_workflow_is_the_example() -> None:
    workflow = (ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
    assert workflow.split("\n", 2)[2] in README  # less the two comment lines
