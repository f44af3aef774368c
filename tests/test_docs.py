"""The README stays true to the code."""

from __future__ import annotations

from pathlib import Path

from guardfix.config import KEYS
from guardfix.rules import rule_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_is_generated_from_the_rules() -> None:
    assert rule_table() in README


def test_readme_documents_every_configuration_key() -> None:
    for key in KEYS:
        assert f"\n{key} = " in README, key
