"""Text helpers of the codemods: a version range's major, source lines as a snippet."""

from __future__ import annotations

import re

from guardfix.edits import line_indent, style_of
from guardfix.module import Module

MAJOR = re.compile(r"(\d+)")


def major(spec: str | None) -> int | None:
    """The major version a range starts at: 5 for "^5.22.0" or "5.0.0-beta.25";
    None for "latest", "*" or "workspace:*"."""
    if spec is None:
        return None
    match = MAJOR.search(spec.split("||")[0]) if ":" not in spec else None
    return int(match.group(1)) if match else None


def dedent(module: Module, start: int, end: int) -> str:
    """Source lines [start, end) as LF text with two spaces per indentation level."""
    content = module.content
    unit = style_of(content).indent
    # From the line's indentation, without what precedes `start` on it (`f() { guard`).
    code = line_indent(content, start) + content[start:end]
    lines = code.decode("utf-8").replace("\r\n", "\n").split("\n")
    base = len(lines[0]) - len(lines[0].lstrip(" \t"))
    out: list[str] = []
    for line in lines:
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)].encode()
        levels = max(0, (len(indent) - base) // max(1, len(unit))) if stripped else 0
        out.append("  " * levels + stripped)
    return "\n".join(out)
