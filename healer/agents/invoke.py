"""Running one agent CLI to its end, whatever it does: a timeout, Ctrl-C, a flood of output, a process that hangs.

It starts in a session of its own (so ending its process group ends
everything it started), with the prompt as an argument, a file or on its
standard input, and with its output read by threads that keep at most
OUTPUT_CAP bytes of standard output and the last STDERR_CAP of standard
error: an agent that prints 50 MB costs healer a megabyte. On timeout or
cancel the whole group is ended (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from healer.process import end_group, signal_group

OUTPUT_CAP = 1 << 20
STDERR_CAP = 16 << 10
POLL_SECONDS = 0.05


class Invocation(NamedTuple):
    code: int | None
    """Its exit code; None when it was ended (timeout, cancel) or never started."""
    stdout: bytes
    """The first OUTPUT_CAP bytes it printed."""
    stderr: str
    """The end of what it printed on standard error."""
    printed: int
    """Bytes it printed in all, both streams."""
    seconds: float
    timed_out: bool = False
    cancelled: bool = False
    missing: str | None = None
    """Why it could not start (not installed)."""


class _Reader(threading.Thread):
    def __init__(self, stream: IO[bytes], cap: int, keep_end: bool) -> None:
        super().__init__(daemon=True)
        self.stream, self.cap, self.keep_end = stream, cap, keep_end
        self.kept = bytearray()
        self.total = 0

    def run(self) -> None:
        while chunk := self.stream.read(65536):
            self.total += len(chunk)
            if self.keep_end:
                self.kept += chunk
                del self.kept[: max(0, len(self.kept) - self.cap)]
            elif len(self.kept) < self.cap:
                self.kept += chunk[: self.cap - len(self.kept)]


def invoke(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    *,
    stdin: bytes | None,
    timeout: float,
    cancel: threading.Event | None = None,
) -> Invocation:
    """Run `argv` in `cwd` with exactly `env`; `stdin` is written to it and closed (None: nothing to read)."""
    began = time.monotonic()
    try:
        child = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as error:
        return Invocation(None, b"", "", 0, 0.0, missing=error.strerror or str(error))
    assert child.stdout is not None and child.stderr is not None
    out, err = _Reader(child.stdout, OUTPUT_CAP, False), _Reader(child.stderr, STDERR_CAP, True)
    out.start()
    err.start()
    if stdin is not None and child.stdin is not None:
        threading.Thread(target=_feed, args=(child.stdin, stdin), daemon=True).start()
    timed_out = cancelled = False
    deadline = began + timeout
    try:
        while child.poll() is None:
            if time.monotonic() >= deadline:
                timed_out = True
                break
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            time.sleep(POLL_SECONDS)
    except BaseException:
        end_group(child)
        raise
    if timed_out or cancelled:
        end_group(child)
    else:
        signal_group(child, signal.SIGKILL)  # what it left running in its group
    child.wait()
    out.join(5)
    err.join(5)
    return Invocation(
        None if timed_out or cancelled else child.returncode,
        bytes(out.kept),
        err.kept.decode("utf-8", errors="replace"),
        out.total + err.total,
        time.monotonic() - began,
        timed_out,
        cancelled,
    )


def _feed(pipe: IO[bytes], data: bytes) -> None:
    # An agent may exit without reading its input: what it did is judged by its copy, not by this.
    with contextlib.suppress(OSError):
        pipe.write(data)
    with contextlib.suppress(OSError):
        pipe.close()
