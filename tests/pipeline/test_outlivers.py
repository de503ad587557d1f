"""A stage that forks a daemon out of its session (setsid) does not leave it running after healer exits."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="outlivers are found through /proc")

# The daemon writes its pid, then waits; the stage itself ends at once, and passes.
DAEMON = """\
[stages.daemon]
run = ["sh", "-c", "setsid sh -c 'echo $$ > \\"$PIDFILE\\"; exec sleep 300' >/dev/null 2>&1 </dev/null & sleep 0.2"]
env = {{ PIDFILE = "{pidfile}" }}
cache = false
"""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")  # a zombie waits for a parent to reap it: it runs no more


def test_a_setsid_daemon_is_ended_and_named_once(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    pidfile = tmp_path / "daemon.pid"
    repo.config(DAEMON.format(pidfile=pidfile))
    done = healer("run")
    assert done.code == 0, done.out + done.err
    pid = int(pidfile.read_text())
    try:
        said = done.out + done.err
        line = f"stage 'daemon' left 1 process running outside its process group after it ended: sleep (pid {pid})"
        assert said.count(line) == 1, said
        deadline = time.monotonic() + 5
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(pid), "the daemon outlived healer"
    finally:
        if running(pid):
            os.kill(pid, 9)
