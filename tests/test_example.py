"""The bundled example app: exactly the vulnerable actions its README lists, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardfix.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_bundled_example(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["--format", "json", "examples/nextjs-app"]) == 1
    document = json.loads(capsys.readouterr().out)
    found = [
        (f["rule"], f["path"].removeprefix("examples/nextjs-app/"), f["action"], f["line"])
        for f in document["findings"]
    ]
    assert found == [
        ("GF001", "app/actions/comments.ts", "deleteComment", 18),
        ("GF001", "app/actions/posts.ts", "deletePost", 10),
        ("GF001", "app/actions/posts.ts", "updatePost", 17),
        ("GF004", "app/actions/posts.ts", "archivePost", 49),
        ("GF001", "app/dashboard/page.tsx", "clearDrafts", 10),
    ]
    assert document["summary"] == {"files": 9, "actions": 11, "findings": 5}
