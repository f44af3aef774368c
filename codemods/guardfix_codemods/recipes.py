"""The recipe files beside the codemods, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from guardfix import tomlfile

RECIPES = Path(__file__).parent / "recipes"


@cache
def owners(orm: str) -> dict[str, Any]:
    """How an ORM ties a filter to the caller (recipes/owners/<orm>.toml)."""
    data: dict[str, Any] = tomlfile.loads((RECIPES / "owners" / f"{orm}.toml").read_text("utf-8"))
    return data
