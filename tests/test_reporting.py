"""Rules on the command line and the terminal: --list-rules, severities and --strict,
--quiet, --statistics, the closing line, and the progress bar (a real pseudo-terminal)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.model import ActionFacts, Finding, Severity
from guardfix.module import Module
from guardfix.rules import RULES
from guardfix.rules.base import Check
from tests.conftest import write_tree
from tests.test_apply import PROJECT

CHECKOUT = Path(__file__).resolve().parent.parent
# With PROJECT's deletePost (GF001, GF002): 4 findings, 3 of them with a fix.
IDENTITY = """"use server";
import { auth } from "@/auth";

export async function renamePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.create({ data: { title: "x", authorId: String(formData.get("userId")) } });
}
"""
# GF002 with no fix: the schema has no model for it.
COMMENTS = """"use server";
import { auth } from "@/auth";

export async function deleteComment(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.comment.delete({ where: { id: String(formData.get("id")) } });
}
"""


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(
        tmp_path,
        {**PROJECT, "app/actions/identity.ts": IDENTITY, "app/actions/comments.ts": COMMENTS},
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:4] for line in lines] == [
        [r.code, r.name, r.severity.value, "fixable" if r.fixable else "-"] for r in RULES
    ]
    assert lines[0].split()[:4] == ["GF001", "missing-auth", "error", "fixable"]
    assert lines[-1].split()[:4] == ["GF901", "suppression-without-reason", "error", "-"]


def rules_found(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str]]:
    code = main(["--format", "json", *args])
    return code, {f["rule"]: f["severity"] for f in json.loads(capsys.readouterr().out)["findings"]}


@pytest.mark.parametrize(
    ("config", "strict", "expected"),
    [
        ("", False, 1),
        ('severity = { GF003 = "warning" }\n', False, 1),  # GF001 is still an error
        ('severity = { GF001 = "warning", GF002 = "warning", gf003 = "warning" }\n', False, 0),
        ('severity = { GF001 = "warning", GF002 = "warning", GF003 = "warning" }\n', True, 1),
    ],
)
def test_a_warning_fails_only_with_strict(
    app: Path, capsys: pytest.CaptureFixture[str], config: str, strict: bool, expected: int
) -> None:
    (app / "guardfix.toml").write_text(config)
    code, found = rules_found(capsys, *(["--strict"] if strict else []), ".")
    assert code == expected
    assert set(found) == {"GF001", "GF002", "GF003"}
    if "GF003" in config:
        assert found["GF003"] == "warning"


def test_a_warning_finding_from_a_rule_is_respected(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Severity is the finding's: a rule may report one case as a warning."""

    def warn(check: Check) -> Check:
        def wrapped(facts: ActionFacts, module: Module) -> Iterator[Finding]:
            for finding in check(facts, module):
                yield replace(finding, severity=Severity.WARNING)

        return wrapped

    monkeypatch.setattr(
        "guardfix.rules.run.RULES", tuple(replace(r, check=warn(r.check)) for r in RULES)
    )
    assert main(["."]) == 0
    out = capsys.readouterr().out
    assert "Found 4 problems (4 warnings)" in out
    assert main(["--strict", "."]) == 1
    capsys.readouterr()
    assert main(["--format", "github", "."]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("::warning file=") for line in lines if "file=" in line)
    assert main(["--format", "sarif", "."]) == 0
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert {r["level"] for r in run["results"]} == {"warning"}


def test_sarif_and_github_follow_the_configured_severity(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (app / "guardfix.toml").write_text('severity = { GF003 = "warning" }\n')
    main(["--format", "sarif", "."])
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"GF001": "error", "GF002": "error", "GF003": "warning"}
    defaults = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    assert defaults == {r.code: r.severity.value for r in RULES}
    main(["--format", "github", "."])
    kinds = {
        line.split(" ", 1)[0] + line.split("title=")[1][:5]
        for line in capsys.readouterr().out.splitlines()
    }
    assert kinds == {"::errorGF001", "::errorGF002", "::warningGF003"}


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ('severity = { GF003 = "info" }', "'severity' must be a table of rule code"),
        ('severity = { GF999 = "warning" }', "'severity' names unknown rule 'GF999'"),
        ('severity = "warning"', "'severity' must be a table of rule code"),
    ],
)
def test_bad_severity_is_one_line(
    app: Path, capsys: pytest.CaptureFixture[str], value: str, error: str
) -> None:
    (app / "guardfix.toml").write_text(value + "\n")
    assert main(["."]) == 2
    assert error in capsys.readouterr().err


