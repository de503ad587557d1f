"""(c) N independent CPU-bound stages vs the longest one alone, with N no more than the cores.

Target: the whole run takes at most 1.15 times the longest stage run alone.
Run: .venv/bin/python bench/parallel.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from common import age, bench_env, cleanup, healer_argv, median_ms, new_repo, row, time_command

BURN = "import time\\nend = time.process_time() + {seconds}\\nwhile time.process_time() < end: pass"


def stage(name: str, seconds: float) -> str:
    code = BURN.format(seconds=seconds)
    return f'[stages.{name}]\nrun = ["{sys.executable}", "-c", "{code}"]\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    lengths = [1.0 - 0.1 * i for i in range(cores)]
    all_stages = "".join(stage(f"s{i}", seconds) for i, seconds in enumerate(lengths))
    root = new_repo({"healer.toml": all_stages})
    longest_root = new_repo({"healer.toml": stage("s0", lengths[0])})
    state = Path(tempfile.mkdtemp(prefix="healer-bench-state-"))
    env = bench_env(state / "healer.db")
    age(root / "healer.toml")
    age(longest_root / "healer.toml")
    alone = time_command(healer_argv("run", "--no-cache"), longest_root, env, args.runs)
    together = time_command(healer_argv("run", "--no-cache"), root, env, args.runs)
    print(f"bench/parallel.py: {cores} CPU-bound stages of {', '.join(f'{x:.1f}s' for x in lengths)} on {cores} cores")
    print(row("longest stage alone (healer run)", alone))
    print(row(f"all {cores} stages (healer run)", together))
    ratio = median_ms(together) / median_ms(alone)
    print(f"  together / longest alone = {ratio:.3f}   (target <= 1.15: {'met' if ratio <= 1.15 else 'MISSED'})")
    cleanup(root, longest_root, state)


if __name__ == "__main__":
    main()
