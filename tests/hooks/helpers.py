"""Shared pieces of the hook tests: a fake interpreter that records how the shim called it, real git runs."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

FAKE_PYTHON = """#!/bin/sh
# Stands in for the interpreter a shim calls: `python -P -c PROGRAM hook NAME ARGS...`.
log=${HOOK_LOG:?}
shift 3
echo "healer $*" >> "$log"
cat > "$log.healer-stdin"
exit "${FAKE_EXIT:-0}"
"""

FAKE_HEALER = """#!/bin/sh
# Stands in for `healer` on PATH.
echo "path-healer $*" >> "${HOOK_LOG:?}"
cat > "$HOOK_LOG.path-healer-stdin"
exit "${FAKE_EXIT:-0}"
"""

RECORDING_HOOK = """#!/bin/sh
# A user's own hook: records its name as it sees it, its arguments and stdin.
echo "previous $0 $(basename "$0") $*" >> "${HOOK_LOG:?}"
cat > "$HOOK_LOG.previous-stdin"
exit "${PREVIOUS_EXIT:-0}"
"""


def executable(path: Path, text: str, mode: int = 0o755) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def run_git(
    cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=stdin,
        timeout=120,
    )


def log_lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []
