"""The auth library descriptions (guardfix/libraries/*.toml): every one loads, every preset
round-trips (the guard the fix inserts is recognised as a guard), and a broken one is a
one-line error naming the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import guardfix.libraries
from guardfix.cli import main
from guardfix.libraries import AuthLibrary, FixImport, LibraryError, libraries, load
from tests.conftest import write_tree

LIBRARIES = libraries()
WITH_FIX = [lib for lib in LIBRARIES if lib.fix is not None]

ACTION = (
    '"use server";\n'
    'import { prisma } from "@/lib/prisma";\n\n'
    "export async function addNote(body: string) {\n"
    "  await prisma.note.create({ data: { body } });\n"
    "}\n"
)
SCHEMA = "model Note {\n  id   String @id\n  body String\n}\n"


def test_every_library_loads() -> None:
    assert len(LIBRARIES) >= 10
    names = [lib.name for lib in LIBRARIES]
    assert len(set(names)) == len(names)
    for lib in LIBRARIES:
        assert lib.lookup_rules, f"{lib.file} recognises no lookup"
        assert (lib.fix is None) != (lib.no_fix is None)


def _version(lib: AuthLibrary) -> str:
    assert lib.fix is not None
    major = lib.fix.max_major if lib.fix.max_major is not None else max(lib.fix.min_major, 1)
    return f"^{major}.0.0"


def _exporter(item: FixImport, package: str) -> str:
    """A project file that exports `item.name` and holds its marker: `NextAuth(` from the
    library's package is called, a type is declared, a setting is an object."""
    marker = item.exported_by or ""
    if item.type_only:
        return f"export type {item.name} = {{ userId?: string }};\n"
    if marker.endswith("("):
        callee = marker[:-1]
        return f'import {{ {callee} }} from "{package}";\n\nexport const {item.name} = {marker}{{}});\n'
    assert marker == item.name, "a marker that is no call is the exported name"
    return f'export const {item.name} = {{ cookieName: "sid", password: "x" }};\n'


def _project(lib: AuthLibrary) -> dict[str, str | bytes]:
    assert lib.fix is not None and lib.package is not None
    deps = {lib.package: _version(lib), "@prisma/client": "^5.22.0"}
    files: dict[str, str | bytes] = {
        "app/actions.ts": ACTION,
        "package.json": json.dumps({"dependencies": deps}),
        "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n',
        "prisma/schema.prisma": SCHEMA,
        "lib/prisma.ts": 'import { PrismaClient } from "@prisma/client";\n\n'
        "export const prisma = new PrismaClient();\n",
        "guardfix.toml": 'select = ["GF001"]\n',
    }
    for item in lib.fix.imports:
        if item.exported_by is not None:
            files[f"lib/{item.name}.ts"] = _exporter(item, lib.package)
    return files


