"""How fast guardfix is, against the floor and against ast-grep, as repositories grow.

    pip install -e '.[bench]'            # matplotlib (the plot) and ast-grep-cli (a case)
    python scripts/bench.py              # synthetic monorepos of 2,000 and 10,000 files
    python scripts/bench.py --sizes 2000,10000,50000 --runs 5
    python scripts/bench.py --path ../some-nextjs-monorepo --runs 3
    PYTHONPATH=$PWD:$PWD/codemods python scripts/bench.py   # this checkout, uninstalled

Trees. `--sizes` writes a seeded synthetic Next.js monorepo of each size (scripts/bench_tree.py:
apps/ and packages/ workspaces, ~3% server action files, ~10% helpers, ~50% components,
pages, tests, generated files and other noise) and commits it in a temporary git repository.
`--path DIR` measures the committed HEAD of an existing git checkout instead: it is cloned
(`git clone --local`) into a temporary directory first, so that checkout is never touched.

Cases, each run in the tree as a child process, in alternating order (A B C D A B C D ...,
`--runs` rounds) so that their ratios hold on a noisy machine:
  guardfix --all   `python -m guardfix --all --format json`: every tracked file
  guardfix staged  `python -m guardfix` after a one-line edit inside one server action is
                   staged (what a pre-commit hook runs): before a write in an action that
                   looks unguarded if there is one, so guardfix reports it and builds its
                   fix; the file holding it is in bench.json. Undone after each run
  floor            scripts/bench_floor.py: `git ls-files`, read every TS/JS source, parse
                   those holding "use server" with tree-sitter; no checker can do less
  ast-grep         `ast-grep scan --json` with a rule written to OUT/ast-grep/: an async
                   function in a "use server" file (or with the directive in its body)
                   that calls `$DB.$M.delete(...)`, `$DB.delete(...)` and the like and never
                   calls `auth()`. A weaker check than guardfix's (no helpers followed, no
                   ownership, no other auth libraries). ast-grep uses every core unless
                   `--ast-grep-threads 1`; guardfix uses one. Skipped when no ast-grep is
                   found (`pip install ast-grep-cli`; /usr/bin/sg is often shadow-utils').

Metrics per tree and case: median, min and max wall time; peak resident memory (os.wait4's
ru_maxrss: the largest of the child and the processes it waited for); TS/JS files per second
(tracked .ts .tsx .js .jsx .mjs .cjs .mts .cts, without .d.ts and node_modules, over the
median); "found", a sanity check that each case did its work: guardfix's findings (staged:
the count in its summary line), ast-grep's matches, the floor's parsed files; the git
commands the staged run starts (traced once under strace, when it is installed).
Then the ratios of medians: guardfix --all / ast-grep, guardfix --all / floor and guardfix
staged / floor.

Output: OUT/bench.md (the tables, also printed), OUT/bench.json (every sample) and
OUT/bench.png (wall time and peak memory against tree size; needs matplotlib). OUT defaults
to bench-out/. guardfix exits 0 or 1 by design; any other exit stops the benchmark with its
stderr. Linux and macOS only (os.wait4).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import bench_floor
import bench_tree

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SCRIPTS = Path(__file__).resolve().parent
GUARDFIX = [sys.executable, "-m", "guardfix"]
CASE_KEYS = ("all", "staged", "floor", "ast-grep")
RATIOS = (("all", "ast-grep"), ("all", "floor"), ("staged", "floor"))
STAGED_LINE = 'console.log("guardfix bench");'


# --- running a child ------------------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    peak_kib: int
    exit: int
    stdout: bytes
    stderr: bytes


def run_child(command: Sequence[str], cwd: Path, timeout: float) -> Run:
    """Run command to its end; its wall time and peak RSS from its own rusage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
        return Run(wall, peak, proc.returncode, out.read(), err.read())


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


# --- trees ----------------------------------------------------------------------------------


