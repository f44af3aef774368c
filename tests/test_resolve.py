"""Module resolution: relative imports, tsconfig/jsconfig `paths`, `extends`, never outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardfix.facts.resolve import ModuleResolver
from guardfix.git import DiskReader
from tests.conftest import write_tree

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
