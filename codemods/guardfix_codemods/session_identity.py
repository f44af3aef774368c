"""GF003: write the session's user id where the caller's input named a user."""

from __future__ import annotations

import re

from guardfix.model import Applicability, Edit, Finding, Fix
from guardfix_codemods import provider_ids
from guardfix_codemods.owners import identity_owner
from guardfix_codemods.plan import ActionPlan

RULE = "GF003"
ROLE = re.compile(r"role", re.IGNORECASE)


def fix(finding: Finding, plan: ActionPlan) -> Fix | str:
    for scope in plan.facts.scopes:
        if any(value.start_byte == finding.span[0] for _, value in scope.claimed):
            return (
                "the check compares the row with an id the caller sent; which of the caller's "
                "ids the row holds (a user, a member) is the project's to say"
            )
        for field, value in scope.identity:
            if value.start_byte != finding.span[0]:
                continue
            if ROLE.search(field):
                return "a role must come from the server's own records, not from the request"
            found = provider_ids.user_id_for(plan, field)
            if isinstance(found, str):
                return found
            user_id, lookup = found
            owner = identity_owner(plan.workspace, scope, plan.module, field)
            if not isinstance(owner, Applicability):
                return owner
            guess = " (one of several relations to users)" if owner is Applicability.UNSAFE else ""
            # `{ title, authorId }` keeps its key: `{ title, authorId: session.user.id }`.
            key = f"{field}: " if value.type == "shorthand_property_identifier" else ""
            source = f"the session ({user_id})"
            if lookup:
                source = f"the project's user ({user_id}, found as its guarded actions find it)"
            return Fix(
                f"Take `{field}` from {source}{guess}",
                owner,
                (Edit(value.start_byte, value.end_byte, (key + user_id).encode()), *lookup),
                requires=plan.user_id_from,
            )
    return "the value is not in the action"
