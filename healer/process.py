"""Starting a stage's command in its own process group, and ending that whole group and whatever left it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

GRACE_SECONDS = 2.0
OUTLIVER_GRACE_SECONDS = 0.5

MARK = "HEALER_STAGE_RUN"
"""Set in each started command's environment to a value of its own: a process that left the command's session
(a daemon that called setsid) still carries it, and is found by it once the command has ended."""

_marks: dict[int, str] = {}


def start(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start the command with output merged into one pipe and no standard input.

    A new session makes the command the leader of its own process group, so a
    timeout or Ctrl-C can end it together with everything it started;
    `end_outlivers` finds what left that group.
    """
    mark = os.urandom(8).hex()
    child = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={**env, MARK: mark},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
    )
    _marks[child.pid] = mark
    return child


def end_outlivers(process: subprocess.Popen[bytes]) -> list[tuple[int, str]]:
    """End what a finished command started that still runs outside its process group; (pid, name) of each.

    Found by the command's mark in /proc/PID/environ (Linux; elsewhere nothing is found): a process that
    cleared its environment goes unseen.
    """
    mark = _marks.pop(process.pid, None)
    if mark is None:
        return []
    found = _carrying(f"{MARK}={mark}".encode())
    for pid, _name in found:
        _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + OUTLIVER_GRACE_SECONDS
    remaining = [pid for pid, _name in found]
    while remaining and time.monotonic() < deadline:
        time.sleep(0.02)
        remaining = [pid for pid in remaining if _running(pid)]
    for pid in remaining:
        _kill(pid, signal.SIGKILL)
    return found


def _carrying(entry: bytes) -> list[tuple[int, str]]:
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    me = os.getpid()
    wanted = b"\0" + entry + b"\0"
    found = []
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                environ = handle.read()
            if wanted not in b"\0" + environ:
                continue
            with open(f"/proc/{name}/comm", "rb") as handle:
                command = handle.read().decode("utf-8", "replace").strip()
        except OSError:
            continue  # gone meanwhile, or someone else's
        found.append((int(name), command))
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            # The state follows the command name, which is in parentheses and may hold anything.
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _kill(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


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