@dataclass
class Tree:
    name: str
    root: Path
    synthetic: bool
    files: int = 0  # tracked TS/JS sources
    action_files: list[str] = field(default_factory=list)  # those holding "use server"


def survey(tree: Tree) -> None:
    names = bench_floor.sources(str(tree.root))
    tree.files = len(names)
    tree.action_files = [name for name in names if b"use server" in read(tree.root / name)]


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def synthetic_tree(workdir: Path, files: int, seed: int) -> Tree:
    root = workdir / f"synthetic-{files}"
    print(f"writing a synthetic monorepo of {files} files into {root}", file=sys.stderr)
    bench_tree.generate(root, files, seed)
    bench_tree.commit(root)
    return Tree(f"synthetic {files}", root, synthetic=True)


def cloned_tree(workdir: Path, source: Path) -> Tree:
    source = source.resolve()
    root = workdir / source.name
    print(f"cloning {source} into {root}", file=sys.stderr)
    clone = ["git", "clone", "-q", "--local", str(source), str(root)]
    if subprocess.run(clone).returncode != 0:
        raise SystemExit(f"{source}: not a git checkout with a commit to clone")
    return Tree(source.name, root, synthetic=False)


# --- the staged edit ------------------------------------------------------------------------


@dataclass
class StagedEdit:
    """A one-line change inside a server action, staged before a run and undone after."""

    root: Path
    path: str
    edited: bytes

    def apply(self) -> None:
        (self.root / self.path).write_bytes(self.edited)
        git(self.root, "add", "--", self.path)

    def undo(self) -> None:
        git(self.root, "reset", "-q", "--", self.path)
        git(self.root, "checkout", "--", self.path)


WRITE = re.compile(r"\.(delete|update|create|insert|upsert)\w*\(")
FUNCTION_START = re.compile(r"(\bfunction\b|=>).*\{\s*$")
CALLER_CHECK = re.compile(r"auth|session|user", re.IGNORECASE)


def statement_starts(lines: list[str]) -> list[int]:
    """Indexes of indented lines that start a statement (the line before ends one)."""
    starts = []
    previous = ""
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indented = line != stripped
        keyword = stripped.startswith(("const ", "let ", "await ", "return "))
        if indented and keyword and previous.endswith((";", "{", "}")):
            starts.append(i)
        if stripped:
            previous = line.rstrip()
    return starts


def unchecked_write(lines: list[str], i: int) -> bool:
    """Line i writes, and nothing between it and its function's start names a caller check."""
    if not WRITE.search(lines[i]):
        return False
    for line in reversed(lines[:i]):
        if CALLER_CHECK.search(line):
            return False
        if FUNCTION_START.search(line):
            return True
    return False


def insert_statement(text: str, tier: int) -> str | None:
    """text with a statement added inside a function body, or None.

    Tier 0 puts it before a write with no caller check in sight, tier 1 before any write,
    tier 2 before the first statement.
    """
    lines = text.split("\n")
    starts = statement_starts(lines)
    if tier == 0:
        starts = [i for i in starts if unchecked_write(lines, i)]
    elif tier == 1:
        starts = [i for i in starts if WRITE.search(lines[i])]
    if not starts:
        return None
    i = starts[0]
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    return "\n".join([*lines[:i], indent + STAGED_LINE, *lines[i:]])


def staged_edit(tree: Tree) -> StagedEdit | None:
    """The edit for the staged case, in a file whose first statement is "use server" if any.

    In an action that looks unguarded if there is one, so that guardfix reports it and
    builds its fix (the most work a staged run does), else before any write, else anywhere.
    """
    directive = re.compile(rb"""\A\s*(//[^\n]*\n\s*)*["']use server["']""")
    names = sorted(tree.action_files, key=lambda n: (not directive.match(read(tree.root / n)), n))
    texts = {name: read(tree.root / name).decode("utf-8", "replace") for name in names}
    for tier in range(3):
        for name in names:
            edited = insert_statement(texts[name], tier)
            if edited is not None:
                return StagedEdit(tree.root, name, edited.encode())
    return None


