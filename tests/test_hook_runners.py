"""The JS world's hook runners, installed from npm and run by a real `git commit`: husky with
lint-staged, and lefthook. Each configuration here is the README's, word for word.

tests/fixtures/hooks pins the runners (package.json and package-lock.json); `npm ci` installs
them there once. Each test makes a git repository in a temp folder, links that node_modules
into it, puts a `guardfix` command on the PATH that runs this checkout, and commits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, npm_ci, write_tree

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURE = CHECKOUT / "tests" / "fixtures" / "hooks"

# A create: GF001 alone, which the Auth.js preset fixes.
VULNERABLE = """"use server";
import { prisma } from "@/lib/prisma";

export async function createPost(formData: FormData) {
  const title = String(formData.get("title"));
  await prisma.post.create({ data: { title } });
}
"""
FIXED = """"use server";
import { prisma } from "@/lib/prisma";
import { auth } from "@/auth";

export async function createPost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  const title = String(formData.get("title"));
  await prisma.post.create({ data: { title } });
}
"""
# No fix: the write picks any row and there is no schema to name the owner column.
UNFIXABLE = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/prisma";

export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id: String(formData.get("id")) } });
}
"""
APP = {
    "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n',
    "auth.ts": 'import NextAuth from "next-auth";\nexport const { auth } = NextAuth({ adapter: PrismaAdapter(prisma), providers: [] });\n',
    "lib/prisma.ts": 'import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n',
}
DEPENDENCIES = {"next": "15.0.0", "next-auth": "5.0.0-beta.25", "@prisma/client": "5.22.0"}
ACTION = "app/actions/posts.ts"

LINT_STAGED = {"*.{ts,tsx,js,jsx}": "guardfix --staged"}
LINT_STAGED_FIX = {"*.{ts,tsx,js,jsx}": "guardfix --staged --apply --exit-zero-on-fix"}
LEFTHOOK = """\
pre-commit:
  commands:
    guardfix:
      glob: "*.{ts,tsx,js,jsx}"
      run: guardfix --staged -- {staged_files}
"""
LEFTHOOK_FIX = """\
pre-commit:
  commands:
    guardfix:
      glob: "*.{ts,tsx,js,jsx}"
      run: guardfix --staged --apply -- {staged_files}
"""
LEFTHOOK_STAGE_FIXED = """\
pre-commit:
  commands:
    guardfix:
      glob: "*.{ts,tsx,js,jsx}"
      run: guardfix --staged --apply --exit-zero-on-fix -- {staged_files}
      stage_fixed: true
"""


@pytest.fixture(scope="module")
def node_modules() -> Path:
    modules = npm_ci(FIXTURE, "tests/test_hook_runners.py runs husky, lint-staged and lefthook")
    for tool in ("husky", "lint-staged", "lefthook"):
        if not (modules / ".bin" / tool).exists():
            pytest.fail(f"npm ci did not install {tool}", pytrace=False)
    return modules


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a developer with guardfix on the PATH (this checkout's)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "guardfix"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m guardfix "$@"\n')
    shim.chmod(0o755)
    drop = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "CI", "HUSKY", "LEFTHOOK")
    return {
        **{k: v for k, v in os.environ.items() if k not in drop},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": f"{CHECKOUT}{os.pathsep}{CHECKOUT / 'codemods'}",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
    }


def run(cwd: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "-A")
    return run(repo, env, "git", "commit", "-m", message)


