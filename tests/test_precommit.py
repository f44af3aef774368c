"""The hook as users run it: the real pre-commit framework, `try-repo` against this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import git, write_tree

CHECKOUT = Path(__file__).resolve().parent.parent
VULNERABLE = """"use server";
export async function deletePost(formData: FormData) {
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id } });
}
"""
GUARDED = VULNERABLE.replace(
    "  const id =",
    '  const session = await auth();\n  if (!session?.user) throw new Error("Unauthorized");\n'
    "  const id =",
)


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(CHECKOUT),
            "guardfix",
            "--color",
            "never",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_hook_blocks_then_passes(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"
    write_tree(repo, {"README.md": "x\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")

    write_tree(repo, {"app/actions/posts.ts": VULNERABLE})
    git(repo, "add", "-A")
    blocked = try_repo(repo, home)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "GF001" in blocked.stdout
    assert "app/actions/posts.ts:4:" in blocked.stdout

    write_tree(repo, {"app/actions/posts.ts": GUARDED})
    git(repo, "add", "-A")
    passed = try_repo(repo, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