# --- ast-grep -------------------------------------------------------------------------------

AST_GREP_LANGUAGES = ("TypeScript", "Tsx", "JavaScript")
AST_GREP_RULE = """\
id: unguarded-server-action-{language}
language: {language}
severity: warning
message: a server action writes to the database and never calls auth()
utils:
  use-server:
    kind: expression_statement
    has:
      kind: string
      regex: "^.use server.$"
rule:
  all:
    - any:
        - kind: function_declaration
        - kind: arrow_function
        - kind: function_expression
        - kind: method_definition
    - any:
        - inside:
            stopBy: end
            kind: program
            has: {{ matches: use-server }}
        - has:
            field: body
            has: {{ matches: use-server }}
    - has:
        stopBy: end
        any:
          - pattern: $DB.$M.delete($$$)
          - pattern: $DB.$M.deleteMany($$$)
          - pattern: $DB.$M.update($$$)
          - pattern: $DB.$M.updateMany($$$)
          - pattern: $DB.$M.upsert($$$)
          - pattern: $DB.$M.create($$$)
          - pattern: $DB.delete($$$)
          - pattern: $DB.update($$$)
          - pattern: $DB.insert($$$)
    - not:
        has:
          stopBy: end
          pattern: auth()
"""


def find_ast_grep(explicit: str | None) -> str | None:
    """An ast-grep binary: the given one, or on PATH, or beside this Python."""
    beside = str(Path(sys.executable).parent / "ast-grep")
    candidates = [explicit] if explicit else [shutil.which("ast-grep"), shutil.which("sg"), beside]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and "ast-grep" in version_of([candidate]):
            return candidate
    return None


def version_of(command: list[str]) -> str:
    try:
        proc = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (proc.stdout + proc.stderr).strip()


def write_ast_grep_config(folder: Path) -> Path:
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    rules = "---\n".join(AST_GREP_RULE.format(language=lang) for lang in AST_GREP_LANGUAGES)
    (folder / "rules" / "unguarded-server-action.yml").write_text(rules)
    config = folder / "sgconfig.yml"
    config.write_text("ruleDirs:\n  - rules\n")
    return config


# --- cases ----------------------------------------------------------------------------------


@dataclass
class Case:
    key: str
    label: str
    command: list[str]
    ok_exits: tuple[int, ...]
    count: Callable[[bytes], int | None]
    edit: StagedEdit | None = None


def count_findings(stdout: bytes) -> int:
    return len(json.loads(stdout)["findings"])


def count_matches(stdout: bytes) -> int:
    return len(json.loads(stdout or b"[]"))


def count_parsed(stdout: bytes) -> int:
    return int(stdout.strip())


def count_reported(stdout: bytes) -> int | None:
    """The problems in guardfix's text summary ("Found 2 problems in ...")."""
    if b"No problems found" in stdout:
        return 0
    match = re.search(rb"Found (\d+) problems?", stdout)
    return int(match.group(1)) if match else None


def build_cases(tree: Tree, keys: Sequence[str], sg: list[str] | None) -> list[Case]:
    cases = []
    for key in keys:
        if key == "all":
            command = [*GUARDFIX, "--all", "--format", "json"]
            cases.append(Case(key, "guardfix --all", command, (0, 1), count_findings))
        elif key == "staged":
            edit = staged_edit(tree)
            if edit is None:
                print(f"{tree.name}: no server action to edit, no staged case", file=sys.stderr)
                continue
            cases.append(Case(key, "guardfix staged", GUARDFIX, (0, 1), count_reported, edit))
        elif key == "floor":
            command = [sys.executable, str(SCRIPTS / "bench_floor.py")]
            cases.append(Case(key, "floor", command, (0,), count_parsed))
        elif key == "ast-grep" and sg is not None:
            cases.append(Case(key, "ast-grep", sg, (0, 1), count_matches))
    return cases


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    peak_kib: int
    exit: int
    found: int | None


