"""Shared helpers: build small projects in temp folders and run the real pipeline on them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from guardfix.config import Config
from guardfix.engine import check
from guardfix.model import Report
from guardfix.select import explicit


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8", newline="")
        else:
            target.write_bytes(content)


def run_on_files(root: Path, files: dict[str, str | bytes], config: Config | None = None) -> Report:
    """Write `files` under `root` (not a git repo) and check all of them whole."""
    write_tree(root, files)
    selection = explicit(root, sorted(files))
    return check(selection, config or Config())


# A finding as the tables write it: (rule, action, line); an unnamed action is None.
Found = tuple[str, str | None, int]


def findings_of(report: Report) -> list[Found]:
    """(rule, action, line) per finding: what the test tables compare."""
    return [(f.rule, f.action, f.start.line) for f in report.findings]


@pytest.fixture
def project(tmp_path: Path):
    """Check a source (or several files) and return (rule, action, line) per finding.

    Only the session rules by default: the ownership rules have tables of their own.
    """

    def run(
        source: str | dict[str, str],
        path: str = "app/actions.ts",
        config: Config | None = None,
        rules: tuple[str, ...] = ("GF001", "GF004"),
    ) -> list[Found]:
        files = {path: source} if isinstance(source, str) else source
        found = findings_of(run_on_files(tmp_path, dict(files), config))
        return [f for f in found if f[0] in rules]

    return run


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the run: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real, empty git repository with an identity set."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.com")
    git(root, "config", "user.name", "Dev")
    git(root, "config", "commit.gpgsign", "false")
    return root


def npm_ci(fixture: Path, why: str) -> Path:
    """`fixture`'s node_modules, installed with `npm ci --ignore-scripts` from its committed
    package-lock.json when missing or stale, with an npm cache beside it (git-ignored).

    Install scripts never run: one of them (lefthook's) would install git hooks into the
    repository that holds the fixture.
    """
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found on PATH: {why} and needs Node.js 20+ with npm",
            pytrace=False,
        )
    node_modules = fixture / "node_modules"
    stamp = node_modules / ".package-lock.json"
    lock = fixture / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        command = [
            "npm",
            "ci",
            "--ignore-scripts",
            "--cache",
            str(fixture / ".npm-cache"),
            "--no-audit",
            "--no-fund",
        ]
        done = subprocess.run(
            command, cwd=fixture, capture_output=True, text=True, timeout=600, check=False
        )
        if done.returncode != 0:
            pytest.fail(
                f"`{' '.join(command)}` in {fixture} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}",
                pytrace=False,
            )
    return node_modules
