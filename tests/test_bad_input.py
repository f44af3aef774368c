"""Bad input: every file here is one a user could stage, and each run must end in a clear
message and a sensible exit code, with no traceback and no byte written where no fix is sure.

Each case runs the real CLI (`--apply`) on a small Auth.js + Prisma project whose action
file is replaced by the case's bytes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from guardfix.cli import main
from guardfix.parse import parse
from tests.conftest import write_tree
from tests.test_apply import ACTION, FIXED, PROJECT, VULNERABLE

GUARD = b"const session = await auth();"
OTHER = """
export async function removePost(formData: FormData) {
  const id = String(formData.get("id"));
  await prisma.post.delete({ where: { id } });
}
"""


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {k: v for k, v in PROJECT.items() if k != ACTION})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass
class Run:
    code: int
    out: str
    err: str
    before: bytes
    after: bytes


def run(app: Path, content: bytes, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    path = app / ACTION
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    code = main(["--apply", *args, ACTION])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return Run(code, out, err, content, path.read_bytes())


# -- files that are not source text: exit 2, named, untouched ---------------------------

NOT_TEXT = {
    "latin-1": (
        VULNERABLE.replace('"id"', '"café"').encode("latin-1"),
        "not checked, not UTF-8 (invalid byte at offset",
    ),
    "utf-16": (VULNERABLE.encode("utf-16"), "not checked, binary content"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not checked, binary"),
    "mpeg-ts": (bytes([0x47, 0x40, 0x00, 0x10, 0x00]) * 400, "not checked, binary content"),
    "invalid-utf8-late": (
        VULNERABLE.encode() + b"// " + b"x" * 10_000 + b"\xc3\x28\n",
        "not checked, not UTF-8 (invalid byte at offset",
    ),
}


@pytest.mark.parametrize("content,message", NOT_TEXT.values(), ids=list(NOT_TEXT))
def test_not_source_text_is_named_and_fails_the_run(
    app: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    result = run(app, content, capsys)
    assert result.code == 2, result.out
    assert f"note: {ACTION}: {message}" in result.out
    assert "1 file could not be checked" in result.out
    assert result.after == result.before


def test_one_unreadable_file_does_not_stop_the_others(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = app / "app/actions/other.ts"
    other.parent.mkdir(parents=True)
    other.write_text(VULNERABLE)
    result = run(app, b"\xff\xfe\x00garbage", capsys, "app/actions/other.ts")
    assert result.code == 2
    assert "Rewrote app/actions/other.ts" in result.out
    assert other.read_text() == FIXED
    assert result.after == result.before


def test_fifo_named_like_a_source_file_is_not_read(app: Path) -> None:
    # Opening a FIFO blocks until a writer comes: run in a process that can time out.
    os.mkfifo(app / "pipe.ts")
    done = subprocess.run(
        [sys.executable, "-m", "guardfix", "--all"],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pipe.ts: skipped, cannot be read" in done.stdout


# -- odd but valid files: checked, and fixed exactly -------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n", b'"use server";\n', b"\xef\xbb\xbf"])
def test_empty_and_near_empty_files(
    app: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    result = run(app, content, capsys)
    assert result.code == 0, result.out
    assert "No problems found (0 server actions in 1 file checked)." in result.out
    assert result.after == result.before


def test_crlf_stays_crlf(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(app, VULNERABLE.replace("\n", "\r\n").encode(), capsys)
    assert result.code == 1
    assert result.after == FIXED.replace("\n", "\r\n").encode()


def test_bom_stays_first(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(app, b"\xef\xbb\xbf" + VULNERABLE.encode(), capsys)
    assert result.code == 1
    assert result.after == b"\xef\xbb\xbf" + FIXED.encode()


def test_tabs_stay_tabs(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(app, VULNERABLE.replace("  ", "\t").encode(), capsys)
    assert result.code == 1
    assert result.after == FIXED.replace("  ", "\t").encode()


def test_non_ascii_before_the_edit_points(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Multi-byte text before every edit: byte offsets and character columns differ.
    prefix = '// Überprüfung 日本語 🎉\nconst grüße = "ünïcödé ✓";\n'
    inline = "/* ü日🎉 */ "
    source, expected = (
        text.replace(
            'import { auth } from "@/auth";\n', f'import {{ auth }} from "@/auth";\n{prefix}'
        )
        .replace("const id", "const ïd = 1;\n  const id")
        .replace("  await prisma", f"  {inline}await prisma")
        for text in (VULNERABLE, FIXED)
    )
    result = run(app, source.encode(), capsys, "--format", "json")
    assert result.after == expected.encode()
    line = next(x for x in source.splitlines() if "prisma.post.delete" in x)
    assert f'"column": {line.index("prisma") + 1},' in result.out  # characters, not bytes


def test_lone_cr_is_reported_but_not_rewritten(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(app, VULNERABLE.replace("\n", "\r").encode(), capsys)
    assert result.code == 1
    assert "GF001" in result.out
    assert "no fix: the file ends lines with a lone CR" in result.out
    assert result.after == result.before


def test_nul_after_the_binary_sniff_window(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Past the first 8 KB a NUL does not make the file binary; the parser reads it as an
    # error, so the action right after it is reported but not rewritten.
    content = VULNERABLE.encode() + b"// " + b"x" * 9000 + b"\x00\n" + OTHER.encode()
    result = run(app, content, capsys)
    assert result.code == 1
    assert "`removePost`" in result.out
    assert "no fix: the parser could not read the code next to this action" in result.out
    assert result.after == FIXED.encode() + content[len(VULNERABLE) :]


# -- syntax errors: findings from intact parts, no fix inside or next to the damage ------


def test_error_inside_an_action_blocks_only_its_fix(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = VULNERABLE.replace("const id =", "const id = ) ;") + OTHER
    result = run(app, broken.encode(), capsys)
    assert result.code == 1
    assert "the parser could not read part of this action; fix it by hand" in result.out
    assert "(from line 5)" in result.out
    # removePost is intact and far from the error: it is fixed; deletePost is not touched.
    assert result.after.count(GUARD) == 1
    assert result.after.index(GUARD) > result.after.index(b"removePost")


def test_error_right_after_an_action_blocks_its_fix(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = VULNERABLE + ")}\n" + OTHER
    result = run(app, broken.encode(), capsys)
    assert result.code == 1
    # GF001 and GF002 on each of the two actions on either side of the damage.
    assert result.out.count("no fix: the parser could not read the code next to this action") == 4
    assert result.after == result.before


def test_damage_further_down_keeps_earlier_actions(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = VULNERABLE + "\nconst ok = 1;\nexport const later = (;\n"
    result = run(app, broken.encode(), capsys)
    assert "the parser could not read part of it (from line 10)" in result.out
    assert result.after == (FIXED + broken[len(VULNERABLE) :]).encode()


def test_a_file_the_parser_gives_up_on_is_reported_not_rewritten(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An unclosed function at the end turns the whole tree into one error node.
    broken = VULNERABLE + "\nconst ok = 1;\nexport const later = (;\n\nfunction tail() {\n"
    result = run(app, broken.encode(), capsys)
    assert result.code == 1
    assert "`deletePost`" in result.out
    assert "fix skipped: next to a part the parser could not read" in result.out
    assert result.after == result.before


def test_edit_next_to_an_error_is_left_out(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The error is in the import block right where the fix adds `auth` to the imports.
    source = VULNERABLE.replace('import { auth } from "@/auth";\n', "import { , } from;\n")
    result = run(app, source.encode(), capsys)
    assert "fix skipped: next to a part the parser could not read" in result.out
    assert result.after == result.before


# -- size, minified and deeply nested code -----------------------------------------------


def test_files_over_the_size_limit_are_skipped_and_said(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = VULNERABLE.encode() + b"// " + b"x" * 3_000_000 + b"\n"
    result = run(app, big, capsys)
    assert result.code == 0
    assert f"{ACTION}: skipped, larger than max-file-size ({len(big)} > 1000000 bytes)" in (
        result.out
    )
    assert result.after == big

    (app / "guardfix.toml").write_text("max-file-size = 4000000\n")
    result = run(app, big, capsys)
    assert result.code == 1
    assert result.after.count(GUARD) == 1


def test_minified_bundle(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    helpers = ";".join(f"function f{i}(a){{return a+{i}}}" for i in range(8000))
    action = 'export async function del(d){await prisma.post.delete({where:{id:d.get("id")}})}'
    content = f'"use server";import{{prisma}}from"@/db";{helpers};{action};'.encode()
    (app / ACTION).parent.mkdir(parents=True)
    (app / ACTION).write_bytes(content)
    assert main([ACTION]) == 1
    out = capsys.readouterr().out
    assert f"{ACTION}:1:{content.index(b'prisma.post.delete') + 1}: GF001" in out
    frame = next(line for line in out.splitlines() if line.startswith("1 |"))
    assert len(frame) < 200 and "prisma.post.delete" in frame

    result = run(app, content, capsys)
    assert result.code == 1
    assert result.after.count(GUARD) == 1
    assert not parse(ACTION, result.after).root_node.has_error
    assert main([ACTION]) == 0  # fixed, and nothing more to do


DEEP = {
    "parentheses": "const d = " + "(" * 20_000 + "1" + ")" * 20_000 + ";\n",
    "arrays": "const d = " + "[" * 5_000 + "]" * 5_000 + ";\n",
    "binary-chain": "const d = " + " + ".join(["1"] * 20_000) + ";\n",
    "member-chain": "const d = a" + ".b()" * 10_000 + ";\n",
    "ternaries": "const d = " + "a ? b : " * 5_000 + "c;\n",
    "nested-ifs-in-an-action": (
        "export async function nest(fd: FormData) {\n"
        + "if (fd) {" * 3_000
        + 'await prisma.post.delete({ where: { id: "x" } });'
        + "}" * 3_000
        + "\n}\n"
    ),
    "nested-arrows-in-an-action": (
        "export async function arrows(fd: FormData) {\n  const f = "
        + "() => " * 3_000
        + 'prisma.post.delete({ where: { id: "x" } });\n  await f();\n}\n'
    ),
}


@pytest.mark.parametrize("tail", DEEP.values(), ids=list(DEEP))
def test_deep_nesting_never_blows_up(
    app: Path, capsys: pytest.CaptureFixture[str], tail: str
) -> None:
    result = run(app, (VULNERABLE + tail).encode(), capsys)
    assert result.code == 1, result.out + result.err
    # The ordinary action beside the deep code is still found and fixed.
    assert f"Rewrote {ACTION} (2 fixes)" in result.out
    assert result.after == (FIXED + tail).encode()
    if tail.startswith("export async function"):
        assert re.search(
            rf"note: {ACTION}:8: \w+ skipped, nested too deeply to analyse", result.out
        )


def test_deep_file_elsewhere_does_not_hide_this_one(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The guard idiom is learned from every action file; a too-deep one teaches nothing.
    deep = app / "app/actions/deep.ts"
    deep.parent.mkdir(parents=True)
    deep.write_text('"use server";\n' + DEEP["nested-ifs-in-an-action"])
    result = run(app, VULNERABLE.encode(), capsys)
    assert result.code == 1
    assert result.after == FIXED.encode()


def test_a_damaged_guard_is_not_learned(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The file's other action shows the guard, but with a syntax error in it: copying it
    # would not parse, so the fix comes from the Auth.js preset instead.
    damaged = (
        "\nexport async function renamePost(formData: FormData) {\n"
        "  const }session = await auth();\n"
        "  if (!session?.user?.id) {\n"
        '    throw new Error("Unauthorized");\n'
        "  }\n"
        '  await prisma.post.update({ where: { id: "x", authorId: session.user.id }, data: {} });\n'
        "}\n"
    )
    result = run(app, (VULNERABLE + damaged).encode(), capsys)
    assert f"Rewrote {ACTION}" in result.out
    assert result.after.startswith(FIXED.encode())
