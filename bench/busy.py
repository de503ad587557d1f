"""A machine kept busy beside a benchmark: CPU burners, so the trials run under load as on a loaded laptop or CI.

Each burner is a process spinning on one core; `busy(n)` starts `n` of them
and ends exactly those (by pid) when the block ends, whatever ended it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SPIN = "while True:\n    pass\n"


def default_burners() -> int:
    """Several times the core count: a load that makes every timing in the trials late."""
    return 3 * (os.cpu_count() or 1)


@contextmanager
def busy(burners: int) -> Iterator[list[int]]:
    """`burners` spinning processes for the duration of the block; yields their pids."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(burners):
            started.append(subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL))
        yield [process.pid for process in started]
    finally:
        for process in started:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()


def load() -> str:
    """The one-minute load average, as `uptime` shows it, or "unknown"."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"
