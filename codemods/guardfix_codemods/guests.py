"""Guest sessions: in an app that signs every visitor in as a guest (an Auth.js guest
provider, Supabase anonymous sign-in), `if (!session?.user?.id)` lets everyone through.

When the project's own checks turn guests away (`session.user.type === "guest"`,
`user.is_anonymous`), the check a fix inserts turns them away the same way.
"""

from __future__ import annotations

from collections import Counter

from guardfix.edits import apply_edits
from guardfix.facts.guests import MARKERS, USER, tests
from guardfix.model import Edit
from guardfix.parse import parse
from guardfix.syntax import text, unwrap, walk
from guardfix_codemods.learned import PerApp
from guardfix_codemods.workspace import Workspace

# Conditions an added `|| test` may follow without parentheses.
PLAIN = frozenset({"unary_expression", "identifier", "member_expression", "call_expression"})


def learn(workspace: Workspace, under: str) -> str | None:
    """The test the project's checks most often use to refuse a guest, with `{user}` for the
    user object; None when no check does."""
    counts: Counter[str] = Counter()
    for path in workspace.holding(workspace.app_files(under), *MARKERS, under=under):
        module = workspace.project.module(path)
        if module is None:
            continue
        for node in walk(module.root):
            if node.type == "if_statement":
                counts.update(t for t, _ in tests(node.child_by_field_name("condition")))
    return counts.most_common(1)[0][0] if counts else None


guest_test = PerApp(learn)  # learned once per app


def exclude(guard: str, test: str | None, user_id: str | None) -> str:
    """`guard` whose first check also refuses a guest: `if (!session?.user?.id || ...)`."""
    if test is None or user_id is None or "." not in user_id:
        return guard  # no user object to ask (`userId` alone)
    # Optional all the way, as the inserted check reads the id: it type-checks after any test.
    chain = "?.".join(user_id.split(".")[:-1])
    wanted = test.replace(USER + ".", chain + "?.")
    tree = parse("guard.ts", guard.encode())
    check = next((n for n in walk(tree.root_node) if n.type == "if_statement"), None)
    condition = check.child_by_field_name("condition") if check is not None else None
    inner = unwrap(condition)
    if condition is None or inner is None:
        return guard  # a helper that stops the caller itself: nothing to add to
    prop = test.split(".", 1)[1].split(" ")[0]
    if any(n.type == "property_identifier" and text(n) == prop for n in walk(inner)):
        return guard  # it refuses guests already
    plain = inner.type in PLAIN or (
        inner.type == "binary_expression"
        and text(inner.child_by_field_name("operator")) in ("||", "&&")
    )
    start, end = inner.start_byte, inner.end_byte
    before = text(inner) if plain else f"({text(inner)})"
    edit = Edit(start, end, f"{before} || {wanted}".encode())
    return apply_edits(guard.encode(), [edit]).decode()
