"""The recipe files beside the codemods, read once."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

RECIPES = Path(__file__).parent / "recipes"


@cache
def owners(orm: str) -> dict[str, Any]:
    """How an ORM ties a filter to the caller (recipes/owners/<orm>.toml)."""
    data: dict[str, Any] = tomllib.loads((RECIPES / "owners" / f"{orm}.toml").read_text("utf-8"))
    return data
