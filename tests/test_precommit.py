"""The hooks as users run them: the real pre-commit framework, `try-repo` on this checkout.

`try-repo` installs the committed HEAD of this checkout: commit before running these.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import git, write_tree

CHECKOUT = Path(__file__).resolve().parent.parent
VULNERABLE = """"use server";
import { auth } from "@/auth";

export async function deletePost(formData: FormData) {
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id } });
}
"""
FIXED = """"use server";
import { auth } from "@/auth";

export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id, authorId: session.user.id } });
}
"""
PROJECT = {
    "package.json": '{ "dependencies": { "next-auth": "5.0.0-beta.25", "@prisma/client": "^5.22.0" } }\n',
    "auth.ts": 'import NextAuth from "next-auth";\nexport const { auth, handlers } = NextAuth({ adapter: PrismaAdapter(prisma), providers: [] });\n',
    "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n',
    "prisma/schema.prisma": (
        "model User {\n  id String @id\n  posts Post[]\n}\n"
        "model Post {\n  id String @id\n  author User @relation(fields: [authorId], references: [id])\n"
        "  authorId String\n}\n"
    ),
}


def try_repo(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(CHECKOUT), hook, "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def start(repo: Path) -> None:
    write_tree(repo, PROJECT)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    write_tree(repo, {"app/actions/posts.ts": VULNERABLE})
    git(repo, "add", "-A")


def test_hook_blocks_then_passes(repo: Path, home: Path) -> None:
    start(repo)
    blocked = try_repo(repo, home, "guardfix")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "GF001" in blocked.stdout
    assert "app/actions/posts.ts:6:" in blocked.stdout

    write_tree(repo, {"app/actions/posts.ts": FIXED})
    git(repo, "add", "-A")
    passed = try_repo(repo, home, "guardfix")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_fix_hook_rewrites_then_passes_once_restaged(repo: Path, home: Path) -> None:
    start(repo)
    rewrote = try_repo(repo, home, "guardfix-fix")
    assert rewrote.returncode == 1, rewrote.stdout + rewrote.stderr
    assert "Rewrote app/actions/posts.ts (2 fixes)" in rewrote.stdout
    assert (repo / "app/actions/posts.ts").read_text() == FIXED
    # The index still holds what was staged: the user reviews, then stages the fix.
    assert git(repo, "show", ":app/actions/posts.ts") == VULNERABLE

    git(repo, "add", "-A")
    passed = try_repo(repo, home, "guardfix-fix")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert (repo / "app/actions/posts.ts").read_text() == FIXED