@dataclass
class Result:
    tree: Tree
    case: Case
    samples: list[Sample] = field(default_factory=list)
    git_processes: str | None = None

    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    def median(self) -> float:
        return statistics.median(self.walls())

    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024


def measure(case: Case, tree: Tree, timeout: float) -> Sample:
    if case.edit:
        case.edit.apply()
    try:
        run = run_child(case.command, tree.root, timeout)
    finally:
        if case.edit:
            case.edit.undo()
    if run.exit not in case.ok_exits:
        sys.stderr.write(run.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{case.label} exited {run.exit} in {tree.root}: {case.command}")
    return Sample(run.wall, run.peak_kib, run.exit, case.count(run.stdout))


def measure_tree(tree: Tree, cases: list[Case], runs: int, timeout: float) -> list[Result]:
    """Every case once per round, rounds in a row: A B C A B C ..."""
    results = [Result(tree, case) for case in cases]
    for round_no in range(1, runs + 1):
        walls = []
        for result in results:
            sample = measure(result.case, tree, timeout)
            result.samples.append(sample)
            walls.append(f"{result.case.label} {sample.wall:.2f}s")
        print(f"{tree.name} round {round_no}/{runs}: " + ", ".join(walls), file=sys.stderr)
    return results


# --- git processes of the staged run --------------------------------------------------------

ARGV = re.compile(r'execve\("[^"]*", \[(.*?)\]')
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def git_subcommand(argv: list[str]) -> str:
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-C", "-c"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return "?"


def trace_git(case: Case, tree: Tree, timeout: float) -> str | None:
    """The git commands one run of case starts, e.g. "3: rev-parse, diff x2"."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".strace") as log:
        # --seccomp-bpf: stop only at execve, not at every system call of every process.
        options = ["-f", "--seccomp-bpf", "-qq", "-e", "trace=execve", "-o", log.name]
        command = [strace, *options, *case.command]
        if case.edit:
            case.edit.apply()
        try:
            run = run_child(command, tree.root, timeout)
        finally:
            if case.edit:
                case.edit.undo()
        if run.exit not in case.ok_exits:
            return None  # ptrace not allowed here, most likely
        log_text = Path(log.name).read_text(errors="replace")
    calls = []
    for line in log_text.splitlines():
        match = ARGV.search(line)
        if match and line.rstrip().endswith("= 0"):
            argv = QUOTED.findall(match.group(1))
            if argv and Path(argv[0]).name == "git":
                calls.append(git_subcommand(argv))
    counted = Counter(calls)
    parts = [name if n == 1 else f"{name} x{n}" for name, n in counted.items()]
    return f"{len(calls)}: {', '.join(parts)}" if calls else "0"


# --- output ---------------------------------------------------------------------------------


def fmt_count(samples: list[Sample]) -> str:
    counts = {s.found for s in samples}
    if counts == {None}:
        return "-"
    return "/".join(str(c) for c in sorted(c for c in counts if c is not None))


def results_table(results: list[Result]) -> str:
    head = (
        "| tree | files | action files | case | median s | min s | max s | peak MiB "
        "| files/s | found | git processes |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in results:
        walls = r.walls()
        lines.append(
            f"| {r.tree.name} | {r.tree.files} | {len(r.tree.action_files)} | {r.case.label} "
            f"| {r.median():.3f} | {min(walls):.3f} | {max(walls):.3f} | {r.peak_mib():.0f} "
            f"| {r.tree.files / r.median():,.0f} | {fmt_count(r.samples)} "
            f"| {r.git_processes or '-'} |"
        )
    return "\n".join(lines)


def ratio(results: list[Result], tree: Tree, top: str, bottom: str) -> str:
    by_key = {r.case.key: r for r in results if r.tree is tree}
    if top not in by_key or bottom not in by_key:
        return "-"
    return f"{by_key[top].median() / by_key[bottom].median():.1f}x"


def ratios_table(results: list[Result], trees: list[Tree]) -> str:
    lines = [
        "| tree | guardfix --all / ast-grep | guardfix --all / floor | guardfix staged / floor |",
        "|---|---|---|---|",
    ]
    for tree in trees:
        cells = [ratio(results, tree, *pair) for pair in RATIOS]
        lines.append(f"| {tree.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine_lines(runs: int, sg: str | None) -> list[str]:
    guardfix = version_of(GUARDFIX) or "?"
    ast_grep = version_of([sg]) if sg else "not installed"
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"- {when}; {runs} alternating runs per case; times are wall seconds",
        f"- {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"- guardfix: {guardfix}; ast-grep: {ast_grep}",
    ]


def markdown(results: list[Result], trees: list[Tree], runs: int, sg: str | None) -> str:
    parts = [
        "# guardfix benchmark",
        "\n".join(machine_lines(runs, sg)),
        results_table(results),
        "Ratios of median wall times:",
        ratios_table(results, trees),
    ]
    return "\n\n".join(parts) + "\n"


def json_report(results: list[Result]) -> list[dict[str, object]]:
    return [
        {
            "tree": r.tree.name,
            "synthetic": r.tree.synthetic,
            "files": r.tree.files,
            "action_files": len(r.tree.action_files),
            "case": r.case.label,
            "command": r.case.command,
            "staged_file": r.case.edit.path if r.case.edit else None,
            "git_processes": r.git_processes,
            "samples": [vars(s) for s in r.samples],
        }
        for r in results
    ]


def plot(results: list[Result], path: Path) -> bool:
    """Wall time and peak memory against tree size, a line per case; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install matplotlib): no plot", file=sys.stderr)
        return False
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda value, _: f"{value:g}")
    sparse = FuncFormatter(lambda value, _: f"{value:g}" if f"{value:e}"[0] in "25" else "")
    figure, (walls, peaks) = plt.subplots(1, 2, figsize=(12, 5))
    cases = {r.case.key: r.case.label for r in results}
    for key, label in cases.items():
        ours = sorted((r for r in results if r.case.key == key), key=lambda r: r.tree.files)
        color = f"C{CASE_KEYS.index(key)}"  # the same colour for a case in every plot
        for axis, value in ((walls, Result.median), (peaks, Result.peak_mib)):
            plot_case(axis, ours, value, color, label)
    walls.set_yscale("log")
    peaks.set_ylim(bottom=0)
    for axis, title in ((walls, "median wall time (s)"), (peaks, "peak memory (MiB)")):
        axis.set_xscale("log")
        axis.set_xlabel("TS/JS files in the tree")
        axis.set_ylabel(title)
        for scale in (axis.xaxis, axis.yaxis):
            scale.set_major_formatter(plain)
            scale.set_minor_formatter(sparse)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize="small")
    crosses = "; crosses: real checkouts" if any(not r.tree.synthetic for r in results) else ""
    figure.suptitle(f"guardfix benchmark (lines: synthetic trees{crosses})")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return True


