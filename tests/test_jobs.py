"""`--jobs N`: the candidate files checked in N processes, the report unchanged byte for byte."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from guardfix import engine
from guardfix.cli import main
from tests.conftest import git

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "nextjs-app"
APPS = 8  # each copy holds three action files: enough to share among processes


@pytest.fixture
def monorepo(repo: Path) -> Path:
    """The bundled example as several apps of one repository, with a bad tsconfig in one
    (a project notice, which each process raises on its own) and a suppression."""
    for i in range(APPS):
        shutil.copytree(EXAMPLE, repo / "apps" / f"app{i}")
    (repo / "apps" / "app3" / "tsconfig.json").write_text("{ not json")
    posts = repo / "apps" / "app5" / "app" / "actions" / "posts.ts"
    posts.write_text("// guardfix-ignore GF001: reviewed\n" + posts.read_text())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "apps")
    return repo


def spy_on_processes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process counts the engine forked with (none: it checked the files itself)."""
    started: list[int] = []
    real: Callable[..., list[engine.Checked]] = engine._in_processes

    def recording(*args: object) -> list[engine.Checked]:
        started.append(args[-1])  # type: ignore[arg-type]
        return real(*args)

    monkeypatch.setattr(engine, "_in_processes", recording)
    return started


@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_any_number_of_jobs_prints_the_same_report(
    monorepo: Path, monkeypatch, capsys, output: str
) -> None:
    monkeypatch.chdir(monorepo)
    started = spy_on_processes(monkeypatch)
    runs = {}
    for jobs in ("1", "2", "3"):
        code = main(["--all", "--format", output, "--jobs", jobs])
        runs[jobs] = (code, capsys.readouterr())
    assert started == [2, 3]  # --jobs 1 ran in this process
    one = runs["1"]
    assert one[0] == 1 and "deletePost" in one[1].out
    assert runs["2"] == one
    assert runs["3"] == one


def test_a_failure_in_a_process_is_reported_as_in_one(monorepo: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(monorepo)

    def broken(*args: object) -> engine.Checked:
        raise ValueError("boom")

    monkeypatch.setattr(engine, "_check_file", broken)
    assert main(["--all", "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert "internal error" in err and "boom" in err and "apps/app0/" in err


def test_jobs_must_be_a_positive_number(monorepo: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(monorepo)
    assert main(["--all", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_branch_checked_in_processes_reads_its_commit_in_each(
    monorepo: Path, monkeypatch, capsys
) -> None:
    # --diff-base reads files from the commit through one `git cat-file` per process: a
    # forked process must not answer through its parent's.
    git(monorepo, "checkout", "-q", "-b", "feature")
    for action in sorted(monorepo.glob("apps/*/app/actions/*.ts")):
        action.write_text(action.read_text().replace('"use server";', "'use server';"))
    git(monorepo, "commit", "-q", "-am", "quotes")
    monkeypatch.chdir(monorepo)
    started = spy_on_processes(monkeypatch)
    one = main(["--diff-base", "main", "--format", "json", "--jobs", "1"]), capsys.readouterr()
    two = main(["--diff-base", "main", "--format", "json", "--jobs", "2"]), capsys.readouterr()
    assert started == [2]
    assert one[0] == 1 and '"deletePost"' in one[1].out
    assert two == one
