"""Configuration errors are one line naming the file, the key and what is allowed; a broken
tsconfig.json or package.json is a notice and a weaker fix, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardfix.cli import main
from tests.conftest import write_tree
from tests.test_apply import ACTION, FIXED, PROJECT, VULNERABLE

BAD_SETTINGS = [
    ("selec = []", "unknown key 'selec'; allowed keys: guards, session-lookups, include"),
    ('guards = "auth"', "'guards' must be a list of non-empty strings (list of function names"),
    ("guards = [1]", "'guards' must be a list of non-empty strings"),
    ('session-lookups = [""]', "'session-lookups' must be a list of non-empty strings"),
    ("include = 3", "'include' must be a list of non-empty strings (list of gitignore-style"),
    ("exclude = [true]", "'exclude' must be a list of non-empty strings"),
    ('select = "GF001"', "'select' must be a list of non-empty strings (list of rule codes"),
    ('select = ["GF999"]', "'select' names unknown rule 'GF999'; rules: GF001, GF002, GF003"),
    ('ignore = ["gf1"]', "'ignore' names unknown rule 'GF1'; rules: GF001"),
    ("max-file-size = 0", "'max-file-size' must be a positive integer (bytes)"),
    ('max-file-size = "1MB"', "'max-file-size' must be a positive integer (bytes)"),
    ("max-file-size = true", "'max-file-size' must be a positive integer (bytes)"),
    ('session = "auth"', "'session' must be a table"),
    ("session = { from = 1 }", "'session.from' must be a non-empty string: the module to import"),
    (
        'session = { from = "@/auth", name = "auth", call = "await auth()", user = "x" }',
        "'session'",
    ),
    (
        'session = { from = "@/s", name = "get", call = "await get()", user-id = "s.id", '
        'default = "yes" }',
        "'session.default' must be true or false",
    ),
    (
        'session = { from = "@/s", name = "a.b", call = "await a.b()", user-id = "s.id" }',
        "'session.name' must be a name",
    ),
    ("owner-fields = 3", "'owner-fields' must be a table of names (a table of model or table"),
    ("owner-fields = { post = 3 }", "'owner-fields'"),
    ("guards = [", "not valid TOML (Invalid value (at end of document))"),
]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("where", ["guardfix.toml", ".guardfix.toml", "pyproject.toml"])
@pytest.mark.parametrize("setting,message", BAD_SETTINGS, ids=[s for s, _ in BAD_SETTINGS])
def test_bad_setting_is_one_line(
    app: Path, capsys: pytest.CaptureFixture[str], where: str, setting: str, message: str
) -> None:
    table = "[tool.guardfix]\n" if where == "pyproject.toml" else ""
    (app / where).write_text(f"{table}{setting}\n")
    assert main(["--apply", ACTION]) == 2
    line = one_error(capsys)
    named = f"{where} [tool.guardfix]" if table and "TOML" not in message else where
    assert line.startswith(f"guardfix: error: {named}: "), line
    assert message in line
    assert (app / ACTION).read_text() == VULNERABLE  # nothing written


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfeselect = []\n", "guardfix.toml: not valid TOML (not UTF-8: invalid byte at"),
        (b"select = []\nselect = []\n", "guardfix.toml: not valid TOML (Cannot overwrite"),
        (b"[[guards]]\n", "guardfix.toml: 'guards' must be a list of non-empty strings"),
    ],
)
def test_unreadable_configuration_is_one_line(
    app: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    (app / "guardfix.toml").write_bytes(content)
    assert main([ACTION]) == 2
    assert one_error(capsys).startswith(f"guardfix: error: {message}")


def test_configuration_given_by_flag(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / "ci.toml").write_text("guards = 3\n")
    assert main(["--config", "ci.toml", ACTION]) == 2
    assert one_error(capsys).startswith("guardfix: error: ci.toml: 'guards' must be a list")
    (app / "folder.toml").mkdir()
    assert main(["--config", "folder.toml", ACTION]) == 2
    assert "is a directory" in capsys.readouterr().err


# -- project files guardfix reads but does not own: a notice, then on without them ------

TSCONFIGS = {
    "broken": ('{ "compilerOptions": { "paths": ', "tsconfig.json: cannot read it ("),
    "not-an-object": ("[1, 2]", "tsconfig.json: not a JSON object"),
    "options-not-an-object": ('{"compilerOptions": 3}', "compilerOptions is not an object"),
    "paths-not-an-object": (
        '{"compilerOptions": {"paths": ["./*"]}}',
        "compilerOptions.paths is not an object",
    ),
    "not-utf8": (b'{"compilerOptions": {"baseUrl": "\xff"}}', "tsconfig.json: cannot read it ("),
    "extends-missing": ('{"extends": "./nope.json"}', "extends './nope.json', not found"),
    "extends-itself": ('{"extends": "./tsconfig.json"}', None),
    "extends-wrong-type": ('{"extends": [3, {"a": 1}]}', None),
}


def test_tsconfig_is_jsonc(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonc = (
        '{\n  // as TypeScript reads it\n  "compilerOptions": {\n'
        '    /* aliases */ "paths": { "@/*": ["./*"], },\n  },\n}\n'
    )
    write_tree(app, {"tsconfig.json": jsonc})
    assert main(["--apply", ACTION]) == 1
    assert "note:" not in capsys.readouterr().out
    assert (app / ACTION).read_text() == FIXED


@pytest.mark.parametrize("content,notice", TSCONFIGS.values(), ids=list(TSCONFIGS))
def test_tsconfig_problems_degrade(
    app: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, notice: str | None
) -> None:
    write_tree(app, {"tsconfig.json": content})
    code = main(["--apply", ACTION])
    out, err = capsys.readouterr()
    assert err == ""
    assert code == 1
    if notice is not None:
        assert f"note: tsconfig.json: {notice.removeprefix('tsconfig.json: ')}" in out
        assert "import aliases from it are ignored" in out
    # Without the alias `@/auth` cannot be followed to the Auth.js `auth`: the finding
    # stays, says why there is no fix, and the file is left as it was.
    assert "GF001" in out
    assert "no fix: `auth` is already imported from '@/auth'" in out
    assert (app / ACTION).read_text() == VULNERABLE


PACKAGES = {
    "broken": ('{"dependencies": {', "package.json: not valid JSON ("),
    "not-an-object": ('"next"', "package.json: not a JSON object"),
    "dependencies-a-list": (
        '{"dependencies": ["next-auth"]}',
        "package.json: dependencies is not an object",
    ),
    "not-utf8": (b'{"name": "\xff"}', "package.json: not valid JSON ("),
}


@pytest.mark.parametrize("content,notice", PACKAGES.values(), ids=list(PACKAGES))
def test_package_json_problems_degrade(
    app: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, notice: str
) -> None:
    write_tree(app, {"package.json": content})
    code = main(["--apply", ACTION])
    out, err = capsys.readouterr()
    assert err == ""
    assert code == 1
    assert f"note: {notice}" in out
    assert "no auth preset or Prisma version from it" in out
    assert "no known auth library is in package.json" in out
    assert (app / ACTION).read_text() == VULNERABLE


def test_broken_prisma_schema_degrades(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(app, {"prisma/schema.prisma": "model Post {\n  author User @relation(fields: ["})
    assert main(["--apply", ACTION]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "no fix: no model for `post` in prisma/schema.prisma" in out
    text = (app / ACTION).read_text()
    assert "const session = await auth();" in text
    assert "authorId" not in text  # no owner field can be read: no owner filter
