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
    """The environment every benchmarked command gets: tools beside this Python first, a private KB.

    Python's default bytecode caching is restored: a user's healer, like the
    pre-commit it is compared with, starts from cached bytecode, not source.
    """
    env = {**os.environ, **GIT_ENV, "HEALER_DB": str(db), "PATH": BIN + os.pathsep + os.environ["PATH"]}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


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


REPO = Path(__file__).resolve().parents[1]
_INSTALLED: list[Path] = []


def installed_bin() -> Path:
    """A fresh virtualenv with healer installed from a wheel, as a user installs it, and pre-commit beside it.

    The development environment's editable install adds an import hook that
    costs every start about 15 ms; neither a user's healer nor pre-commit pays
    that, so both are measured from one clean environment. Only what the
    measured paths import is installed (healer's wheel without its heavy
    optional-path dependencies such as litellm and textual, which `healer run`
    never imports).
    """
    if _INSTALLED:
        return _INSTALLED[0]
    where = Path(tempfile.mkdtemp(prefix="healer-bench-venv-"))
    wheels = where / "wheels"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    subprocess.run([sys.executable, "-m", "venv", str(where / "venv")], **quiet)  # type: ignore[call-overload]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        **quiet,  # type: ignore[call-overload]
    )
    pip = [str(where / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", *map(str, wheels.glob("healer-*.whl"))], **quiet)  # type: ignore[call-overload]
    subprocess.run([*pip, "sqlite-utils", "rich", "pre-commit", "lefthook"], **quiet)  # type: ignore[call-overload]
    _INSTALLED.append(where / "venv" / "bin")
    return _INSTALLED[0]


def healer_argv(*args: str) -> list[str]:
    """The `healer` script of the fresh installation, as a user runs it."""
    return [str(installed_bin() / "healer"), *args]


def pre_commit_argv(*args: str) -> list[str]:
    return [str(installed_bin() / "pre-commit"), *args]


def lefthook_argv(*args: str) -> list[str]:
    return [str(installed_bin() / "lefthook"), *args]


def age(path: Path, seconds: float = 3600) -> None:
    """Make a file look written an hour ago, as a project's configuration usually is.

    healer memoises its parsed configuration only for files older than two
    seconds (see healer/config/memo.py); a benchmark that writes its config and
    measures at once would otherwise measure a case users almost never hit.
    """
    past = time.time() - seconds
    os.utime(path, (past, past))


def cleanup(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def row(label: str, times: Sequence[float]) -> str:
    return f"  {label:<44} median {median_ms(times):8.1f} ms   (min {min(times) * 1000:7.1f}, n={len(times)})"
