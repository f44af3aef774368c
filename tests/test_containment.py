"""Containment: guardfix never runs, imports or evaluates the project's files, and never
reads or writes outside the repository root.

Each run goes through `guardfix.cli.main` in a subprocess under a Python audit hook (a
hook cannot be removed, so it must not be installed in the pytest process). The project
is booby-trapped: every part of it that could be executed (configs, package scripts, git
hooks, diff drivers, Python files shadowing guardfix's dependencies) leaves a marker file
when run. Beside the repository sits `outside/`, whose files would change the findings if
they were read; the project points at it in every way it can (relative and absolute
imports, tsconfig `paths` and `extends`, symlinks, config globs, command-line paths).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from guardfix.cli import main
from guardfix.facts.resolve import ModuleResolver
from guardfix.git import BlobReader, DiskReader
from tests.conftest import git, write_tree

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks and sh traps")

# Installs the audit hook, runs the real console entry, dumps what it saw as JSON.
DRIVER = r"""
import json, os, sys

log_path, argv = sys.argv[1], json.loads(sys.argv[2])
events = []
recording = True
FS_EVENTS = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
             "os.symlink", "os.link", "os.truncate", "os.utime", "shutil.copyfile",
             "shutil.copymode", "shutil.move", "shutil.rmtree"}
SPAWN = ("os.exec", "os.spawn", "os.posix_spawn", "os.system", "os.fork", "os.forkpty",
         "pty.spawn", "os.startfile")


def name(value):
    if isinstance(value, (str, bytes, os.PathLike)):
        return os.fsdecode(value)
    return value


def hook(event, args):
    if not recording:
        return
    if event == "open":
        if not isinstance(args[0], int):  # os.fdopen of a descriptor already opened
            events.append({"kind": "open", "path": name(args[0]), "mode": args[1], "flags": args[2]})
    elif event == "subprocess.Popen":
        events.append({"kind": "spawn", "argv": [name(a) for a in args[1]], "cwd": name(args[2])})
    elif event.startswith(SPAWN):
        events.append({"kind": "spawn", "argv": [event, repr(args)], "cwd": None})
    elif event == "import":
        events.append({"kind": "import", "name": args[0]})
    elif event == "exec":
        events.append({"kind": "code", "path": getattr(args[0], "co_filename", repr(args[0]))})
    elif event == "compile":
        events.append({"kind": "code", "path": name(args[1])})
    elif event == "ctypes.dlopen":
        events.append({"kind": "code", "path": name(args[0])})
    elif event in FS_EVENTS:
        paths = [name(a) for a in args if isinstance(a, (str, bytes, os.PathLike))]
        events.append({"kind": "fs", "event": event, "paths": paths})
    elif event in ("os.listdir", "os.scandir"):
        events.append({"kind": "list", "path": name(args[0])})


sys.addaudithook(hook)
code = 98  # guardfix raised: not an exit status it has
try:
    from guardfix.cli import main

    code = main(argv)
except BaseException:
    import traceback

    traceback.print_exc()
finally:
    recording = False
    modules = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    with open(log_path, "w") as out:
        json.dump({"events": events, "modules": [m for m in modules if m]}, out)
sys.exit(code)
"""

GIT = ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false"]
ALLOWED_GIT = {"rev-parse", "ls-files", "diff", "cat-file", "ls-tree", "grep"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

# A helper that stops an anonymous caller: an action that awaits it is guarded, so if
# any of the ways below let guardfix read it, that action's GF001 would disappear.
GUARD = """import NextAuth from "next-auth";
export const { auth } = NextAuth({ adapter: PrismaAdapter(prisma), providers: [] });

export async function guard() {
  const session = await auth();
  if (!session) throw new Error("Unauthorized");
  return session.user;
}
"""
SCHEMA = (
    "model User {\n  id String @id\n}\n"
    "model Post {\n  id String @id\n  author User @relation(fields: [authorId], references: [id])\n"
    "  authorId String\n}\n"
)
OUTSIDE_ACTION = """"use server";
import { auth } from "./auth";

