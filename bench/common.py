"""Shared pieces of the benchmarks: timing commands, temporary repositories, printing figures."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "healer bench",
    "GIT_AUTHOR_EMAIL": "bench@healer.invalid",
    "GIT_COMMITTER_NAME": "healer bench",
    "GIT_COMMITTER_EMAIL": "bench@healer.invalid",
}
BIN = os.path.dirname(sys.executable)


def bench_env(db: Path) -> dict[str, str]:
    """The environment every benchmarked command gets: tools beside this Python first, a private KB."""
    return {**os.environ, **GIT_ENV, "HEALER_DB": str(db), "PATH": BIN + os.pathsep + os.environ["PATH"]}


def time_command(
    argv: Sequence[str], cwd: Path, env: dict[str, str], runs: int, *, check: int | None = 0
) -> list[float]:
    """Wall times of `runs` executions, in seconds."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - began)
        if check is not None and done.returncode != check:
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return times


def median_ms(times: Sequence[float]) -> float:
    return statistics.median(times) * 1000


def new_repo(files: dict[str, str]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="healer-bench-"))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "bench")
    return root


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def healer_argv(*args: str) -> list[str]:
    """The installed `healer` script beside this Python, as a user runs it."""
    script = Path(BIN) / "healer"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "healer", *args]


def cleanup(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def row(label: str, times: Sequence[float]) -> str:
    return f"  {label:<44} median {median_ms(times):8.1f} ms   (min {min(times) * 1000:7.1f}, n={len(times)})"
