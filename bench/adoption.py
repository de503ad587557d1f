"""Adoption in real repositories: figures for issue 18.

Part 1, hold the line (`block = "new"`): a repository whose main (pushed, the
upstream) has 300 ruff findings. The pre-commit hook, as `git commit` runs it,
on a staged change that adds one new finding (must block: exit 1) and on one
that adds none (must pass: exit 0). The first commit's base is checked once in
the shadow tree (a fresh knowledge base); after that its results come from the
cache. Printed: each case's exit code and median time, and the first (cold)
time; with block = "all" the same pre-existing findings block every commit.

Part 2, a monorepo (bench/monorepo.py): six projects; a commit touching one runs only its stages (printed),
beside a commit touching a root file, which runs all.

Part 3, the remote cache (bench/remote_cache.py): a second clone's first run with everything in the shared
cache (a real nginx WebDAV server) vs the first clone's run, on the six real projects; and what a server that
does not answer costs.

Run: .venv/bin/python bench/adoption.py [--runs N] [--part 1|2|3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BIN, bench_env, cleanup, git, median_ms, new_repo

LINT = '[stages.lint]\nrun = "ruff check --no-cache --select F401 --output-format concise ."\nkind = "lint"\n'
PRE_EXISTING = 300


def _hook(root: Path, env: dict[str, str]) -> tuple[int, float, str]:
    began = time.perf_counter()
    done = subprocess.run(
        [str(Path(BIN) / "python"), "-m", "healer", "hook", "pre-commit"], cwd=root, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    return done.returncode, time.perf_counter() - began, done.stdout + done.stderr


def _case(root: Path, env: dict[str, str], name: str, text: str, runs: int) -> tuple[int, list[float], str]:
    """Stage `name` with `text`, run the hook `runs` times; the index is put back afterwards."""
    (root / name).write_text(text)
    git(root, "add", name)
    codes, times, said = set(), [], ""
    for _ in range(runs):
        code, seconds, said = _hook(root, env)
        codes.add(code)
        times.append(seconds)
    git(root, "rm", "-q", "--cached", name)
    (root / name).unlink()
    if len(codes) != 1:
        raise SystemExit(f"{name}: the hook's exit code changed between runs: {sorted(codes)}")
    return codes.pop(), times, said


def hold_the_line(runs: int) -> bool:
    """Part 1; True when a new finding blocked and none passed."""
    legacy = "".join(f"import legacy_module_{i}\n" for i in range(PRE_EXISTING))
    root = new_repo({"healer.toml": 'block = "new"\n' + LINT, "legacy.py": legacy})
    scratch = Path(tempfile.mkdtemp(prefix="healer-bench-remote-"))
    try:
        git(scratch, "init", "-q", "--bare", "remote.git")
        git(root, "remote", "add", "origin", str(scratch / "remote.git"))
        git(root, "push", "-q", "-u", "origin", "main")
        env = bench_env(scratch / "healer.db")
        cold_code, cold_times, _ = _case(root, env, "feature.py", "import os\n", 1)
        new_code, new_times, said = _case(root, env, "feature.py", "import os\n", runs)
        none_code, none_times, _ = _case(root, env, "ok.py", "print('fine')\n", runs)
        (root / "healer.toml").write_text(LINT)  # block = "all": what adopting healer meant before
        git(root, "commit", "-q", "-am", "block all")
        all_code, all_times, _ = _case(root, env, "ok.py", "print('fine')\n", runs)
    finally:
        cleanup(root)
        cleanup(scratch)
    print(f"hold the line: a repository with {PRE_EXISTING} pre-existing ruff findings, block = \"new\", "
          f"the pre-commit hook ({runs} runs each, median)")  # fmt: skip
    print(f"  adds one new finding, base checked now:  exit {cold_code}  {median_ms(cold_times):7.0f} ms")
    print(f"  adds one new finding, base from cache:   exit {new_code}  {median_ms(new_times):7.0f} ms")
    print(f"  adds none:                               exit {none_code}  {median_ms(none_times):7.0f} ms")
    print(f'  adds none, block = "all":                exit {all_code}  {median_ms(all_times):7.0f} ms')
    named = [line.strip() for line in said.splitlines() if "imported but unused" in line]
    print(f"  the finding named new: {named}")
    ok = cold_code == new_code == 1 and none_code == 0 and all_code == 1 and len(named) == 1
    print(f"  {'OK' if ok else 'UNEXPECTED'}: one new finding blocks, none passes")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--part", type=int, choices=(1, 2, 3), action="append", help="only this part")
    args = parser.parse_args()
    parts = args.part or [1, 2, 3]
    ok = hold_the_line(args.runs) if 1 in parts else True
    if 2 in parts:
        from monorepo import monorepo_commit

        print("\n".join(monorepo_commit(max(1, args.runs // 2))))
    if 3 in parts:
        from remote_cache import main as remote_cache

        ok = remote_cache(["--repeat", str(max(1, args.runs // 2))]) == 0 and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