def plot_case(
    axis: Axes, results: list[Result], value: Callable[[Result], float], color: str, label: str
) -> None:
    """Synthetic trees as a line, real checkouts as named crosses; the first one is labelled."""
    synthetic = [r for r in results if r.tree.synthetic]
    if synthetic:
        xs = [r.tree.files for r in synthetic]
        axis.plot(xs, [value(r) for r in synthetic], "o-", color=color, label=label)
        label = ""
    for r in results:
        if not r.tree.synthetic:
            axis.plot(r.tree.files, value(r), "x", color=color, markersize=9, label=label or None)
            axis.annotate(r.tree.name, (r.tree.files, value(r)), fontsize=7)
            label = ""


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        metavar="N,N,...",
        help="comma-separated file counts of synthetic trees (default 2000,10000, "
        "or none when --path is given)",
    )
    parser.add_argument(
        "--path",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a git checkout to measure (repeatable)",
    )
    parser.add_argument("--runs", type=int, default=5, help="rounds of every case (default 5)")
    parser.add_argument(
        "--out", type=Path, default=Path("bench-out"), metavar="DIR", help="default bench-out/"
    )
    parser.add_argument(
        "--cases",
        default=",".join(CASE_KEYS),
        help=f"comma-separated subset of {','.join(CASE_KEYS)} (default all four)",
    )
    parser.add_argument("--seed", type=int, default=1, help="of the synthetic trees")
    parser.add_argument("--ast-grep", metavar="PATH", help="the ast-grep binary to use")
    parser.add_argument(
        "--ast-grep-threads", type=int, metavar="N", help="ast-grep's -j (default: all cores)"
    )
    parser.add_argument("--no-trace", action="store_true", help="skip the strace of git commands")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--keep", action="store_true", help="keep the trees (their path is shown)")
    return parser.parse_args()


