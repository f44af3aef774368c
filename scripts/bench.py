"""Wall time of guardfix as users run it: median of several runs of the real command.

    python scripts/bench.py [--runs N]

Cases: a one-file staged commit in a repository holding the bundled example,
`guardfix --all` on that repository, and `--all` on the example copied 50 times.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "nextjs-app"
COMMAND = [sys.executable, "-m", "guardfix"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def make_repo(root: Path, copies: int) -> None:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    for i in range(copies):
        shutil.copytree(EXAMPLE, root if copies == 1 else root / f"app{i}", dirs_exist_ok=True)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "example")


def timed(cwd: Path, args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr.decode())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        make_repo(one, 1)
        posts = one / "app" / "actions" / "posts.ts"
        posts.write_text(posts.read_text().replace('"/dashboard"', '"/dashboard/posts"', 1))
        git(one, "add", "-A")
        many = Path(tmp) / "many"
        make_repo(many, 50)
        files = sum(1 for p in many.rglob("*") if p.suffix in (".ts", ".tsx"))
        cases = [
            ("one-file staged commit (guardfix)", one, []),
            ("bundled example (guardfix --all)", one, ["--all"]),
            (f"example x50, {files} files (guardfix --all)", many, ["--all"]),
            ("start-up only (guardfix --version)", one, ["--version"]),
        ]
        print(f"{'case':<45} {'median':>9} {'min':>9} {'max':>9}   ({runs} runs)")
        for name, cwd, args in cases:
            times = timed(cwd, args, runs)
            print(
                f"{name:<45} {statistics.median(times):>7.0f}ms {min(times):>7.0f}ms "
                f"{max(times):>7.0f}ms"
            )


if __name__ == "__main__":
    main()
