"""Per-file stages: a one-file change in a large repository, against the linter on that file and a whole rerun.

A synthetic repository of --files Python modules (10,000 by default) with a `ruff check` stage, checked once so
every result is cached; then, for each of --runs rounds, one module gets new content and is checked by:

- healer with the stage `files = "each"` (the changed file reruns, the others come from their cache entries);
- `ruff check` on that one file, directly (the floor);
- healer with the same stage as a whole (`files = "whole"`: ruff over the whole repository again);

and `healer run` with nothing changed (every file cached), the cost every check pays on top of the linter.
The issue's target: per-file ≤ 1.2 × (ruff on the file + the cached run).

Run: .venv/bin/python bench/per_file.py [--files 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import age, bench_env, cleanup, median_ms, new_repo, row

CONFIG = """\
[stages.lint]
run = ["ruff", "check", "--no-fix", "--no-cache"{dot}]
inputs = ["*.py", "pyproject.toml"]
files = "{files}"
parser = "ruff"
"""


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - began
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    modules = {f"pkg{n // 500}/mod_{n:05}.py": f"VALUE_{n} = {n}\n" for n in range(args.files)}
    modules["pyproject.toml"] = "[tool.ruff]\nline-length = 100\n"
    each = new_repo({**modules, "healer.toml": CONFIG.format(dot="", files="each")})
    whole = new_repo({**modules, "healer.toml": CONFIG.format(dot=', "."', files="whole")})
    db = each.parent / f"{each.name}.db"
    env = bench_env(db)
    healer = [sys.executable, "-m", "healer", "run"]
    try:
        for repo in (each, whole):
            age(repo / "healer.toml")
            timed(healer, repo, env)  # everything cached from here on
        per_file: list[float] = []
        direct: list[float] = []
        rerun: list[float] = []
        cached: list[float] = []
        for number in range(args.runs):
            name = f"pkg0/mod_{number:05}.py"
            for repo in (each, whole):
                (repo / name).write_text(f"VALUE_{number} = 'round {number}'\n")
            per_file.append(timed(healer, each, env))
            direct.append(timed(["ruff", "check", "--no-fix", "--no-cache", name], each, env))
            rerun.append(timed(healer, whole, env))
            cached.append(timed(healer, each, env))
        print(f"one-file change in a {args.files}-file repository, {args.runs} runs each (interleaved)")
        print(row('healer, files = "each" (one file reruns)', per_file))
        print(row("ruff check on that one file, directly", direct))
        print(row('healer, files = "whole" (ruff over everything)', rerun))
        print(row("healer run, nothing changed (all cached)", cached))
        floor = median_ms(direct) + median_ms(cached)
        ratio = median_ms(per_file) / floor
        verdict = "meets" if ratio <= 1.2 else "misses"
        print(f"  per-file / (ruff on one file + cached run) = {ratio:.2f}  ({verdict} the 1.2x target)")
    finally:
        cleanup(each, whole, db)


if __name__ == "__main__":
    main()
