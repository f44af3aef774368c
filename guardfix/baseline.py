"""A baseline: today's findings, recorded so that later runs report only new ones.

A finding is known by its fingerprint: rule, path, action name and a hash of the action's
text without its whitespace, so moving or reformatting an action keeps it, and changing
its code makes it new. The same fingerprint is SARIF's partialFingerprints.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from guardfix.config import ConfigError
from guardfix.model import Finding, Report

VERSION = 1


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    rule: str
    action: str
    hash: str  # of the action's normalised text

    @property
    def fingerprint(self) -> str:
        key = "\0".join((self.rule, self.path, self.action, self.hash))
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def entry(finding: Finding, content: bytes) -> Entry:
    first, last = finding.action_lines
    lines = content.split(b"\n")[max(first, 1) - 1 : last]
    normal = b"".join(b"".join(lines).split())  # reformatting keeps it
    digest = hashlib.sha256(normal).hexdigest()[:16]
    return Entry(finding.path, finding.rule, finding.action or "", digest)


def render(entries: Iterable[Entry]) -> str:
    """The file's text: sorted and one finding per block, so a diff of it reads well."""
    document = {
        "version": VERSION,
        "about": "findings not reported; rewrite with `guardfix --all --write-baseline`",
        "findings": [
            {"path": e.path, "rule": e.rule, "action": e.action, "hash": e.hash}
            for e in sorted(entries)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, entries: Iterable[Entry]) -> None:
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        temporary.write_text(render(entries), encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write the baseline ({exc.strerror})") from None


def load(path: Path) -> Counter[Entry]:
    """The baseline's entries, each with how many findings it holds."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ConfigError(f"{path}: not a guardfix baseline (not JSON)") from None
    rows = data.get("findings") if isinstance(data, dict) else None
    fields = ("path", "rule", "action", "hash")
    if data.get("version") != VERSION or not isinstance(rows, list):
        raise ConfigError(f"{path}: not a guardfix baseline of version {VERSION}")
    entries: Counter[Entry] = Counter()
    for row in rows:
        if not isinstance(row, dict) or not all(isinstance(row.get(k), str) for k in fields):
            raise ConfigError(f"{path}: a baseline entry needs {', '.join(fields)} as strings")
        entries[Entry(*(row[k] for k in fields))] += 1
    return entries


def split(
    findings: list[Finding], contents: dict[str, bytes], known: Counter[Entry]
) -> tuple[list[Finding], list[Finding]]:
    """(new findings, findings the baseline holds); each entry hides as many as it counts."""
    left = Counter(known)
    new: list[Finding] = []
    hidden: list[Finding] = []
    for finding in findings:
        key = entry(finding, contents.get(finding.path, b""))
        if left[key] > 0:
            left[key] -= 1
            hidden.append(finding)
        else:
            new.append(finding)
    return new, hidden


def hide_baselined(report: Report, path: Path) -> None:
    """Move the findings the baseline at `path` holds out of the report, and say how many."""
    report.findings, report.baselined = split(report.findings, report.contents, load(path))
    count = len(report.baselined)
    if count:
        are = "1 more finding is" if count == 1 else f"{count} more findings are"
        report.notices.append(f"{are} in the baseline ({path.name}) and not shown")
