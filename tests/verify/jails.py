"""Whether this machine can jail untrusted code; in CI it must (`.ci/run` installs bubblewrap): no silent skip."""

from __future__ import annotations

import os
import sys

import pytest

from healer.config.settings import SandboxSettings
from healer.pipeline.jail import choose

_problem = choose(SandboxSettings()).problem

needs_jail = pytest.mark.skipif(
    _problem is not None and not os.environ.get("CI"),
    reason=f"no OS sandbox here ({_problem}); .ci/run installs bubblewrap",
)

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="these tests take bubblewrap away through PATH"
)


def running(marker: str) -> list[int]:
    """The processes whose command line holds `marker` (read from /proc: Linux)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(name))
        except OSError:
            continue
    return found
