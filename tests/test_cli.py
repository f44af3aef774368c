"""The command line: output formats, exit codes, configuration, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.rules import RULES
from tests.conftest import write_tree

CHECKOUT = Path(__file__).resolve().parent.parent

# The row comes from the server, not the request: GF001 is its only problem.
VULNERABLE = """"use server";
export async function deletePost(formData: FormData) {
  const id = await oldestDraftId();
  await prisma.post.delete({ where: { id } });
}
"""


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {"app/actions/posts.ts": VULNERABLE})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_report_shape(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "json", "app"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    assert document["summary"] == {"files": 1, "actions": 1, "findings": 1, "baselined": 0}
    (finding,) = document["findings"]
    assert finding == {
        "rule": "GF001",
        "name": "missing-auth",
        "severity": "error",
        "path": "app/actions/posts.ts",
        "line": 4,
        "column": 9,
        "end_line": 4,
        "end_column": 46,
        "action": "deletePost",
        "message": finding["message"],
        "fixable": False,
        "fix": None,
        "why_no_fix": finding["why_no_fix"],
    }
    assert "deletePost" in finding["message"]
    # No configuration, no guarded action and no package.json: nothing to imitate.
    assert "set `session` in the configuration" in finding["why_no_fix"]


def test_text_report_has_frame_and_summary(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app/actions/posts.ts"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("app/actions/posts.ts:4:9: GF001 [missing-auth]")
    assert "4 |   await prisma.post.delete({ where: { id } });" in out
    assert "  |         " + "^" * 37 in out
    assert out.rstrip().endswith(
        "Found 1 problem in 1 file (1 server action in 1 file checked).\n"
        "No automatic fix here: see `guardfix --explain GF001` for how to fix by hand."
    )
    assert "\033[" not in out  # not a terminal: no color


def test_column_counts_characters_not_bytes(tmp_path: Path, monkeypatch, capsys) -> None:
    source = VULNERABLE.replace("  await prisma", '  const é = "ü"; await prisma')
    write_tree(tmp_path, {"a.ts": source})
    monkeypatch.chdir(tmp_path)
    main(["--format", "json", "a.ts"])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["column"] == len('  const é = "ü"; await ') + 1


def test_clean_run_exits_zero(tmp_path: Path, monkeypatch, capsys) -> None:
    write_tree(tmp_path, {"a.ts": "export const x = 1;\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["a.ts"]) == 0
    assert (
        capsys.readouterr().out.strip() == "No problems found (0 server actions in 1 file checked)."
    )


@pytest.mark.parametrize(
    ("config_name", "content", "expected"),
    [
        ("guardfix.toml", 'ignore = ["GF001"]\n', 0),
        (".guardfix.toml", 'select = ["GF004"]\n', 0),
        ("pyproject.toml", '[tool.guardfix]\nexclude = ["app/actions/**"]\n', 0),
        ("guardfix.toml", 'include = ["lib/**"]\n', 0),
        ("guardfix.toml", 'include = ["app/**"]\n', 1),
        ("guardfix.toml", 'guards = ["checkAdmin"]\n', 1),
    ],
)
def test_configuration(app: Path, capsys, config_name: str, content: str, expected: int) -> None:
    write_tree(app, {config_name: content})
    assert main(["app"]) == expected


def test_configured_guard_name(app: Path) -> None:
    write_tree(
        app,
        {
            "guardfix.toml": 'guards = ["checkAdmin"]\n',
            "app/actions/posts.ts": VULNERABLE.replace(
                "  const id", "  await checkAdmin();\n  const id"
            ),
        },
    )
    assert main(["app"]) == 0


def test_configured_session_lookup(app: Path) -> None:
    write_tree(
        app,
        {
            "guardfix.toml": 'session-lookups = ["getViewer"]\n',
            "app/actions/posts.ts": VULNERABLE.replace(
                "  const id",
                "  const viewer = await getViewer();\n  if (!viewer) return;\n  const id",
            ),
        },
    )
    assert main(["app"]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("selec = []\n", "guardfix.toml: unknown key 'selec'; allowed keys: guards,"),
        ('select = ["GF999"]\n', "guardfix.toml: 'select' names unknown rule 'GF999'"),
        ("guards = 3\n", "guardfix.toml: 'guards' must be a list of non-empty strings"),
        ("max-file-size = -1\n", "guardfix.toml: 'max-file-size' must be a positive integer"),
        ("guards = [\n", "guardfix.toml: not valid TOML"),
    ],
)
def test_configuration_errors(app: Path, capsys, content: str, message: str) -> None:
    write_tree(app, {"guardfix.toml": content})
    assert main(["app"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"guardfix: error: {message}")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "--diff-base", "main"], "use only one of --all, --staged and --diff-base"),
        (["--staged"], "--staged needs the file names"),
        (["--format", "xml", "app"], "'xml' is not one of"),
        (["--no-such-flag"], "No such option '--no-such-flag'"),
        (["missing/path"], "missing/path: no such file or folder"),
        (["--explain", "GF999"], "unknown rule 'GF999'"),
        (["--unsafe-fixes", "--no-such-flag"], "No such option '--no-such-flag'"),
        (["--config", "nope.toml", "app"], "nope.toml: no such configuration file"),
    ],
)
def test_usage_errors(app: Path, capsys, args: list[str], message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_explain_prints_the_rule_doc(capsys) -> None:
    assert main(["--explain", "GF001"]) == 0
    out = capsys.readouterr().out
    for heading in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
    ):
        assert heading in out
    assert main(["--explain", "unchecked-session"]) == 0
    assert "# GF004 unchecked-session" in capsys.readouterr().out


def test_help_teaches(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for text in (
        "--all",
        "--staged",
        "--diff-base",
        "GF001",
        "GF004",
        "guardfix.toml",
        "Exit status",
        "--apply",
        "--unsafe-fixes",
    ):
        assert text in out


def test_suppression_needs_a_reason(app: Path) -> None:
    with_reason = VULNERABLE.replace(
        "export async", "// guardfix-ignore GF001: public demo endpoint\nexport async"
    )
    write_tree(app, {"app/actions/posts.ts": with_reason})
    assert main(["app"]) == 0
    without = VULNERABLE.replace("export async", "// guardfix-ignore GF001\nexport async")
    write_tree(app, {"app/actions/posts.ts": without})
    assert main(["app"]) == 1


def test_github_annotations(app: Path, capsys) -> None:
    assert main(["--format", "github", "app"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(
        "::error file=app/actions/posts.ts,line=4,col=9,endLine=4,endColumn=46,"
        "title=GF001 missing-auth::`deletePost` changes data"
    )


def test_sarif_report(app: Path, capsys) -> None:
    assert main(["--format", "sarif", "app"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in RULES]
    (result,) = run["results"]
    assert result["ruleId"] == "GF001"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/actions/posts.ts"
    assert location["region"] == {"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 46}


def test_internal_error_is_one_line_with_the_file(app: Path, monkeypatch, capsys) -> None:
    def broken(*args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("guardfix.engine.find_actions", broken)
    assert main(["app"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "guardfix: internal error while checking app/actions/posts.ts: ValueError('boom'); "
        "please report it"
    )
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_unreadable_part_of_a_file_is_noted(tmp_path: Path, monkeypatch, capsys) -> None:
    broken = VULNERABLE + "\nexport async function half(id: string) {\n  if (x {\n}\n"
    write_tree(tmp_path, {"a.ts": broken})
    monkeypatch.chdir(tmp_path)
    assert main(["a.ts"]) == 1  # the intact action is still reported
    out = capsys.readouterr().out
    assert "a.ts:4:9: GF001" in out
    assert "note: a.ts: the parser could not read part of it (from line 8)" in out


# Start-up time is a commit hook's budget: what a run does not use, it does not import.
PIPELINE = ("guardfix.engine", "guardfix.facts", "guardfix.parse", "tree_sitter_typescript")
OPTIONAL = (
    "guardfix_codemods",  # only when fixes are made
    "guardfix.baseline",  # only with a baseline
    "guardfix.report.sarif",
    "guardfix.report.json_report",
    "pyjson5",  # only when a tsconfig.json is read
)


@pytest.mark.parametrize(
    ("args", "loaded", "not_loaded"),
    [
        (["--version"], (), (*PIPELINE, *OPTIONAL, "tomllib", "guardfix.select")),
        (["--help"], (), (*PIPELINE, *OPTIONAL, "tomllib", "guardfix.select")),
        (["app"], PIPELINE, (*OPTIONAL, "unidiff")),  # paths given: no diff to read
    ],
)
def test_a_run_imports_only_what_it_uses(
    tmp_path: Path, args: list[str], loaded: tuple[str, ...], not_loaded: tuple[str, ...]
) -> None:
    guarded = VULNERABLE.replace("{\n", "{\n  if (!(await auth())) throw new Error();\n", 1)
    write_tree(tmp_path, {"app/actions/posts.ts": guarded})
    probe = (
        "import json, sys\nfrom guardfix.cli import main\ncode = main(sys.argv[1:])\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": f"{CHECKOUT}{os.pathsep}{CHECKOUT / 'codemods'}"},
        capture_output=True,
        text=True,
        check=True,
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stdout
    imported = {m for m in modules for name in (*loaded, *not_loaded) if m.startswith(name)}
    assert [m for m in loaded if m not in imported] == []
    assert sorted(m for m in imported if m.startswith(not_loaded)) == []