def project(repo: Path, node_modules: Path, package: dict[str, object]) -> None:
    """A Next.js app at the repository root with its first commit."""
    write_tree(repo, {**APP, "package.json": json.dumps(package, indent=2) + "\n"})
    (repo / "node_modules").symlink_to(node_modules, target_is_directory=True)
    write_tree(repo, {".gitignore": "node_modules\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")


def lint_staged_rc(config: dict[str, str]) -> str:
    """The .lintstagedrc.json the README shows."""
    return json.dumps(config, indent=2) + "\n"


def husky(repo: Path, env: dict[str, str], node_modules: Path, config: dict[str, str]) -> None:
    """`npx husky init`, then the pre-commit hook runs lint-staged, as its README says."""
    project(repo, node_modules, {"dependencies": DEPENDENCIES})
    write_tree(repo, {".lintstagedrc.json": lint_staged_rc(config)})
    done = run(repo, env, "npx", "--no-install", "husky", "init")
    assert done.returncode == 0, done.stdout + done.stderr
    write_tree(repo, {".husky/pre-commit": "npx lint-staged\n"})


def lefthook(repo: Path, env: dict[str, str], node_modules: Path, config: str) -> None:
    project(repo, node_modules, {"dependencies": DEPENDENCIES})
    write_tree(repo, {"lefthook.yml": config})
    done = run(repo, env, "npx", "--no-install", "lefthook", "install")
    assert done.returncode == 0, done.stdout + done.stderr


def head(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%s")


def test_husky_lint_staged_refuses_then_passes(
    repo: Path, env: dict[str, str], node_modules: Path
) -> None:
    husky(repo, env, node_modules, LINT_STAGED)
    write_tree(repo, {ACTION: VULNERABLE})
    refused = commit(repo, env, "add createPost")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "GF001 [missing-auth]" in refused.stdout + refused.stderr
    assert head(repo).strip() != "add createPost"

    write_tree(repo, {ACTION: FIXED})
    passed = commit(repo, env, "add createPost")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert head(repo).strip() == "add createPost"


def test_lint_staged_keeps_the_fix_in_the_commit(
    repo: Path, env: dict[str, str], node_modules: Path
) -> None:
    husky(repo, env, node_modules, LINT_STAGED_FIX)
    write_tree(repo, {ACTION: VULNERABLE})
    fixed = commit(repo, env, "add createPost")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert git(repo, "show", f"HEAD:{ACTION}") == FIXED
    assert (repo / ACTION).read_text() == FIXED
    assert git(repo, "status", "--porcelain") == ""

    # What no fix can settle still stops the commit, and nothing is lost.
    write_tree(repo, {"app/actions/delete.ts": UNFIXABLE})
    refused = commit(repo, env, "add deletePost")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "GF002 [missing-ownership]" in refused.stdout + refused.stderr
    assert (repo / "app/actions/delete.ts").read_text() == UNFIXABLE


def test_lefthook_refuses_then_passes(repo: Path, env: dict[str, str], node_modules: Path) -> None:
    lefthook(repo, env, node_modules, LEFTHOOK)
    write_tree(repo, {ACTION: VULNERABLE, "app/(shop)/[id]/-actions.ts": VULNERABLE})
    refused = commit(repo, env, "add createPost")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    out = refused.stdout + refused.stderr
    assert f"{ACTION}:6:9: GF001" in out
    assert "app/(shop)/[id]/-actions.ts:6:9: GF001" in out

    write_tree(repo, {ACTION: FIXED, "app/(shop)/[id]/-actions.ts": FIXED})
    passed = commit(repo, env, "add createPost")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert head(repo).strip() == "add createPost"


def test_lefthook_fix_rewrites_and_stops_the_commit(
    repo: Path, env: dict[str, str], node_modules: Path
) -> None:
    lefthook(repo, env, node_modules, LEFTHOOK_FIX)
    write_tree(repo, {ACTION: VULNERABLE})
    stopped = commit(repo, env, "add createPost")
    assert stopped.returncode != 0, stopped.stdout + stopped.stderr
    assert f"Rewrote {ACTION} (1 fix)" in stopped.stdout + stopped.stderr
    assert (repo / ACTION).read_text() == FIXED
    assert git(repo, "show", f":{ACTION}") == VULNERABLE  # for the user to review and stage
    passed = commit(repo, env, "add createPost")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert git(repo, "show", f"HEAD:{ACTION}") == FIXED


def test_lefthook_stage_fixed_keeps_the_fix_in_the_commit(
    repo: Path, env: dict[str, str], node_modules: Path
) -> None:
    lefthook(repo, env, node_modules, LEFTHOOK_STAGE_FIXED)
    write_tree(repo, {ACTION: VULNERABLE})
    fixed = commit(repo, env, "add createPost")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert git(repo, "show", f"HEAD:{ACTION}") == FIXED


# Two Next.js apps, each with its own package.json (auth library) and tsconfig (alias).
MONOREPO: dict[str, str | bytes] = {
    "apps/web/package.json": json.dumps({"name": "web", "dependencies": DEPENDENCIES}) + "\n",
    "apps/web/tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }\n',
    "apps/web/src/auth.ts": APP["auth.ts"],
    "apps/web/src/lib/prisma.ts": APP["lib/prisma.ts"],
    "apps/admin/package.json": json.dumps(
        {"name": "admin", "dependencies": {"next": "15.0.0", "@clerk/nextjs": "6.0.0"}}
    )
    + "\n",
    "apps/admin/tsconfig.json": '{ "compilerOptions": { "paths": { "~/*": ["./*"] } } }\n',
    "apps/admin/lib/db.ts": APP["lib/prisma.ts"],
}
WEB_ACTION = "apps/web/src/app/actions/posts.ts"
ADMIN_ACTION = "apps/admin/app/actions/notes.ts"
ADMIN_VULNERABLE = VULNERABLE.replace(
    '{ prisma } from "@/lib/prisma"', '{ prisma } from "~/lib/db"'
)
ADMIN_FIXED = """"use server";
import { prisma } from "~/lib/db";
import { auth } from "@clerk/nextjs/server";

export async function createPost(formData: FormData) {
  const { userId } = await auth();
  if (!userId) {
    throw new Error("Unauthorized");
  }
  const title = String(formData.get("title"));
  await prisma.post.create({ data: { title } });
}
"""


def monorepo(repo: Path, env: dict[str, str], node_modules: Path, config: dict[str, str]) -> None:
    root = {"name": "mono", "private": True, "workspaces": ["apps/*"]}
    write_tree(
        repo,
        {
            **MONOREPO,
            "package.json": json.dumps(root, indent=2) + "\n",
            ".lintstagedrc.json": lint_staged_rc(config),
        },
    )
    (repo / "node_modules").symlink_to(node_modules, target_is_directory=True)
    write_tree(repo, {".gitignore": "node_modules\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    done = run(repo, env, "npx", "--no-install", "husky", "init")
    assert done.returncode == 0, done.stdout + done.stderr
    write_tree(repo, {".husky/pre-commit": "npx lint-staged\n"})


def test_monorepo_checks_both_apps(repo: Path, env: dict[str, str], node_modules: Path) -> None:
    monorepo(repo, env, node_modules, LINT_STAGED)
    write_tree(repo, {WEB_ACTION: VULNERABLE, ADMIN_ACTION: ADMIN_VULNERABLE})
    refused = commit(repo, env, "two actions")
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert f"{WEB_ACTION}:6:9: GF001" in out
    assert f"{ADMIN_ACTION}:6:9: GF001" in out
    # Each app's fix is its own: Auth.js through web's alias, Clerk in admin.
    assert "with the Auth.js v5 preset" in out
    assert "with the Clerk preset" in out


def test_monorepo_fix_lands_in_the_commit(
    repo: Path, env: dict[str, str], node_modules: Path
) -> None:
    monorepo(repo, env, node_modules, LINT_STAGED_FIX)
    write_tree(repo, {WEB_ACTION: VULNERABLE, ADMIN_ACTION: ADMIN_VULNERABLE})
    fixed = commit(repo, env, "two actions")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert git(repo, "show", f"HEAD:{WEB_ACTION}") == FIXED
    assert git(repo, "show", f"HEAD:{ADMIN_ACTION}") == ADMIN_FIXED
