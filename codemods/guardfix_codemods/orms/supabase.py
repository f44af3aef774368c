"""Supabase: the owner as one more filter call after a write's others."""

from __future__ import annotations

from tree_sitter import Node

from guardfix.model import Edit
from guardfix_codemods import recipes
from guardfix_codemods.orms import Owner


def guessed_owner() -> Owner:
    """With no schema read, the column Supabase projects usually keep the owner in."""
    guess: str = recipes.owners("supabase")["guessed-field"]
    return Owner(guess, f"the usual Supabase column `{guess}`", guessed=True)


def owner_filter(where: Node, field: str, user_id: str) -> list[Edit]:
    """`.eq("user_id", userId)` after the last filter call."""
    template = recipes.owners("supabase")["filter"]
    line = template.format(field=field, user_id=user_id).encode()
    return [Edit(where.end_byte, where.end_byte, line)]