def test_quiet_prints_the_findings_only(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quiet", "."]) == 1
    out = capsys.readouterr().out
    assert out.startswith("app/actions/comments.ts:7:9: GF002")
    assert "GF001 [missing-auth]" in out
    for noise in ("Found ", "--- a/", "note:", "Run `guardfix"):
        assert noise not in out
    for name in ("posts", "identity", "comments"):
        (app / f"app/actions/{name}.ts").unlink()
    assert main(["-q", "."]) == 0
    assert capsys.readouterr().out == ""


def test_statistics(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--statistics", "."]) == 1
    assert capsys.readouterr().out == (
        "2\tGF002\t[*] missing-ownership\n"
        "1\tGF001\t[*] missing-auth\n"
        "1\tGF003\t[*] client-controlled-identity\n"
    )
    (app / "app/actions/identity.ts").unlink()
    (app / "app/actions/posts.ts").unlink()
    assert main(["--statistics", "."]) == 1
    assert capsys.readouterr().out == "1\tGF002\t[ ] missing-ownership\n"


def test_closing_line_says_what_to_do_next(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["."]) == 1
    assert capsys.readouterr().out.rstrip().splitlines()[-2:] == [
        "Found 4 problems in 3 files (3 server actions in 4 files checked).",
        "Run `guardfix --apply` to fix 3 of 4 problems (the diff above shows the fixes).",
    ]
    (app / "app/actions/identity.ts").unlink()
    (app / "app/actions/posts.ts").unlink()
    assert main(["."]) == 1
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == (
        "No automatic fix here: see `guardfix --explain GF002` for how to fix by hand."
    )


def run_on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run guardfix with stderr on a pseudo-terminal: (exit code, stdout, the terminal)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": f"{CHECKOUT}{os.pathsep}{CHECKOUT / 'codemods'}"}
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm"
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardfix", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    screen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed: the run is over
            break
        if not chunk:
            break
        screen += chunk
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    proc.stdout.close()
    code = proc.wait(60)
    os.close(leader)
    return code, out, screen.decode("utf-8", "replace")


def many_files(root: Path, count: int) -> None:
    write_tree(root, {f"lib/util{i}.ts": f"export const n{i} = {i};\n" for i in range(count)})


def test_progress_bar_on_a_terminal_for_a_long_run(tmp_path: Path) -> None:
    pytest.importorskip("rich")
    many_files(tmp_path, 320)
    code, out, screen = run_on_a_terminal(["--all", "."], tmp_path)
    assert code == 0, screen
    assert "Checking" in screen and "/320" in screen
    assert "No problems found" in out


def test_no_progress_bar_for_a_short_run_or_a_pipe(tmp_path: Path) -> None:
    many_files(tmp_path, 20)
    code, _, screen = run_on_a_terminal(["--all", "."], tmp_path)
    assert code == 0 and "Checking" not in screen
    many_files(tmp_path, 320)
    probe = (
        "import sys\nfrom guardfix.cli import main\ncode = main(['--all', '.'])\n"
        "print('rich' in sys.modules, code)\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{CHECKOUT}{os.pathsep}{CHECKOUT / 'codemods'}"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "False 0"  # rich is not even imported
    assert "Checking" not in done.stderr


def test_exit_zero_on_fix_goes_with_apply(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--exit-zero-on-fix", "."]) == 2
    assert "--exit-zero-on-fix goes with --apply" in capsys.readouterr().err
    (app / "app/actions/comments.ts").unlink()  # the one without a fix
    assert main(["--apply", "--exit-zero-on-fix", "."]) == 0
    assert "Rewrote app/actions/posts.ts (2 fixes)" in capsys.readouterr().out
    write_tree(app, {"app/actions/comments.ts": COMMENTS})
    assert main(["--apply", "--exit-zero-on-fix", "."]) == 1
