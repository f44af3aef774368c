"""Byte-range edits: apply them in one pass, and make inserted code look like its file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from guardfix.model import Edit


class OverlappingEdits(ValueError):
    """Two edits claim the same bytes: a bug in the codemod that made them."""


def apply_edits(content: bytes, edits: Iterable[Edit]) -> bytes:
    """Splice every edit in; identical edits count once, insertions at one point keep order."""
    ordered = sorted(dict.fromkeys(edits), key=lambda e: (e.start, e.end))
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise OverlappingEdits(f"{before} overlaps {after}")
    out: list[bytes] = []
    cursor = 0
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(content):
            raise OverlappingEdits(f"{edit} is outside the file ({len(content)} bytes)")
        out.append(content[cursor : edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(content[cursor:])
    return b"".join(out)


@dataclass(frozen=True)
class Style:
    """How a file writes code: its newline and one level of indentation."""

    newline: bytes
    indent: bytes

    def lines(self, code: str, base: bytes) -> bytes:
        """`code` (LF, two-space levels) as lines of this file, each starting at `base`."""
        out: list[bytes] = []
        for line in code.split("\n"):
            stripped = line.lstrip(" ")
            levels = (len(line) - len(stripped)) // 2
            body = stripped.encode("utf-8")
            out.append(base + self.indent * levels + body if body else b"")
        return self.newline.join(out)


def style_of(content: bytes) -> Style:
    newline = b"\r\n" if b"\r\n" in content[: content.find(b"\n") + 1 or len(content)] else b"\n"
    return Style(newline, _indent_unit(content))


def _indent_unit(content: bytes) -> bytes:
    """Tabs, or the space step the file indents by most often (two spaces when unknown).

    Tabs win when more lines start with a tab than with a space. Blank lines and the
    inside of block comments (` * text`, one space in) show nothing about the code.
    """
    tabs = spaces = 0
    steps: Counter[int] = Counter()
    previous = 0
    for line in content.splitlines():
        code = line.lstrip(b" \t")
        if not code or code.startswith(b"*"):
            continue
        indent = line[: len(line) - len(code)]
        if indent.startswith(b"\t"):
            tabs += 1
            continue
        if indent:
            spaces += 1
        if len(indent) > previous:
            steps[len(indent) - previous] += 1
        previous = len(indent)
    if tabs > spaces:
        return b"\t"
    usual = [step for step, _ in steps.most_common() if step in (2, 3, 4, 8)]
    return b" " * (usual[0] if usual else 2)


def line_indent(content: bytes, at: int) -> bytes:
    """The whitespace that starts the line holding byte `at`."""
    start = content.rfind(b"\n", 0, at) + 1
    end = start
    while end < len(content) and content[end : end + 1] in (b" ", b"\t"):
        end += 1
    return content[start:end]
