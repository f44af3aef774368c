"""The unified diff of proposed rewrites, colored only for a terminal."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from guardfix.model import Rewrite
from guardfix.report.colors import BOLD, CYAN, GREEN, RED, RESET


def render(rewrites: Sequence[Rewrite], *, color: bool) -> str:
    out: list[str] = []
    for rw in rewrites:
        if rw.after == rw.before:
            continue
        before = rw.before.decode("utf-8").splitlines(keepends=True)
        after = rw.after.decode("utf-8").splitlines(keepends=True)
        for line in difflib.unified_diff(before, after, f"a/{rw.path}", f"b/{rw.path}"):
            line = line.rstrip("\r\n")
            if not color:
                out.append(line)
            elif line.startswith(("+++", "---")):
                out.append(f"{BOLD}{line}{RESET}")
            elif line.startswith("@@"):
                out.append(f"{CYAN}{line}{RESET}")
            elif line.startswith("+"):
                out.append(f"{GREEN}{line}{RESET}")
            elif line.startswith("-"):
                out.append(f"{RED}{line}{RESET}")
            else:
                out.append(line)
    return "\n".join(out) + "\n" if out else ""
