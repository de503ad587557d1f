"""Offline, rule-only mode: `healer fix` proposes, verifies and applies without opening a single socket."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import Repo

WATCHED = textwrap.dedent(
    """
    import sys

    log = sys.argv.pop(1)

    def audit(event, args):
        # Every way Python opens, resolves or connects a socket raises one of these events.
        if event.startswith(("socket.", "ssl.")) or event in ("http.client.connect", "urllib.Request"):
            with open(log, "a") as handle:
                handle.write(f"{event} {args!r}\\n")

    sys.addaudithook(audit)
    from healer.main import main

    raise SystemExit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("how", ["--offline", "HEALER_OFFLINE=1", "no model configured"])
def test_fixing_offline_opens_no_socket(how: str, repo: Repo, tmp_path: Path) -> None:
    repo.config('[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\n')
    repo.write("app.py", "import os\n\nVALUE = 1\n")
    repo.commit()
    script = tmp_path / "watched.py"
    script.write_text(WATCHED)
    log = tmp_path / "sockets.log"
    env = dict(os.environ)
    argv = [sys.executable, str(script), str(log), "fix", "--apply", "safe"]
    if how == "--offline":
        argv.append("--offline")
    elif how == "HEALER_OFFLINE=1":
        env["HEALER_OFFLINE"] = "1"
    done = subprocess.run(argv, cwd=repo.path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo.path / "app.py").read_text() == "\nVALUE = 1\n"  # the fix went all the way
    assert not log.exists(), log.read_text()


def test_the_audit_hook_does_see_sockets(tmp_path: Path) -> None:
    # The test above proves nothing unless the hook notices a socket when one is opened.
    script = tmp_path / "watched.py"
    script.write_text(WATCHED.replace("from healer.main import main", "import socket; socket.socket().close()"))
    log = tmp_path / "sockets.log"
    subprocess.run([sys.executable, str(script), str(log)], capture_output=True, timeout=60, check=False)
    assert "socket.__new__" in log.read_text()
