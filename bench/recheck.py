"""(b) Re-checking unchanged content: a cached ruff + mypy + pytest pipeline vs running the tools.

The project is healer itself (a real project with real ruff, mypy and pytest
configuration), cloned at HEAD into a temporary folder.
Targets: healer's cached re-check at most 60 ms median, and at least 20 times
faster than running the three tools directly one after the other.
Run: .venv/bin/python bench/recheck.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from common import age, bench_env, cleanup, git, healer_argv, median_ms, row, time_command

REPO = Path(__file__).resolve().parents[1]
PIPELINE = """\
[stages.lint]
run = "ruff check healer"
kind = "lint"
inputs = ["*.py", "pyproject.toml"]

[stages.typecheck]
run = "mypy healer/config healer/pipeline healer/globs.py"
kind = "typecheck"
inputs = ["*.py", "pyproject.toml"]

[stages.test]
run = "pytest -q -p no:cacheprovider tests/test_globs.py tests/config"
kind = "test"
inputs = ["*.py", "pyproject.toml"]
"""
TOOLS = [
    ["ruff", "check", "healer"],
    ["mypy", "healer/config", "healer/pipeline", "healer/globs.py"],
    ["pytest", "-q", "-p", "no:cacheprovider", "tests/test_globs.py", "tests/config"],
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="healer-bench-state-"))
    root = state / "project"
    git(REPO, "clone", "-q", "--no-hardlinks", str(REPO), str(root))
    (root / "healer.toml").write_text(PIPELINE)
    age(root / "healer.toml")
    env = bench_env(state / "healer.db")
    env["MYPY_CACHE_DIR"] = str(state / "mypy-cache")
    # The first run fills the cache (and warms mypy's own cache, as a developer's would be).
    first = subprocess.run(healer_argv("run", "--json"), cwd=root, env=env, capture_output=True, text=True)
    if first.returncode not in (0, 1):
        raise SystemExit(f"healer run failed: {first.stderr}")
    for tool in TOOLS:
        time_command(tool, root, env, 1, check=None)
    cached = time_command(healer_argv("run"), root, env, args.runs, check=None)
    tools_runs = max(3, args.runs // 4)
    direct = []
    for _ in range(tools_runs):
        total = 0.0
        for tool in TOOLS:
            total += time_command(tool, root, env, 1, check=None)[0]
        direct.append(total)
    print("bench/recheck.py: unchanged content, pipeline ruff + mypy + pytest on healer's own source")
    print(row("healer run (all stages cached)", cached))
    print(row("ruff + mypy + pytest run directly", direct))
    speedup = median_ms(direct) / median_ms(cached)
    print(
        f"  cached median {median_ms(cached):.1f} ms (target <= 60: {'met' if median_ms(cached) <= 60 else 'MISSED'})"
    )
    print(f"  speed-up {speedup:.1f}x (target >= 20: {'met' if speedup >= 20 else 'MISSED'})")
    cleanup(state)


if __name__ == "__main__":
    main()
