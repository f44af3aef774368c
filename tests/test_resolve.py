"""Module resolution: relative imports, tsconfig/jsconfig `paths`, `extends`, workspace
packages of a monorepo, never outside."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from guardfix.facts.resolve import ModuleResolver
from guardfix.git import BlobReader, DiskReader
from tests.conftest import git, write_tree

FILES = {
    "lib/session.ts": "",
    "lib/db/index.ts": "",
    "lib/esm.ts": "",
    "src/guard.tsx": "",
    "packages/auth/server.ts": "",
    "apps/web/src/lib/guard.ts": "",
    "node_modules/@acme/tsconfig/next.json": '{ "compilerOptions": { "paths": { "~/*": ["./src/*"] } } }',
}


@pytest.mark.parametrize(
    ("tsconfig", "importer", "specifier", "expected"),
    [
        pytest.param(None, "app/actions.ts", "../lib/session", "lib/session.ts", id="relative"),
        pytest.param(None, "app/actions.ts", "../lib/db", "lib/db/index.ts", id="index-file"),
        pytest.param(None, "app/actions.ts", "../lib/esm.js", "lib/esm.ts", id="esm-js-names-ts"),
        pytest.param(None, "app/actions.ts", "../../outside", None, id="never-outside-the-root"),
        pytest.param(None, "app/actions.ts", "next/headers", None, id="package"),
        pytest.param(None, "app/actions.ts", "@/lib/session", None, id="alias-without-tsconfig"),
        pytest.param(
            '{ // JSONC\n "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./*"], }, }, }',
            "app/actions.ts",
            "@/lib/session",
            "lib/session.ts",
            id="alias-jsonc",
        ),
        pytest.param(
            '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
            "app/actions.ts",
            "@/guard",
            "src/guard.tsx",
            id="alias-without-baseUrl",
        ),
        pytest.param(
            '{ "compilerOptions": { "baseUrl": "src", "paths": { "#/*": ["*"] } } }',
            "app/actions.ts",
            "#/guard",
            "src/guard.tsx",
            id="alias-relative-to-baseUrl",
        ),
        pytest.param(
            '{ "compilerOptions": { "paths": { "@repo/auth/*": ["./packages/auth/*"] } } }',
            "app/actions.ts",
            "@repo/auth/server",
            "packages/auth/server.ts",
            id="workspace-alias",
        ),
        pytest.param(
            '{ "compilerOptions": { "paths": { "@/*": ["/etc/*"] } } }',
            "app/actions.ts",
            "@/passwd",
            None,
            id="absolute-target-refused",
        ),
    ],
)
def test_resolution(
    tmp_path: Path, tsconfig: str | None, importer: str, specifier: str, expected: str | None
) -> None:
    files = dict(FILES)
    if tsconfig is not None:
        files["tsconfig.json"] = tsconfig
    write_tree(tmp_path, files)
    assert ModuleResolver(DiskReader(tmp_path), []).resolve(importer, specifier) == expected


@pytest.mark.parametrize(
    "extends",
    ['"./base.json"', '"./base"', '["./other.json", "./base.json"]'],
)
def test_extends_relative(tmp_path: Path, extends: str) -> None:
    write_tree(
        tmp_path,
        {
            **FILES,
            "base.json": '{ "compilerOptions": { "paths": { "@/*": ["./lib/*"] } } }',
            "other.json": "{}",
            "tsconfig.json": f'{{ "extends": {extends} }}',
        },
    )
    resolver = ModuleResolver(DiskReader(tmp_path), [])
    assert resolver.resolve("app/actions.ts", "@/session") == "lib/session.ts"


def test_jsconfig_for_javascript_projects(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {**FILES, "jsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }'},
    )
    assert ModuleResolver(DiskReader(tmp_path), []).resolve("app/a.js", "@/lib/session") == (
        "lib/session.ts"
    )


def test_extends_a_package_in_node_modules(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {**FILES, "apps/web/tsconfig.json": '{ "extends": "@acme/tsconfig/next.json" }'}
    )
    resolver = ModuleResolver(DiskReader(tmp_path), [])
    # `paths` are relative to the file that defines them: node_modules/@acme/tsconfig/src/*
    assert resolver.resolve("apps/web/src/app/actions.ts", "~/lib/guard") is None
    write_tree(tmp_path, {"node_modules/@acme/tsconfig/src/lib/guard.ts": ""})
    resolver = ModuleResolver(DiskReader(tmp_path), [])
    assert resolver.resolve("apps/web/src/app/actions.ts", "~/lib/guard") == (
        "node_modules/@acme/tsconfig/src/lib/guard.ts"
    )


def test_nearest_config_wins(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            **FILES,
            "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./lib/*"] } } }',
            "apps/web/tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
        },
    )
    resolver = ModuleResolver(DiskReader(tmp_path), [])
    assert resolver.resolve("apps/web/src/app/a.ts", "@/lib/guard") == "apps/web/src/lib/guard.ts"
    assert resolver.resolve("app/a.ts", "@/session") == "lib/session.ts"


def test_broken_tsconfig_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    write_tree(tmp_path, {**FILES, "tsconfig.json": '{ "compilerOptions": { "paths": '})
    notices: list[str] = []
    assert ModuleResolver(DiskReader(tmp_path), notices).resolve("app/a.ts", "@/x") is None
    assert len(notices) == 1
    assert notices[0].startswith("tsconfig.json: cannot read it (")
    assert notices[0].endswith("import aliases from it are ignored")


def test_symlink_out_of_the_project_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.ts": "export const x = 1;"})
    project = tmp_path / "project"
    write_tree(project, {"app/a.ts": ""})
    (project / "lib").symlink_to(outside, target_is_directory=True)
    reader = DiskReader(project)
    assert reader.read("lib/secret.ts") is None
    assert not reader.exists("lib/secret.ts")
    assert ModuleResolver(reader, []).resolve("app/a.ts", "../lib/secret") is None


# -- workspace packages of a monorepo ----------------------------------------------------


def manifest(name: str, **fields: object) -> str:
    return json.dumps({"name": name, **fields})


CORE = {
    "packages/core/package.json": manifest("@acme/core"),
    "packages/core/auth/server.ts": "",
    "packages/core/index.ts": "",
}
APP = "apps/web/app/actions.ts"


@pytest.mark.parametrize(
    ("files", "importer", "specifier", "expected"),
    [
        pytest.param(
            {"package.json": '{ "workspaces": ["packages/*", "apps/*"] }', **CORE},
            APP,
            "@acme/core/auth/server",
            "packages/core/auth/server.ts",
            id="npm-workspaces-array",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": { "packages": ["packages/*"] } }', **CORE},
            APP,
            "@acme/core/auth/server",
            "packages/core/auth/server.ts",
            id="yarn-workspaces-object",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": ["packages/*"] }', **CORE},
            APP,
            "@acme/core",
            "packages/core/index.ts",
            id="bare-package-index",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": { "packages": ["apps/*"] } }', **CORE},
            APP,
            "@acme/core",
            None,
            id="yarn-workspaces-object-leave-it-out",
        ),
        pytest.param(
            {
                "pnpm-workspace.yaml": (
                    "# the apps and packages\npackages:\n  - 'apps/*'\n"
                    '  - "packages/*"  # libraries\n  - tooling/*\n\ncatalog:\n  zod: 3.0.0\n'
                ),
                **CORE,
            },
            APP,
            "@acme/core/auth/server",
            "packages/core/auth/server.ts",
            id="pnpm-workspace-yaml",
        ),
        pytest.param(
            {"pnpm-workspace.yaml": "packages: ['apps/*', \"packages/*\"]\n", **CORE},
            APP,
            "@acme/core/auth/server",
            "packages/core/auth/server.ts",
            id="pnpm-flow-list",
        ),
        pytest.param(
            {"pnpm-workspace.yaml": "catalog:\n  - 'packages/*'\n", **CORE},
            APP,
            "@acme/core/auth/server",
            None,
            id="pnpm-other-key-is-not-packages",
        ),
        pytest.param(
            {
                "pnpm-workspace.yaml": (
                    "packages:\n  - apps/*\nonlyBuiltDependencies:\n  - packages/*\n"
                ),
                **CORE,
            },
            APP,
            "@acme/core",
            None,
            id="pnpm-list-ends-at-the-next-key",
        ),
        pytest.param(
            {"pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - '!packages/core'\n", **CORE},
            APP,
            "@acme/core/auth/server",
            None,
            id="excluded-by-bang-glob",
        ),
        pytest.param(
            {
                "package.json": '{ "workspaces": ["packages/**"] }',
                "packages/shared/core/package.json": manifest("@acme/core"),
                "packages/shared/core/auth/server.ts": "",
            },
            APP,
            "@acme/core/auth/server",
            "packages/shared/core/auth/server.ts",
            id="double-star-glob",
        ),
        pytest.param(
            {
                "package.json": '{ "workspaces": ["./libs/kernel-*/"] }',
                "libs/kernel-main/package.json": manifest("@acme/core"),
                "libs/kernel-main/auth/server.ts": "",
            },
            APP,
            "@acme/core/auth/server",
            "libs/kernel-main/auth/server.ts",
            id="folder-named-otherwise",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": ["apps/*"] }', **CORE},
            APP,
            "@acme/core/auth/server",
            None,
            id="declared-workspaces-leave-it-out",
        ),
        pytest.param(
            {"package.json": manifest("acme-monorepo"), "nx.json": "{}", **CORE},
            APP,
            "@acme/core/auth/server",
            "packages/core/auth/server.ts",
            id="no-workspaces-name-only",
        ),
        pytest.param(
            {
                "web/pnpm-workspace.yaml": "packages:\n  - internal/*\n",
                "web/internal/core/package.json": manifest("@acme/core"),
                "web/internal/core/auth/server.ts": "",
            },
            "web/apps/dashboard/app/actions.ts",
            "@acme/core/auth/server",
            "web/internal/core/auth/server.ts",
            id="workspace-root-in-a-subfolder",
        ),
        pytest.param(
            {
                "package.json": '{ "workspaces": ["packages/*"] }',
                "packages/broken/package.json": '{ "name": "@acme/broken", ',
                "packages/listed/package.json": '["not", "an", "object"]',
                **CORE,
            },
            APP,
            "@acme/core/auth/server",
            "packages/core/auth/server.ts",
            id="broken-neighbours",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": ["packages/*"] }', **CORE},
            APP,
            "@acme/other/auth/server",
            None,
            id="not-a-workspace-package",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": ["packages/*"] }', **CORE},
            APP,
            "next/headers",
            None,
            id="a-real-package",
        ),
        pytest.param(
            {"package.json": '{ "workspaces": ["../*"] }', **CORE},
            APP,
            "@acme/core",
            None,
            id="glob-outside-the-root-ignored",
        ),
        pytest.param(
            {
                "package.json": '{ "workspaces": ["packages/*"] }',
                "tsconfig.json": '{ "compilerOptions": { "paths": { "@acme/core/*": ["./lib/*"] } } }',
                "lib/auth/server.ts": "",
                **CORE,
            },
            APP,
            "@acme/core/auth/server",
            "lib/auth/server.ts",
            id="tsconfig-paths-first",
        ),
    ],
)
def test_workspace_packages(
    tmp_path: Path, files: dict[str, str], importer: str, specifier: str, expected: str | None
) -> None:
    write_tree(tmp_path, files)
    notices: list[str] = []
    assert ModuleResolver(DiskReader(tmp_path), notices).resolve(importer, specifier) == expected
    assert notices == []  # a broken package.json is said where its dependencies are read


@pytest.mark.parametrize(
    ("fields", "files", "specifier", "expected"),
    [
        pytest.param(
            {"exports": "./src/index.ts"}, ["src/index.ts"], "", "src/index.ts", id="exports-string"
        ),
        pytest.param(
            {"exports": {".": "./src/index.ts", "./auth/server": "./src/auth/server.ts"}},
            ["src/index.ts", "src/auth/server.ts"],
            "/auth/server",
            "src/auth/server.ts",
            id="exports-subpath",
        ),
        pytest.param(
            {"exports": {".": "./src/index.ts"}},
            ["src/index.ts", "auth/server.ts"],
            "/auth/server",
            None,
            id="exports-leave-the-subpath-out",
        ),
        pytest.param(
            {"exports": {"./*": "./src/*.ts"}},
            ["src/auth/server.ts"],
            "/auth/server",
            "src/auth/server.ts",
            id="exports-wildcard",
        ),
        pytest.param(
            {"exports": {"./*": "./src/*.ts", "./auth/*": "./src/session/*.ts"}},
            ["src/auth/server.ts", "src/session/server.ts"],
            "/auth/server",
            "src/session/server.ts",
            id="exports-longest-wildcard-wins",
        ),
        pytest.param(
            {"exports": {"./components/*": ["./src/components/*.tsx", "./src/components/*.ts"]}},
            ["src/components/guard.ts"],
            "/components/guard",
            "src/components/guard.ts",
            id="exports-array-fallbacks",
        ),
        pytest.param(
            {"exports": {"./legacy/": "./src/legacy/"}},
            ["src/legacy/guard.ts"],
            "/legacy/guard.ts",
            "src/legacy/guard.ts",
            id="exports-folder-key",
        ),
        pytest.param(
            {"exports": {".": {"import": "./src/esm.ts", "types": "./src/index.ts"}}},
            ["src/index.ts", "src/esm.ts"],
            "",
            "src/index.ts",
            id="conditions-types-first",
        ),
        pytest.param(
            {"exports": {"import": "./src/esm.ts", "require": "./src/cjs.ts"}},
            ["src/esm.ts", "src/cjs.ts"],
            "",
            "src/esm.ts",
            id="conditions-at-the-top",
        ),
        pytest.param(
            {"exports": {"./server": {"node": {"import": {"default": "./src/server.ts"}}}}},
            ["src/server.ts"],
            "/server",
            "src/server.ts",
            id="conditions-nested",
        ),
        pytest.param(
            {"exports": {"./server": {"types": None, "default": "./src/server.ts"}}},
            ["src/server.ts"],
            "/server",
            "src/server.ts",
            id="condition-null-skipped",
        ),
        pytest.param(
            {"main": "./lib/main.ts"}, ["lib/main.ts", "index.ts"], "", "lib/main.ts", id="main"
        ),
        pytest.param({"module": "./esm.ts"}, ["esm.ts", "index.ts"], "", "esm.ts", id="module"),
        pytest.param({}, ["index.ts"], "", "index.ts", id="no-entry-index"),
        pytest.param(
            {}, ["auth/server.ts"], "/auth/server", "auth/server.ts", id="path-under-package"
        ),
        pytest.param(
            {},
            ["auth/server/index.ts"],
            "/auth/server",
            "auth/server/index.ts",
            id="folder-under-package",
        ),
        pytest.param(
            {"main": "./src/index.ts"},
            ["src/index.ts", "src/auth/server.ts"],
            "/auth/server",
            "src/auth/server.ts",
            id="path-under-src-when-main-is-there",
        ),
        pytest.param(
            {"main": "./index.ts"},
            ["index.ts", "src/auth/server.ts"],
            "/auth/server",
            None,
            id="no-src-guess-otherwise",
        ),
        pytest.param(
            {
                "exports": {
                    "./server": {"types": "./dist/server.d.ts", "import": "./dist/server.js"}
                }
            },
            ["src/server.ts"],
            "/server",
            "src/server.ts",
            id="dist-mapped-to-src",
        ),
        pytest.param(
            {"main": "./dist/esm/index.mjs"},
            ["index.tsx"],
            "",
            "index.tsx",
            id="dist-mapped-to-package-root",
        ),
        pytest.param(
            {"types": "./dist/index.d.ts", "main": "./dist/index.js"},
            ["dist/index.js", "dist/index.d.ts", "src/index.ts"],
            "",
            "src/index.ts",
            id="source-over-committed-build",
        ),
        pytest.param(
            {"main": "./dist/index.js"},
            ["dist/index.js"],
            "",
            "packages/core/dist/index.js",
            id="build-only",
        ),
        pytest.param(
            {"exports": {"types": "./types/index.d.ts", "default": "./lib/index.mjs"}},
            ["types/index.d.ts", "lib/index.mjs"],
            "",
            "lib/index.mjs",
            id="source-under-a-later-condition",
        ),
        pytest.param(
            {"types": "./index.d.ts"},
            ["index.d.ts", "index.ts"],
            "",
            "index.ts",
            id="declaration-beside-source",
        ),
    ],
)
def test_package_entries(
    tmp_path: Path,
    fields: dict[str, object],
    files: list[str],
    specifier: str,
    expected: str | None,
) -> None:
    write_tree(
        tmp_path,
        {
            "package.json": '{ "workspaces": ["packages/*"] }',
            "packages/core/package.json": manifest("@acme/core", **fields),
            **{f"packages/core/{f}": "" for f in files},
        },
    )
    found = ModuleResolver(DiskReader(tmp_path), []).resolve(APP, "@acme/core" + specifier)
    if expected is not None and not expected.startswith("packages/"):
        expected = "packages/core/" + expected
    assert found == expected


@pytest.mark.parametrize(
    ("extends", "fields"),
    [
        pytest.param('"@acme/tsconfig/nextjs.json"', {}, id="file-in-package"),
        pytest.param('"@acme/tsconfig/nextjs"', {}, id="without-json"),
        pytest.param(
            '"@acme/tsconfig/next"', {"exports": {"./next": "./nextjs.json"}}, id="exports"
        ),
        pytest.param('["./local.json", "@acme/tsconfig/nextjs.json"]', {}, id="in-a-list"),
    ],
)
def test_extends_a_workspace_package(
    tmp_path: Path, extends: str, fields: dict[str, object]
) -> None:
    write_tree(
        tmp_path,
        {
            "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - tooling/*\n",
            "tooling/typescript/package.json": manifest("@acme/tsconfig", **fields),
            # `paths` are relative to the file that defines them.
            "tooling/typescript/nextjs.json": '{ "compilerOptions": { "paths": { "~/*": ["./shared/*"] } } }',
            "tooling/typescript/shared/guard.ts": "",
            "apps/web/local.json": "{}",
            "apps/web/tsconfig.json": f'{{ "extends": {extends} }}',
        },
    )
    notices: list[str] = []
    resolver = ModuleResolver(DiskReader(tmp_path), notices)
    assert resolver.resolve(APP, "~/guard") == "tooling/typescript/shared/guard.ts"
    assert notices == []


def test_extends_a_missing_package_is_a_notice(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
            "apps/web/tsconfig.json": '{ "extends": "@acme/tsconfig/nextjs.json" }',
        },
    )
    notices: list[str] = []
    assert ModuleResolver(DiskReader(tmp_path), notices).resolve(APP, "~/guard") is None
    assert notices == [
        "apps/web/tsconfig.json: extends '@acme/tsconfig/nextjs.json', not found in the project;"
        " import aliases from it are ignored"
    ]


@pytest.mark.parametrize("rev", ["", "HEAD"])
def test_workspace_packages_from_git(repo: Path, rev: str) -> None:
    """The index and a commit list folders from git, not from the disk."""
    write_tree(repo, {"pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n", **CORE})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    (repo / "packages/core/auth/server.ts").unlink()  # the working tree is not what is read
    resolver = ModuleResolver(BlobReader(repo, rev), [])
    assert resolver.resolve(APP, "@acme/core/auth/server") == "packages/core/auth/server.ts"
    assert resolver.resolve(APP, "@acme/other") is None
    assert BlobReader(repo, rev).folders("packages") == ["core"]
    assert BlobReader(repo, rev).folders("packages/..") == ["packages"]
    assert BlobReader(repo, rev).folders("..") == []


def test_workspace_folder_linked_outside_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"package.json": manifest("@acme/core"), "index.ts": ""})
    project = tmp_path / "project"
    write_tree(project, {"package.json": '{ "workspaces": ["packages/*"] }'})
    (project / "packages").mkdir()
    (project / "packages/core").symlink_to(outside, target_is_directory=True)
    reader = DiskReader(project)
    assert reader.folders("packages") == []
    assert reader.folders("..") == []
    assert ModuleResolver(reader, []).resolve(APP, "@acme/core") is None


# -- through the rules: guards and mutations in workspace packages ----------------------

MONOREPO = {
    "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
    "packages/core/package.json": manifest(
        "@acme/core", exports={"./auth/server": "./dist/auth/server.js", "./db/*": "./src/db/*.ts"}
    ),
}
CHECKING_MEMBER = dedent("""\
    import { auth } from "@clerk/nextjs/server";

    export async function currentMember() {
      const { userId } = await auth();
      if (!userId) throw new Error("Unauthorized");
      return userId;
    }
    """)
TRUSTING_MEMBER = dedent("""\
    export async function currentMember() {
      return "member";
    }
    """)
ACTION = dedent("""\
    "use server";
    import { currentMember } from "@acme/core/auth/server";
    import { prisma } from "@/lib/prisma";

    export async function archiveProject(id: string) {
      await currentMember();
      await prisma.project.delete({ where: { id } });
    }
    """)
DELETE_PROJECT = dedent("""\
    import { prisma } from "../prisma";

    export async function deleteProject(id: string) {
      await prisma.project.delete({ where: { id } });
    }
    """)
GUARDED_DELETE_PROJECT = dedent("""\
    import { prisma } from "../prisma";
    import { currentMember } from "../auth/server";

    export async function deleteProject(id: string) {
      await currentMember();
      await prisma.project.delete({ where: { id } });
    }
    """)
ACTION_CALLING_DELETE = dedent("""\
    "use server";
    import { deleteProject } from "@acme/core/db/projects";

    export async function archiveProject(id: string) {
      await deleteProject(id);
    }
    """)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"packages/core/src/auth/server.ts": CHECKING_MEMBER, APP: ACTION},
            [],
            id="guard-helper-in-a-workspace-package",
        ),
        pytest.param(
            {"packages/core/src/auth/server.ts": TRUSTING_MEMBER, APP: ACTION},
            [("GF001", "archiveProject", 7)],
            id="helper-in-a-workspace-package-that-checks-nothing",
        ),
        pytest.param(
            {"packages/core/src/db/projects.ts": DELETE_PROJECT, APP: ACTION_CALLING_DELETE},
            [("GF001", "archiveProject", 5)],
            id="mutation-in-a-workspace-package",
        ),
        pytest.param(
            {
                "packages/core/src/db/projects.ts": GUARDED_DELETE_PROJECT,
                "packages/core/src/auth/server.ts": CHECKING_MEMBER,
                APP: ACTION_CALLING_DELETE,
            },
            [],
            id="guarded-mutation-in-a-workspace-package",
        ),
    ],
)
def test_workspace_packages_through_the_rules(
    project, files: dict[str, str], expected: list[tuple[str, str, int]]
) -> None:
    assert project({**MONOREPO, **files}, path=APP) == expected


@pytest.mark.parametrize("depth", [3, 20000])
def test_conditions_nested_deeply_are_no_crash(tmp_path: Path, depth: int) -> None:
    """The JSON reader refuses deep nesting: such a package.json is not read."""
    exports = '{"import": ' * depth + '"./src/index.ts"' + "}" * depth
    write_tree(
        tmp_path,
        {
            "package.json": '{ "workspaces": ["packages/*"] }',
            "packages/core/package.json": f'{{"name": "@acme/core", "exports": {exports}}}',
            "packages/core/src/index.ts": "",
        },
    )
    found = ModuleResolver(DiskReader(tmp_path), []).resolve(APP, "@acme/core")
    assert found == ("packages/core/src/index.ts" if depth == 3 else None)


@pytest.mark.parametrize(
    ("imports", "importer", "specifier", "expected"),
    [
        pytest.param(
            {"#lib/*": "./src/lib/*.ts"},
            APP,
            "#lib/guard",
            "apps/web/src/lib/guard.ts",
            id="wildcard",
        ),
        pytest.param(
            {"#guard": {"types": "./dist/guard.d.ts", "default": "./dist/guard.js"}},
            "apps/web/src/app/a.ts",
            "#guard",
            "apps/web/src/guard.ts",
            id="conditions-and-built-output",
        ),
        pytest.param({"#lib/*": "./src/lib/*.ts"}, APP, "#other/guard", None, id="not-imported"),
        pytest.param(None, APP, "#lib/guard", None, id="no-imports-field"),
        pytest.param(
            {"#lib/*": "./src/lib/*.ts"}, "lib/a.ts", "#lib/guard", None, id="another-package"
        ),
    ],
)
def test_subpath_imports(
    tmp_path: Path, imports: object, importer: str, specifier: str, expected: str | None
) -> None:
    """Node's `imports` field: `#` specifiers of the package the importer belongs to."""
    fields = {"imports": imports} if imports is not None else {}
    write_tree(
        tmp_path,
        {
            "package.json": manifest("acme-monorepo"),
            "apps/web/package.json": manifest("@acme/web", **fields),
            "apps/web/src/lib/guard.ts": "",
            "apps/web/src/guard.ts": "",
        },
    )
    assert ModuleResolver(DiskReader(tmp_path), []).resolve(importer, specifier) == expected
