"""The command line: parse options, run the pipeline, print, return an exit code."""

# No `from __future__ import annotations`: typer would evaluate the options' annotations
# from strings at every run. The pipeline's types are imported for checking only: quoted.
import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer

from guardfix import __version__
from guardfix.config import BASELINE_FILE, KEYS
from guardfix.rules import RULES, RULES_BY_CODE

# The pipeline is imported when a check runs: `--version` and `--help` need none of it.
if TYPE_CHECKING:
    from guardfix.model import Report, Rewrite
    from guardfix.rewrite import Rebuild
    from guardfix.select import Selection

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports SIGINT
ISSUES_URL = "https://github.com/guardfix/guardfix/issues"

NAME_WIDTH = max(len(rule.name) for rule in RULES)
HELP = f"""Find and fix Next.js Server Actions that change data without checking who is calling.

Every "use server" function is a public POST endpoint. guardfix finds the ones
that write to the database (Prisma, Drizzle, Supabase, Kysely, Mongoose, SQL) or
cause side effects (email, payments, storage, files, Redis) with no session
check before the first write, and the writes that let the caller's input pick
someone else's rows.

\b
What it checks:
  guardfix                    the staged change (what `git commit` would record)
  guardfix --all              every tracked file (every file below . outside git)
  guardfix app/ lib/auth.ts   those files and folders, whole
  guardfix --staged FILES     as a pre-commit hook: staged files by their changes
  guardfix --diff-base main   what this branch changes since main (for CI)
  guardfix --format github    annotations for GitHub Actions (also: json, sarif)

\b
Fixing: every run shows the diff of the fixes it would make; nothing is written
until you say so.
  guardfix --apply            write the safe fixes (exit 1 when a file changed)
  guardfix --apply --unsafe-fixes
                              also write fixes that rest on a guess (an owner
                              column named by convention)
  guardfix --apply --verify   write only the fixes after which the project's
                              own tsc reports no new error (needs Node.js)
A fix inserts the project's own session check (the one its guarded actions use,
or `session` in the configuration, or the auth library's preset), scopes
update/delete filters to the caller's rows and takes user ids from the session.
In the staged mode a file is only written when its working tree matches the index.

\b
Teams:
  guardfix --all --write-baseline
                              record today's findings (.guardfix-baseline.json);
                              later runs report only new ones
  guardfix --list-rules       each rule's code, name, severity and whether it is fixable
  guardfix --apply --exit-zero-on-fix
                              for lint-staged: exit 0 when every finding was fixed

\b
In the staged and branch modes only actions that overlap a changed line (or
whose file's "use server" line changed) are reported.

\b
Exit status: 0 nothing found (or warnings only, without --strict), 1 findings
(or files rewritten), 2 usage or configuration error, or a file that could not
be read as text or written.

\b
Rules:
{chr(10).join(f"  {r.code} {r.name:<{NAME_WIDTH}} {r.summary}" for r in RULES)}
  Run `guardfix --explain GF001` for a rule's full documentation.
  Silence a deliberate public action with a reason, on the line above it:
    // guardfix-ignore GF001: public contact form

\b
Configuration (guardfix.toml, .guardfix.toml or [tool.guardfix] in pyproject.toml):
{chr(10).join(f"  {key:<16}{meaning}" for key, meaning in KEYS.items())}
"""


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@app.command(help=HELP, no_args_is_help=False)
def command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or folders to check whole (default: the staged change).", show_default=False
        ),
    ] = None,
    all_files: Annotated[
        bool,
        typer.Option(
            "--all", help="Check every tracked file, or every file below PATH outside git."
        ),
    ] = False,
    staged_paths: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="With PATHS (from pre-commit): staged files report only touched "
            "actions; files with no staged change are checked whole.",
        ),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option("--diff-base", metavar="REF", help="Check what HEAD changes since REF."),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", help="Report format.", case_sensitive=False)
    ] = Format.text,
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config", metavar="FILE", help="Read this configuration file instead.", dir_okay=False
        ),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the fixes (safe ones; see --unsafe-fixes).")
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option("--unsafe-fixes", help="Also show and apply fixes that rest on a guess."),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="With --apply: type-check each affected project with its own tsc, in a "
            "temporary copy, before and after the fixes; write only the fixes that add no error.",
        ),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too, not only on errors.")
    ] = False,
    exit_zero_on_fix: Annotated[
        bool,
        typer.Option(
            "--exit-zero-on-fix",
            help="With --apply: exit 0 when every finding was fixed (for lint-staged, which "
            "stages what a passing task rewrote).",
        ),
    ] = False,
    baseline_path: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help=f"Hide the findings recorded in FILE (default: {BASELINE_FILE} at the "
            "repository root, when there is one).",
            dir_okay=False,
        ),
    ] = None,
    write_baseline: Annotated[
        str | None,
        typer.Option(
            "--write-baseline",
            metavar="[PATH]",
            help=f"With --all: record every finding in PATH (default {BASELINE_FILE}) "
            "so later runs report only new ones.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Check the files in N processes (default: the CPU count; 1 in the staged "
            "mode). The report is the same for any N.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the findings only.")] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print how many findings each rule has.")
    ] = False,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List the rules and exit.")
    ] = False,
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="CODE", help="Print a rule's documentation and exit."),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> int:
    if version:
        print(f"guardfix {__version__}")
        return EXIT_CLEAN
    if explain is not None:
        return _explain(explain)
    if list_rules:
        from guardfix.report.statistics import rule_list

        sys.stdout.write(rule_list())
        return EXIT_CLEAN
    from guardfix.config import ConfigError, find_config_file, load_config
    from guardfix.engine import check
    from guardfix.libraries import libraries
    from guardfix.model import Applicability
    from guardfix.report.progress import progress_bar
    from guardfix.rewrite import rebuilder
    from guardfix.rewrite import rewrites as fixed_files
    from guardfix.select import select
    from guardfix.severity import configured, failing
    from guardfix.write import write_rewrites

    cwd = Path.cwd()
    modes = sum([all_files, staged_paths, base is not None])
    if modes > 1:
        raise click.UsageError("use only one of --all, --staged and --diff-base")
    if staged_paths and not paths:
        raise click.UsageError("--staged needs the file names (pre-commit passes them)")
    if all_files and paths and len(paths) > 1:
        raise click.UsageError("--all takes at most one folder")
    if base is not None and paths:
        raise click.UsageError("--diff-base does not take paths")
    if verify and not apply:
        raise click.UsageError("--verify checks the fixes --apply writes; add --apply")
    if write_baseline is not None and (not all_files or apply):
        raise click.UsageError("--write-baseline records every finding: use it with --all alone")
    if exit_zero_on_fix and not apply:
        raise click.UsageError("--exit-zero-on-fix goes with --apply")
    selection = select(cwd, paths or [], all_files, staged_paths, base)
    config_file = config_path if config_path is not None else find_config_file(selection.root)
    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"{config_path}: no such configuration file")
    config = load_config(config_file, frozenset(RULES_BY_CODE))
    libraries()  # a bad library description is an error before any file is read
    with progress_bar(len(selection.sources), show=all_files and not quiet) as tick:
        report = check(selection, config, progress=tick, jobs=jobs or _default_jobs(selection))
    report.findings = configured(report.findings, config)
    if write_baseline is not None:
        return _write_baseline(cwd, selection, report, write_baseline)
    baseline_file = baseline_path or selection.root / BASELINE_FILE
    if baseline_path is not None or baseline_file.is_file():
        from guardfix.baseline import hide_baselined

        hide_baselined(report, baseline_file)
    allowed = {Applicability.SAFE} | ({Applicability.UNSAFE} if unsafe_fixes else set())
    # The text report shows the diff; the other formats carry each fix's edits instead.
    wants_rewrites = apply or output is Format.text
    rewrites: list[Rewrite] = []
    failures: dict[str, str] = {}
    if wants_rewrites:
        fix_file = rebuilder(report, frozenset(allowed), selection.reader, config)
        rewrites = fixed_files(report, fix_file)
        if verify:
            rewrites, failures = _verified(selection, report, rewrites, fix_file)
    if apply:
        failures |= write_rewrites(selection.root, rewrites, staged=selection.staged)
    if statistics and output is Format.text:
        from guardfix.report.statistics import render as render_statistics

        sys.stdout.write(render_statistics(report.findings))
    else:
        sys.stdout.write(_render(report, output, rewrites, apply, failures, quiet))
    if apply and output is not Format.text:
        from guardfix.report.text import outcome

        for lines in outcome(rewrites, failures):
            for line in lines:
                print(line, file=sys.stderr)
    if failures or report.unreadable:
        return EXIT_ERROR
    fixed = {id(f) for rw in rewrites for f in rw.fixed} if apply else set()
    left = failing((f for f in report.findings if id(f) not in fixed), strict)
    if fixed and not exit_zero_on_fix:
        return EXIT_FINDINGS  # a rewritten file is for the user to review
    return EXIT_FINDINGS if left else EXIT_CLEAN


