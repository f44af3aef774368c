"""guardfix's SARIF passes Microsoft's SARIF Multitool (`validate`, with the SARIF spec's
rules and GitHub code scanning's ingestion rules), installed from npm in tests/fixtures/hooks.
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from guardfix.cli import main
from tests.conftest import npm_ci, write_tree
from tests.test_apply import PROJECT

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURE = CHECKOUT / "tests" / "fixtures" / "hooks"
EXAMPLE = CHECKOUT / "examples" / "nextjs-app"


@pytest.fixture(scope="module")
def multitool() -> Path:
    modules = npm_ci(FIXTURE, "tests/test_sarif_multitool.py runs the SARIF Multitool")
    binary = modules / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not binary.is_file():
        pytest.fail(f"npm ci did not install the SARIF Multitool: {binary}", pytrace=False)
    # What the package's install script does (npm ci runs none here).
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def problems(multitool: Path, sarif: Path) -> list[str]:
    """The Multitool's errors and warnings about `sarif` (its notes are advice)."""
    out = sarif.with_suffix(".validation.sarif")
    done = subprocess.run(
        [str(multitool), "validate", str(sarif), "-o", str(out), "--rule-kind", "Sarif;Gh"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"DOTNET_CLI_TELEMETRY_OPTOUT": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0 and out.is_file(), done.stdout + done.stderr
    (run,) = json.loads(out.read_text(encoding="utf-8-sig"))["runs"]
    return [
        f"{r['ruleId']}: {r['message'].get('text') or r['message'].get('arguments')}"
        for r in run.get("results", [])
        if r.get("level", "warning") in ("error", "warning")
    ]


def sarif_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], name: str
) -> Path:
    main(["--format", "sarif", *args])
    path = tmp_path / f"{name}.sarif"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def test_example_app(
    multitool: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(CHECKOUT)
    sarif = sarif_of(tmp_path, capsys, ["examples/nextjs-app"], "example")
    assert json.loads(sarif.read_text())["runs"][0]["results"]
    assert problems(multitool, sarif) == []


def test_warnings_suppressions_and_odd_names(
    multitool: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = tmp_path / "app"
    stale = PROJECT["app/actions/posts.ts"]
    assert isinstance(stale, str)
    write_tree(
        app,
        {
            **PROJECT,
            "guardfix.toml": 'severity = { GF002 = "warning" }\n',
            "app/(shop)/[id]/my actions %.ts": stale,
            "app/notes.ts": '"use server";\n// guardfix-ignore GF001\nexport async function f() {}\n',
        },
    )
    monkeypatch.chdir(app)
    sarif = sarif_of(tmp_path, capsys, ["."], "odd")
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert {r["level"] for r in results} == {"error", "warning"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "app/(shop)/%5Bid%5D/my%20actions%20%25.ts" in uris
    assert problems(multitool, sarif) == []


def test_no_findings(
    multitool: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    sarif = sarif_of(tmp_path, capsys, ["."], "empty")
    assert problems(multitool, sarif) == []


def test_the_validator_can_fail(multitool: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.sarif"
    broken.write_text('{"version": "2.1.0", "runs": [{"tool": {}}]}')
    assert problems(multitool, broken)
