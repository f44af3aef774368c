"""Byte-range edits: apply them in one pass, and make inserted code look like its file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from guardfix.model import Edit

_INDENT = re.compile(rb"^([ \t]+)\S", re.MULTILINE)


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
    """Tabs, or the smallest space step the file indents by (two spaces when unknown)."""
    widths: set[int] = set()
    for match in _INDENT.finditer(content):
        indent = match.group(1)
        if indent.startswith(b"\t"):
            return b"\t"
        widths.add(len(indent))
    steps = [w for w in sorted(widths) if w > 0]
    return b" " * (steps[0] if steps and steps[0] in (2, 3, 4, 8) else 2)


def line_indent(content: bytes, at: int) -> bytes:
    """The whitespace that starts the line holding byte `at`."""
    start = content.rfind(b"\n", 0, at) + 1
    end = start
    while end < len(content) and content[end : end + 1] in (b" ", b"\t"):
        end += 1
    return content[start:end]