export async function boom(id: string) {
  await prisma.post.delete({ where: { id } });
}
"""


def guarded_by(specifier: str) -> str:
    return (
        '"use server";\n'
        f'import {{ guard }} from "{specifier}";\n\n'
        "export async function deletePost(id: string) {\n"
        "  const user = await guard();\n"
        "  await prisma.post.delete({ where: { id, authorId: user.id } });\n"
        "}\n"
    )


@dataclass
class Layout:
    tmp: Path
    repo: Path
    outside: Path
    markers: Path

    @property
    def abs_outside(self) -> str:
        return str(self.outside)


@dataclass
class Run:
    code: int
    out: str
    err: str
    events: list[dict[str, Any]]
    modules: list[str]
    git_trace: list[str]
    cwd: Path

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data


# -- the project ---------------------------------------------------------------------


def outside_files() -> dict[str, str | bytes]:
    return {
        "auth.ts": GUARD,
        "x.ts": OUTSIDE_ACTION,
        "schema.prisma": SCHEMA,
        # If `extends` were followed, `@x/auth` in app/ext would resolve to auth.ts here.
        "tsconfig.base.json": '{ "compilerOptions": { "paths": { "@x/*": ["./*"] } } }\n',
        # A sibling app: were its root taken for the project's, a fix could be written here.
        "package.json": '{ "dependencies": { "next-auth": "5.0.0", "@prisma/client": "^5.22.0" } }\n',
    }


def repo_files(layout: Layout) -> dict[str, str | bytes]:
    out, m = layout.abs_outside, layout.markers

    def node_trap(name: str) -> str:  # CommonJS, as next.config.js is loaded
        return f'require("fs").writeFileSync({json.dumps(str(m / name))}, "");\n'

    def esm_trap(name: str) -> str:  # ESM/TypeScript top-level code
        return f'import {{ writeFileSync }} from "node:fs";\nwriteFileSync({json.dumps(str(m / name))}, "");\n'

    def py_trap(name: str) -> str:
        return f"open({str(m / ('py-' + name))!r}, 'w').close()\n"

    def sh_trap(name: str) -> str:
        return f"#!/bin/sh\n: > '{m}/{name}'\n"

    def script(name: str) -> str:
        return f"node -e \"require('fs').writeFileSync('{m}/npm-{name}', '')\""

    package = {
        "name": "trap",
        "dependencies": {"next-auth": "5.0.0", "@prisma/client": "^5.22.0"},
        "scripts": {s: script(s) for s in ("preinstall", "postinstall", "prepare", "precommit")},
        "bin": {"trap": "bin/trap.js"},
    }
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(package, indent=2) + "\n",
        "bin/trap.js": node_trap("bin"),
        "next.config.js": node_trap("next.config.js"),
        "next.config.mjs": esm_trap("next.config.mjs"),
        "postcss.config.js": node_trap("postcss.config.js"),
        "guardfix.config.js": node_trap("guardfix.config.js"),
        "middleware.ts": esm_trap("middleware.ts"),
        ".husky/pre-commit": sh_trap("husky"),
        # A `git` that is not git, where a careless PATH lookup might find it.
        "git": sh_trap("git-in-project"),
        "node_modules/.bin/git": sh_trap("git-in-node-modules"),
        "auth.ts": esm_trap("auth.ts") + GUARD,
        "tsconfig.json": json.dumps(
            {
                "compilerOptions": {
                    "paths": {"@/*": ["./*"], "@out/*": ["../outside/*"], "@abs/*": [f"{out}/*"]}
                }
            }
        ),
        "app/ext/tsconfig.json": json.dumps(
            {"extends": ["../../../outside/tsconfig.base.json", f"{out}/tsconfig.base.json"]}
        ),
        "app/ext/x.ts": guarded_by("@x/auth"),
        "app/actions/rel.ts": guarded_by("../../../outside/auth"),
        "app/actions/abs.ts": guarded_by(f"{out}/auth"),
        "app/actions/alias.ts": guarded_by("@out/auth"),
        "app/actions/absalias.ts": guarded_by("@abs/auth"),
        "app/actions/dirlink.ts": guarded_by("@/lib-out/auth"),
        "app/actions/filelink.ts": guarded_by("@/lib/guard"),
        # The same helper inside the project: this one is guarded.
        "app/actions/control.ts": guarded_by("@/lib/real"),
        "lib/real.ts": GUARD,
        # Top-level code that would leave a marker if anything ran it with node.
        "app/posts.ts": (
            '"use server";\n'
            'import { writeFileSync } from "node:fs";\n'
            'import { auth } from "@/auth";\n'
            f'writeFileSync({json.dumps(str(m / "posts.ts"))}, "");\n\n'
            "export async function deletePost(formData: FormData) {\n"
            '  const id = String(formData.get("id"));\n'
            "  await prisma.post.delete({ where: { id } });\n"
            "}\n"
        ),
        "guardfix.toml": (
            f'include = ["app/**", "lib/**", "auth.ts", "../outside/**", "{out}/**"]\n'
            f'exclude = ["../outside/**", "{out}/**", "lib-out/../../outside/**"]\n'
        ),
    }
    # Modules that shadow guardfix's imports, at the root and in a subfolder: a marker
    # if the project folder or the working directory ever lands on sys.path.
    for module in (
        "typer",
        "click",
        "tree_sitter",
        "tree_sitter_typescript",
        "unidiff",
        "pyjson5",
        "pathspec",
        "tomllib",
        "guardfix_codemods",
        "sitecustomize",
        "usercustomize",
        "conftest",
    ):
        files[f"{module}.py"] = py_trap(module)
        files[f"app/{module}.py"] = py_trap(f"app-{module}")
    return files


def symlinks(repo: Path) -> None:
    (repo / "lib-out").symlink_to("../outside", target_is_directory=True)
    (repo / "prisma").symlink_to("../outside", target_is_directory=True)
    (repo / "lib/guard.ts").symlink_to("../../outside/auth.ts")
    (repo / "schema.prisma").symlink_to("../outside/schema.prisma")
    # A source file that is a link to an action outside: `boom` must never be reported.
    (repo / "app/actions/linked.ts").symlink_to("../../../outside/x.ts")


def arm_traps(layout: Layout) -> None:
    """Hooks and drivers that run a program; armed after the test's own git commands."""
    repo, m = layout.repo, layout.markers
    for path in ("git", "node_modules/.bin/git", "bin/trap.js", ".husky/pre-commit"):
        (repo / path).chmod(0o755)
    driver = layout.tmp / "trap.sh"
    driver.write_text(f"#!/bin/sh\n: > '{m}/git-driver'\ncat\n")
    driver.chmod(0o755)
    hooks = repo / ".git/hooks"
    for hook in (
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "post-commit",
        "pre-auto-gc",
        "fsmonitor-watchman",
    ):
        (hooks / hook).write_text(f"#!/bin/sh\n: > '{m}/hook-{hook}'\n")
        (hooks / hook).chmod(0o755)
    attributes = "* diff=trap filter=trap merge=trap\n*.ts diff=trap filter=trap\n"
    (repo / ".gitattributes").write_text(attributes)
    (repo / ".git/info").mkdir(exist_ok=True)
    (repo / ".git/info/attributes").write_text(attributes)
    # Diff drivers, filters and pagers in the repository's own config.
    with (repo / ".git/config").open("a") as config:
        config.write(
            f'[diff "trap"]\n\ttextconv = {driver}\n\tcommand = {driver}\n'
            f"[diff]\n\texternal = {driver}\n"
            f'[filter "trap"]\n\tclean = {driver}\n\tsmudge = {driver}\n'
            f'[merge "trap"]\n\tdriver = {driver}\n'
            f"[core]\n\tpager = {driver}\n\teditor = {driver}\n"
            f"[pager]\n\tdiff = {driver}\n"
        )


