"""Starting a stage's command in its own process group, and ending that whole group."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

GRACE_SECONDS = 2.0


def start(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start the command with output merged into one pipe and no standard input.

    A new session makes the command the leader of its own process group, so a
    timeout or Ctrl-C can end it together with everything it started.
    """
    return subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
    )


def signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> bool:
    """Send `sig` to the process's group; False when nothing is left in it."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    return True


def group_alive(process: subprocess.Popen[bytes]) -> bool:
    try:
        os.killpg(process.pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def end_group(process: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM the group, then SIGKILL whatever is still there after `grace` seconds."""
    if not signal_group(process, signal.SIGTERM):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if process.poll() is not None and not group_alive(process):
            return
        time.sleep(0.02)
    signal_group(process, signal.SIGKILL)


def run_briefly(
    argv: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None, *, timeout: float
) -> tuple[int | None, bytes, bytes]:
    """Run a short command (a `--version`) to completion: exit code (None on timeout), stdout, stderr.

    Like a stage, it gets its own process group, so a timeout ends whatever it
    started too, not only the direct child as subprocess.run's timeout would.
    """
    began = time.monotonic()
    try:
        return _run_briefly(argv, cwd, env, timeout=timeout)
    finally:
        _waited[0] += time.monotonic() - began


_waited = [0.0]


def tools_seconds() -> float:
    """Seconds this process has spent waiting for short commands (fixers, reruns, formatters, versions).

    Lets healer tell its own time from its tools' time when it reports how long proposing fixes took.
    """
    return _waited[0]


def _run_briefly(
    argv: Sequence[str], cwd: Path | None, env: Mapping[str, str] | None, *, timeout: float
) -> tuple[int | None, bytes, bytes]:
    child = subprocess.Popen(
        list(argv), cwd=cwd, env=None if env is None else dict(env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_group(child)
        out, err = child.communicate()
        return None, out, err
    signal_group(child, signal.SIGKILL)  # anything it left running in its group
    return child.returncode, out, err


def resolve(command: str, path: str | None) -> str | None:
    """Where `command` would be found on `path`, like the shell would look it up.

    shutil.which does the same, but importing shutil costs a run about 2.5 ms.
    """
    if os.sep in command:
        return command if _is_executable(command) else None
    for folder in (os.defpath if path is None else path).split(os.pathsep):
        candidate = os.path.join(folder, command)
        if _is_executable(candidate):
            return candidate
    return None


def _is_executable(path: str) -> bool:
    return os.access(path, os.X_OK) and not os.path.isdir(path)