def case_keys(spec: str) -> list[str]:
    keys = [key.strip() for key in spec.split(",") if key.strip()]
    unknown = set(keys) - set(CASE_KEYS)
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    return keys


def ast_grep_command(args: argparse.Namespace, keys: list[str], out: Path) -> list[str] | None:
    if "ast-grep" not in keys:
        return None
    binary = find_ast_grep(args.ast_grep)
    if binary is None:
        print("ast-grep not found (pip install ast-grep-cli): no ast-grep case", file=sys.stderr)
        return None
    config = write_ast_grep_config(out / "ast-grep")
    threads = ["-j", str(args.ast_grep_threads)] if args.ast_grep_threads else []
    return [binary, "scan", "-c", str(config), "--json=compact", *threads, "."]


def check_guardfix() -> None:
    """guardfix runs, and from compiled bytecode, as an installed copy does (an environment
    with PYTHONDONTWRITEBYTECODE would compile every module on every run)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the children inherit the environment
    for name in ("guardfix", "guardfix_codemods"):
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)
    proc = subprocess.run([*GUARDFIX, "--version"], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{sys.executable} -m guardfix does not run; install it or set PYTHONPATH")


def bench_trees(
    args: argparse.Namespace, workdir: Path, keys: list[str], sg: list[str] | None
) -> tuple[list[Tree], list[Result]]:
    default = "" if args.path else "2000,10000"
    sizes = [int(size) for size in (args.sizes or default).split(",") if size.strip()]
    makers: list[Callable[[], Tree]] = [
        *(lambda n=n: synthetic_tree(workdir, n, args.seed) for n in sizes),
        *(lambda p=p: cloned_tree(workdir, p) for p in args.path),
    ]
    trees: list[Tree] = []
    results: list[Result] = []
    for make in makers:
        tree = make()
        survey(tree)
        trees.append(tree)
        cases = build_cases(tree, keys, sg)
        ours = measure_tree(tree, cases, args.runs, args.timeout)
        staged = next((r for r in ours if r.case.key == "staged"), None)
        if staged and not args.no_trace:
            staged.git_processes = trace_git(staged.case, tree, args.timeout)
        results += ours
    return trees, results


def main() -> None:
    args = parse_args()
    keys = case_keys(args.cases)
    if {"all", "staged"} & set(keys):
        check_guardfix()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    sg = ast_grep_command(args, keys, out)
    workdir = Path(tempfile.mkdtemp(prefix="guardfix-bench-"))
    try:
        trees, results = bench_trees(args, workdir, keys, sg)
    finally:
        if args.keep:
            print(f"trees kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report = markdown(results, trees, args.runs, sg[0] if sg else None)
    print(report)
    (out / "bench.md").write_text(report)
    (out / "bench.json").write_text(json.dumps(json_report(results), indent=2) + "\n")
    if plot(results, out / "bench.png"):
        print(f"wrote {out / 'bench.md'}, {out / 'bench.json'} and {out / 'bench.png'}")
    else:
        print(f"wrote {out / 'bench.md'} and {out / 'bench.json'}")


if __name__ == "__main__":
    main()