def new_layout(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path, tmp_path / "repo", tmp_path / "outside", tmp_path / "markers")
    layout.markers.mkdir()
    write_tree(layout.outside, outside_files())
    return layout


def init_repo(repo: Path) -> None:
    repo.mkdir(exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "Dev")
    git(repo, "config", "commit.gpgsign", "false")


def trapped_repo(tmp_path: Path, mode: str) -> Layout:
    """The booby-trapped project, committed, staged or on a branch as `mode` needs."""
    layout = new_layout(tmp_path)
    repo = layout.repo
    init_repo(repo)
    if mode == "diff-base":
        write_tree(repo, {"README.md": "app\n"})
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "start")
        git(repo, "checkout", "-q", "-b", "feature")
    write_tree(repo, repo_files(layout))
    symlinks(repo)
    git(repo, "add", "-A")
    if mode != "staged":
        git(repo, "commit", "-q", "-m", "the app")
    arm_traps(layout)
    return layout


# -- running and judging -------------------------------------------------------------


def run_guardfix(layout: Layout, *argv: str) -> Run:
    """`guardfix ARGV` in a fresh interpreter, under the audit hook; git traced to a file."""
    work = layout.tmp / "driver"
    work.mkdir(exist_ok=True)
    driver = work / "driver.py"
    driver.write_text(DRIVER)
    n = len(list(work.glob("log-*.json")))
    log, trace = work / f"log-{n}.json", work / f"git-trace-{n}.txt"
    # The hook's own environment, minus anything pre-commit's GIT_* would point elsewhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TRACE=str(trace), PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, str(driver), str(log), json.dumps(list(argv))],
        cwd=layout.repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert log.exists(), proc.stderr
    data = json.loads(log.read_text())
    lines = trace.read_text().splitlines() if trace.exists() else []
    return Run(
        proc.returncode,
        proc.stdout,
        proc.stderr,
        data["events"],
        data["modules"],
        lines,
        layout.repo,
    )


