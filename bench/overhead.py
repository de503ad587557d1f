"""(a) Overhead: `healer run` of one stage `true` (cache off) vs `true` directly vs pre-commit.

Target: healer takes at most a quarter of `pre-commit run --all-files` with an equivalent local hook.
The like-for-like line is `--no-cache --no-history` (pre-commit records nothing either); plain
`--no-cache` still records the run in the knowledge base, and its line shows what that costs.
Run: .venv/bin/python bench/overhead.py [--runs N]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import age, bench_env, cleanup, healer_argv, median_ms, new_repo, pre_commit_argv, row, time_command

PRE_COMMIT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: "true"
        name: "true"
        entry: "true"
        language: system
        always_run: true
        pass_filenames: false
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    root = new_repo(
        {
            "healer.toml": '[stages.true]\nrun = "true"\n',
            ".pre-commit-config.yaml": PRE_COMMIT_CONFIG,
            "a.py": "x = 1\n",
        }
    )
    state = Path(tempfile.mkdtemp(prefix="healer-bench-state-"))
    env = bench_env(state / "healer.db")
    env["PRE_COMMIT_HOME"] = str(state / "pre-commit")
    # Warm-up: first runs create the knowledge base, healer's config memo and pre-commit's store.
    age(root / "healer.toml")
    time_command(healer_argv("run", "--no-cache"), root, env, 2)
    time_command(pre_commit_argv("run", "--all-files"), root, env, 2)
    direct = time_command(["true"], root, env, args.runs)
    healer = time_command(healer_argv("run", "--no-cache", "--no-history"), root, env, args.runs)
    recorded = time_command(healer_argv("run", "--no-cache"), root, env, args.runs)
    framework = time_command(pre_commit_argv("run", "--all-files"), root, env, args.runs)
    print("bench/overhead.py: one stage `true`, cache off")
    print(row("true directly", direct))
    print(row("healer run --no-cache --no-history", healer))
    print(row("healer run --no-cache (records the run)", recorded))
    print(row("pre-commit run --all-files (local hook)", framework))
    ratio = median_ms(healer) / median_ms(framework)
    print(f"  healer / pre-commit = {ratio:.3f}   (target <= 0.25: {'met' if ratio <= 0.25 else 'MISSED'})")
    print(f"  healer overhead over `true` = {median_ms(healer) - median_ms(direct):.1f} ms")
    print(f"  recording the run in the knowledge base = {median_ms(recorded) - median_ms(healer):.1f} ms")
    cleanup(root, state)


if __name__ == "__main__":
    main()
