"""Suppressions kept honest: GF900 unused-suppression and GF901 suppression-without-reason.

Each case is a `"use server"` file and the (rule, action, line) findings it must give.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.config import Config
from tests.conftest import git, write_tree
from tests.test_guards import ts
from tests.test_select import commit_all

RULES = ("GF001", "GF900", "GF901")
WRITE = "  await prisma.message.create({ data: { body } });\n"
CHECKED = (
    "  const session = await auth();\n"
    '  if (!session?.user) throw new Error("Unauthorized");\n'
    "  await prisma.message.create({ data: { body } });\n"
)


def action(comment: str, body: str = WRITE, name: str = "send") -> str:
    return (
        '"use server";\nimport { auth } from "@/auth";\nimport { prisma } from "@/lib/prisma";\n\n'
        f"{comment}export async function {name}(body: string) {{\n{body}}}\n"
    )


CASES = [
    # A suppression with a reason that silences a finding: nothing reported.
    pytest.param(action("// guardfix-ignore GF001: public contact form\n"), [], id="used"),
    # Of two codes, the one that silences nothing is reported (GF002: no row-scoped write).
    pytest.param(
        action("// guardfix-ignore GF001, GF002: public contact form\n"),
        [("GF900", None, 5)],
        id="one-of-two-codes-unused",
    ),
    pytest.param(
        action("/* guardfix-ignore GF001: public contact form */\n"), [], id="used-block-comment"
    ),
    pytest.param(
        action("", "  // guardfix-ignore GF001: seeded by a cron, not a user\n" + WRITE),
        [],
        id="used-on-the-line-above-the-finding",
    ),
    # Without a reason: the finding stays, and the comment is reported.
    pytest.param(
        action("// guardfix-ignore GF001\n"),
        [("GF901", None, 5), ("GF001", "send", 7)],
        id="no-reason",
    ),
    pytest.param(
        action("// guardfix-ignore GF001:   \n"),
        [("GF901", None, 5), ("GF001", "send", 7)],
        id="empty-reason",
    ),
    # Silencing nothing: the action checks the session already.
    pytest.param(
        action("// guardfix-ignore GF001: public contact form\n", CHECKED),
        [("GF900", None, 5)],
        id="unused",
    ),
    pytest.param(action("", CHECKED), [], id="checked-without-comment"),
    # A code that names no rule: unused, and the finding stays.
    pytest.param(
        action("// guardfix-ignore GF010: public contact form\n"),
        [("GF900", None, 5), ("GF001", "send", 7)],
        id="unknown-rule",
    ),
    pytest.param(
        action("// guardfix-ignore: public contact form\n"),
        [("GF900", None, 5), ("GF001", "send", 7)],
        id="no-rule",
    ),
    # A suppression away from any action silences nothing.
    pytest.param(
        "// guardfix-ignore GF001: leftover\n" + action("", CHECKED),
        [("GF900", None, 1)],
        id="outside-any-action",
    ),
    # Words that only mention the marker are no suppression.
    pytest.param(
        action("// to allow it, add a guardfix-ignore comment\n", CHECKED),
        [],
        id="prose-mentioning-it",
    ),
    pytest.param(
        action("", '  const note = "guardfix-ignore GF001";\n' + CHECKED),
        [],
        id="in-a-string",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_suppressions(project, source: str, expected: list[tuple[str, str | None, int]]) -> None:
    assert project(source, rules=RULES) == sorted(expected, key=lambda f: f[2])


def test_a_rule_turned_off_is_not_judged(project) -> None:
    source = action("// guardfix-ignore GF002: reviewed\n", CHECKED)
    assert project(source, rules=RULES) == [("GF900", None, 5)]
    assert project(source, rules=RULES, config=Config(ignore=frozenset({"GF002"}))) == []


def test_the_honesty_rules_can_be_turned_off(project) -> None:
    source = action("// guardfix-ignore GF001\n")
    config = Config(ignore=frozenset({"GF901"}))
    assert project(source, rules=RULES, config=config) == [("GF001", "send", 7)]


def test_staged_mode_judges_only_touched_actions(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stale suppression in an action the change does not touch blocks no commit; one in
    a touched action does."""
    old = ts("""
        "use server";
        import { auth } from "@/auth";

        // guardfix-ignore GF001: was public once
        export async function old(body: string) {
          const session = await auth();
          if (!session?.user) throw new Error("Unauthorized");
          return body;
        }
        """)
    write_tree(repo, {"app/actions.ts": old})
    commit_all(repo)
    monkeypatch.chdir(repo)
    write_tree(repo, {"app/actions.ts": old + "\nexport const LIMIT = 10;\n"})
    git(repo, "add", "-A")
    assert main([]) == 0
    write_tree(repo, {"app/actions.ts": old.replace("return body;", "return body.trim();")})
    git(repo, "add", "-A")
    assert main([]) == 1
    assert "app/actions.ts:4:1: GF900 [unused-suppression]" in capsys.readouterr().out


def test_explain_the_honesty_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--explain", "GF900"]) == 0
    assert capsys.readouterr().out.startswith("# GF900 unused-suppression\n")
    assert main(["--explain", "suppression-without-reason"]) == 0
    assert "## Use instead" in capsys.readouterr().out
