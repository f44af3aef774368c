"""examples/github-workflow.yml: its guardfix step, run as GitHub Actions would run it, on a
pull request's branch in a clone whose base is `origin/main`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import git, write_tree
from tests.test_apply import FIXED, PROJECT, VULNERABLE
from tests.test_select import commit_all

CHECKOUT = Path(__file__).resolve().parent.parent
WORKFLOW: dict[Any, Any] = yaml.safe_load(
    (CHECKOUT / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
)
STEPS: list[dict[str, Any]] = WORKFLOW["jobs"]["guardfix"]["steps"]
STEP = next(s for s in STEPS if s.get("name") == "guardfix --diff-base")


def test_runs_on_pull_requests_and_uploads_the_sarif() -> None:
    assert list(WORKFLOW[True]) == ["pull_request"]  # YAML 1.1 reads `on` as true
    assert WORKFLOW["permissions"]["security-events"] == "write"
    checkout = next(s for s in STEPS if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    upload = next(
        s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert upload["with"]["sarif_file"] == "guardfix.sarif"
    assert upload["if"] == "${{ !cancelled() }}"  # a failing guardfix still uploads


@pytest.fixture
def clone(repo: Path, tmp_path: Path) -> Path:
    """A clone of `repo` (main: the project) on a pull request's branch."""
    write_tree(repo, PROJECT)
    commit_all(repo)
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(repo), str(work))
    git(work, "config", "user.email", "dev@example.com")
    git(work, "config", "user.name", "Dev")
    git(work, "checkout", "-q", "-b", "feature")
    return work


def run_step(work: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "guardfix"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m guardfix "$@"\n')
    shim.chmod(0o755)
    base = STEP["env"]["BASE"].replace("${{ github.base_ref }}", "main")
    env = {
        **os.environ,
        "BASE": base,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": f"{CHECKOUT}{os.pathsep}{CHECKOUT / 'codemods'}",
    }
    # GitHub runs a `run:` block with `bash -e {0}`.
    return subprocess.run(
        ["bash", "-e", "-c", STEP["run"]],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_new_unguarded_action_fails_and_is_annotated(clone: Path, tmp_path: Path) -> None:
    write_tree(clone, {"app/actions/drafts.ts": VULNERABLE.replace("deletePost", "deleteDraft")})
    commit_all(clone)
    done = run_step(clone, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "::error file=app/actions/drafts.ts,line=6," in done.stdout
    (run,) = json.loads((clone / "guardfix.sarif").read_text())["runs"]
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    } == {"app/actions/drafts.ts"}


def test_old_code_does_not_fail_the_pull_request(clone: Path, tmp_path: Path) -> None:
    """main's unguarded deletePost is not this branch's change."""
    write_tree(clone, {"app/actions/drafts.ts": FIXED.replace("deletePost", "deleteDraft")})
    commit_all(clone)
    done = run_step(clone, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((clone / "guardfix.sarif").read_text())["runs"][0]["results"] == []
