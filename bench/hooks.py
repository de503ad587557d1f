"""Hooks: healer's installed pre-commit hook on content it already checked, vs the pre-commit framework and lefthook.

All three run the same checks (ruff, mypy, pytest) on the same staged one-line
change to healer's own source. healer has checked that content once before
(a cache hit, as when a commit is retried or amended); the others have no
cache. A second figure times the shadow tree's sync after a one-file change in
a 5,000-file repository.
Targets: healer's hook at most 60 ms median and at most a quarter of the pre-commit framework's time;
the shadow sync at most 100 ms.
Run: .venv/bin/python bench/hooks.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    REPO,
    age,
    bench_env,
    cleanup,
    git,
    healer_argv,
    lefthook_argv,
    median_ms,
    new_repo,
    pre_commit_argv,
    row,
    time_command,
)

CHECKS = [
    ("ruff", "ruff check --no-fix healer"),
    ("mypy", "mypy healer/config healer/pipeline healer/globs.py"),
    ("pytest", "pytest -q -p no:cacheprovider tests/test_globs.py tests/config"),
]
HEALER = "".join(
    f'[stages.{name}]\nrun = "{command}"\ninputs = ["*.py", "pyproject.toml"]\n' for name, command in CHECKS
)
PRE_COMMIT = "repos:\n  - repo: local\n    hooks:\n" + "".join(
    f"      - id: {name}\n        name: {name}\n        entry: {command}\n        language: system\n"
    "        pass_filenames: false\n        types: [python]\n"
    for name, command in CHECKS
)
LEFTHOOK = "pre-commit:\n  parallel: true\n  commands:\n" + "".join(
    f"    {name}:\n      glob: '*.py'\n      run: {command}\n" for name, command in CHECKS
)


def project(state: Path, name: str, extra: dict[str, str]) -> Path:
    root = state / name
    git(REPO, "clone", "-q", "--no-hardlinks", str(REPO), str(root))
    for file, text in extra.items():
        (root / file).write_text(text)
        age(root / file)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "bench configuration")
    target = root / "healer" / "globs.py"
    target.write_text(target.read_text() + "\n# a staged one-line change\n")
    git(root, "add", "healer/globs.py")
    return root


def hook_times(root: Path, env: dict[str, str], runs: int) -> list[float]:
    hook = root / ".git" / "hooks" / "pre-commit"
    return time_command([str(hook)], root, env, runs, check=None)


def shadow_sync_ms(runs: int) -> tuple[float, int]:
    sys.path.insert(0, str(REPO))
    from healer.snapshot.shadow import Shadow
    from healer.snapshot.tree import commit_tree

    files = {f"pkg{d}/mod{f}.py": f"value = {d * 100 + f}\n" for d in range(50) for f in range(100)}
    root = new_repo(files)
    first = commit_tree(root, "HEAD")
    (root / "pkg7" / "mod42.py").write_text("value = 'changed'\n")
    git(root, "commit", "-q", "-am", "one file")
    second = commit_tree(root, "HEAD")
    shadow = Shadow(root, root / ".git" / "healer")
    with shadow.checkout(first):
        pass  # the first checkout writes all 5,000 files
    times = []
    for i in range(runs):
        began = time.perf_counter()
        with shadow.checkout(second if i % 2 == 0 else first):
            pass
        times.append(time.perf_counter() - began)
    cleanup(root)
    return statistics.median(times) * 1000, len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--peer-runs", type=int, default=5)
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="healer-bench-hooks-"))
    env = bench_env(state / "healer.db")
    env["PRE_COMMIT_HOME"] = str(state / "pre-commit")
    env["MYPY_CACHE_DIR"] = str(state / "mypy-cache")

    ours = project(state, "healer", {"healer.toml": HEALER})
    subprocess.run(healer_argv("install", "--hook", "pre-commit"), cwd=ours, env=env, check=True, capture_output=True)
    framework = project(state, "framework", {".pre-commit-config.yaml": PRE_COMMIT})
    subprocess.run(pre_commit_argv("install"), cwd=framework, env=env, check=True, capture_output=True)
    lefthook = project(state, "lefthook", {"lefthook.yml": LEFTHOOK})
    subprocess.run(lefthook_argv("install"), cwd=lefthook, env=env, check=True, capture_output=True)

    hook_times(ours, env, 1)  # checks the staged content once: the cache now holds it
    for peer in (framework, lefthook):
        hook_times(peer, env, 1)  # warm the tools' own caches (mypy) like a developer's
    healer = hook_times(ours, env, args.runs)
    pre_commit = hook_times(framework, env, args.peer_runs)
    left = hook_times(lefthook, env, args.peer_runs)
    sync_ms, files = shadow_sync_ms(args.runs)

    print("bench/hooks.py: pre-commit hook, staged one-line change to healer's source, checks ruff + mypy + pytest")
    print(row("healer hook (content already checked)", healer))
    print(row("pre-commit framework hook", pre_commit))
    print(row("lefthook hook (parallel)", left))
    ratio = median_ms(healer) / median_ms(pre_commit)
    print(
        f"  healer median {median_ms(healer):.1f} ms (target <= 60: {'met' if median_ms(healer) <= 60 else 'MISSED'})"
    )
    print(f"  healer / pre-commit framework = {ratio:.3f} (target <= 0.25: {'met' if ratio <= 0.25 else 'MISSED'})")
    print(f"  healer / lefthook = {median_ms(healer) / median_ms(left):.3f}")
    print(f"  shadow sync after a one-file change, {files} files: median {sync_ms:.1f} ms "
          f"(target <= 100: {'met' if sync_ms <= 100 else 'MISSED'})")  # fmt: skip
    cleanup(state)


if __name__ == "__main__":
    main()