def _write_baseline(cwd: Path, selection: "Selection", report: "Report", where: str) -> int:
    from guardfix import baseline

    path = cwd / where if where else selection.root / BASELINE_FILE
    entries = [baseline.entry(f, report.contents.get(f.path, b"")) for f in report.findings]
    baseline.write(path, entries)
    noun = "finding" if len(entries) == 1 else "findings"
    print(f"guardfix: recorded {len(entries)} {noun} in {path}", file=sys.stderr)
    return EXIT_CLEAN


def _verified(
    selection: "Selection", report: "Report", rewrites: "list[Rewrite]", fix_file: "Rebuild"
) -> "tuple[list[Rewrite], dict[str, str]]":
    """The rewrites without the fixes tsc rejects; says which were dropped, on stderr too."""
    from guardfix.verify import VerifyError, verify

    try:
        result = verify(selection.root, rewrites, fix_file)
    except VerifyError as exc:  # before anything is written
        print(f"guardfix: error: {exc}", file=sys.stderr)
        raise click.exceptions.Exit(EXIT_ERROR) from None
    report.notices.extend([*result.notices, *result.dropped])
    for line in result.dropped:
        print(f"guardfix: {line}", file=sys.stderr)
    return result.rewrites, result.failures


def _render(
    report: "Report",
    output: Format,
    rewrites: "list[Rewrite]",
    applied: bool,
    failures: dict[str, str],
    quiet: bool,
) -> str:
    # Each renderer is imported only when used: start-up time is the hook's budget.
    if output is Format.json:
        from guardfix.report import json_report

        return json_report.render(report)
    if output is Format.sarif:
        from guardfix.report import sarif

        return sarif.render(report)
    if output is Format.github:
        from guardfix.report import github

        return github.render(report)
    from guardfix.report import text

    return text.render(
        report,
        color=_use_color(),
        rewrites=rewrites,
        applied=applied,
        failures=failures,
        quiet=quiet,
    )


