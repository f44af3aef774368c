"""Run guardfix over the calibration corpus and score it against the triage file.

    python scripts/corpus.py --corpus /work/corpus [--repos a/b,c/d] [--out corpus-report]

Each repository of `../shared/corpus/repos.tsv` must be checked out (at its pinned
commit) in `<corpus>/<owner>+<name>/`. For each one this runs `guardfix --all --format
json` and `guardfix --all --apply` on a scratch copy, then writes per repository the
actions, the findings per rule, and, against `tests/corpus/triage.tsv` (repo, path,
action, rule, verdict, reason), the precision of what is triaged and what is not triaged
yet. Fixes written by `--apply` are listed against `tests/corpus/fixes.tsv` the same way.

Verdicts: `true` (a real hole), `false` (a false alarm), `warning` (true, and the
wording must say the database turns the caller away). Only judgements and locations are
kept in the triage files, never the repositories' code.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOS = ROOT.parent / "shared" / "corpus" / "repos.tsv"
TRIAGE = ROOT / "tests" / "corpus" / "triage.tsv"
FIXES = ROOT / "tests" / "corpus" / "fixes.tsv"
TRUE_VERDICTS = frozenset({"true", "warning"})
Key = tuple[str, str, str, str]  # repo, path, action, rule


@dataclass
class RepoResult:
    repo: str
    actions: int = 0
    findings: list[dict[str, object]] = field(default_factory=list)
    fixes: list[Key] = field(default_factory=list)
    error: str | None = None


def load_verdicts(path: Path) -> dict[Key, str]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {(r["repo"], r["path"], r["action"], r["rule"]): r["verdict"].strip() for r in rows}


def guardfix(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "guardfix", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def run_repo(repo: str, checkout: Path, apply: bool) -> RepoResult:
    result = RepoResult(repo)
    done = guardfix(["--all", "--format", "json", "."], checkout)
    if done.returncode not in (0, 1):
        result.error = (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1]
        return result
    document = json.loads(done.stdout)
    result.actions = document["summary"]["actions"]
    result.findings = document["findings"]
    if apply:
        result.fixes = applied_fixes(repo, checkout)
    return result


def applied_fixes(repo: str, checkout: Path) -> list[Key]:
    """What `--apply` writes, as (repo, path, action, rule), on a scratch copy: the
    findings with a safe fix before that a second check no longer reports."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        ignore = shutil.ignore_patterns("node_modules")
        shutil.copytree(checkout, copy, symlinks=True, ignore=ignore)
        done = guardfix(["--all", "--apply", "--format", "json", "."], copy)
        if done.returncode not in (0, 1):
            return []
        before = json.loads(done.stdout)["findings"]
        after = guardfix(["--all", "--format", "json", "."], copy)
        left = {key(repo, f) for f in json.loads(after.stdout)["findings"]}
        return sorted(
            {
                key(repo, f)
                for f in before
                if f["fix"] is not None and f["fix"]["applicability"] == "safe"
            }
            - left
        )


def key(repo: str, finding: dict[str, object]) -> Key:
    return (repo, str(finding["path"]), str(finding["action"] or ""), str(finding["rule"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder of the checkouts")
    parser.add_argument("--repos", help="comma-separated owner/name list (default: all)")
    parser.add_argument("--out", type=Path, default=Path("corpus-report"), help="output folder")
    parser.add_argument("--apply", action="store_true", help="also list the safe fixes written")
    args = parser.parse_args(argv)

    with REPOS.open(newline="", encoding="utf-8") as handle:
        repos = [row["repo"] for row in csv.DictReader(handle, delimiter="\t")]
    if args.repos:
        wanted = set(args.repos.split(","))
        repos = [r for r in repos if r in wanted]
    verdicts = load_verdicts(TRIAGE)
    fix_verdicts = load_verdicts(FIXES)
    args.out.mkdir(parents=True, exist_ok=True)

    rows = []
    untriaged: list[Key] = []
    unreviewed: list[Key] = []
    written: list[Key] = []
    totals: Counter[str] = Counter()
    for repo in repos:
        checkout = args.corpus / repo.replace("/", "+")
        if not checkout.is_dir():
            print(f"{repo}: no checkout at {checkout}", file=sys.stderr)
            continue
        result = run_repo(repo, checkout, args.apply)
        if result.error is not None:
            print(f"{repo}: guardfix failed: {result.error}", file=sys.stderr)
        keys = [key(repo, f) for f in result.findings]
        judged = [verdicts.get(k) for k in keys]
        true = sum(1 for v in judged if v in TRUE_VERDICTS)
        false = sum(1 for v in judged if v == "false")
        untriaged += [k for k, v in zip(keys, judged, strict=True) if v is None]
        unreviewed += [k for k in result.fixes if k not in fix_verdicts]
        written += result.fixes
        per_rule = Counter(str(f["rule"]) for f in result.findings)
        fixes_wrong = sum(1 for k in result.fixes if fix_verdicts.get(k) == "wrong")
        rows.append(
            (
                repo,
                result.actions,
                len(keys),
                true,
                false,
                len(keys) - true - false,
                per_rule,
                len(result.fixes),
                fixes_wrong,
            )
        )
        totals.update(
            actions=result.actions,
            findings=len(keys),
            true=true,
            false=false,
            fixes=len(result.fixes),
            wrong=fixes_wrong,
        )
        (args.out / f"{repo.replace('/', '+')}.json").write_text(
            json.dumps(result.findings, indent=1), encoding="utf-8"
        )

    lines = [
        "| repo | actions | findings | true | false | untriaged | per rule | safe fixes | wrong |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for repo, actions, found, true, false, rest, per_rule, fixes, wrong in rows:
        rules = " ".join(f"{r}:{n}" for r, n in sorted(per_rule.items()))
        lines.append(
            f"| {repo} | {actions} | {found} | {true} | {false} | {rest} | {rules} | {fixes} "
            f"| {wrong} |"
        )
    judged = totals["true"] + totals["false"]
    precision = totals["true"] / judged if judged else float("nan")
    lines.append(
        f"| **all** | {totals['actions']} | {totals['findings']} | {totals['true']} "
        f"| {totals['false']} | {totals['findings'] - judged} | | {totals['fixes']} "
        f"| {totals['wrong']} |"
    )
    lines.append("")
    lines.append(f"precision of the triaged findings: {precision:.3f} ({totals['true']}/{judged})")
    table = "\n".join(lines) + "\n"
    (args.out / "table.md").write_text(table, encoding="utf-8")
    with (args.out / "untriaged.tsv").open("w", encoding="utf-8") as handle:
        handle.write("repo\tpath\taction\trule\n")
        handle.writelines("\t".join(k) + "\n" for k in sorted(set(untriaged)))
    with (args.out / "written-fixes.tsv").open("w", encoding="utf-8") as handle:
        handle.write("repo\tpath\taction\trule\tverdict\n")
        handle.writelines("\t".join((*k, fix_verdicts.get(k, "?"))) + "\n" for k in written)
    with (args.out / "unreviewed-fixes.tsv").open("w", encoding="utf-8") as handle:
        handle.write("repo\tpath\taction\trule\n")
        handle.writelines("\t".join(k) + "\n" for k in sorted(set(unreviewed)))
    print(table, end="")
    print(f"{len(set(untriaged))} findings not triaged, {len(set(unreviewed))} fixes not reviewed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
