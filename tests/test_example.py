"""The bundled example app: exactly the vulnerable actions its README lists, and the fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from guardfix.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nextjs-app"


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
        ("GF002", "app/actions/comments.ts", "deleteComment", 18),
        ("GF001", "app/actions/posts.ts", "deletePost", 10),
        ("GF002", "app/actions/posts.ts", "deletePost", 10),
        ("GF001", "app/actions/posts.ts", "updatePost", 17),
        ("GF002", "app/actions/posts.ts", "updatePost", 17),
        ("GF004", "app/actions/posts.ts", "archivePost", 49),
        ("GF001", "app/dashboard/page.tsx", "clearDrafts", 10),
    ]
    assert all(f["fixable"] for f in document["findings"])
    assert document["summary"] == {"files": 9, "actions": 11, "findings": 8, "baselined": 0}


def test_bundled_example_is_fixed_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app"
    shutil.copytree(EXAMPLE, app)
    monkeypatch.chdir(app)
    assert main(["--apply", "--all", "."]) == 1
    out = capsys.readouterr().out
    for path, count in (
        ("app/actions/comments.ts", 2),
        ("app/actions/posts.ts", 5),
        ("app/dashboard/page.tsx", 1),
    ):
        assert f"Rewrote {path} ({count} fix{'es' if count > 1 else ''})" in out
    comments = (app / "app/actions/comments.ts").read_text()
    assert "export const deleteComment = authActionClient" in comments
    assert 'import { authActionClient } from "@/lib/safe-action";' in comments
    assert "where: { id: parsedInput.id, authorId: ctx.userId }" in comments
    posts = (app / "app/actions/posts.ts").read_text()
    assert posts.count("const session = await auth();") == 4  # 2 inserted, 2 were there
    assert posts.count("where: { id, authorId: session.user.id }") == 2
    # A second run finds nothing and changes nothing.
    before = {p: p.read_bytes() for p in app.rglob("*") if p.is_file()}
    assert main(["--apply", "--all", "."]) == 0
    assert "No problems found" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in app.rglob("*") if p.is_file()} == before