def real(path: str | Path, cwd: Path) -> str:
    return os.path.realpath(os.path.join(cwd, path))


def under(path: str, folder: Path) -> bool:
    base = os.path.realpath(folder)
    return path == base or path.startswith(base + os.sep)


def opened_outside(run: Run, layout: Layout) -> list[str]:
    """Every path under outside/ (symlinks resolved) that was opened, in any mode."""
    return [
        e["path"]
        for e in run.events
        if e["kind"] == "open" and under(real(e["path"], run.cwd), layout.outside)
    ]


def writes(run: Run, layout: Layout) -> list[str]:
    """Resolved paths of every file opened for writing, renamed, removed or chmod-ed."""
    found: list[str] = []
    for e in run.events:
        if e["kind"] == "open":
            mode = e["mode"] or ""
            if (e["flags"] or 0) & WRITE_FLAGS or any(c in mode for c in "wax+"):
                found.append(real(e["path"], run.cwd))
        elif e["kind"] == "fs":
            found.extend(real(p, run.cwd) for p in e["paths"])
    return [p for p in found if p != os.devnull]


def markers(layout: Layout) -> list[str]:
    return sorted(p.name for p in layout.markers.iterdir())


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` by its hash: what must stay byte-identical."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_ran_nothing(run: Run, layout: Layout) -> None:
    """Only git, with guardfix's own arguments; git ran nothing; no project code loaded."""
    assert markers(layout) == [], "something ran a file of the project"
    # The hook saw the run (else every "nothing" below would hold vacuously).
    assert {"name": "guardfix.cli", "kind": "import"} in run.events
    assert any(
        e["kind"] == "open" and under(real(e["path"], run.cwd), layout.repo) for e in run.events
    )
    assert any(e["kind"] == "spawn" for e in run.events)
    for e in (e for e in run.events if e["kind"] == "spawn"):
        argv = e["argv"]
        assert argv[:5] == GIT, argv
        assert argv[5] in ALLOWED_GIT, argv
        # No other -c (a hook path...), nor any option that runs a driver.
        assert "-c" not in argv[5:], argv
        assert not {"--ext-diff", "--textconv", "--filters"} & set(argv), argv
        if argv[5] == "diff":
            assert {"--no-ext-diff", "--no-textconv"} <= set(argv), argv
        if argv[5] == "grep":
            assert "--no-textconv" in argv, argv
    # git's own trace: a hook, pager, textconv or filter it started would show here.
    assert [line for line in run.git_trace if "run_command" in line] == []
    loaded = [e["path"] for e in run.events if e["kind"] == "code"] + run.modules
    loaded = [p for p in loaded if p and not p.startswith("<")]  # not `<string>`, `<frozen os>`
    project = [
        p for p in loaded if any(under(real(p, run.cwd), d) for d in (layout.repo, layout.outside))
    ]
    assert project == []


def gf001_actions(run: Run) -> set[tuple[str, str | None]]:
    return {(f["path"], f["action"]) for f in run.json()["findings"] if f["rule"] == "GF001"}


# What the project's findings are when nothing outside is read: every action whose
# guard lives outside is unguarded; the one whose guard is inside is not.
UNGUARDED = {
    ("app/actions/rel.ts", "deletePost"),
    ("app/actions/abs.ts", "deletePost"),
    ("app/actions/alias.ts", "deletePost"),
    ("app/actions/absalias.ts", "deletePost"),
    ("app/actions/dirlink.ts", "deletePost"),
    ("app/actions/filelink.ts", "deletePost"),
    ("app/ext/x.ts", "deletePost"),
    ("app/posts.ts", "deletePost"),
}


# -- tests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "argv"),
    [
        ("committed", ["--all"]),
        ("committed", ["app", "lib", "lib-out", "auth.ts", "app/actions/linked.ts"]),
        ("staged", []),
        ("staged", ["--staged", "app/posts.ts", "lib/guard.ts", "lib-out/x.ts"]),
        ("diff-base", ["--diff-base", "main"]),
    ],
    ids=["all", "explicit-paths", "staged", "pre-commit-files", "diff-base"],
)
def test_nothing_runs_and_nothing_outside_is_read_or_written(
    tmp_path: Path, mode: str, argv: list[str]
) -> None:
    """Every way of choosing files, with --apply: only git runs, nothing of the project is
    imported or executed, nothing outside is opened or written, and the findings are those
    of the project without the outside files."""
    layout = trapped_repo(tmp_path, mode)
    before = snapshot(layout.outside)
    run = run_guardfix(layout, "--format", "json", "--apply", *argv)
    assert run.code == 1, run.err
    assert_ran_nothing(run, layout)
    assert opened_outside(run, layout) == []
    assert [p for p in writes(run, layout) if not under(p, layout.repo)] == []
    assert snapshot(layout.outside) == before
    found = run.json()["findings"]
    if argv[:1] == ["--staged"]:
        # Only posts.ts is a checked source there; the links name nothing readable.
        assert gf001_actions(run) == {("app/posts.ts", "deletePost")}
    else:
        assert gf001_actions(run) == UNGUARDED
    assert all(f["action"] != "boom" for f in found)  # the action behind the link
    # Without the schema behind the links, the owner of a Post is unknown.
    gf002 = [f for f in found if f["rule"] == "GF002" and f["path"] == "app/posts.ts"]
    assert [f["fix"] for f in gf002] == [None]
    # --apply did write, inside: the guard the project's guarded action uses.
    assert "const user = await guard();" in (layout.repo / "app/posts.ts").read_text()


def test_outside_files_would_change_the_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: with the linked files copied inside, the same project is guarded and
    the owner is known. So the findings above are what they are because nothing was read."""
    layout = new_layout(tmp_path)
    write_tree(layout.repo, repo_files(layout))
    shutil.copytree(layout.outside, layout.repo / "lib-out")
    shutil.copytree(layout.outside, layout.repo / "prisma")
    shutil.copy(layout.outside / "auth.ts", layout.repo / "lib/guard.ts")
    monkeypatch.chdir(layout.repo)
    assert main(["--format", "json", "app", "lib", "auth.ts"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {(f["path"], f["action"]) for f in report["findings"] if f["rule"] == "GF001"} == (
        UNGUARDED
        - {("app/actions/dirlink.ts", "deletePost"), ("app/actions/filelink.ts", "deletePost")}
    )
    gf002 = [f for f in report["findings"] if f["rule"] == "GF002" and f["path"] == "app/posts.ts"]
    assert "authorId" in json.dumps(gf002[0]["fix"])


def test_the_traps_are_live(tmp_path: Path) -> None:
    """Each kind of trap leaves its marker when something does run it, so a clean run
    above means nothing ran them."""
    layout = trapped_repo(tmp_path, "committed")
    repo, env = layout.repo, {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # `python -c` puts the working directory on sys.path: the shadow modules load.
    subprocess.run(
        [sys.executable, "-c", "import typer"], cwd=repo, env=env, timeout=60, check=True
    )
    # Git commands that do run hooks and diff drivers: they fire.
    (repo / "app/posts.ts").write_text("// changed\n")
    hooks = f"core.hooksPath={repo / '.git/hooks'}"  # whatever the global config says
    for command in (["git", "diff"], ["git", "-c", hooks, "commit", "-qam", "x"]):
        subprocess.run(command, cwd=repo, env=env, capture_output=True, timeout=60, check=False)
    found = markers(layout)
    assert {"py-typer", "git-driver", "hook-pre-commit"} <= set(found), found
    if shutil.which("node"):
        subprocess.run(["node", "next.config.js"], cwd=repo, env=env, timeout=60, check=True)
        assert "next.config.js" in markers(layout)


def test_console_script_does_not_import_from_the_working_directory(tmp_path: Path) -> None:
    """The installed `guardfix` command, run from a project folder that holds modules named
    like guardfix's dependencies (the driver above runs from a folder of its own)."""
    script = Path(sys.executable).parent / "guardfix"
    if not script.exists():
        pytest.skip("the guardfix console script is not installed next to this Python")
    layout = trapped_repo(tmp_path, "committed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(
        [str(script), "--all", "--format", "json"],
        cwd=layout.repo / "app",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert markers(layout) == []


def test_paths_outside_the_repository_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pre-commit style file lists and explicit paths that leave the repository: one line
    on stderr, exit 2, nothing checked."""
    layout = trapped_repo(tmp_path, "committed")
    root = os.path.realpath(layout.repo)
    outside_x = f"{layout.abs_outside}/x.ts"
    monkeypatch.chdir(layout.repo)
    for argv in (
        ["--staged", "../outside/x.ts"],
        ["--staged", outside_x],
        ["--staged", "app/posts.ts", "app/../../outside/x.ts"],
        ["app/posts.ts", "../outside/x.ts"],
        ["app/posts.ts", outside_x],
    ):
        assert main([*argv, "--apply"]) == 2, argv
        bad = next(a for a in argv if "outside" in a)
        assert capsys.readouterr() == (
            "",
            f"guardfix: error: {bad}: outside the repository at {root}\n",
        )
    # And under the audit hook: refused before anything was opened or written.
    run = run_guardfix(layout, "--apply", "app/posts.ts", "../outside/x.ts")
    assert run.code == 2
    assert opened_outside(run, layout) == []
    assert writes(run, layout) == []
    assert markers(layout) == []
    assert (layout.repo / "app/posts.ts").read_text() == repo_files(layout)["app/posts.ts"]


def test_readers_never_leave_the_root(tmp_path: Path) -> None:
    """The readers every stage goes through (working tree, index, a commit), asked for the
    paths the project names: each is refused, and a symlink in git is its link text."""
    layout = trapped_repo(tmp_path, "committed")
    root = Path(os.path.realpath(layout.repo))
    leaving = [
        "../outside/auth.ts",
        f"{layout.abs_outside}/auth.ts",
        "app/../../outside/auth.ts",
        "lib-out/auth.ts",
    ]
    disk = DiskReader(root)
    for path in [*leaving, "lib/guard.ts", "schema.prisma", "prisma/schema.prisma"]:
        assert disk.read(path) is None, path
        assert not disk.exists(path), path
    for reader in (BlobReader(root), BlobReader(root, "HEAD")):
        for path in leaving:
            assert reader.read(path) is None, path
            assert not reader.exists(path), path
        assert reader.read("lib/guard.ts") == b"../../outside/auth.ts"
        assert reader.read("schema.prisma") == b"../outside/schema.prisma"
    resolver = ModuleResolver(disk, [])
    for specifier in (
        "../../../outside/auth",
        f"{layout.abs_outside}/auth",
        "@out/auth",
        "@abs/auth",
    ):
        assert resolver.resolve("app/actions/a.ts", specifier) is None, specifier
    assert resolver.aliases_for("app/ext") is None  # its `extends` both leave the root
    assert resolver.resolve("app/actions/a.ts", "@/lib/real") == "lib/real.ts"


def test_git_worktree_config_naming_outside(tmp_path: Path) -> None:
    """The repository's own .git/config says the work tree is ../outside: guardfix stops
    instead of taking outside/ for the project."""
    layout = trapped_repo(tmp_path, "committed")
    git(layout.repo, "config", "core.worktree", "../../outside")
    before = snapshot(layout.outside)
    run = run_guardfix(layout, "--all", "--apply")
    assert run.code == 2, run.out
    assert run.err.startswith("guardfix: error: ") and run.err.count("\n") == 1
    assert opened_outside(run, layout) == []
    assert snapshot(layout.outside) == before


# -- containment bugs found by this file: each test says what should happen -------------


def test_outside_path_first_is_refused_too(tmp_path: Path) -> None:
    layout = trapped_repo(tmp_path, "committed")
    run = run_guardfix(layout, "--format", "json", "../outside/x.ts", "app/actions/rel.ts")
    assert opened_outside(run, layout) == []
    assert run.code == 2


def test_all_on_a_symlinked_folder_stays_inside(tmp_path: Path) -> None:
    layout = trapped_repo(tmp_path, "committed")
    before = snapshot(layout.outside)
    run = run_guardfix(layout, "--format", "json", "--apply", "--all", "lib-out")
    assert snapshot(layout.outside) == before
    assert opened_outside(run, layout) == []


def test_apply_never_writes_through_a_symlinked_folder(tmp_path: Path) -> None:
    layout = new_layout(tmp_path)
    repo = layout.repo
    init_repo(repo)
    action = (
        '"use server";\nimport { auth } from "@/auth";\n\n'
        "export async function deletePost(id: string) {\n"
        "  await prisma.post.delete({ where: { id } });\n}\n"
    )
    write_tree(
        repo,
        {
            "package.json": '{ "dependencies": { "next-auth": "5.0.0" } }\n',
            "auth.ts": GUARD,
            "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n',
            "sub/x.ts": action,
        },
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    write_tree(repo, {"sub/x.ts": action.replace("{ id }", "{ id: id }")})  # touch the action
    git(repo, "add", "-A")
    # The folder moves out and a link takes its place; git still has sub/x.ts.
    shutil.move(repo / "sub", layout.outside / "sub")
    (repo / "sub").symlink_to("../outside/sub", target_is_directory=True)
    before = snapshot(layout.outside)
    run = run_guardfix(layout, "--apply")  # the guardfix-fix pre-commit hook, as it runs
    assert [p for p in writes(run, layout) if not under(p, layout.repo)] == []
    assert snapshot(layout.outside) == before


def test_config_symlinked_outside_is_not_read(tmp_path: Path) -> None:
    layout = new_layout(tmp_path)
    init_repo(layout.repo)
    write_tree(layout.repo, {"app/posts.ts": OUTSIDE_ACTION})
    # Excludes everything: read, it silences the finding.
    write_tree(layout.outside, {"shared.toml": 'exclude = ["**"]\n'})
    (layout.repo / "guardfix.toml").symlink_to("../outside/shared.toml")
    git(layout.repo, "add", "-A")
    run = run_guardfix(layout, "--format", "json", "--all")
    assert opened_outside(run, layout) == []
    assert run.code != 0  # the action is unguarded; outside's `exclude = ["**"]` hid it


def test_repo_fsmonitor_hook_is_not_run(tmp_path: Path) -> None:
    # core.fsmonitor names a program git runs on ls-files, diff and cat-file; guardfix
    # turns it off. (A partial clone's promisor remote is left to fetch what is missing:
    # that is the user's own setting, and `git diff` needs the blobs.)
    layout = new_layout(tmp_path)
    repo = layout.repo
    init_repo(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    write_tree(repo, {"app/posts.ts": OUTSIDE_ACTION})
    git(repo, "add", "-A")
    program = layout.tmp / "program.sh"
    program.write_text(f"#!/bin/sh\n: > '{layout.markers}/fsmonitor'\nexit 1\n")
    program.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(program))
    run = run_guardfix(layout)
    assert markers(layout) == []
    assert [line for line in run.git_trace if "run_command" in line] == []


def test_diff_base_is_never_a_git_option(tmp_path: Path) -> None:
    layout = new_layout(tmp_path)
    init_repo(layout.repo)
    git(layout.repo, "commit", "-q", "--allow-empty", "-m", "start")
    git(layout.repo, "checkout", "-q", "-b", "feature")
    write_tree(layout.repo, {"app/posts.ts": OUTSIDE_ACTION})
    git(layout.repo, "add", "-A")
    git(layout.repo, "commit", "-q", "-m", "an action")
    before = snapshot(layout.outside)
    run = run_guardfix(layout, f"--diff-base=--output={layout.abs_outside}/diff.txt")
    assert snapshot(layout.outside) == before
    assert run.code == 2
