"""The baseline: `--all --write-baseline` records today's findings, later runs in every mode
report only new ones. All in real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardfix.cli import main
from tests.conftest import git, write_tree
from tests.test_apply import FIXED, PROJECT, VULNERABLE
from tests.test_select import commit_all

OLD = "app/actions/posts.ts"  # PROJECT's action: GF001 and GF002 on deletePost
OTHER = "app/actions/comments.ts"
COMMENTS = VULNERABLE.replace("deletePost", "deleteComment").replace("post.", "comment.")
NEW = VULNERABLE.replace("deletePost", "archivePost")
BASELINE = ".guardfix-baseline.json"


@pytest.fixture
def app(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A committed project with old findings in two files, and its baseline written."""
    write_tree(repo, {**PROJECT, OTHER: COMMENTS})
    commit_all(repo)
    monkeypatch.chdir(repo)
    assert main(["--all", "--write-baseline"]) == 0
    assert "recorded 4 findings" in capsys.readouterr().err
    return repo


def entries(path: Path) -> list[tuple[str, str, str]]:
    document = json.loads(path.read_text())
    assert document["version"] == 1
    return [(e["path"], e["rule"], e["action"]) for e in document["findings"]]


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple[str, str]]]:
    code = main(["--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    return code, [(f["path"], f["action"]) for f in out["findings"]]


def test_written_sorted_and_stable(app: Path) -> None:
    text = (app / BASELINE).read_text()
    assert entries(app / BASELINE) == [
        (OTHER, "GF001", "deleteComment"),
        (OTHER, "GF002", "deleteComment"),
        (OLD, "GF001", "deletePost"),
        (OLD, "GF002", "deletePost"),
    ]
    assert text.endswith("}\n") and '\n    {\n      "path": ' in text  # one field a line
    assert main(["--all", "--write-baseline"]) == 0
    assert (app / BASELINE).read_text() == text


def test_later_runs_report_nothing_old_and_say_so(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--all"]) == 0
    out = capsys.readouterr().out
    assert "note: 4 more findings are in the baseline (.guardfix-baseline.json)" in out
    assert "No problems found" in out
    assert main(["--all", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["baselined"] == 4


def test_moving_an_action_keeps_it_known_and_changing_it_makes_it_new(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = VULNERABLE.replace(
        'import { auth } from "@/auth";\n', 'import { auth } from "@/auth";\n\n\n// posts\n'
    )
    write_tree(app, {OLD: moved.replace("(formData: FormData)", "(\n  formData: FormData\n)")})
    assert report(capsys, "--all") == (0, [])
    write_tree(app, {OLD: moved.replace("String(formData", "Number(formData")})
    assert report(capsys, "--all") == (1, [(OLD, "deletePost"), (OLD, "deletePost")])


@pytest.mark.parametrize("mode", ["staged", "staged-files", "diff-base", "paths"])
def test_every_mode_reports_only_new_findings(
    app: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    git(app, "checkout", "-q", "-b", "feature")
    # Both files change: the old action moves down, a new one comes in.
    write_tree(app, {OLD: VULNERABLE + "\n" + NEW.split("\n", 2)[2], OTHER: "\n" + COMMENTS})
    git(app, "add", "-A")
    args = {
        "staged": [],
        "staged-files": ["--staged", OLD, OTHER],
        "diff-base": ["--diff-base", "main"],
        "paths": ["app"],
    }[mode]
    if mode == "diff-base":
        git(app, "commit", "-q", "-m", "new action")
    code, found = report(capsys, *args)
    assert code == 1
    assert found == [(OLD, "archivePost"), (OLD, "archivePost")]


def test_rewriting_drops_what_no_longer_matches(app: Path) -> None:
    write_tree(app, {OLD: FIXED})
    assert main(["--all", "--write-baseline"]) == 0
    assert entries(app / BASELINE) == [
        (OTHER, "GF001", "deleteComment"),
        (OTHER, "GF002", "deleteComment"),
    ]


def test_apply_fixes_only_the_new_findings(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(app, {"app/actions/archive.ts": NEW})
    git(app, "add", "-A")  # --all reads the tracked files
    assert main(["--all", "--apply"]) == 1
    out = capsys.readouterr().out
    assert "Rewrote app/actions/archive.ts (2 fixes)" in out
    assert (app / "app/actions/archive.ts").read_text() == FIXED.replace(
        "deletePost", "archivePost"
    )
    assert (app / OLD).read_text() == VULNERABLE


def test_a_named_baseline(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / BASELINE).unlink()
    assert main(["--all"]) == 1
    assert main(["--all", "--write-baseline", "ci/known.json"]) == 2  # no such folder
    (app / "ci").mkdir()
    assert main(["--all", "--write-baseline", "ci/known.json"]) == 0
    capsys.readouterr()
    assert main(["--all", "--baseline", "ci/known.json"]) == 0
    assert "4 more findings are in the baseline (known.json)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("{", "not a guardfix baseline (not JSON)"),
        ('{"version": 2, "findings": []}', "not a guardfix baseline of version 1"),
        ('{"version": 1, "findings": [{"path": 1}]}', "a baseline entry needs path, rule"),
    ],
)
def test_a_broken_baseline_is_one_line(
    app: Path, capsys: pytest.CaptureFixture[str], content: str, error: str
) -> None:
    (app / BASELINE).write_text(content)
    assert main(["--all"]) == 2
    err = capsys.readouterr().err
    assert error in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--write-baseline"],
        ["--all", "--apply", "--write-baseline"],
        ["--staged", OLD, "--write-baseline"],
    ],
)
def test_write_baseline_needs_all(
    app: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(args) == 2
    assert "use it with --all alone" in capsys.readouterr().err


def test_sarif_fingerprints_are_the_baselines(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (app / BASELINE).unlink()

    def fingerprints() -> list[str]:
        assert main(["--all", "--format", "sarif"]) == 1
        (run,) = json.loads(capsys.readouterr().out)["runs"]
        return [r["partialFingerprints"]["guardfix/v1"] for r in run["results"]]

    before = fingerprints()
    assert len(set(before)) == 4
    write_tree(app, {OLD: "\n\n" + VULNERABLE})  # moved down two lines
    assert fingerprints() == before
