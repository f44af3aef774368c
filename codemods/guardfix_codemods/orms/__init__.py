"""How each ORM's write gets an owner filter, and which of its model's columns hold a user:
one module per ORM. What they share is here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

# A relation to a user the caller names on purpose: an assignee, an invitee, a recipient.
ANOTHER_USER = re.compile(
    r"^(assign|recipient|receiver|reviewer|follow|friend|mention|target|blocked|sent_?to)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Owner:
    """The field that holds a row's owner."""

    field: str
    source: str  # where it was found, for the fix title
    guessed: bool = False


class Relations(NamedTuple):
    """A model's columns that hold a user's id."""

    owners: list[str]  # candidates for the row's owner
    others: list[str]  # users the caller picks on purpose
    where: str  # the schema file read


class Wording(NamedTuple):
    """What to say when a model has no one owner; `{model}` and `{where}` are filled in."""

    several: str
    others: str
    none: str


def user_relations(columns: Iterable[tuple[str, str]], where: str) -> Relations:
    """Sort (column, relation name) pairs to users into owners and other users:
    `assignedUser User @relation(fields: [userId])` is a user the caller picks."""
    owners: list[str] = []
    others: list[str] = []
    for column, name in columns:
        other = ANOTHER_USER.match(name) or ANOTHER_USER.match(column)
        (others if other else owners).append(column)
    return Relations(owners, others, where)