def _default_jobs(selection: "Selection") -> int:
    """One process for a commit's few files; a whole tree gets every CPU the run may use."""
    if selection.staged:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _explain(code: str) -> int:
    rule = RULES_BY_CODE.get(code.upper()) or next(
        (r for r in RULES if r.name == code.lower()), None
    )
    if rule is None:
        raise click.UsageError(f"unknown rule {code!r}; rules: {', '.join(r.code for r in RULES)}")
    print(f"# {rule.code} {rule.name}\n\n{rule.summary}.\n\n{rule.doc.strip()}")
    return EXIT_CLEAN


def _use_color() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run guardfix as `guardfix ARGS`; returns the exit code (for tests and the script)."""
    cli = typer.main.get_command(app)
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        result = cli.main(
            args=_optional_value(args, "--write-baseline"),
            prog_name="guardfix",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        print(f"guardfix: error: {exc.format_message()}", file=sys.stderr)
        print("Try 'guardfix --help' for help.", file=sys.stderr)
        return EXIT_ERROR
    except click.exceptions.Abort:
        return EXIT_ERROR
    except Exception as exc:
        return _stopped(exc)
    if result == EXIT_INTERRUPTED:  # typer's answer to Ctrl-C; the command never returns it
        print("guardfix: interrupted; no file was left half-written", file=sys.stderr)
    return int(result) if isinstance(result, int) else EXIT_CLEAN


def _stopped(exc: Exception) -> int:
    """Say what stopped the run, in one line on stderr; the exit status."""
    from guardfix.config import ConfigError
    from guardfix.git import GitError
    from guardfix.libraries import LibraryError
    from guardfix.select import SelectError

    if isinstance(exc, (ConfigError, LibraryError, SelectError, GitError)):
        print(f"guardfix: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`guardfix | head`); say nothing more on a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    from guardfix.model import InternalError

    if isinstance(exc, InternalError):
        from guardfix.report.text import shown

        print(
            f"guardfix: internal error while checking {shown(exc.path)}: {exc.cause!r}; "
            f"please report it at {ISSUES_URL} with that file if you can",
            file=sys.stderr,
        )
        return EXIT_ERROR
    # A bug outside any one file's check.
    print(
        f"guardfix: internal error: {exc!r}; "
        f"please report it at {ISSUES_URL} with the command you ran",
        file=sys.stderr,
    )
    return EXIT_ERROR


def _optional_value(args: list[str], option: str) -> list[str]:
    """`--write-baseline` alone (last, or before another option) takes its default path."""
    out = list(args)
    for i, arg in enumerate(out):
        if arg == "--":
            break
        if arg == option and (i + 1 == len(out) or out[i + 1].startswith("-")):
            out[i] = f"{option}="
    return out


def run() -> None:
    sys.exit(main())
