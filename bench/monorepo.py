"""A 6-project monorepo: a commit touching one project runs only its stages, beside a commit that runs them all.

Six Python projects under packages/, each with its own ruff and pytest stages in its pyproject.toml, named by
`workspaces = ["packages/*"]` in the root's healer.toml. The pre-commit hook (`healer hook pre-commit`, as
the installed hook runs it) checks, in turn, each staged change:
- a root file (uv.lock, read by every project): every project's stages run;
- a file in one project: its two stages run, the other five projects are left out with a line each;
with a fresh knowledge base before each, so nothing comes from the cache. Then the same one-project commit
again with the cache warm from a full `healer run` (the other projects' results would be reused anyway).
Run: .venv/bin/python bench/monorepo.py [--runs N]
(The measure of issue 18 names bench/adoption.py; this is its monorepo part, `monorepo_commit`, kept apart
while that file is written by another helper.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import age, bench_env, cleanup, git

PROJECTS = 6
PROJECT = """\
[project]
name = "{name}"
version = "0"

[tool.healer.stages.lint]
run = "ruff check ."
kind = "lint"

[tool.healer.stages.test]
run = "pytest -q -p no:cacheprovider"
kind = "test"
needs = ["lint"]
"""
TESTS = "".join(f"def test_{n}():\n    assert sum(range({n})) == {n * (n - 1) // 2}\n\n\n" for n in range(20))


def _monorepo(root: Path) -> None:
    (root / "healer.toml").write_text('workspaces = ["packages/*"]\n')
    (root / "uv.lock").write_text("version = 1\n")
    for number in range(PROJECTS):
        folder = root / "packages" / f"p{number}"
        folder.mkdir(parents=True)
        (folder / "pyproject.toml").write_text(PROJECT.format(name=f"p{number}"))
        (folder / f"test_p{number}.py").write_text(TESTS)
        (folder / f"p{number}.py").write_text("VALUE = 0\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "six projects")
    for path in root.rglob("*"):
        if ".git" not in path.parts:
            age(path)
    age(root)


def _hook(root: Path, env: dict[str, str]) -> tuple[float, dict[str, str]]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "healer", "hook", "pre-commit", "--json"], cwd=root, env=env, capture_output=True
    )
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"the hook exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    stages = json.loads(done.stdout)["stages"]
    return took, {s["name"]: s["status"] + (" (cached)" if s["cached"] else "") for s in stages}


def _stage(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)
    git(root, "add", "--", name)


def monorepo_commit(runs: int) -> list[str]:
    """The figures, as lines: which stages a one-project commit runs and its time, beside an all-project one."""
    state = Path(tempfile.mkdtemp(prefix="healer-bench-monorepo-"))
    root = state / "repo"
    root.mkdir()
    _monorepo(root)
    lines = [f"monorepo: {PROJECTS} projects (ruff + pytest each), the pre-commit hook, median of {runs}"]
    figures: dict[str, list[float]] = {"root": [], "one": [], "warm": []}
    ran: dict[str, dict[str, str]] = {}
    try:
        for attempt in range(runs):
            for case, path in (("root", "uv.lock"), ("one", "packages/p3/p3.py")):
                env = bench_env(state / f"kb-{case}-{attempt}.db")  # nothing cached
                _stage(root, path, f"VALUE = {attempt + 1}  # {case}\n")
                took, statuses = _hook(root, env)
                figures[case].append(took)
                ran[case] = statuses
                git(root, "reset", "-q", "--", path)
                git(root, "checkout", "-q", "--", path)
            warm = bench_env(state / f"kb-warm-{attempt}.db")
            subprocess.run([sys.executable, "-m", "healer", "run"], cwd=root, env=warm, capture_output=True)
            _stage(root, "packages/p3/p3.py", f"VALUE = {attempt + 100}\n")
            took, ran["warm"] = _hook(root, warm)
            figures["warm"].append(took)
            git(root, "reset", "-q", "--", "packages/p3/p3.py")
            git(root, "checkout", "-q", "--", "packages/p3/p3.py")
        labels = {
            "root": "commit touching uv.lock (every project)",
            "one": "commit touching packages/p3 only",
            "warm": "the same, after a full run (cache warm)",
        }
        for case, label in labels.items():
            times = sorted(figures[case])
            median = times[len(times) // 2] * 1000
            statuses = ran[case]
            run = [name for name, status in statuses.items() if not status.startswith("skipped")]
            skipped = len(statuses) - len(run)
            lines.append(f"  {label:<42} {median:7.0f} ms  ran {len(run)} of {len(statuses)} ({skipped} left out)")
            lines.append(f"    ran: {', '.join(run)}")
        speedup = sorted(figures["root"])[runs // 2] / sorted(figures["one"])[runs // 2]
        lines.append(f"  one project's commit is {speedup:.1f}x faster than a commit that runs every project")
    finally:
        cleanup(state)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("\n".join(monorepo_commit(args.runs)))


if __name__ == "__main__":
    main()