@pytest.mark.parametrize("lib", WITH_FIX, ids=[lib.file for lib in WITH_FIX])
def test_fix_round_trips(lib: AuthLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preset's guard goes in, and a second run sees the action as guarded."""
    assert lib.fix is not None
    write_tree(tmp_path, _project(lib))
    monkeypatch.chdir(tmp_path)
    assert main(["--apply", "--all", "."]) == 1  # GF001 found and fixed
    fixed = (tmp_path / "app/actions.ts").read_text()
    assert lib.fix.guard.splitlines()[0] in fixed, fixed
    assert main(["--all", "."]) == 0, f"the {lib.name} guard is not recognised:\n{fixed}"


# -- broken descriptions ------------------------------------------------------------------

GOOD = """\
name = "Example"
package = "example-auth"

[[lookup]]
call = "getViewer"
from = ["example-auth"]
returns = "no-session"

[fix]
user-id = "viewer.id"
guard = \"\"\"
const viewer = await getViewer();
if (!viewer) {
  throw new Error("Unauthorized");
}
\"\"\"
imports = [{ name = "getViewer", from = "example-auth" }]
"""

BROKEN = [
    ("unknown key", GOOD.replace('package = "', 'packge = "'), "bad.toml: packge: unknown key"),
    (
        "unknown key in a lookup",
        GOOD.replace('call = "', 'async = false\nstop = true\ncall = "'),
        "bad.toml: lookup[0].stop: unknown key",
    ),
    ("missing name", GOOD.replace('name = "Example"\n', ""), "bad.toml: name: missing"),
    ("missing returns", GOOD.replace('returns = "no-session"\n', ""), "lookup[0].returns: missing"),
    (
        "missing user-id",
        GOOD.replace('user-id = "viewer.id"\n', ""),
        "bad.toml: fix.user-id: missing",
    ),
    ("no fix nor reason", GOOD.split("[fix]")[0], "bad.toml: fix: give either a [fix] table"),
    ("wrong type", GOOD.replace('"example-auth"]', '"example-auth", 3]'), "lookup[0].from: must"),
    (
        "wrong type in fix",
        GOOD.replace("user-id = ", 'min-major = "4"\nuser-id = '),
        "bad.toml: fix.min-major: must be an integer, not '4'",
    ),
    (
        "unknown return",
        GOOD.replace('"no-session"', '"nobody"'),
        "bad.toml: lookup[0].returns: must be one of no-session, ",
    ),
    (
        "import from nowhere",
        GOOD.replace('from = "example-auth" }', "type = true }"),
        "bad.toml: fix.imports[0].from: give either `from`",
    ),
    ("not TOML", GOOD + "name = [\n", "bad.toml: not valid TOML"),
    (
        "unknown flow",
        GOOD.replace(
            "\n\n[[lookup]]",
            '\nmodules = ["example-auth"]\npublic-calls = { log-in = ["logIn"] }\n\n[[lookup]]',
        ),
        "bad.toml: public-calls.log-in: unknown key",
    ),
    (
        "public calls from nowhere",
        GOOD.replace("\n\n[[lookup]]", '\npublic-calls = { sign-in = ["logIn"] }\n\n[[lookup]]'),
        "bad.toml: modules: missing",
    ),
]


@pytest.mark.parametrize("content,message", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_description(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "bad.toml").write_text(content)
    with pytest.raises(LibraryError) as raised:
        load(tmp_path)
    assert message in str(raised.value)
    assert str(raised.value).startswith("bad.toml: ")
    assert "\n" not in str(raised.value)


def test_good_description_loads(tmp_path: Path) -> None:
    """The broken cases above break this one: it loads as it is."""
    (tmp_path / "good.toml").write_text(GOOD)
    (lib,) = load(tmp_path)
    assert lib.fix is not None and lib.fix.user_id == "viewer.id"
    assert lib.lookup_rules[0].from_module("example-auth")


def test_one_call_in_two_flows(tmp_path: Path) -> None:
    """Two libraries may share a call only in the same public flow."""
    calls = '\nmodules = ["example-auth"]\npublic-calls = {{ {} = ["logIn"] }}\n\n[[lookup]]'
    (tmp_path / "a.toml").write_text(GOOD.replace("\n\n[[lookup]]", calls.format("sign-in")))
    other = GOOD.replace("Example", "Other").replace("\n\n[[lookup]]", calls.format("sign-up"))
    (tmp_path / "b.toml").write_text(other)
    with pytest.raises(
        LibraryError, match=r"^b\.toml: public-calls\.sign-up: 'logIn' is a sign-in"
    ):
        load(tmp_path)


def test_broken_description_stops_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "libraries"
    folder.mkdir()
    (folder / "bad.toml").write_text(GOOD.replace('"no-session"', "3"))
    monkeypatch.setattr(guardfix.libraries, "FOLDER", folder)
    project = _project(WITH_FIX[0])
    write_tree(tmp_path, project)
    monkeypatch.chdir(tmp_path)
    assert main(["--apply", "--all", "."]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "guardfix: error: bad.toml: lookup[0].returns: must be a string, not 3\n"
    assert (tmp_path / "app/actions.ts").read_text() == ACTION  # nothing written
