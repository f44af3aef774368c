"""Two guardfix processes writing one file (a hook and an editor integration): the writes
never interleave, and neither change is lost without the run saying so.

Process A fixes one rule and is held, by a patched `os.replace`, between its last compare
and its rename. Process B fixes another rule of the same file meanwhile. B must wait for
A's lock, then find the file changed and refuse; without the lock B writes first and A's
rename then silently drops B's fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.test_apply import ACTION, PROJECT

SOURCE = """"use server";
import { auth } from "@/auth";

export async function archivePost(formData: FormData) {
  const session = await auth();
  await prisma.post.update({ where: { id: String(formData.get("id")) }, data: { done: true } });
}

export async function deletePost(formData: FormData) {
  await prisma.post.delete({ where: { id: String(formData.get("id")) } });
}
"""
CHECK = "if (!session?.user?.id) {"  # what A's GF004 fix adds to archivePost
GUARD = "const session = await auth();\n  if"  # B's GF001 fix in deletePost adds a second

# Runs guardfix with os.replace held until the test says go.
HELD = """
import os, sys, time
from pathlib import Path
real = os.replace
def held(src, dst):
    Path(sys.argv[1]).write_text("ready")
    while not Path(sys.argv[2]).exists():
        time.sleep(0.02)
    real(src, dst)
os.replace = held
from guardfix.cli import main
sys.exit(main(sys.argv[3:]))
"""

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="needs Linux /proc/locks to see a waiting lock"
)


def waiting_on_lock(pid: int) -> bool:
    """Whether `pid` is blocked on a flock (a `->` line in /proc/locks)."""
    return any(
        line.split()[1:6] == ["->", "FLOCK", "ADVISORY", "WRITE", str(pid)]
        for line in Path("/proc/locks").read_text().splitlines()
    )


def test_a_second_writer_waits_then_refuses(tmp_path: Path) -> None:
    write_tree(tmp_path, {**PROJECT, ACTION: SOURCE})
    (tmp_path / "a.toml").write_text('select = ["GF004"]\n')
    (tmp_path / "b.toml").write_text('select = ["GF001"]\n')
    ready, go = tmp_path / "a-ready", tmp_path / "a-go"
    env = {**os.environ, "NO_COLOR": "1"}
    a = subprocess.Popen(
        [sys.executable, "-c", HELD, str(ready), str(go), "--apply", "--config", "a.toml", ACTION],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    b: subprocess.Popen[str] | None = None
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert a.poll() is None, a.communicate()
            assert time.monotonic() < deadline, "process A never reached its rename"
            time.sleep(0.02)
        b = subprocess.Popen(
            [sys.executable, "-m", "guardfix", "--apply", "--config", "b.toml", ACTION],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        # B either blocks on A's lock, or (with no lock) finishes its own write first.
        while b.poll() is None and not waiting_on_lock(b.pid):
            assert time.monotonic() < deadline, "process B neither waited nor finished"
            time.sleep(0.02)
        go.write_text("go")
        a_out, a_err = a.communicate(timeout=60)
        b_out, b_err = b.communicate(timeout=60)
    finally:
        for proc in (a, b):
            if proc is not None and proc.poll() is None:
                proc.kill()

    assert a.returncode == 1, a_out + a_err
    assert f"Rewrote {ACTION} (1 fix)" in a_out
    after = (tmp_path / ACTION).read_text()
    assert CHECK in after
    # B did not lose its change silently: it refused, said why, and exited 2.
    assert b.returncode == 2, b_out + b_err
    assert f"Not rewritten: {ACTION}: it changed since guardfix read it" in b_out
    assert after.count(GUARD) == 1

    # Run again, B's fix lands on top of A's: both changes are in.
    again = subprocess.run(
        [sys.executable, "-m", "guardfix", "--apply", "--config", "b.toml", ACTION],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert again.returncode == 1, again.stdout + again.stderr
    final = (tmp_path / ACTION).read_text()
    assert CHECK in final
    assert final.count(GUARD) == 2
    assert sorted(p.name for p in (tmp_path / "app/actions").iterdir()) == ["posts.ts"]
